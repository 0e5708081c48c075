"""The video room's documents panel, the board saved as a document, the board encrypted."""

import datetime
import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from wagtail_coaching.privacy import erasure
from wagtail_coaching.privacy.export import build_export
from wagtail_coaching.sessions import board
from wagtail_coaching.sessions.board import BoardOperation
from wagtail_coaching.sessions.room_documents import feed_etag
from wagtail_coaching.spaces import crypto, documents, uploads
from wagtail_coaching.spaces.content import SpaceDocument

from .factories import CoachingSessionFactory
from .test_space_content import storage_names

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def url(name, world, **kwargs):
    return reverse(
        f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id, **kwargs}
    )


def real_png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def text_op(item_id, value):
    return {
        "kind": "text",
        "id": item_id,
        "x": 100,
        "y": 200,
        "text": value,
        "color": "#1f5fbf",
        "size": 28,
    }


# --- The feed ------------------------------------------------------------------------------


def test_feed_lists_names_and_metadata_never_contents(client, space_content):
    world = space_content
    client.force_login(world.coach)
    response = client.get(url("documents_feed", world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    body = response.json()
    assert [d["name"] for d in body["documents"]] == ["plan.txt"]
    doc = body["documents"][0]
    assert doc["uploadedBy"] == world.coachee.get_full_name()
    assert doc["url"] == url("document_download", world, document_uid=world.document.uid)
    assert b"My plan for the quarter" not in response.content
    assert response["ETag"] == body["version"]


def test_feed_answers_304_until_the_list_changes(client, space_content, django_assert_num_queries):
    world = space_content
    client.force_login(world.coachee)
    etag = client.get(url("documents_feed", world))["ETag"]
    response = client.get(url("documents_feed", world), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    documents.store_document(
        world.space, world.coach, SimpleUploadedFile("b.txt", b"two", "text/plain")
    )
    response = client.get(url("documents_feed", world), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert {d["name"] for d in response.json()["documents"]} == {"plan.txt", "b.txt"}
    # A deletion changes the list's version too, even with an upload in between.
    etag = response["ETag"]
    world.document.delete()
    documents.store_document(
        world.space, world.coach, SimpleUploadedFile("c.txt", b"three", "text/plain")
    )
    assert client.get(url("documents_feed", world), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_feed_etag_is_per_space_and_says_nothing_of_other_spaces(client, space_content):
    """The tag once carried the highest document id of the site: an upload in another
    space changed it. Now only this space's own list does."""
    world = space_content
    client.force_login(world.coachee)
    etag = client.get(url("documents_feed", world))["ETag"]
    assert re.fullmatch(r'"docs-[0-9a-f]{32}"', etag)  # no count, no id
    other = world.other_space
    for number in range(3):
        documents.store_document(
            other,
            other.coach,
            SimpleUploadedFile(f"other-{number}.txt", b"elsewhere", "text/plain"),
        )
    response = client.get(url("documents_feed", world), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    # Two spaces with no document do not share a tag either.
    from .factories import ClientSpaceFactory

    assert feed_etag(ClientSpaceFactory()) != feed_etag(ClientSpaceFactory())


def test_feed_costs_constant_queries_and_one_key_unwrap(client, space_content):
    from django.test.utils import CaptureQueriesContext

    world = space_content
    client.force_login(world.coachee)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("documents_feed", world)).status_code == 200
        return len(captured), sum("datakey" in q["sql"].lower() for q in captured)

    queries()  # the first request of a session loads more (session, contract)
    before = queries()
    for index in range(5):
        documents.store_document(
            world.space,
            world.coach,
            SimpleUploadedFile(f"n{index}.txt", b"x", "text/plain"),
        )
    assert queries() == before
    assert before[1] == 1


def test_outsiders_can_neither_list_nor_upload(client, space_content):
    world = space_content
    for user in (world.other_coach, world.hr, world.superuser):
        client.force_login(user)
        assert client.get(url("documents_feed", world)).status_code == 404
        upload = SimpleUploadedFile("x.txt", b"intruder", "text/plain")
        response = client.post(url("documents_feed", world), {"file": upload}, **JSON)
        assert response.status_code == 404
    assert SpaceDocument.objects.filter(space=world.space).count() == 1


# --- Uploading from the panel --------------------------------------------------------------


def test_upload_from_the_panel_answers_json(client, space_content):
    world = space_content
    client.force_login(world.coach)
    upload = SimpleUploadedFile("agenda.txt", b"Agenda", "text/plain")
    response = client.post(url("documents_feed", world), {"file": upload}, **JSON)
    assert response.status_code == 201
    document = SpaceDocument.objects.get(uid=response.json()["document"]["id"])
    assert document.name == "agenda.txt" and document.uploaded_by == world.coach
    assert documents.read_document(document) == b"Agenda"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("fake.png", b"not a png at all", "does not match its name"),
        ("empty.txt", b"", "The file is empty."),
        ("tool.exe", b"MZ....", "not accepted"),
    ],
)
def test_refused_uploads_say_why_and_save_nothing(client, space_content, name, data, message):
    world = space_content
    client.force_login(world.coachee)
    before = storage_names()
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = client.post(url("documents_feed", world), {"file": upload}, **JSON)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert SpaceDocument.objects.filter(space=world.space).count() == 1
    assert storage_names() == before


def test_upload_without_a_file_and_too_large(client, space_content, settings):
    world = space_content
    client.force_login(world.coachee)
    response = client.post(url("documents_feed", world), {}, **JSON)
    assert response.status_code == 400 and response.json()["error"]
    settings.WAGTAIL_COACHING_DOCUMENT_MAX_SIZE = 10
    upload = SimpleUploadedFile("big.txt", b"x" * 11, "text/plain")
    response = client.post(url("documents_feed", world), {"file": upload}, **JSON)
    assert response.status_code == 400 and "larger than" in response.json()["error"]
    assert SpaceDocument.objects.filter(space=world.space).count() == 1


def test_a_storage_failure_is_a_clear_error_not_a_500(client, space_content):
    world = space_content
    client.force_login(world.coachee)
    upload = SimpleUploadedFile("a.txt", b"text", "text/plain")
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "wagtail_coaching": {"BACKEND": "tests.test_space_content.BrokenStorage"},
        }
    ):
        response = client.post(url("documents_feed", world), {"file": upload}, **JSON)
    assert response.status_code == 400
    assert "Nothing was saved" in response.json()["error"]
    assert SpaceDocument.objects.filter(space=world.space).count() == 1


def test_plain_form_upload_comes_back_to_the_room_with_a_message(client, space_content):
    world = space_content
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    room = url("session_room", world, session_id=session.pk)
    client.force_login(world.coachee)
    upload = SimpleUploadedFile("fake.png", b"no image", "image/png")
    response = client.post(url("documents_feed", world), {"file": upload, "next": room})
    assert response.status_code == 302 and response["Location"] == room
    page = client.get(room).content.decode()
    assert "Upload refused" in page and 'role="alert"' in page
    upload = SimpleUploadedFile("notes.txt", b"fine", "text/plain")
    response = client.post(url("documents_feed", world), {"file": upload, "next": room})
    assert response["Location"] == room
    page = client.get(room).content.decode()
    assert "Document uploaded." in page and "notes.txt" in page
    # Somewhere else than this site: back to the space's documents instead.
    upload = SimpleUploadedFile("n2.txt", b"fine", "text/plain")
    response = client.post(
        url("documents_feed", world), {"file": upload, "next": "https://evil.example/"}
    )
    assert response["Location"] == url("documents", world)


def test_room_page_shows_the_panel(client, space_content):
    world = space_content
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.force_login(world.coach)
    page = client.get(url("session_room", world, session_id=session.pk)).content.decode()
    assert "plan.txt" in page
    assert url("document_download", world, document_uid=world.document.uid) in page
    assert '<label for="coaching-documents-file">' in page
    assert 'id="coaching-documents-file" name="file"' in page
    assert "wagtail_coaching/documents.js" in page
    assert "arrive with the space documents feature" not in page


# --- The board saved as a document ---------------------------------------------------------


def test_board_saved_as_pdf_becomes_an_encrypted_document(client, space_content):
    world = space_content
    board.apply(world.space, world.coach, text_op("t1", "Three next steps"))
    client.force_login(world.coachee)
    response = client.post(url("board_pdf", world), **JSON)
    assert response.status_code == 201
    answer = response.json()["document"]
    assert answer["name"].startswith("paper-board-") and answer["name"].endswith(".pdf")
    document = SpaceDocument.objects.get(uid=answer["id"])
    assert document.uploaded_by == world.coachee and document.content_type == "application/pdf"
    assert b"Three next steps" not in uploads.private_storage().open(document.storage_name).read()
    pdf = client.get(answer["url"])
    text = PdfReader(io.BytesIO(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content))
    assert "Three next steps" in text.pages[0].extract_text()
    # The other participant's panel lists it.
    client.force_login(world.coach)
    names = [d["name"] for d in client.get(url("documents_feed", world)).json()["documents"]]
    assert answer["name"] in names


def test_board_pdf_without_script_redirects_and_get_still_downloads(client, space_content):
    world = space_content
    client.force_login(world.coach)
    response = client.post(url("board_pdf", world), {"next": url("documents", world)})
    assert response.status_code == 302 and response["Location"] == url("documents", world)
    assert SpaceDocument.objects.filter(space=world.space).count() == 2
    response = client.get(url("board_pdf", world))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert SpaceDocument.objects.filter(space=world.space).count() == 2


def test_board_png_is_checked_and_stored(client, space_content):
    world = space_content
    client.force_login(world.coach)
    upload = SimpleUploadedFile("paper-board.png", real_png(), "image/png")
    response = client.post(url("board_png", world), {"file": upload}, **JSON)
    assert response.status_code == 201
    document = SpaceDocument.objects.get(uid=response.json()["document"]["id"])
    assert document.content_type == "image/png" and document.name.endswith(".png")
    assert documents.read_document(document) == real_png()
    fake = SimpleUploadedFile("paper-board.png", b"<svg/>", "image/png")
    response = client.post(url("board_png", world), {"file": fake}, **JSON)
    assert response.status_code == 400 and "does not match" in response.json()["error"]
    response = client.post(url("board_png", world), {}, **JSON)
    assert response.status_code == 400
    assert client.get(url("board_png", world)).status_code == 405
    assert SpaceDocument.objects.filter(space=world.space).count() == 2


def test_store_as_space_document(world):
    document = board.store_as_space_document(
        world.space, world.coach, "board.png", real_png(), "image/png"
    )
    assert isinstance(document, SpaceDocument) and document.space == world.space
    with pytest.raises(uploads.UploadError):
        board.store_as_space_document(world.space, world.coach, "board.png", b"xx", "image/png")


# --- The board encrypted at rest -----------------------------------------------------------


def raw_board_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {BoardOperation._meta.db_table}")
        return [b"|".join(bytes(str(v), "utf-8") for v in row) for row in cursor.fetchall()]


def test_board_operations_are_encrypted_at_rest(accepted):
    world = accepted
    board.apply(world.space, world.coachee, text_op("t1", "SECRET-board-words"))
    board.apply(
        world.space,
        world.coach,
        {
            "kind": "stroke",
            "id": "s1",
            "tool": "pen",
            "color": "#c0392b",
            "width": 4,
            "points": [[123.4, 567.8], [200, 300]],
        },
    )
    rows = raw_board_rows()
    assert rows and not any(
        b"SECRET-board-words" in r or b"567.8" in r or b"c0392b" in r for r in rows
    )
    op = BoardOperation.objects.get(item_id="t1")
    assert bytes(op.data_encrypted).startswith(crypto.TOKEN_PREFIX)
    assert op.data["text"] == "SECRET-board-words"
    assert board.changes_since(world.space, 0)["ops"][0]["text"] == "SECRET-board-words"


def test_a_moved_board_payload_does_not_decrypt(accepted):
    world = accepted
    first = board.apply(world.space, world.coachee, text_op("t1", "one"))
    second = board.apply(world.space, world.coachee, text_op("t2", "two"))
    BoardOperation.objects.filter(pk=second.pk).update(data_encrypted=first.data_encrypted)
    with pytest.raises(crypto.DecryptionError):
        BoardOperation.objects.get(pk=second.pk).data  # noqa: B018


def test_board_reads_unwrap_the_key_once(accepted, django_assert_num_queries):
    world = accepted
    for index in range(6):
        board.apply(world.space, world.coachee, text_op(f"t{index}", f"text {index}"))
    from wagtail_coaching.spaces.models import ClientSpace

    fresh = ClientSpace.objects.get(pk=world.space.pk)  # no cached key
    # board, last clear, operations, and the space's key once (not once per row).
    with django_assert_num_queries(4):
        assert len(board.changes_since(fresh, 0)["ops"]) == 6
    fresh = ClientSpace.objects.get(pk=world.space.pk)
    with django_assert_num_queries(3):
        assert len(board.changes_since(fresh, 2)["ops"]) == 4


def test_erasure_deletes_the_board(world):
    from wagtail_coaching.spaces.crypto import data_key_for

    data_key_for(world.space)
    board.apply(world.space, world.coachee, text_op("t1", "to forget"))
    world.space.status = "closed"
    world.space.end_date = timezone.localdate() - datetime.timedelta(days=4000)
    world.space.save()
    erasure.erase_space(world.space)
    assert not BoardOperation.objects.filter(board__space=world.space).exists()


def test_export_contains_the_board(accepted):
    world = accepted
    board.apply(world.space, world.coachee, text_op("t1", "Exported words"))
    handle, _size = build_export(world.space, world.coachee)
    with zipfile.ZipFile(handle) as archive:
        data = json.loads(archive.read("space.json"))
        pdf = PdfReader(io.BytesIO(archive.read("paper-board.pdf")))
    items = data["paper_board"]["items"]
    assert [(i["kind"], i["text"]) for i in items] == [("text", "Exported words")]
    assert "Exported words" in pdf.pages[0].extract_text()
