"""A closed space is read-only for both participants: content can be read and exported, not
changed; the views say so and the forms are not shown. Sessions keep their own rules."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.programmes.progress import Action, Answer, ModuleProgress
from wagtail_coaching.sessions.board import BoardOperation
from wagtail_coaching.spaces.content import Goal, GoalChange, Note, SpaceDocument

from .exports import prepare_export
from .factories import CoachingSessionFactory
from .programmes import block_ids, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]

CLOSED = "This space is closed: it can be read and exported, not changed."


@pytest.fixture
def closed(world):
    programme, modules = make_programme(modules=1)
    world.space.programme = programme
    world.space.status = "closed"
    world.space.save()
    world.module = modules[0]
    return world


def url(name, w, **kwargs):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": w.space.public_id, **kwargs})


def counts():
    return (
        Note.objects.count(),
        Goal.objects.count(),
        GoalChange.objects.count(),
        SpaceDocument.objects.count(),
        Answer.objects.count(),
        Action.objects.count(),
        ModuleProgress.objects.count(),
        BoardOperation.objects.count(),
    )


def test_nothing_changes_in_a_closed_space_and_each_refusal_says_why(client, closed):
    w = closed
    before = counts()
    module = {"module_id": w.module.pk}
    for user in (w.coachee, w.coach):
        client.force_login(user)
        posts = [
            (url("notes", w), {"body": "New", "visibility": "shared"}),
            (url("goals", w), {"title": "New goal", "progress": 0, "status": "open"}),
            (url("goal", w, goal_uid=w.goal.uid), {"title": "Changed", "progress": 50}),
            (url("documents", w), {"file": SimpleUploadedFile("n.txt", b"N", "text/plain")}),
            (url("note_delete", w, note_uid=w.note.uid), {}),
            (url("document_delete", w, document_uid=w.document.uid), {}),
            (
                url("space_answer", w, block_id=block_ids(w.module, "reflection")[0], **module),
                {"text": "Late thought", "version": "0"},
            ),
            (url("space_module_complete", w, **module), {"done": "1"}),
        ]
        for target, data in posts:
            response = client.post(target, data, follow=True)
            assert response.status_code == 200, target
            assert CLOSED in response.content.decode(), target
        board = client.post(
            url("board_ops", w),
            json.dumps(
                {
                    "kind": "text",
                    "id": "t1",
                    "x": 1,
                    "y": 1,
                    "text": "Hi",
                    "color": "#000000",
                    "size": 16,
                }
            ),
            content_type="application/json",
        )
        assert board.status_code == 403 and board.json() == {"error": CLOSED}
    assert counts() == before
    w.goal.refresh_from_db()
    assert w.goal.title == "Speak up in meetings"


def test_a_closed_space_shows_its_content_without_forms_and_still_exports(client, closed):
    w = closed
    client.force_login(w.coachee)
    for name, kwargs, button in (
        ("notes", {}, "Save the note"),
        ("goals", {}, "Add the goal"),
        ("goal", {"goal_uid": w.goal.uid}, "Save the goal"),
        ("documents", {}, "Upload"),
        ("space_module", {"module_id": w.module.pk}, "I have completed this module"),
    ):
        body = client.get(url(name, w, **kwargs)).content.decode()
        assert CLOSED in body, name
        assert f">{button}</button>" not in body, name
    notes = client.get(url("notes", w)).content.decode()
    assert "A shared note of the coachee." in notes
    assert "Speak up in meetings" in client.get(url("goals", w)).content.decode()
    assert client.post(url("export", w)).status_code == 302
    prepare_export(w.space, w.coachee)
    assert client.get(url("export_download", w)).status_code == 200


def test_sessions_keep_their_own_rules_in_a_closed_space(client, closed):
    w = closed
    session = CoachingSessionFactory(
        space=w.space, starts_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(w.coach)
    response = client.post(url("session_confirm", w, session_id=session.pk), {"minutes": "50"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.confirmed_minutes == 50
    refused = client.post(
        url("session_plan", w),
        {
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "time": "10:00",
            "duration_minutes": 60,
        },
    )
    assert "This space is closed: no session can be planned in it." in refused.content.decode()
