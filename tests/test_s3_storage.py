"""The private document storage on an S3 API (moto's server on 127.0.0.1), through
django-storages' S3 backend: upload, download, delete, export and erasure, and the objects
in the bucket, read back raw, hold no clear text."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.privacy import background, erasure
from wagtail_coaching.spaces import crypto, documents, uploads
from wagtail_coaching.spaces.content import SpaceDocument

from .exports import prepare_export
from .s3_server import S3Server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]

CANARY = "CANARY-s3-7c1f0e"
REPORT = b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + CANARY.encode() + b"\ntrailer<<>>\n%%EOF\n"
# Large enough for several chunks of the streaming format, read back from S3 in pieces.
JOURNAL = "".join(f"{CANARY} line {i}: ce que je n'ai dit à personne.\n" for i in range(6000))


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    s3_server.reset_bucket()
    settings.STORAGES = {**settings.STORAGES, "wagtail_coaching": s3_server.storage_settings()}
    assert type(uploads.private_storage()).__name__ == "S3Storage"
    return s3_server


def url(name, world, **kwargs):
    return reverse(
        f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id, **kwargs}
    )


def assert_no_clear_text(objects):
    for key, raw in objects.items():
        assert raw.startswith(crypto.STREAM_PREFIX), key
        for secret in (CANARY.encode(), b"report.pdf", b"journal", b"%PDF"):
            assert secret not in raw and secret.decode() not in key, key


def test_upload_download_export_and_delete_on_s3(
    client, world, s3, django_capture_on_commit_callbacks
):
    client.force_login(world.coachee)
    for name, data, mime in (
        ("report.pdf", REPORT, "application/pdf"),
        ("journal.txt", JOURNAL.encode(), "text/plain"),
    ):
        response = client.post(
            url("documents", world), {"file": SimpleUploadedFile(name, data, mime)}
        )
        assert response.status_code == 302
    stored = s3.objects()
    assert sorted(stored) == sorted(d.storage_name for d in SpaceDocument.objects.all())
    assert all(key.startswith(f"spaces/{world.space.public_id}/") for key in stored)
    assert_no_clear_text(stored)

    report = SpaceDocument.objects.get(size=len(REPORT))
    journal = SpaceDocument.objects.get(size=len(JOURNAL.encode()))
    client.force_login(world.coach)
    response = client.get(url("document_download", world, document_uid=journal.uid))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JOURNAL.encode()
    assert response["Content-Disposition"] == 'attachment; filename="journal.txt"'

    export = prepare_export(world.space, world.coach)
    objects = s3.objects()
    assert export.file_name.startswith("space-exports/")  # stored encrypted, like documents
    assert_no_clear_text({export.file_name: objects[export.file_name]})
    response = client.get(url("export_download", world))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    contents = {n.rsplit("-", 1)[-1]: archive.read(n) for n in archive.namelist()}
    assert contents["report.pdf"] == REPORT and contents["journal.txt"] == JOURNAL.encode()

    client.force_login(world.coachee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("document_delete", world, document_uid=report.uid))
    assert response.status_code == 302
    assert sorted(s3.objects()) == sorted([journal.storage_name, export.file_name])
    # A day later the sweep deletes the zip's object.
    assert background.prune(now=timezone.now() + datetime.timedelta(hours=25)) == 1
    assert list(s3.objects()) == [journal.storage_name]


def test_erasure_removes_the_objects_and_the_key(world, s3, django_capture_on_commit_callbacks):
    for name, data in (("journal.txt", JOURNAL.encode()), ("report.pdf", REPORT)):
        documents.store_document(world.space, world.coachee, SimpleUploadedFile(name, data))
    kept = documents.store_document(
        world.other_space, world.other_coachee, SimpleUploadedFile("other.pdf", REPORT)
    )
    prepare_export(world.space, world.coachee)
    assert len(s3.objects()) == 4
    world.space.status = "closed"
    world.space.end_date = timezone.localdate() - datetime.timedelta(days=4000)
    world.space.save()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_space(world.space)
    assert list(s3.objects()) == [kept.storage_name]
    assert_no_clear_text(s3.objects())


def test_a_failed_row_save_leaves_no_object(world, s3, monkeypatch):
    # The object is written first; if the row cannot be saved, the object is deleted again.
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(SpaceDocument, "save", broken_save)
    with pytest.raises(RuntimeError):
        documents.store_document(world.space, world.coachee, SimpleUploadedFile("r.pdf", REPORT))
    assert s3.objects() == {}
