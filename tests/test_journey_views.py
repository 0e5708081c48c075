"""The journey and modules inside a space: progress, answers without loss, confidentiality."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.programmes.progress import Action, Answer, ModuleProgress, StepMark

from .factories import CoachingSessionFactory
from .programmes import block_ids, make_action, make_answer, make_programme

pytestmark = pytest.mark.django_db

SECRET = "My secret reflection about Bob"


def journey_url(space):
    return reverse("wagtail_coaching:space_journey", kwargs={"public_id": space.public_id})


def module_url(space, module):
    return reverse(
        "wagtail_coaching:space_module",
        kwargs={"public_id": space.public_id, "module_id": module.pk},
    )


def answer_url(space, module, block_id):
    return reverse(
        "wagtail_coaching:space_answer",
        kwargs={"public_id": space.public_id, "module_id": module.pk, "block_id": block_id},
    )


def done_url(space, module):
    return reverse(
        "wagtail_coaching:space_module_complete",
        kwargs={"public_id": space.public_id, "module_id": module.pk},
    )


def figure(body, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert match, name
    return match.group(1).strip()


def reflection_of(module):
    return block_ids(module, "reflection")[0]


# --- Progress ------------------------------------------------------------------------------


def test_a_module_starts_with_the_coachees_first_save_not_when_opened(client, programme_world):
    w = programme_world
    client.force_login(w.coach)
    assert client.get(module_url(w.space, w.module)).status_code == 200
    client.force_login(w.coachee)
    response = client.get(module_url(w.space, w.module))
    assert response.status_code == 200
    assert 'data-state="not_started"' in response.content.decode()
    assert not ModuleProgress.objects.exists()  # opening a module starts nothing
    url = answer_url(w.space, w.module, reflection_of(w.module))
    assert client.post(url, {"text": "First thoughts", "version": "0"}).status_code == 302
    assert 'data-state="started"' in client.get(module_url(w.space, w.module)).content.decode()
    progress = ModuleProgress.objects.get()
    assert (progress.space, progress.module_id, progress.completed_at) == (
        w.space,
        w.module.pk,
        None,
    )
    client.post(url, {"text": "Second thoughts", "version": "1"})
    assert ModuleProgress.objects.count() == 1


@pytest.mark.parametrize("how", ["action", "done"])
def test_an_action_or_marking_done_starts_a_module(client, programme_world, how):
    w = programme_world
    client.force_login(w.coachee)
    if how == "action":
        url = answer_url(w.space, w.module, block_ids(w.module, "action_plan")[0])
        client.post(url, {"action_id": str(uuid.uuid4()), "text": "Call Alice"})
    else:
        client.post(done_url(w.space, w.module), {"done": "1"})
    assert ModuleProgress.objects.filter(space=w.space, module=w.module).count() == 1


def test_completing_a_module_shows_on_the_next_journey_view(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    before = client.get(journey_url(w.space)).content.decode()
    assert figure(before, "modules") == "0 / 3"
    response = client.post(done_url(w.space, w.module), {"done": "1"})
    assert response.status_code == 302
    after = client.get(journey_url(w.space)).content.decode()
    assert figure(after, "modules") == "1 / 3"
    assert figure(after, "steps") == "1 / 5 (20 %)"
    assert 'coaching-bar--modules" data-percent="33"' in after
    # Undo.
    client.post(done_url(w.space, w.module), {"done": "0"})
    assert figure(client.get(journey_url(w.space)).content.decode(), "modules") == "0 / 3"


def test_confirmed_session_shows_on_the_next_journey_view(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    session = CoachingSessionFactory(
        space=w.space, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    CoachingSessionFactory(space=w.space, status="cancelled", confirmed_minutes=None)
    body = client.get(journey_url(w.space)).content.decode()
    assert figure(body, "sessions") == "0 / 6"
    assert figure(body, "time") == "0 min"
    session.status, session.confirmed_minutes = "done", 75
    session.save()
    body = client.get(journey_url(w.space)).content.decode()
    assert figure(body, "sessions") == "1 / 6"
    assert figure(body, "time") == "1 h 15 min"
    # The first step is a session: it is now done, and the picture says so.
    assert 'data-state="done"' in body
    assert "1 of 6 sessions held" in body


def test_journey_lists_steps_modules_and_states(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    body = client.get(journey_url(w.space)).content.decode()
    for title in ("Kick-off", "Work on Module 1", "Mid-way review"):
        assert title in body
    assert body.count('aria-current="step"') == 1
    assert body.index("Module 1") < body.index("Module 2") < body.index("Module 3")
    assert '<svg class="coaching-progress-picture"' in body
    assert 'role="img"' in body and '<desc id="progress-desc">' in body
    assert "Reopen" not in body and "Mark done<" not in body  # coachees do not mark steps


def test_coach_marks_a_step_done_and_reopens_it(client, programme_world):
    w = programme_world
    step_id = w.programme.steps.raw_data[-1]["id"]  # the milestone
    url = reverse(
        "wagtail_coaching:space_step", kwargs={"public_id": w.space.public_id, "step_id": step_id}
    )
    client.force_login(w.coachee)
    assert client.post(url, {"state": "done"}).status_code == 403
    client.force_login(w.coach)
    assert client.post(url, {"state": "done"}).status_code == 302
    assert StepMark.objects.get().done is True
    body = client.get(journey_url(w.space)).content.decode()
    assert re.search(rf'id="step-{step_id}"[^>]*data-state="done"', body)
    client.post(url, {"state": "reopen"})
    assert StepMark.objects.get().done is False
    client.post(url, {"state": "auto"})
    assert not StepMark.objects.exists()
    unknown = reverse(
        "wagtail_coaching:space_step",
        kwargs={"public_id": w.space.public_id, "step_id": uuid.uuid4()},
    )
    assert client.post(unknown, {"state": "done"}).status_code == 404


def test_journey_without_programme(client, accepted):
    world = accepted
    client.force_login(world.coachee)
    body = client.get(journey_url(world.space)).content.decode()
    assert "No programme is attached to this space yet." in body


def test_modules_of_another_programme_are_404(client, programme_world):
    w = programme_world
    _other, other_modules = make_programme(modules=1)
    client.force_login(w.coachee)
    assert client.get(module_url(w.space, other_modules[0])).status_code == 404
    w.module.unpublish()
    assert client.get(module_url(w.space, w.module)).status_code == 404


# --- Answers -------------------------------------------------------------------------------


def test_reflection_is_saved_once_and_shown_to_coachee_and_coach(client, programme_world):
    w = programme_world
    block_id = reflection_of(w.module)
    client.force_login(w.coachee)
    client.get(module_url(w.space, w.module))
    url = answer_url(w.space, w.module, block_id)
    response = client.post(url, {"text": SECRET, "version": "0"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#block-{block_id}")
    # Submitting the same form again (double click, back button) does not duplicate.
    assert client.post(url, {"text": SECRET, "version": "0"}).status_code == 302
    answer = Answer.objects.get()
    assert (answer.text, answer.version, answer.space) == (SECRET, 1, w.space)
    assert SECRET in client.get(module_url(w.space, w.module)).content.decode()
    client.force_login(w.coach)
    body = client.get(module_url(w.space, w.module)).content.decode()
    assert SECRET in body
    assert f'action="{url}"' not in body  # the coach reads, does not answer
    assert client.post(url, {"text": "coach edit", "version": "1"}).status_code == 403
    assert Answer.objects.get().text == SECRET


def test_validation_error_keeps_what_was_typed(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    scale = block_ids(w.module, "scale")[0]
    response = client.post(answer_url(w.space, w.module, scale), {"value": "42", "version": "0"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    reflection = reflection_of(w.module)
    long_text = "x" * 20_001
    response = client.post(
        answer_url(w.space, w.module, reflection), {"text": long_text, "version": "0"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert long_text in body
    assert 'aria-invalid="true"' in body
    response = client.post(answer_url(w.space, w.module, reflection), {"text": " ", "version": "0"})
    assert "Write something before saving." in response.content.decode()
    assert not Answer.objects.exists()


def test_two_tabs_do_not_silently_overwrite_each_other(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    url = answer_url(w.space, w.module, reflection_of(w.module))
    # Both tabs opened the module when there was no answer (version 0).
    assert client.post(url, {"text": "Written in tab one", "version": "0"}).status_code == 302
    response = client.post(url, {"text": "Written in tab two", "version": "0"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed in another tab" in body
    assert "Written in tab one" in body  # the saved version is shown
    assert "Written in tab two" in body  # and what was typed is kept
    assert 'name="version" value="1"' in body  # the merge is prepared from the saved version
    assert Answer.objects.get().text == "Written in tab one"
    merged = "Written in tab one, and in tab two"
    assert client.post(url, {"text": merged, "version": "1"}).status_code == 302
    answer = Answer.objects.get()
    assert (answer.text, answer.version) == (merged, 2)


def test_scale_and_checklist_answers(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    scale = block_ids(w.module, "scale")[0]
    assert (
        client.post(answer_url(w.space, w.module, scale), {"value": "7", "version": "0"})
    ).status_code == 302
    checklist_id = block_ids(w.module, "checklist")[0]
    checklist = next(child for child in w.module.body if child.id == checklist_id)
    items = [item.id for item in checklist.value["items"].bound_blocks]
    response = client.post(
        answer_url(w.space, w.module, checklist_id), {"items": [items[1]], "version": "0"}
    )
    assert response.status_code == 302
    assert Answer.objects.get(kind="scale").value == 7
    assert Answer.objects.get(kind="checklist").items == [items[1]]
    body = client.get(module_url(w.space, w.module)).content.decode()
    assert 'value="7" id="' in body and re.search(r'value="7"[^>]*checked', body)
    assert re.search(rf'value="{items[1]}"[^>]*checked', body)
    client.force_login(w.coach)
    body = client.get(module_url(w.space, w.module)).content.decode()
    assert "Answer of the coachee: 7" in body
    response = client.post(
        answer_url(w.space, w.module, checklist_id), {"items": ["not-an-item"], "version": "1"}
    )
    assert response.status_code == 403


def test_actions_are_added_once_and_ticked(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    block_id = block_ids(w.module, "action_plan")[0]
    url = answer_url(w.space, w.module, block_id)
    action_id = str(uuid.uuid4())
    data = {"action_id": action_id, "text": "Call Alice", "due_date": "2030-01-31"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    action = Action.objects.get()
    assert (action.text, action.due_date, action.done) == (
        "Call Alice",
        datetime.date(2030, 1, 31),
        False,
    )
    response = client.post(url, {"action_id": str(uuid.uuid4()), "text": "", "due_date": "soon"})
    assert response.status_code == 400
    assert "Describe the action before adding it." in response.content.decode()
    assert "Enter a valid date." in response.content.decode()
    body = client.get(journey_url(w.space)).content.decode()
    assert "Call Alice" in body and figure(body, "actions") == "0 / 1"
    tick = reverse(
        "wagtail_coaching:space_action",
        kwargs={"public_id": w.space.public_id, "action_id": action.public_id},
    )
    response = client.post(tick, {"done": "1", "next": "https://evil.example/"})
    assert response["Location"] == journey_url(w.space)
    assert figure(client.get(journey_url(w.space)).content.decode(), "actions") == "1 / 1"
    client.force_login(w.coach)
    assert client.post(tick, {"done": "0"}).status_code == 403
    assert "Call Alice" in client.get(journey_url(w.space)).content.decode()


def test_unknown_block_is_404(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    heading = block_ids(w.module, "heading")[0]
    for block_id in (heading, str(uuid.uuid4())):
        response = client.post(answer_url(w.space, w.module, block_id), {"text": "x"})
        assert response.status_code == 404


# --- Confidentiality -----------------------------------------------------------------------


@pytest.fixture
def answered(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    client.post(
        answer_url(w.space, w.module, reflection_of(w.module)), {"text": SECRET, "version": "0"}
    )
    action_url = answer_url(w.space, w.module, block_ids(w.module, "action_plan")[0])
    client.post(action_url, {"action_id": str(uuid.uuid4()), "text": "Secret action"})
    client.logout()
    return w


@pytest.mark.parametrize(
    "role", ["other_coachee", "other_coach", "hr", "editor", "staff", "superuser"]
)
def test_strangers_get_404_on_every_space_url_and_change_nothing(client, answered, role):
    w = answered
    client.force_login(getattr(w, role))
    action = Action.objects.get()
    step_id = w.programme.steps.raw_data[0]["id"]
    urls = [
        journey_url(w.space),
        module_url(w.space, w.module),
        answer_url(w.space, w.module, reflection_of(w.module)),
        done_url(w.space, w.module),
        reverse(
            "wagtail_coaching:space_step",
            kwargs={"public_id": w.space.public_id, "step_id": step_id},
        ),
        reverse(
            "wagtail_coaching:space_action",
            kwargs={"public_id": w.space.public_id, "action_id": action.public_id},
        ),
    ]
    for url in urls:
        for method in (client.get, client.post):
            response = method(url, {"text": "intrusion", "version": "1", "done": "1"})
            assert response.status_code == 404, (url, method)
            assert SECRET not in response.content.decode()
    answer = Answer.objects.get()
    assert (answer.text, answer.version) == (SECRET, 1)
    assert not Action.objects.filter(done=True).exists()
    assert not ModuleProgress.objects.filter(completed_at__isnull=False).exists()
    assert not StepMark.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "other_coachee", "editor", "coach", "coachee"])
def test_the_public_module_page_never_shows_answers_or_forms(client, answered, role):
    w = answered
    if role != "anonymous":
        client.force_login(getattr(w, role))
    response = client.get(w.module.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "What did you learn 1?" in body
    assert SECRET not in body and "Secret action" not in body
    assert "<form" not in body.split('<main id="main">')[1].split("</main>")[0]


def test_the_other_coachees_space_shows_only_their_own_answers(client, answered):
    w = answered
    client.force_login(w.other_coachee)
    body = client.get(module_url(w.other_space, w.module)).content.decode()
    assert "What did you learn 1?" in body
    assert SECRET not in body and "Secret action" not in body
    assert "<textarea" in body  # their own, empty, form


def test_editor_preview_shows_no_answers(client, answered):
    w = answered
    client.force_login(w.superuser)
    response = client.get(f"/admin/pages/{w.module.pk}/view_draft/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "What did you learn 1?" in body
    assert SECRET not in body and "<textarea" not in body


def test_space_responses_are_never_cached(client, answered):
    w = answered
    client.force_login(w.coachee)
    for url in (journey_url(w.space), module_url(w.space, w.module)):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control
    response = client.post(done_url(w.space, w.module), {"done": "1"})
    assert "no-store" in response["Cache-Control"]


def test_journey_in_french(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    body = client.get(journey_url(w.space), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Parcours" in body and "Séances tenues" in body


# --- Query counts --------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow_space(space, modules, *, sessions, answers_per_module, user):
    for n in range(sessions):
        CoachingSessionFactory(
            space=space,
            starts_at=timezone.now() - datetime.timedelta(days=n + 1),
            status="done",
            confirmed_minutes=60,
        )
    for module in modules:
        ModuleProgress.objects.create(space=space, module=module, completed_at=timezone.now())
        for block_id in block_ids(module, "reflection")[:answers_per_module]:
            make_answer(space=space, module=module, block_id=block_id, kind="reflection", text="t")
        for block_id in block_ids(module, "action_plan"):
            make_action(space=space, module=module, block_id=block_id, text="a")


def many_questions(count):
    def body(number):
        stream = []
        for n in range(count):
            stream.append({"type": "reflection", "value": {"question": f"Q{n}", "guidance": ""}})
            stream.append({"type": "action_plan", "value": {"title": f"A{n}", "intro": ""}})
        for child in stream:
            child["id"] = str(uuid.uuid4())
        return stream

    return body


@pytest.mark.parametrize("who", ["coachee", "coach"])
def test_query_counts_do_not_grow(client, accepted, who):
    world = accepted
    counts = {}
    for size in (3, 30):
        programme, modules = make_programme(
            modules=size, extra_steps=size, module_body=many_questions(size)
        )
        space = world.space
        space.programme = programme
        space.save()
        from wagtail_coaching.sessions.models import CoachingSession

        CoachingSession.objects.filter(space=space).delete()
        grow_space(space, modules, sessions=size, answers_per_module=size, user=world.coachee)
        client.force_login(getattr(world, who))
        count_queries(client, module_url(space, modules[0]))  # warm: the first view records
        counts[size] = (
            count_queries(client, journey_url(space)),
            count_queries(client, module_url(space, modules[-1])),
        )
    assert counts[3] == counts[30]


def test_an_action_id_of_another_space_is_never_reused(client, programme_world):
    w = programme_world
    theirs = make_action(space=w.other_space, module=w.module, text="Their action")
    client.force_login(w.coachee)
    url = answer_url(w.space, w.module, block_ids(w.module, "action_plan")[0])
    response = client.post(url, {"action_id": str(theirs.public_id), "text": "Mine"})
    assert response.status_code == 302
    assert not Action.objects.filter(space=w.space).exists()
    theirs.refresh_from_db()
    assert (theirs.space, theirs.text) == (w.other_space, "Their action")
    body = client.get(journey_url(w.space)).content.decode()
    assert "Their action" not in body


def test_a_tampered_form_says_so_and_keeps_the_text(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    url = answer_url(w.space, w.module, reflection_of(w.module))
    response = client.post(url, {"text": "Kept text", "version": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This form is out of date." in body and "Kept text" in body
    action_url = answer_url(w.space, w.module, block_ids(w.module, "action_plan")[0])
    response = client.post(action_url, {"action_id": "nope", "text": "Kept action"})
    assert response.status_code == 400
    assert "This form is out of date." in response.content.decode()
    assert not Answer.objects.exists() and not Action.objects.exists()
