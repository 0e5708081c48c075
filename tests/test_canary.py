"""Canaries: unique strings planted in every content field and in a file never reach anyone
but the two participants — not a page, an admin view, an export, a log line or a search —
and are never stored in clear in the database or the file storage."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.programmes.progress import Answer
from wagtail_coaching.sessions import board
from wagtail_coaching.spaces import content, crypto, documents, uploads
from wagtail_coaching.trials.models import TrialRequest

from .programmes import block_ids, make_action, make_answer
from .test_matrix import EXPECTED, ROLES, with_programme
from .test_trials import make_trial

pytestmark = pytest.mark.django_db

CANARIES = {
    "note_shared": "CANARY-note-shared-7f3a",
    "note_private": "CANARY-note-private-91bc",
    "goal_title": "CANARY-goal-title-5d2e",
    "goal_why": "CANARY-goal-why-0a4f",
    "goal_history": "CANARY-goal-history-c81d",
    "document_name": "CANARY-docname-3e6b",
    "document_bytes": "CANARY-docbytes-b7f0",
    "reflection": "CANARY-reflection-6c1a",
    "action": "CANARY-action-e93d",
    "ticked_item": "CANARY-ticked-item-a52f",
    "board_text": "CANARY-boardtext-4d8a",
    "message": "CANARY-message-2b7c",
    "message_edited": "CANARY-message-edited-5f19",
    "message_deleted": "CANARY-message-deleted-8ad3",
    "trial_outcome": "CANARY-trial-outcome-1c7e",
}
OUTSIDERS = [r for r in ROLES if r not in ("coach", "coachee", "anonymous")] + ["anonymous"]


@pytest.fixture
def planted(space_content):
    world = space_content
    shared = content.Note(space=world.space, author=world.coachee, visibility="shared")
    shared.body = CANARIES["note_shared"]
    shared.save()
    private = content.Note(space=world.space, author=world.coach, visibility="private")
    private.body = CANARIES["note_private"]
    private.save()
    goal = content.Goal(space=world.space, created_by=world.coach, progress=30)
    goal.title = CANARIES["goal_history"]
    goal.save()
    content.record_goal_change(goal, world.coach)
    goal.title = CANARIES["goal_title"]
    goal.why = CANARIES["goal_why"]
    goal.save()
    content.record_goal_change(goal, world.coach)
    documents.store_document(
        world.space,
        world.coachee,
        SimpleUploadedFile(
            f"{CANARIES['document_name']}.txt", CANARIES["document_bytes"].encode(), "text/plain"
        ),
    )
    world.canary_goal, world.canary_note = goal, shared
    # Messages: one as written, one edited (its first text), one deleted.
    conversations.post(world.space, world.coachee, CANARIES["message"])
    edited = conversations.post(world.space, world.coach, CANARIES["message_deleted"] + " first")
    edited.space = world.space
    conversations.edit(edited, CANARIES["message_edited"])
    deleted = conversations.post(world.space, world.coachee, CANARIES["message_deleted"])
    deleted.space = world.space
    conversations.delete(deleted)
    # A module's answers and actions (the matrix's programme gives the space its module).
    with_programme(world)
    make_answer(
        space=world.space,
        module=world.module,
        block_id=block_ids(world.module, "reflection")[0],
        kind="reflection",
        text=CANARIES["reflection"],
    )
    make_action(space=world.space, module=world.module, text=CANARIES["action"])
    # A ticked checklist item (an item's id is the module's, but that it was ticked is not).
    make_answer(
        space=world.space,
        module=world.module,
        block_id=block_ids(world.module, "checklist")[0],
        kind="checklist",
        items=[CANARIES["ticked_item"]],
    )
    # Text typed on the paper board with the text tool.
    board.apply(
        world.space,
        world.coach,
        {
            "kind": "text",
            "id": "canary",
            "x": 10,
            "y": 20,
            "text": CANARIES["board_text"],
            "color": "#1d2430",
            "size": 20,
        },
    )
    # The coach's outcome of a trial that became this space (staff read it in the trial's
    # admin screen, nowhere else).
    world.canary_trial = make_trial(
        outcome=CANARIES["trial_outcome"], status="converted", converted_space=world.space
    )
    return world


def leaks(data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    data = bytes(data)
    return [name for name, canary in CANARIES.items() if canary.encode() in data]


def outsider_urls(world):
    urls = [reverse(f"wagtail_coaching:{n}", kwargs=k(world)) for n, (k, _r) in EXPECTED.items()]
    urls += [
        reverse(
            "wagtail_coaching:goal",
            kwargs={"public_id": world.space.public_id, "goal_uid": world.canary_goal.uid},
        ),
        "/admin/",
        "/admin/wagtail_coaching/clientspace/",
        f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/",
        "/admin/wagtail_coaching/coachingsession/",
        "/admin/wagtail_coaching/organisation/",
        "/admin/wagtail_coaching/contracttemplate/",
        "/admin/wagtail_coaching/accessevent/",
        "/admin/wagtail_coaching/accessevent/?q=CANARY",
        "/admin/wagtail_coaching/clientspace/?q=CANARY",
        "/admin/wagtail_coaching/trialrequest/",
        "/admin/wagtail_coaching/trialrequest/?q=CANARY",
        "/admin/pages/search/?q=CANARY",
        "/admin/documents/?q=CANARY",
        "/admin/images/?q=CANARY",
        "/admin/reports/site-history/",
        "/admin/users/",
        "/documents/",
        world.module.url,
        world.module.get_parent().url,
        f"/admin/pages/{world.module.pk}/edit/",
        f"/admin/pages/{world.module.pk}/view_draft/",
        *[f"/media/{doc.storage_name}" for doc in world.space.documents.all()],
        "/",
    ]
    return urls


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_no_canary_reaches_anyone_but_the_participants(client, planted, caplog):
    world = planted
    caplog.set_level(logging.DEBUG)
    # The participants see their own content (the canaries are real)...
    client.force_login(world.coachee)
    notes_url = reverse("wagtail_coaching:notes", kwargs={"public_id": world.space.public_id})
    assert CANARIES["note_shared"] in client.get(notes_url).content.decode()
    goal_url = reverse(
        "wagtail_coaching:goal",
        kwargs={"public_id": world.space.public_id, "goal_uid": world.canary_goal.uid},
    )
    assert {"goal_title", "goal_why", "goal_history"} <= set(leaks(client.get(goal_url).content))
    journey_url = reverse(
        "wagtail_coaching:space_journey", kwargs={"public_id": world.space.public_id}
    )
    module_url = reverse(
        "wagtail_coaching:space_module",
        kwargs={"public_id": world.space.public_id, "module_id": world.module.pk},
    )
    assert "action" in leaks(client.get(journey_url).content)
    assert "reflection" in leaks(client.get(module_url).content)
    board_url = reverse("wagtail_coaching:board_state", kwargs={"public_id": world.space.public_id})
    assert "board_text" in leaks(client.get(board_url).content)
    conversation_url = reverse(
        "wagtail_coaching:conversation", kwargs={"public_id": world.space.public_id}
    )
    shown = set(leaks(client.get(conversation_url).content))
    assert {"message", "message_edited"} <= shown
    assert "message_deleted" not in shown  # a deleted message's text is gone
    client.logout()
    # ...and nobody else does, anywhere.
    seen = 0
    for role in OUTSIDERS:
        user = None if role == "anonymous" else getattr(world, role)
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in outsider_urls(world):
            response = client.get(url, follow=True)
            assert response.status_code < 500, (role, url)
            assert leaks(body_of(response)) == [], (role, url)
            seen += 1
    assert seen == len(OUTSIDERS) * len(outsider_urls(world))
    assert leaks("\n".join(r.getMessage() for r in caplog.records)) == []


def test_no_canary_in_clear_in_the_database_or_the_files(planted):
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str | bytes | memoryview):
                        assert leaks(value) == [], table
    # The coachee's choices and a goal's state are ciphertexts too, not numbers and words.
    checklist = Answer.objects.get(space=planted.space, kind="checklist")
    assert bytes(checklist.items_encrypted).startswith(crypto.TOKEN_PREFIX)
    assert checklist.items == [CANARIES["ticked_item"]]
    goal = content.Goal.objects.get(pk=planted.canary_goal.pk)
    for stored in (goal.progress_encrypted, goal.status_encrypted):
        assert bytes(stored).startswith(crypto.TOKEN_PREFIX)
    assert (goal.progress, goal.status) == (30, "open")
    trial = TrialRequest.objects.get(pk=planted.canary_trial.pk)
    assert bytes(trial.outcome_encrypted).startswith(crypto.TOKEN_PREFIX)
    assert trial.outcome == CANARIES["trial_outcome"]
    storage = uploads.private_storage()
    folder = f"spaces/{planted.space.public_id}"
    names = storage.listdir(folder)[1]
    assert names
    for name in names:
        assert leaks(storage.open(f"{folder}/{name}").read()) == []
