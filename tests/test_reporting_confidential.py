"""Nothing confidential reaches a report.

A unique string is planted in every content field of a space, then every report output is
fetched — HTML pages, CSV, XLSX (read back with openpyxl), PDFs (text extracted with pypdf)
— and none of the strings may appear. The same outputs must show the space's coachee, so a
broken extraction cannot make the test pass.

To cover a new content model, add a line to ``PLANTERS``: ``(label, function(space, canary))``
where the function stores ``canary`` in one field of a new row belonging to ``space``.
"""

import csv
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail_coaching.programmes.progress import (
    Action,
    Answer,
    AnswerKind,
    ModuleProgress,
    StepMark,
)
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import content, documents
from wagtail_coaching.spaces.contracts import ContractTemplate
from wagtail_coaching.trials.models import TrialRequest

from .conftest import accept_contract
from .programmes import make_action, make_answer
from .test_reporting_views import add_sessions, pdf_text, xlsx_values
from .test_trials import make_trial

pytestmark = pytest.mark.django_db


def plant_answer_text(space, canary):
    make_answer(
        space=space,
        module=space.test_module,
        block_id=uuid.uuid4(),
        kind=AnswerKind.REFLECTION,
        text=canary,
    )


def plant_answer_items(space, canary):
    make_answer(
        space=space,
        module=space.test_module,
        block_id=uuid.uuid4(),
        kind=AnswerKind.CHECKLIST,
        items=[canary],
    )


def plant_action_text(space, canary):
    make_action(space=space, module=space.test_module, text=canary, done=True)


def plant_note(space, canary):
    note = content.Note(space=space, author=space.coachee, visibility="shared")
    note.body = canary
    note.save()


def plant_goal_title(space, canary):
    goal = content.Goal(space=space, created_by=space.coachee, progress=50)
    goal.title = canary
    goal.save()
    content.record_goal_change(goal, space.coachee)


def plant_goal_why(space, canary):
    goal = content.Goal(space=space, created_by=space.coachee)
    goal.title = "A goal"
    goal.why = canary
    goal.save()


def plant_document(space, canary):
    documents.store_document(
        space, space.coachee, SimpleUploadedFile(f"{canary}.txt", canary.encode(), "text/plain")
    )


def plant_contract_text(space, canary):
    ContractTemplate.objects.create(title="Contract", body=canary, organisation=space.organisation)


def plant_room_name(space, canary):
    # Not content, but a secret of the space: its video room's name.
    CoachingSession.objects.create(
        space=space,
        starts_at=space.sessions.first().starts_at,
        status="done",
        confirmed_minutes=30,
        room_name=canary.lower(),
    )


def plant_trial_outcome(space, canary):
    # The coach's outcome of the trial that became this space.
    make_trial(outcome=canary, status="converted", converted_space=space)


# (label, planter): one line for each content field of a space.
PLANTERS = [
    ("Answer.text", plant_answer_text),
    ("Answer.items", plant_answer_items),
    ("Action.text", plant_action_text),
    ("Note.body", plant_note),
    ("Goal.title", plant_goal_title),
    ("Goal.why", plant_goal_why),
    ("SpaceDocument", plant_document),
    ("ContractTemplate.body", plant_contract_text),
    ("CoachingSession.room_name", plant_room_name),
    ("TrialRequest.outcome", plant_trial_outcome),
]


@pytest.fixture
def planted(report_world):
    from .programmes import make_programme

    w = report_world
    w.coachee.first_name, w.coachee.last_name = "Dana", "Coachee"
    w.coachee.save()
    programme, modules = make_programme(modules=2)
    for space in (w.space, w.other_space):
        space.programme = programme
        space.save()
        add_sessions(space)
        space.test_module = modules[0]
        ModuleProgress.objects.create(space=space, module=modules[0])
        StepMark.objects.create(space=space, step_id=programme.steps.raw_data[0]["id"], done=True)
    canaries = []
    for number, (_label, plant) in enumerate(PLANTERS):
        for space in (w.space, w.other_space):
            # Short enough for every field (a room name holds 64 characters).
            canary = f"canary{number}-{uuid.uuid4().hex}"
            plant(space, canary)
            canaries.append(canary)
    w.canaries = canaries
    return w


