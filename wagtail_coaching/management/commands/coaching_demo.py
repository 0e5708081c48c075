"""Fill an empty database with a believable coaching demo. Running it again changes nothing,
except that Camille and Claire always have a session whose video room is open now.

Content (notes, goals and their history, a document, a board drawing, answers, a short
conversation) is written through the app's own functions, so it is encrypted like real
content; Claire publishes a weekly availability for bookings. Dates hold together: nothing
is completed after its space closed, and each space plans as many sessions as its
programme."""

import datetime
import io
import math

import swapper
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Site

from wagtail_coaching.accounts import twofactor
from wagtail_coaching.booking.models import AvailabilityRange
from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.management.commands._demo_programmes import (
    PROGRAMMES,
    module_stream,
    steps_stream,
)
from wagtail_coaching.programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage
from wagtail_coaching.programmes.progress import Action, Answer, ModuleProgress, StepMark
from wagtail_coaching.sessions import board, jitsi
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import content, documents, lock, roles
from wagtail_coaching.spaces.contracts import DEFAULT_BODY, DEFAULT_TITLE, ContractTemplate
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, Organisation
from wagtail_coaching.spaces.preferences import set_user_language
from wagtail_coaching.trials.pages import TrialRequestPage

# The site's base page model: Wagtail's Page, or the one WAGTAIL_PAGE_MODEL names.
Page = swapper.load_model("wagtailcore", "Page")

DEMO_PASSWORD = "coaching-demo"
ORGANISATION = "Northwind Logistics"

# Each person's language; the others read the site's default (English).
LANGUAGES = {"camille": "en", "lucas": "fr", "coach.claire": "en", "hr": "fr"}

TRIAL_PAGE = {
    "en": {
        "title": "Try coaching",
        "intro": "<p>Not sure coaching is for you? Ask for a free trial session with one of "
        "our coaches, or a guided visit of the platform.</p>",
        "thank_you_text": "<p>Thank you! We will write to you within two working days.</p>",
    },
    "fr": {
        "title": "Essayer le coaching",
        "intro": "<p>Vous hésitez ? Demandez une séance d’essai gratuite avec l’un de nos "
        "coachs, ou une visite guidée de la plateforme.</p>",
        "thank_you_text": "<p>Merci ! Nous vous écrivons sous deux jours ouvrés.</p>",
    },
}

# username, first name, last name, role
PEOPLE = [
    ("admin", "Ada", "Admin", "superuser"),
    ("hr", "Hélène", "Rossi", "hr"),
    ("coach.claire", "Claire", "Morel", "coach"),
    ("coach.david", "David", "Okafor", "coach"),
    ("camille", "Camille", "Durand", "coachee"),
    ("lucas", "Lucas", "Bernard", "coachee"),
    ("sofia", "Sofia", "Lindqvist", "coachee"),
]

# coachee, coach, status, start (days from today), end (days),
# sessions as (days from now, hour, status, confirmed minutes), programme language,
# modules completed (indexes), modules started but not completed. Each space plans as many
# sessions as its programme; Camille's open session (``open_session``) completes hers.
SPACES = [
    (
        "camille",
        "coach.claire",
        ClientSpaceStatus.ACTIVE,
        -45,
        75,
        [
            (-42, 9, "done", 55),
            (-28, 9, "done", 60),
            (-14, 9, "cancelled", None),
            (-7, 9, "done", 50),
            (3, 9, "planned", None),
            (17, 9, "planned", None),
        ],
        "en",
        [0],
        [1],
    ),
    (
        "lucas",
        "coach.claire",
        ClientSpaceStatus.PLANNED,
        7,
        120,
        [(8, 14, "planned", None)],
        "fr",
        [],
        [],
    ),
    (
        "sofia",
        "coach.david",
        ClientSpaceStatus.CLOSED,
        -180,
        -20,
        [
            (-170, 11, "done", 60),
            (-140, 11, "done", 60),
            (-110, 11, "missed", None),
            (-80, 11, "done", 45),
            (-40, 11, "done", 60),
        ],
        "en",
        [0, 1, 2],
        [],
    ),
]


