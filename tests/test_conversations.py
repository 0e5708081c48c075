"""A space's conversation: what each participant sees, may change, has read; encryption at
rest, export, erasure; and the pages' JSON for older pages and new messages."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.conversations import rules
from wagtail_coaching.conversations.models import Message, ReadMarker
from wagtail_coaching.privacy import erasure, export
from wagtail_coaching.spaces.models import ClientSpaceStatus

pytestmark = pytest.mark.django_db


def url(name, space, **kwargs):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": space.public_id, **kwargs})


@pytest.fixture
def talk(space_content):
    return space_content


def test_a_message_is_stored_encrypted(talk):
    message = rules.post(talk.space, talk.coach, "PLANTED-conversation-text-41c7")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT body_encrypted FROM {Message._meta.db_table} WHERE id = %s", [message.pk]
        )
        (raw,) = cursor.fetchone()
    assert b"PLANTED-conversation-text-41c7" not in bytes(raw)
    assert Message.objects.get(pk=message.pk).body == "PLANTED-conversation-text-41c7"


def test_the_coach_reads_the_coachees_message_and_the_unread_count_goes_down(client, talk):
    client.force_login(talk.coach)
    my_coaching = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "1 unread message" in my_coaching
    space_page = client.get(talk.space.get_absolute_url()).content.decode()
    assert "1 unread" in space_page

    page = client.get(url("conversation", talk.space)).content.decode()
    assert "A message of the coachee." in page

    assert rules.unread_count(talk.space, talk.coach) == 0
    my_coaching = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "unread message" not in my_coaching
    assert "unread" not in client.get(talk.space.get_absolute_url()).content.decode()
    # The author never counts their own message as unread.
    assert rules.unread_count(talk.space, talk.coachee) == 0


def test_writing_shows_the_message_at_the_bottom_and_seen_once_read(client, talk):
    client.force_login(talk.coachee)
    response = client.post(url("conversation", talk.space), {"text": "See you on Monday."})
    assert response.status_code == 302
    page = client.get(url("conversation", talk.space)).content.decode()
    assert page.index("A message of the coachee.") < page.index("See you on Monday.")
    assert ">Seen<" not in page
    client.force_login(talk.coach)
    client.get(url("conversation", talk.space))  # the coach reads it
    client.force_login(talk.coachee)
    page = client.get(url("conversation", talk.space)).content.decode()
    assert page.index("See you on Monday.") < page.index(">Seen<")


def test_an_empty_message_is_refused_with_a_clear_error(client, talk):
    client.force_login(talk.coachee)
    response = client.post(url("conversation", talk.space), {"text": "   "})
    assert response.status_code == 400
    assert "Write a message or attach a document." in response.content.decode()
    assert talk.space.conversation_messages.count() == 1


def test_attach_an_existing_document_or_upload_one(client, talk):
    client.force_login(talk.coach)
    client.post(
        url("conversation", talk.space), {"text": "Your plan", "document": str(talk.document.uid)}
    )
    message = talk.space.conversation_messages.latest("pk")
    assert message.attachment_id == talk.document.pk
    client.post(
        url("conversation", talk.space),
        {"file": SimpleUploadedFile("agenda.txt", b"Monday: review.\n", "text/plain")},
    )
    message = talk.space.conversation_messages.latest("pk")
    assert message.attachment is not None
    assert talk.space.documents.count() == 2  # stored as a document of the space
    page = client.get(url("conversation", talk.space)).content.decode()
    assert "agenda.txt" in page and "plan.txt" in page
    download = url("document_download", talk.space, document_uid=message.attachment.uid)
    assert download in page
    # A refused file: a clear error, nothing sent.
    response = client.post(
        url("conversation", talk.space),
        {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert response.status_code == 400
    assert talk.space.conversation_messages.count() == 3


def test_a_document_of_another_space_cannot_be_attached(client, talk):
    from wagtail_coaching.spaces import documents

    other = documents.store_document(
        talk.other_space,
        talk.other_coachee,
        SimpleUploadedFile("theirs.txt", b"Not yours.\n", "text/plain"),
    )
    client.force_login(talk.coachee)
    response = client.post(
        url("conversation", talk.space), {"text": "x", "document": str(other.uid)}
    )
    assert response.status_code == 400
    assert talk.space.conversation_messages.count() == 1


def test_edit_within_ten_minutes_only(client, talk):
    client.force_login(talk.coachee)
    edit = url("message_edit", talk.space, message_uid=talk.message.uid)
    assert client.post(edit, {"text": "Corrected."}).status_code == 302
    talk.message.refresh_from_db()
    talk.message.space = talk.space
    assert talk.message.body == "Corrected."
    assert talk.message.edited_at is not None
    assert "edited" in client.get(url("conversation", talk.space)).content.decode()

    Message.objects.filter(pk=talk.message.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    response = client.post(edit, {"text": "Too late."}, follow=True)
    assert "can be edited for 10 minutes" in response.content.decode()
    talk.message.refresh_from_db()
    talk.message.space = talk.space
    assert talk.message.body == "Corrected."


def test_delete_own_message_leaves_message_deleted(client, talk):
    client.force_login(talk.coach)
    delete = url("message_delete", talk.space, message_uid=talk.message.uid)
    assert client.post(delete).status_code == 404  # not the coach's message
    client.force_login(talk.coachee)
    assert client.post(delete).status_code == 302
    row = Message.objects.get(pk=talk.message.pk)
    assert row.body_encrypted is None and row.deleted_at is not None
    page = client.get(url("conversation", talk.space)).content.decode()
    assert "Message deleted" in page
    assert "A message of the coachee." not in page
    assert client.post(delete).status_code == 404  # once


def test_a_message_of_another_space_is_404(client, talk):
    theirs = rules.post(talk.other_space, talk.other_coachee, "Elsewhere.")
    client.force_login(talk.coachee)
    for name in ("message_edit", "message_delete"):
        assert client.get(url(name, talk.space, message_uid=theirs.uid)).status_code == 404
    older = url("conversation_older", talk.space) + f"?before={theirs.uid}"
    assert client.get(older).status_code == 404


def test_older_pages_on_request(client, talk):
    for n in range(rules.PAGE_SIZE + 5):
        rules.post(talk.space, talk.coach, f"Message number {n:03d}.")
    client.force_login(talk.coachee)
    page = client.get(url("conversation", talk.space)).content.decode()
    assert "Message number 034." in page and "Message number 005." in page
    assert "Message number 004." not in page
    assert "Show older messages" in page
    first_shown = talk.space.conversation_messages.order_by("-pk")[rules.PAGE_SIZE - 1]
    body = client.get(url("conversation_older", talk.space) + f"?before={first_shown.uid}").json()
    html = "".join(item["html"] for item in body["messages"])
    assert body["more"] is False
    assert len(body["messages"]) == 6  # the coachee's first message and numbers 000-004
    assert html.index("A message of the coachee.") < html.index("Message number 004.")


def test_updates_bring_new_edited_and_deleted_messages_and_mark_them_read(client, talk):
    client.force_login(talk.coach)
    client.get(url("conversation", talk.space))
    cursor = timezone.now().isoformat()
    updates = url("conversation_updates", talk.space)
    later = rules.post(talk.space, talk.coachee, "Are you free on Friday?")
    body = client.get(updates, {"since": cursor, "read": "0"}).json()
    assert [item["id"] for item in body["messages"]][-1] == str(later.uid)
    assert body["unread"] == 1
    body = client.get(updates, {"since": cursor, "read": "1"}).json()
    assert body["unread"] == 0
    assert ReadMarker.objects.get(space=talk.space, user=talk.coach).last_read_id == later.pk
    later.space = talk.space
    rules.delete(later)
    body = client.get(updates, {"since": body["cursor"]}).json()
    assert "Message deleted" in "".join(item["html"] for item in body["messages"])
    # The coachee's own last message is seen by the coach.
    client.force_login(talk.coachee)
    mine = rules.post(talk.space, talk.coachee, "Friday then.")
    assert client.get(updates).json()["seen"] is None
    rules.mark_read(talk.space, talk.coach, mine.pk)
    assert client.get(updates).json()["seen"] == str(mine.uid)
    assert client.get(updates, {"since": "yesterday"}).status_code == 400


def test_a_closed_space_conversation_is_read_only(client, talk):
    talk.space.status = ClientSpaceStatus.CLOSED
    talk.space.save()
    client.force_login(talk.coachee)
    page = client.get(url("conversation", talk.space)).content.decode()
    assert "A message of the coachee." in page
    assert 'id="conversation-form"' not in page
    response = client.post(url("conversation", talk.space), {"text": "After the end."}, follow=True)
    assert "This space is closed" in response.content.decode()
    assert talk.space.conversation_messages.count() == 1


def test_the_export_holds_the_conversation(client, talk):
    client.force_login(talk.coach)
    rules.post(talk.space, talk.coach, "My answer.", attachment=talk.document)
    data = export.export_data(talk.space, talk.coach)
    assert [m["text"] for m in data["messages"]] == ["A message of the coachee.", "My answer."]
    assert data["messages"][1]["document"] == str(talk.document.uid)
    handle, _size = export.build_export(talk.space, talk.coachee)
    with zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        exported = json.loads(archive.read("space.json"))
    assert exported["messages"][0]["text"] == "A message of the coachee."


def test_erasure_deletes_the_conversation(talk):
    rules.mark_read(talk.space, talk.coach, talk.message.pk)
    talk.space.status = ClientSpaceStatus.CLOSED
    talk.space.end_date = datetime.date(2000, 1, 1)
    talk.space.start_date = datetime.date(1999, 1, 1)
    talk.space.save()
    counts = erasure.erase_space(talk.space)
    assert counts["messages"] == 1
    assert not Message.objects.filter(space=talk.space).exists()
    assert not ReadMarker.objects.filter(space=talk.space).exists()
    assert Message.objects.filter(space=talk.other_space).count() == 0


def test_my_coaching_counts_the_unread_messages_of_each_space(client, talk):
    from tests.factories import ClientSpaceFactory

    for _n in range(5):
        space = ClientSpaceFactory(coach=talk.coach)
        rules.post(space, space.coachee, "Hello coach.")
    client.force_login(talk.coach)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert body.count("1 unread message") == 6