def outputs(client, w):
    """Every report output about ``w.org`` (and the space's own report), as text."""
    ns = "wagtail_coaching_reports"
    org = [w.org.pk]
    period = "?period_from=2026-01-01&period_to=2026-12-31"
    texts = {}
    client.force_login(w.hr)
    for name, url in {
        "report": reverse(f"{ns}:organisation", args=org),
        "report (period)": reverse(f"{ns}:organisation", args=org) + period,
        "results": reverse(f"{ns}:organisation_results", args=org),
        "programmes": reverse(f"{ns}:programmes", args=org),
        "index": reverse(f"{ns}:index"),
    }.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, name
        texts[name] = response.content.decode()
    csv_response = client.get(reverse(f"{ns}:organisation", args=org) + "?export=csv")
    texts["csv"] = b"".join(csv_response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(texts["csv"])))
    xlsx = client.get(reverse(f"{ns}:organisation", args=org) + "?export=xlsx")
    texts["xlsx"] = repr(xlsx_values(b"".join(xlsx.streaming_content)))
    texts["pdf"] = pdf_text(client.get(reverse(f"{ns}:organisation_pdf", args=org)).content)
    texts["pdf (period)"] = pdf_text(
        client.get(reverse(f"{ns}:organisation_pdf", args=org) + period).content
    )
    texts["final pdf"] = pdf_text(
        client.get(reverse(f"{ns}:space_pdf", args=[w.org.pk, w.space.public_id])).content
    )
    client.force_login(w.coachee)
    accept_contract(w.coachee, w.space)
    texts["space report"] = client.get(
        reverse("wagtail_coaching:space_report", args=[w.space.public_id])
    ).content.decode()
    texts["space report pdf"] = pdf_text(
        client.get(reverse("wagtail_coaching:space_report_pdf", args=[w.space.public_id])).content
    )
    return texts


def test_no_planted_string_reaches_any_report(client, planted):
    texts = outputs(client, planted)
    for name, text in texts.items():
        # The anonymised view names programmes, never people.
        visible = {"index": "Acme", "programmes": "Leading"}.get(name, "Dana Coachee")
        assert visible in text, f"{name}: extraction broken, the test would prove nothing"
        for canary in planted.canaries:
            assert canary not in text, f"{canary} leaked into the {name}"
            assert canary.lower() not in text.lower(), f"{canary} leaked into the {name}"


def test_every_planter_really_plants(planted):
    """The canaries are in the database, so their absence from reports means something."""
    # Read back through the models: written content is encrypted at rest.
    stored = []
    for answer in Answer.objects.all():
        stored += [answer.text, *answer.items]
    stored += [action.text for action in Action.objects.all()]
    stored += [note.body for note in content.Note.objects.all()]
    stored += [text for goal in content.Goal.objects.all() for text in (goal.title, goal.why)]
    stored += [doc.name.removesuffix(".txt") for doc in content.SpaceDocument.objects.all()]
    stored += list(ContractTemplate.objects.values_list("body", flat=True))
    stored += list(CoachingSession.objects.values_list("room_name", flat=True))
    stored += [trial.outcome for trial in TrialRequest.objects.all()]
    for canary in planted.canaries:
        assert canary in stored or canary.lower() in stored


def test_reporting_code_reads_no_content_model():
    """The reporting package never names a content model (a cheap, early warning)."""
    from pathlib import Path

    import wagtail_coaching.reporting as reporting

    forbidden = ["Answer", "Action", "Note", "SpaceDocument", "Reflection", "Goal", "Board"]
    for path in Path(reporting.__file__).parent.glob("*.py"):
        source = path.read_text()
        for name in forbidden:
            for pattern in (f"import {name}", f", {name}", f"{name}.objects", f"{name},"):
                assert pattern not in source, f"{path.name} mentions {name}"
