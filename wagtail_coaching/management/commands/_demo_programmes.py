# ruff: noqa: E501  (demo prose reads better unwrapped)
"""The demo's programme, in English and in French: three modules using every block type."""

import uuid

MODULE_VIDEO = "https://www.youtube.com/watch?v=iCvmsMzlF7o"


def _id():
    return str(uuid.uuid4())


def _stream(children):
    return [{"type": kind, "value": value, "id": _id()} for kind, value in children]


def _items(texts):
    return [{"type": "item", "value": text, "id": _id()} for text in texts]


PROGRAMMES = {
    "en": {
        "index": {
            "title": "Programmes",
            "slug": "programmes",
            "intro": "<p>Coaching programmes our coaches run, each known in full before it starts.</p>",
        },
        "programme": {
            "title": "Leading with confidence",
            "slug": "leading-with-confidence",
            "intro": "<p>Six sessions and three modules to lead a team with calm and clarity.</p>",
            "audience": "New and experienced managers who want to lead with more assurance.",
            "follow_up": (
                "<p>Your coach confirms every session held. You see your journey live in your "
                "space; your sponsor receives counts only: sessions held, modules followed, "
                "hours spent — never what you write.</p>"
            ),
            "planned_sessions": 6,
            "session_length_minutes": 60,
            "duration_weeks": 16,
        },
        "steps": [
            ("session", "First session: where you stand", "Goals, contract and ways of working."),
            ("module", "Module: know your strengths", "", 0),
            ("session", "Second session: your strengths at work", ""),
            ("module", "Module: difficult conversations", "", 1),
            ("session", "Third session: a conversation rehearsed", ""),
            ("assessment", "Mid-way self-assessment", "Where you stand compared to day one."),
            ("module", "Module: a plan for the next months", "", 2),
            ("session", "Fourth session: the plan reviewed", ""),
            ("milestone", "Closing review", "What changed, what comes next."),
        ],
        "modules": [
            {
                "title": "Know your strengths",
                "slug": "know-your-strengths",
                "intro": "Confidence starts from what you already do well.",
                "minutes": 25,
                "body": lambda image, document: [
                    ("heading", {"text": "What you already do well", "level": "h2"}),
                    (
                        "text",
                        "<p>Before changing anything, notice what works. Strengths are "
                        "what you do well <b>and</b> what gives you energy.</p>",
                    ),
                    (
                        "quote",
                        {
                            "quote": "Build on your strengths, and your weaknesses will matter less.",
                            "attribution": "Peter Drucker",
                        },
                    ),
                    ("image", {"image": image, "alt_text": "A sunrise over hills", "caption": ""}),
                    (
                        "reflection",
                        {
                            "question": "When did you last feel fully confident at work?",
                            "guidance": "Describe the situation, what you did and how it felt.",
                        },
                    ),
                    (
                        "scale",
                        {
                            "question": "How confident do you feel leading your team today?",
                            "min_value": 1,
                            "max_value": 10,
                            "min_label": "Not at all",
                            "max_label": "Completely",
                        },
                    ),
                    (
                        "talk_with_coach",
                        {"message": "Bring one strength you would like to use more."},
                    ),
                ],
            },
            {
                "title": "Difficult conversations",
                "slug": "difficult-conversations",
                "intro": "Prepare, listen, say what matters.",
                "minutes": 30,
                "body": lambda image, document: [
                    ("heading", {"text": "Prepare the conversation", "level": "h2"}),
                    (
                        "video",
                        {
                            "video": MODULE_VIDEO,
                            "title": "Three minutes on feedback",
                            "transcript": "Describe facts, their effect, and what you ask for.",
                        },
                    ),
                    (
                        "callout",
                        {
                            "tone": "tip",
                            "title": "Facts first",
                            "body": "<p>Start from what happened, not from what you think of it.</p>",
                        },
                    ),
                    (
                        "checklist",
                        {
                            "title": "Before the conversation",
                            "items": _items(
                                [
                                    "Write down the facts",
                                    "Name the effect on you or the team",
                                    "Decide what you will ask for",
                                ]
                            ),
                        },
                    ),
                    (
                        "resource",
                        {
                            "document": document,
                            "title": "Worksheet: preparing a conversation",
                            "description": "Print it or fill it in on screen.",
                        },
                    ),
                    (
                        "reflection",
                        {
                            "question": "Which conversation have you been putting off?",
                            "guidance": "",
                        },
                    ),
                    ("talk_with_coach", {"message": ""}),
                ],
            },
            {
                "title": "A plan for the next months",
                "slug": "a-plan-for-the-next-months",
                "intro": "Turn what you learnt into actions with dates.",
                "minutes": 20,
                "body": lambda image, document: [
                    ("heading", {"text": "From intentions to actions", "level": "h2"}),
                    ("text", "<p>An action is small, concrete and has a date.</p>"),
                    (
                        "action_plan",
                        {"title": "My next actions", "intro": "Three actions are plenty."},
                    ),
                    (
                        "scale",
                        {
                            "question": "How confident are you now, compared to day one?",
                            "min_value": 1,
                            "max_value": 10,
                            "min_label": "Less",
                            "max_label": "Much more",
                        },
                    ),
                    (
                        "callout",
                        {
                            "tone": "info",
                            "title": "Your sponsor",
                            "body": "<p>Your sponsor sees that you followed this module, never your answers.</p>",
                        },
                    ),
                ],
            },
        ],
    },
    "fr": {
        "index": {
            "title": "Programmes",
            "slug": "programmes",
            "intro": "<p>Les programmes de coaching de nos coachs, connus en entier avant de "
            "commencer.</p>",
        },
        "programme": {
            "title": "Diriger avec assurance",
            "slug": "diriger-avec-assurance",
            "intro": "<p>Six séances et trois modules pour diriger une équipe avec calme et clarté.</p>",
            "audience": "Managers débutants ou confirmés qui veulent diriger avec plus d’assurance.",
            "follow_up": (
                "<p>Votre coach confirme chaque séance tenue. Vous suivez votre parcours en direct "
                "dans votre espace ; votre commanditaire ne reçoit que des chiffres : séances "
                "tenues, modules suivis, heures passées — jamais ce que vous écrivez.</p>"
            ),
            "planned_sessions": 6,
            "session_length_minutes": 60,
            "duration_weeks": 16,
        },
        "steps": [
            (
                "session",
                "Première séance : où vous en êtes",
                "Objectifs, contrat et façon de travailler.",
            ),
            ("module", "Module : connaître vos forces", "", 0),
            ("session", "Deuxième séance : vos forces au travail", ""),
            ("module", "Module : les conversations difficiles", "", 1),
            ("session", "Troisième séance : une conversation répétée", ""),
            (
                "assessment",
                "Auto-évaluation à mi-parcours",
                "Où vous en êtes par rapport au premier jour.",
            ),
            ("module", "Module : un plan pour les mois à venir", "", 2),
            ("session", "Quatrième séance : le plan revu", ""),
            ("milestone", "Bilan de clôture", "Ce qui a changé, ce qui vient ensuite."),
        ],
        "modules": [
            {
                "title": "Connaître vos forces",
                "slug": "connaitre-vos-forces",
                "intro": "L’assurance part de ce que vous faites déjà bien.",
                "minutes": 25,
                "body": lambda image, document: [
                    ("heading", {"text": "Ce que vous faites déjà bien", "level": "h2"}),
                    (
                        "text",
                        "<p>Avant de changer quoi que ce soit, remarquez ce qui marche. Une force, "
                        "c’est ce que vous faites bien <b>et</b> qui vous donne de l’énergie.</p>",
                    ),
                    (
                        "quote",
                        {
                            "quote": "Appuyez-vous sur vos forces, vos faiblesses compteront moins.",
                            "attribution": "Peter Drucker",
                        },
                    ),
                    (
                        "image",
                        {
                            "image": image,
                            "alt_text": "Un lever de soleil sur des collines",
                            "caption": "",
                        },
                    ),
                    (
                        "reflection",
                        {
                            "question": "Quand vous êtes-vous senti pleinement sûr de vous au travail ?",
                            "guidance": "Décrivez la situation, ce que vous avez fait et ce que vous avez ressenti.",
                        },
                    ),
                    (
                        "scale",
                        {
                            "question": "Quelle assurance ressentez-vous aujourd’hui pour diriger votre équipe ?",
                            "min_value": 1,
                            "max_value": 10,
                            "min_label": "Aucune",
                            "max_label": "Totale",
                        },
                    ),
                    (
                        "talk_with_coach",
                        {"message": "Apportez une force que vous aimeriez utiliser davantage."},
                    ),
                ],
            },
            {
                "title": "Les conversations difficiles",
                "slug": "les-conversations-difficiles",
                "intro": "Préparer, écouter, dire ce qui compte.",
                "minutes": 30,
                "body": lambda image, document: [
                    ("heading", {"text": "Préparer la conversation", "level": "h2"}),
                    (
                        "video",
                        {
                            "video": MODULE_VIDEO,
                            "title": "Trois minutes sur le feedback",
                            "transcript": "Décrire les faits, leur effet, et ce que vous demandez.",
                        },
                    ),
                    (
                        "callout",
                        {
                            "tone": "tip",
                            "title": "Les faits d’abord",
                            "body": "<p>Partez de ce qui s’est passé, pas de ce que vous en pensez.</p>",
                        },
                    ),
                    (
                        "checklist",
                        {
                            "title": "Avant la conversation",
                            "items": _items(
                                [
                                    "Noter les faits",
                                    "Nommer l’effet sur vous ou sur l’équipe",
                                    "Décider de ce que vous allez demander",
                                ]
                            ),
                        },
                    ),
                    (
                        "resource",
                        {
                            "document": document,
                            "title": "Fiche : préparer une conversation",
                            "description": "À imprimer ou à remplir à l’écran.",
                        },
                    ),
                    (
                        "reflection",
                        {
                            "question": "Quelle conversation repoussez-vous depuis un moment ?",
                            "guidance": "",
                        },
                    ),
                    ("talk_with_coach", {"message": ""}),
                ],
            },
            {
                "title": "Un plan pour les mois à venir",
                "slug": "un-plan-pour-les-mois-a-venir",
                "intro": "Transformer ce que vous avez appris en actions datées.",
                "minutes": 20,
                "body": lambda image, document: [
                    ("heading", {"text": "Des intentions aux actions", "level": "h2"}),
                    ("text", "<p>Une action est petite, concrète et datée.</p>"),
                    (
                        "action_plan",
                        {"title": "Mes prochaines actions", "intro": "Trois actions suffisent."},
                    ),
                    (
                        "scale",
                        {
                            "question": "Quelle assurance ressentez-vous maintenant, par rapport au premier jour ?",
                            "min_value": 1,
                            "max_value": 10,
                            "min_label": "Moins",
                            "max_label": "Beaucoup plus",
                        },
                    ),
                    (
                        "callout",
                        {
                            "tone": "info",
                            "title": "Votre commanditaire",
                            "body": "<p>Votre commanditaire voit que vous avez suivi ce module, jamais vos réponses.</p>",
                        },
                    ),
                ],
            },
        ],
    },
}


def module_stream(module, image, document):
    return _stream(module["body"](image, document))


def steps_stream(steps, module_ids):
    stream = []
    for step in steps:
        kind, title, description = step[:3]
        module = module_ids[step[3]] if len(step) > 3 else None
        stream.append(
            {
                "type": "step",
                "value": {
                    "title": title,
                    "description": description,
                    "kind": kind,
                    "module": module,
                },
                "id": _id(),
            }
        )
    return stream
