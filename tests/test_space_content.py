"""Notes, goals, documents, access log, export, idle timeout, erasure and user deletion."""

import datetime
import io
import json
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from wagtail_coaching.middleware import SESSION_KEY
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import crypto, documents, keys, lock, uploads
from wagtail_coaching.spaces.audit import AccessAction, AccessEvent
from wagtail_coaching.spaces.content import Goal, GoalChange, Note, SpaceDocument
from wagtail_coaching.spaces.contracts import ContractAcceptance
from wagtail_coaching.spaces.models import ClientSpace

from .exports import prepare_export
from .factories import CoachingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(name, world, **kwargs):
    return reverse(
        f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id, **kwargs}
    )


def storage_names():
    storage = uploads.private_storage()
    try:
        folders = storage.listdir("spaces")[0]
    except FileNotFoundError:
        return set()
    names = set()
    for folder in folders:
        names |= {f"spaces/{folder}/{f}" for f in storage.listdir(f"spaces/{folder}")[1]}
    return names


# --- Notes ---------------------------------------------------------------------------------


def test_private_notes_are_seen_by_their_author_only(client, world):
    client.force_login(world.coach)
    body = client.get(url("notes", world)).content.decode()
    assert "A private note of the coach." in body and "A shared note of the coachee." in body
    client.force_login(world.coachee)
    body = client.get(url("notes", world)).content.decode()
    assert "A private note of the coach." not in body and "A shared note of the coachee." in body
    # The coachee cannot reach the coach's private note by its URL either.
    assert client.get(url("note_edit", world, note_uid=world.coach_note.uid)).status_code == 404


def test_write_edit_and_delete_a_note(client, world):
    client.force_login(world.coachee)
    response = client.post(
        url("notes", world), {"body": " <b>Bold</b> idea ", "visibility": "private"}
    )
    assert response.status_code == 302
    note = Note.objects.get(author=world.coachee, visibility="private")
    assert note.body == "<b>Bold</b> idea"
    assert b"Bold" not in bytes(note.body_encrypted)
    page = client.get(url("notes", world)).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; idea" in page  # escaped, never rendered as HTML
    edit = url("note_edit", world, note_uid=note.uid)
    client.post(edit, {"body": "Edited", "visibility": "shared", "revision": note.revision})
    note.refresh_from_db()
    assert (note.body, note.visibility, note.revision) == ("Edited", "shared", 2)
    assert client.post(url("note_delete", world, note_uid=note.uid)).status_code == 302
    assert not Note.objects.filter(pk=note.pk).exists()