class Command(BaseCommand):
    help = "Create demo organisation, users, programme, client spaces and sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off (the demo users share a known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo users share a known "
                "password; pass --allow-production if you really want them here."
            )
        with transaction.atomic():
            created = self.build()
            self.open_session()
            self.conversation()
            self.availability()
        self.stdout.write(
            self.style.SUCCESS("Demo data created.") if created else "Demo data already present."
        )
        self.print_logins()

    def build(self):
        if ClientSpace.objects.filter(organisation__name=ORGANISATION).exists():
            return False
        users = {
            username: self.user(username, first, last, role)
            for username, first, last, role in PEOPLE
        }
        for username, language in LANGUAGES.items():
            set_user_language(users[username], language)
        organisation, _ = Organisation.objects.get_or_create(name=ORGANISATION)
        lock.grant_report_access(users["hr"], organisation)
        self.contracts()
        programmes = self.programmes()
        self.trial_page()
        today = timezone.localdate()
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for (
            coachee,
            coach,
            status,
            start,
            end,
            sessions,
            language,
            completed,
            started,
        ) in SPACES:
            programme, modules = programmes[language]
            space = ClientSpace.objects.create(
                coachee=users[coachee],
                coach=users[coach],
                organisation=organisation,
                programme=programme,
                status=status,
                start_date=today + datetime.timedelta(days=start),
                end_date=today + datetime.timedelta(days=end),
                planned_sessions=programme.planned_sessions,
            )
            for days, hour, session_status, minutes in sessions:
                CoachingSession.objects.create(
                    space=space,
                    starts_at=(now + datetime.timedelta(days=days)).replace(hour=hour),
                    duration_minutes=60,
                    status=SessionStatus(session_status),
                    confirmed_minutes=minutes,
                )
            # Nothing is done after the space's end: its last day is the latest date.
            last = min(now, now + datetime.timedelta(days=end))
            self.journey(space, modules, completed, started, last)
            if status == ClientSpaceStatus.ACTIVE:
                self.space_content(space)
        return True

    def open_session(self):
        """Give Camille and Claire a session whose room is open now, unless one is."""
        space = ClientSpace.objects.filter(
            organisation__name=ORGANISATION, coachee__username="camille"
        ).first()
        if space is None:
            return
        now = timezone.now()
        planned = CoachingSession.objects.filter(
            space=space,
            status=SessionStatus.PLANNED,
            starts_at__gte=now - datetime.timedelta(days=1),
        )
        if any(jitsi.is_room_open(session, now) for session in planned):
            return
        CoachingSession.objects.create(
            space=space,
            starts_at=now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=5),
            duration_minutes=60,
        )

    def conversation(self):
        """A short conversation between Camille and Claire, unless they have one. The last
        message is Camille's, unread by Claire."""
        space = ClientSpace.objects.filter(
            organisation__name=ORGANISATION, coachee__username="camille"
        ).first()
        if space is None or space.conversation_messages.exists():
            return
        coach, coachee = space.coach, space.coachee
        for author, text in (
            (coach, "Hello Camille, how did the Monday meeting go?"),
            (coachee, "Better than I feared! I spoke without my notes for the first ten minutes."),
            (coach, "That is a real step. Write down what helped you, we will start from it."),
            (coachee, "I will. Can we also talk about the budget review on Thursday?"),
        ):
            conversations.post(space, author, text)
        # Claire has read everything but Camille's last message.
        previous = space.conversation_messages.order_by("-pk")[1]
        conversations.mark_read(space, coach, previous.pk)

    def availability(self):
        """Claire takes sessions on Monday, Tuesday and Thursday mornings and on Wednesday
        afternoons (in her time zone), unless she published her own hours."""
        claire = get_user_model().objects.filter(username="coach.claire").first()
        if claire is None or AvailabilityRange.objects.filter(coach=claire).exists():
            return
        AvailabilityRange.objects.bulk_create(
            AvailabilityRange(coach=claire, weekday=weekday, starts=starts, ends=ends)
            for weekday, starts, ends in (
                (0, datetime.time(9), datetime.time(12)),
                (1, datetime.time(9), datetime.time(12)),
                (2, datetime.time(14), datetime.time(18)),
                (3, datetime.time(9), datetime.time(12)),
            )
        )

    def space_content(self, space):
        """Notes, goals with their history, a document and a board drawing, each written by
        the app's own functions (encrypted under the space's key)."""
        coach, coachee = space.coach, space.coachee
        for author, visibility, body in (
            (coachee, "shared", "Before the next session: what I want to say to my team."),
            (coachee, "private", "I felt nervous, and it went better than I feared."),
            (coach, "private", "Camille names her fears more easily; build on the budget win."),
        ):
            note = content.Note(space=space, author=author, visibility=visibility)
            note.body = body
            note.save()
        goal = content.Goal(space=space, created_by=coachee)
        goal.title = "Lead the Monday meeting without notes"
        goal.why = "To be present with my team instead of reading."
        goal.save()
        for progress in (0, 30, 60):
            goal.progress = progress
            goal.save()
            content.record_goal_change(goal, coachee)
        second = content.Goal(space=space, created_by=coachee, progress=20)
        second.title = "Ask for feedback once a week"
        second.save()
        content.record_goal_change(second, coachee)
        documents.store_document(
            space,
            coachee,
            SimpleUploadedFile(
                "my-week.txt",
                b"My week\n- Monday: team meeting\n- Thursday: budget review\n",
                "text/plain",
            ),
        )
        board.apply(
            space,
            coach,
            {
                "kind": "stroke",
                "id": "demo-circle",
                "tool": "pen",
                "color": "#0b6e4f",
                "width": 4,
                "points": [[200 + dx, 150 + dy] for dx, dy in _circle(80)],
            },
        )
        board.apply(
            space,
            coachee,
            {
                "kind": "text",
                "id": "demo-text",
                "x": 140,
                "y": 300,
                "text": "Calm, clear, present",
                "color": "#1d2430",
                # Reads at 16 CSS pixels and more on a board 340 pixels wide (a phone).
                "size": 48,
            },
        )

    def journey(self, space, modules, completed, started, last):
        """Progress of a space: modules completed with answers, modules only started, all
        before ``last`` (now, or the end of a closed space)."""
        for rank, index in enumerate(completed):
            module = modules[index]
            done = last - datetime.timedelta(days=2 + (len(completed) - 1 - rank) * 10)
            ModuleProgress.objects.create(
                space=space,
                module=module,
                started_at=done - datetime.timedelta(days=2),
                completed_at=done,
            )
            self.answer(space, module, done)
        for index in started:
            ModuleProgress.objects.create(
                space=space, module=modules[index], started_at=last - datetime.timedelta(days=2)
            )
        if len(completed) == len(modules):
            # A closed journey: the coach marked the assessment and the closing review done.
            for raw in space.programme.steps.raw_data:
                if raw["value"]["kind"] in ("assessment", "milestone"):
                    StepMark.objects.create(
                        space=space, step_id=raw["id"], done=True, marked_by=space.coach
                    )

    def answer(self, space, module, done):
        """Plausible answers to every interactive block of ``module``, done by ``done``."""
        for child in module.body:
            kind = child.block_type
            common = {"space": space, "module": module, "block_id": child.id}
            if kind == "reflection":
                reflection = Answer(kind="reflection", updated_by=space.coachee, **common)
                reflection.text = "When I presented the budget: I had prepared, and I listened."
                reflection.save()
            elif kind == "scale":
                Answer.objects.create(kind="scale", value=6, updated_by=space.coachee, **common)
            elif kind == "checklist":
                Answer.objects.create(
                    kind="checklist",
                    items=[item.id for item in child.value["items"].bound_blocks][:2],
                    updated_by=space.coachee,
                    **common,
                )
            elif kind == "action_plan":
                when = done
                for text, days, is_done in (
                    ("Hold a one-to-one with each team member", 14, True),
                    ("Ask for feedback after the next meeting", 30, False),
                ):
                    action = Action(
                        due_date=timezone.localdate(when) + datetime.timedelta(days=days),
                        done=is_done,
                        done_at=when if is_done else None,
                        created_by=space.coachee,
                        **common,
                    )
                    action.text = text  # encrypted under the space's key
                    action.save()

    def user(self, username, first_name, last_name, role):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": role == "superuser",
                "is_superuser": role == "superuser",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        twofactor.demo_totp_device(user)
        if role == "coach":
            user.groups.add(roles.coaches_group())
        if role == "hr":
            user.user_permissions.add(
                Permission.objects.get(
                    codename="access_admin", content_type__app_label="wagtailadmin"
                )
            )
        return user

    def programmes(self):
        """``{language: (programme, [modules])}``: the catalogue, in English and French.

        With Wagtail's i18n on, the French programme and its modules are translations of the
        English ones (as an editor's "Translate" makes them); without it, a second tree.
        """
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page if site else Page.get_first_root_node()
        index_data = PROGRAMMES["en"]["index"]
        index = ProgrammeIndexPage.objects.child_of(root).filter(slug=index_data["slug"]).first()
        if index is None:
            index = ProgrammeIndexPage(
                title=index_data["title"], slug=index_data["slug"], intro=index_data["intro"]
            )
            self.publish(root, index)
        image, document = self.image(), self.document()
        french = self.french_locale()
        result = {}
        english_modules = []
        for language in ("en", "fr"):
            data = PROGRAMMES[language]
            translating = language == "fr" and french is not None
            if translating:
                # Its steps get the French modules below, once these exist.
                self.translate(index.specific, french, data["index"])
                programme = self.translate(
                    result["en"][0], french, {**data["programme"], "steps": []}
                )
            else:
                programme = self.publish(index, ProgrammePage(image=image, **data["programme"]))
            modules = []
            for position, module_data in enumerate(data["modules"]):
                fields = {
                    "title": module_data["title"],
                    "slug": module_data["slug"],
                    "intro": module_data["intro"],
                    "estimated_minutes": module_data["minutes"],
                    "body": module_stream(module_data, image.pk, document.pk),
                }
                if translating:
                    module = self.translate(english_modules[position], french, fields)
                else:
                    module = self.publish(programme, ModulePage(**fields))
                modules.append(module)
            if language == "en":
                english_modules = modules
            programme.steps = steps_stream(data["steps"], [module.pk for module in modules])
            programme.save_revision().publish()
            programme.refresh_from_db()
            result[language] = (programme, [ModulePage.objects.get(pk=m.pk) for m in modules])
        return result

    @staticmethod
    def french_locale():
        """The French locale when the site translates pages (Wagtail i18n), else None."""
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return None
        if "fr" not in {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}:
            return None
        return Locale.objects.get_or_create(language_code="fr")[0]

    def translate(self, page, locale, fields):
        """``page``'s translation into ``locale`` (its parents too), with ``fields``."""
        translated = page.get_translation_or_none(locale)
        if translated is None:
            translated = page.copy_for_translation(locale, copy_parents=True)
        return self.update(translated.specific, fields)

    @staticmethod
    def update(page, fields):
        for name, value in fields.items():
            setattr(page, name, value)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    @staticmethod
    def contracts():
        """The default contract, version 1, in English and in French."""
        for language in ("en", "fr"):
            with translation.override(language):
                ContractTemplate.objects.get_or_create(
                    organisation=None,
                    programme=None,
                    language=language,
                    version=1,
                    defaults={"title": str(DEFAULT_TITLE), "body": str(DEFAULT_BODY)},
                )

    @staticmethod
    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    @staticmethod
    def image():
        from PIL import Image as PILImage

        buffer = io.BytesIO()
        PILImage.new("RGB", (960, 480), (242, 201, 120)).save(buffer, "PNG")
        return get_image_model().objects.create(
            title="Sunrise", file=ImageFile(buffer, name="sunrise.png")
        )

    @staticmethod
    def document():
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.drawString(72, 770, "Preparing a conversation / Préparer une conversation")
        for line, text in enumerate(("Facts:", "Effect:", "My request:")):
            pdf.drawString(72, 720 - line * 60, text)
        pdf.showPage()
        pdf.save()
        document = get_document_model()(title="Worksheet: preparing a conversation")
        document.file.save("preparing-a-conversation.pdf", ContentFile(buffer.getvalue()))
        return document

    def trial_page(self):
        """A public "Try coaching" page with the trial request form, under the home page,
        and its French translation when the site translates pages."""
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page if site else Page.get_first_root_node()
        page = root.get_children().type(TrialRequestPage).first()
        if page is None:
            page = self.publish(root, TrialRequestPage(slug="try-coaching", **TRIAL_PAGE["en"]))
        french = self.french_locale()
        if french is not None and page.get_translation_or_none(french) is None:
            self.translate(page.specific, french, TRIAL_PAGE["fr"])

    def print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        roles = {
            "superuser": "Wagtail admin superuser (cannot open client spaces)",
            "hr": f"HR of {ORGANISATION} (sees reports only)",
            "coach": "coach",
            "coachee": "coachee",
        }
        for username, first, last, role in PEOPLE:
            self.stdout.write(f"  {username:<14} {first} {last}: {roles[role]}")
        self.stdout.write(
            "\nEach demo login asks for a second factor: a code from an authenticator app set "
            "up\nwith the user's secret below (or its otpauth:// URL), or the current code "
            "printed by\n  python manage.py coaching_totp USERNAME"
        )
        User = get_user_model()
        for username, _first, _last, _role in PEOPLE:
            device = twofactor.demo_totp_device(User.objects.get(username=username))
            self.stdout.write(f"  {username:<14} secret {twofactor.secret_text(device)}")
            self.stdout.write(f"  {'':<14} {twofactor.otpauth_url(device)}")


def _circle(radius, steps=24):
    """Points of a circle of ``radius`` around the origin (the demo board's drawing)."""
    return [
        [
            round(radius * math.cos(2 * math.pi * n / steps), 1),
            round(radius * math.sin(2 * math.pi * n / steps), 1),
        ]
        for n in range(steps + 1)
    ]