def test_empty_note_is_refused_with_a_message(client, world):
    client.force_login(world.coachee)
    response = client.post(url("notes", world), {"body": "   ", "visibility": "shared"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_same_note_edited_in_two_tabs_loses_no_text(client, world):
    client.force_login(world.coachee)
    edit = url("note_edit", world, note_uid=world.note.uid)
    revision = world.note.revision
    client.post(edit, {"body": "Tab one text", "visibility": "shared", "revision": revision})
    response = client.post(
        edit, {"body": "Tab two text", "visibility": "shared", "revision": revision}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "was changed elsewhere" in body
    assert "Tab two text" in body and "Tab one text" in body  # both are on the page
    world.note.refresh_from_db()
    assert world.note.body == "Tab one text"
    # Saving again from the refreshed form succeeds.
    response = client.post(
        edit, {"body": "Merged", "visibility": "shared", "revision": revision + 1}
    )
    world.note.refresh_from_db()
    assert world.note.body == "Merged"


def test_outsiders_cannot_change_content_by_post(client, world):
    before = world.note.body_encrypted
    for user in (world.other_coachee, world.superuser, world.staff, world.coach):
        client.force_login(user)
        edit = url("note_edit", world, note_uid=world.note.uid)
        assert (
            client.post(edit, {"body": "x", "visibility": "shared", "revision": 1}).status_code
            == 404
        )
        assert client.post(url("note_delete", world, note_uid=world.note.uid)).status_code == 404
        doc_delete = url("document_delete", world, document_uid=world.document.uid)
        assert client.post(doc_delete).status_code == 404
        assert client.post(url("goal_delete", world, goal_uid=world.goal.uid)).status_code == 404
    world.note.refresh_from_db()
    assert world.note.body_encrypted == before
    assert SpaceDocument.objects.filter(pk=world.document.pk).exists()
    assert Goal.objects.filter(pk=world.goal.pk).exists()


# --- Goals ---------------------------------------------------------------------------------


def test_goal_changes_are_kept_in_its_history(client, world):
    client.force_login(world.coach)
    detail = url("goal", world, goal_uid=world.goal.uid)
    response = client.post(
        detail,
        {"title": "Speak up", "why": "Heard", "progress": 40, "status": "open", "revision": 1},
    )
    assert response.status_code == 302
    world.goal.refresh_from_db()
    assert (world.goal.title, world.goal.progress, world.goal.revision) == ("Speak up", 40, 2)
    history = list(world.goal.changes.all())
    assert [c.progress for c in history] == [40, 0]
    assert history[0].changed_by == world.coach and history[0].title == "Speak up"
    body = client.get(detail).content.decode()
    assert "Speak up in meetings" in body and "40 %" in body
    # A stale form is refused with the user's input kept.
    response = client.post(
        detail,
        {"title": "Stale", "why": "", "progress": 10, "status": "open", "revision": 1},
    )
    assert "was changed elsewhere" in response.content.decode()
    assert 'value="Stale"' in response.content.decode()
    world.goal.refresh_from_db()
    assert world.goal.title == "Speak up"


@pytest.mark.parametrize("progress", [-1, 101, "lots"])
def test_goal_progress_outside_0_100_is_refused(client, world, progress):
    client.force_login(world.coachee)
    response = client.post(
        url("goals", world), {"title": "T", "progress": progress, "status": "open"}
    )
    assert response.status_code == 200
    assert Goal.objects.count() == 1


# --- Documents -----------------------------------------------------------------------------


def upload(client, world, name, data, content_type="application/octet-stream"):
    return client.post(
        url("documents", world), {"file": SimpleUploadedFile(name, data, content_type)}
    )


def test_upload_download_and_delete(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coachee)
    response = upload(client, world, "report.pdf", PDF, "application/pdf")
    assert response.status_code == 302
    document = SpaceDocument.objects.get(size=len(PDF))
    assert document.content_type == "application/pdf" and document.name == "report.pdf"
    stored = uploads.private_storage().open(document.storage_name).read()
    assert PDF not in stored and b"report" not in document.storage_name.encode()

    client.force_login(world.coach)
    response = client.get(url("document_download", world, document_uid=document.uid))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    event = AccessEvent.objects.filter(action=AccessAction.DOWNLOAD).get()
    assert (event.user, event.object_uid) == (world.coach, document.uid)

    # The coach cannot delete the coachee's file; the coachee can.
    delete = url("document_delete", world, document_uid=document.uid)
    assert client.post(delete).status_code == 404
    client.force_login(world.coachee)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete).status_code == 302
    assert not SpaceDocument.objects.filter(pk=document.pk).exists()
    assert document.storage_name not in storage_names()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("big.txt", b"x" * 2048, "larger than"),
        ("empty.txt", b"", "The file is empty."),
        ("run.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"just some text", "does not match its name"),
        ("image.pdf", PNG, "does not match its name"),
        ("binary.txt", PNG, "not a text file"),
        ("latin1.txt", "café".encode("latin-1"), "not encoded in UTF-8"),
        ("noext", b"hello", "not accepted"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_save_nothing(client, world, name, data, message):
    client.force_login(world.coachee)
    before_rows, before_files = SpaceDocument.objects.count(), storage_names()
    with override_settings(WAGTAIL_COACHING_DOCUMENT_MAX_SIZE=1024):
        response = upload(client, world, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SpaceDocument.objects.count() == before_rows
    assert storage_names() == before_files


def test_path_tricks_and_odd_characters_in_names_are_refused_by_the_checker():
    for name in ("../../etc/passwd.txt", "a/b.txt", "..\\x.txt", ".hidden.txt", "a..txt"):
        with pytest.raises(uploads.UploadError, match="path"):
            uploads.clean_filename(name)
    for name in ("evil\u202egnp.txt", "bell\x07.txt", "zero\u200bwidth.txt", "a\nb.txt"):
        with pytest.raises(uploads.UploadError, match="control or invisible"):
            uploads.clean_filename(name)
    assert uploads.clean_filename("Re\u0301sume\u0301.txt") == "Résumé.txt"  # NFC


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "evil\u202egnp.txt", "bell\x07.txt"])
def test_names_arriving_over_http_are_stored_harmless(client, world, name):
    # Django's upload parser already drops path parts and control characters; what is left
    # must pass the checker and come back as a plain attachment name.
    client.force_login(world.coachee)
    assert upload(client, world, name, b"hello").status_code == 302
    document = SpaceDocument.objects.exclude(pk=world.document.pk).get()
    assert (
        "/" not in document.name and "\u202e" not in document.name and "\x07" not in document.name
    )
    response = client.get(url("document_download", world, document_uid=document.uid))
    assert response["Content-Disposition"].startswith("attachment;")


class BrokenStorage(uploads.FileSystemStorage):
    def _save(self, name, content):
        raise OSError("disk full")


def test_failing_storage_leaves_no_row_and_no_file(client, world):
    client.force_login(world.coachee)
    before = SpaceDocument.objects.count()
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "wagtail_coaching": {"BACKEND": "tests.test_space_content.BrokenStorage"},
        }
    ):
        response = upload(client, world, "plan.txt", b"hello")
    assert response.status_code == 400
    assert "could not be stored. Nothing was saved" in response.content.decode()
    assert SpaceDocument.objects.count() == before


def test_failing_database_leaves_no_orphan_file(world, monkeypatch):
    before = storage_names()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(SpaceDocument, "save", broken_save)
    with pytest.raises(RuntimeError):
        documents.store_document(
            world.space, world.coachee, SimpleUploadedFile("a.txt", b"hello", "text/plain")
        )
    assert storage_names() == before


def test_accelerated_serving_hands_a_decrypted_copy_to_the_proxy(client, world, tmp_path):
    client.force_login(world.coachee)
    download = url("document_download", world, document_uid=world.document.uid)
    with override_settings(
        WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD="x-accel-redirect",
        WAGTAIL_COACHING_SENDFILE_ROOT=str(tmp_path),
    ):
        response = client.get(download)
    assert response.content == b""
    name = response["X-Accel-Redirect"].removeprefix("/coaching-sendfile/")
    assert (tmp_path / name).read_bytes() == b"My plan for the quarter.\n"
    assert response["Content-Disposition"] == 'attachment; filename="plan.txt"'
    with override_settings(
        WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD="x-sendfile",
        WAGTAIL_COACHING_SENDFILE_ROOT=str(tmp_path),
    ):
        response = client.get(download)
    assert open(response["X-Sendfile"], "rb").read() == b"My plan for the quarter.\n"


def test_default_private_folder_is_outside_media_root_and_has_no_url(settings):
    assert not uploads.private_root().is_relative_to(settings.MEDIA_ROOT)
    with override_settings(STORAGES={"default": settings.STORAGES["default"]}):
        storage = uploads.private_storage()
        assert storage.location == str(uploads.private_root())
        with pytest.raises(NotImplementedError):
            storage.url("spaces/x.bin")


def test_a_private_folder_inside_media_root_is_an_error(settings):
    from django.core.checks import run_checks

    with override_settings(
        STORAGES={"default": settings.STORAGES["default"]},
        WAGTAIL_COACHING_PRIVATE_ROOT=str(settings.MEDIA_ROOT) + "/private",
    ):
        assert "wagtail_coaching.E021" in {m.id for m in run_checks()}


# --- Access log ----------------------------------------------------------------------------


def test_access_log_records_entries_grants_downloads_and_exports(client, world):
    client.force_login(world.coachee)
    client.get(world.space.get_absolute_url())
    client.get(world.space.get_absolute_url())  # one entry per login session
    client.get(url("document_download", world, document_uid=world.document.uid))
    prepare_export(world.space, world.coachee)
    client.get(url("export_download", world))
    extra = get_user_model().objects.create(username="supervisor")
    lock.set_extra_participants(world.space, [extra])
    lock.set_extra_participants(world.space, [])
    actions = list(
        AccessEvent.objects.filter(space=world.space)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions.count(AccessAction.ENTER) == 1
    assert actions.count(AccessAction.DOWNLOAD) == 1
    assert actions.count(AccessAction.EXPORT) == 1
    assert actions[-2:] == [AccessAction.ACCESS_GRANTED, AccessAction.ACCESS_REVOKED]
    body = client.get(url("access_log", world)).content.decode()
    assert "Access granted" in body and "Access revoked" in body and "Exported the space" in body
    assert "plan.txt" not in body  # a document is never named in the log


# --- Export --------------------------------------------------------------------------------


def test_export_holds_what_the_user_may_see(client, world):
    client.force_login(world.coachee)
    assert "Prepare my zip file" in client.get(url("export", world)).content.decode()
    prepare_export(world.space, world.coachee)
    assert "Download the zip" in client.get(url("export", world)).content.decode()
    response = client.get(url("export_download", world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    raw = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(raw)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    data = json.loads(archive.read("space.json"))
    texts = [note["text"] for note in data["notes"]]
    assert texts == ["A shared note of the coachee."]  # not the coach's private note
    assert data["goals"][0]["title"] == "Speak up in meetings"
    assert data["goals"][0]["history"][0]["progress"] == 0
    [doc] = data["documents"]
    assert archive.read(doc["file"]) == b"My plan for the quarter.\n"
    pdf = PdfReader(io.BytesIO(archive.read("contract.pdf")))
    assert "Coaching contract" in pdf.pages[0].extract_text()
    client.force_login(world.coach)
    prepare_export(world.space, world.coach)
    raw = b"".join(client.get(url("export_download", world)).streaming_content)
    data = json.loads(zipfile.ZipFile(io.BytesIO(raw)).read("space.json"))
    assert {n["text"] for n in data["notes"]} == {
        "A shared note of the coachee.",
        "A private note of the coach.",
    }


# --- Idle sessions -------------------------------------------------------------------------


def test_idle_session_is_logged_out_with_a_message(client, world):
    client.force_login(world.coachee)
    assert client.get(world.space.get_absolute_url()).status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(world.space.get_absolute_url(), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "You were logged out after 30 minutes without activity" in body


def test_active_session_stays(client, world):
    client.force_login(world.coachee)
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(world.space.get_absolute_url()).status_code == 200


# --- Erasure -------------------------------------------------------------------------------


def close(space, days_ago):
    space.status = "closed"
    space.end_date = timezone.localdate() - datetime.timedelta(days=days_ago)
    space.save()


def test_erasure_command_erases_only_closed_spaces_past_retention(
    world, django_capture_on_commit_callbacks
):
    CoachingSessionFactory(space=world.space, status="done", confirmed_minutes=60)
    close(world.space, days_ago=400)
    close(world.other_space, days_ago=10)
    note_token = world.note.body_encrypted
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("coaching_erase_spaces", stdout=out)
    assert "Erased space" in out.getvalue() and "2 note(s), 1 goal(s)" in out.getvalue()
    assert "1 space(s) erased." in out.getvalue()
    assert not Note.objects.filter(space=world.space).exists()
    assert not Goal.objects.filter(space=world.space).exists()
    assert not GoalChange.objects.filter(goal__space=world.space).exists()
    assert not SpaceDocument.objects.filter(space=world.space).exists()
    assert not {n for n in storage_names() if n.startswith(f"spaces/{world.space.public_id}/")}
    # Counts for reports stay: the space, its sessions and minutes.
    assert ClientSpace.objects.filter(pk=world.space.pk).exists()
    assert CoachingSession.objects.get(space=world.space).confirmed_minutes == 60
    # A backup of the note's ciphertext is unreadable now.
    with pytest.raises(crypto.SpaceErased):
        crypto.decrypt_for_space(ClientSpace.objects.get(pk=world.space.pk), note_token, b"x")
    # Running it again erases nothing more.
    out = io.StringIO()
    call_command("coaching_erase_spaces", stdout=out)
    assert "0 space(s) erased." in out.getvalue()


def test_erasure_respects_the_retention_setting(world):
    close(world.space, days_ago=40)
    out = io.StringIO()
    call_command("coaching_erase_spaces", "--dry-run", stdout=out)
    assert "0 space(s) would be erased." in out.getvalue()
    with override_settings(WAGTAIL_COACHING_RETENTION_DAYS=30):
        call_command("coaching_erase_spaces", "--dry-run", stdout=out)
    assert "1 space(s) would be erased." in out.getvalue()
    assert Note.objects.filter(space=world.space).exists()


def test_admin_erase_action(client, world):
    close(world.space, days_ago=400)
    client.force_login(world.staff)
    index = client.get("/admin/wagtail_coaching/clientspace/").content.decode()
    erase = f"/admin/wagtail_coaching/clientspace/erase/{world.space.pk}/"
    assert erase in index
    assert f"/erase/{world.other_space.pk}/" not in index  # not closed
    page = client.get(erase).content.decode()
    assert "This erases 2 note(s), 1 goal(s)" in page
    response = client.post(erase)
    assert response.status_code == 302
    assert not Note.objects.filter(space=world.space).exists()
    assert crypto.is_erased(world.space)
    assert AccessEvent.objects.filter(space=world.space, action="erased", user=world.staff).exists()
    # Not due any more: refused with a message.
    response = client.get(erase, follow=True)
    assert "Only a closed space whose retention period is over" in response.content.decode()
    client.force_login(world.editor)
    assert client.get(erase).status_code == 404


# --- Deleting a user -----------------------------------------------------------------------


def test_deleting_the_coachee_anonymises_the_space_and_removes_their_content(world):
    CoachingSessionFactory(space=world.space, status="done", confirmed_minutes=45)
    coachee_pk = world.coachee.pk
    world.coachee.delete()
    space = ClientSpace.objects.get(pk=world.space.pk)
    stand_in = space.coachee
    assert stand_in.pk != coachee_pk and not stand_in.is_active
    assert not stand_in.has_usable_password() and stand_in.get_full_name() == ""
    assert space.status == "closed"
    assert space.coach == world.coach
    # Their content and grants are gone; the coach's note and the session stay.
    assert not Note.objects.filter(author_id=coachee_pk).exists()
    assert not SpaceDocument.objects.filter(uploaded_by_id=coachee_pk).exists()
    assert not Goal.objects.filter(created_by_id=coachee_pk).exists()
    assert not ContractAcceptance.objects.filter(user_id=coachee_pk).exists()
    assert Note.objects.filter(pk=world.coach_note.pk).exists()
    assert list(lock.people_with_access(space)) == [world.coach]
    assert not lock.may_enter(stand_in, space)
    assert CoachingSession.objects.get(space=space).confirmed_minutes == 45


def test_deleting_a_coach_keeps_their_spaces(world):
    world.coach.delete()
    space = ClientSpace.objects.get(pk=world.space.pk)
    assert space.coachee == world.coachee and space.status == "active"
    assert not space.coach.is_active
    assert not Note.objects.filter(pk=world.coach_note.pk).exists()
    assert lock.may_enter(world.coachee, space)


def test_listing_what_a_user_deletion_would_remove_creates_no_account(world):
    from django.contrib.admin.utils import NestedObjects

    before = get_user_model().objects.count()
    collector = NestedObjects(using="default")
    collector.collect([world.coachee])
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize("name", ["notes", "goals", "documents", "access_log"])
def test_list_pages_run_a_constant_number_of_queries(client, world, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coachee)
    page = url(name, world)
    client.get(page)  # the entry is recorded once per session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(page).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(15):
        note = Note(space=world.space, author=world.coachee, visibility="shared")
        note.body = f"note {i}"
        note.save()
        goal = Goal(space=world.space, created_by=world.coach)
        goal.title = f"goal {i}"
        goal.save()
        documents.store_document(
            world.space, world.coach, SimpleUploadedFile(f"f{i}.txt", b"x", "text/plain")
        )
    assert count() == one


def test_undecryptable_content_shows_a_clear_page_never_the_stored_bytes(client, world):
    client.force_login(world.coachee)
    prepare_export(world.space, world.coachee)
    wrong_ring = {"tests-only": keys.generate_master_key()}
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=wrong_ring):
        for name, kwargs in (
            ("notes", {}),
            ("goal", {"goal_uid": world.goal.uid}),
            ("document_download", {"document_uid": world.document.uid}),
            ("export_download", {}),
        ):
            response = client.get(url(name, world, **kwargs))
            assert response.status_code == 503
            body = response.content.decode()
            assert "This space cannot be read" in body
            assert "WCG1" not in body and "A shared note" not in body


def test_staff_publish_a_new_contract_version_in_the_admin(client, world):
    from wagtail_coaching.spaces.contracts import ContractTemplate, applicable_contract

    first = applicable_contract(world.space)
    client.force_login(world.staff)
    response = client.post(
        "/admin/wagtail_coaching/contracttemplate/create/",
        {
            "title": "Coaching contract",
            "body": "Updated terms.",
            "organisation": "",
            "programme": "",
        },
    )
    assert response.status_code == 302
    newest = ContractTemplate.objects.latest("version")
    assert newest.version == first.version + 1
    assert applicable_contract(world.space) == newest
    # The participants must accept again before entering.
    client.force_login(world.coachee)
    assert client.get(world.space.get_absolute_url()).status_code == 302
    # Rewriting an accepted version is refused with a message.
    client.force_login(world.staff)
    response = client.post(
        f"/admin/wagtail_coaching/contracttemplate/edit/{first.pk}/",
        {"title": first.title, "body": "Sneaky change.", "organisation": "", "programme": ""},
    )
    assert response.status_code == 200
    assert "already accepted" in response.content.decode()
    first.refresh_from_db()
    assert "Sneaky" not in first.body


def test_deleting_a_coachee_in_the_wagtail_admin(client, world):
    User = get_user_model()
    client.force_login(world.superuser)
    before = User.objects.count()
    assert client.get(f"/admin/users/delete/{world.coachee.pk}/").status_code == 200
    assert User.objects.count() == before  # the confirmation page creates nothing
    assert client.post(f"/admin/users/delete/{world.coachee.pk}/").status_code == 302
    assert not User.objects.filter(pk=world.coachee.pk).exists()
    space = ClientSpace.objects.get(pk=world.space.pk)
    assert space.coachee.username.startswith("deleted-") and space.status == "closed"
