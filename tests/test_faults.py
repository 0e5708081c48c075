"""Faults a production site meets: the database goes away in the middle of a note save or of
an upload, the storage fails in the middle of a file. The person gets a clear page (never a
500), the note text stays in the form, and no half-written document or orphan object remains.

The database is stopped for the app by cutting a TCP proxy between the app and PostgreSQL
(``tests/db_proxy.py``), never by stopping the shared server.
"""

from pathlib import Path

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_save
from django.test import override_settings
from django.urls import reverse

from wagtail_coaching.spaces import uploads
from wagtail_coaching.spaces.content import Note, SpaceDocument

from .conftest import accept_contract
from .db_proxy import CuttableProxy

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="cuts a PostgreSQL connection"
)


def url(name, world):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id})


@pytest.fixture
def db_proxy(world):
    """The app's database connection goes through a proxy the test can cut; afterwards it
    goes straight to the server again (for the test database's clean-up)."""
    proxy = CuttableProxy((connection.settings_dict["HOST"] or "127.0.0.1", 5432))
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = proxy.port
    yield proxy
    connection.close()
    connection.settings_dict["PORT"] = port
    proxy.close()


def cut_before_saving(model, proxy):
    def handler(sender, **kwargs):
        proxy.cut()

    pre_save.connect(handler, sender=model, weak=False)
    return lambda: pre_save.disconnect(handler, sender=model)


@pytest.fixture
def files(tmp_path):
    """A real directory as the private storage, to see every object left behind."""
    root = tmp_path / "private"
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "wagtail_coaching": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root)},
            },
        }
    ):
        yield root


def stored_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_gone_during_a_note_save_keeps_the_text_in_the_form(client, world, db_proxy):
    client.force_login(world.coachee)
    accept_contract(world.coachee, world.space)
    text = "What I want to say to my manager on Monday"
    disconnect = cut_before_saving(Note, db_proxy)
    try:
        response = client.post(url("notes", world), {"body": text, "visibility": "shared"})
    finally:
        disconnect()
    assert response.status_code == 503
    page = response.content.decode()
    assert "could not be saved" in page
    assert text in page  # still in the form, to send again
    connection.close()
    connection.settings_dict["PORT"] = 5432
    assert all(note.body != text for note in Note.objects.filter(space=world.space))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_gone_during_an_upload_leaves_no_object(client, world, db_proxy, files):
    client.force_login(world.coachee)
    accept_contract(world.coachee, world.space)
    disconnect = cut_before_saving(SpaceDocument, db_proxy)
    try:
        response = client.post(
            url("documents", world),
            {"file": SimpleUploadedFile("plan.txt", b"my plan " * 1000, "text/plain")},
        )
    finally:
        disconnect()
    assert response.status_code == 503
    assert "could not be stored. Nothing was saved" in response.content.decode()
    assert stored_files(files) == []
    connection.close()
    connection.settings_dict["PORT"] = 5432
    assert not SpaceDocument.objects.filter(space=world.space).exists()


class FailingMidway(File):
    """An upload stream that breaks after its first piece, as a dropped connection to the
    storage does."""

    def chunks(self, chunk_size=None):
        pieces = super().chunks(chunk_size=16 * 1024)
        yield next(pieces)
        raise OSError("connection to the storage reset")


class MidwayBrokenStorage(uploads.FileSystemStorage):
    def _save(self, name, content):
        return super()._save(name, FailingMidway(content.file, name=content.name))


def test_storage_failing_midway_leaves_no_half_written_object(client, world, files):
    accept_contract(world.coachee, world.space)
    client.force_login(world.coachee)
    before = SpaceDocument.objects.count()
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "wagtail_coaching": {
                "BACKEND": "tests.test_faults.MidwayBrokenStorage",
                "OPTIONS": {"location": str(files)},
            },
        }
    ):
        response = client.post(
            url("documents", world),
            {"file": SimpleUploadedFile("plan.txt", b"my plan " * 20000, "text/plain")},
        )
    assert response.status_code == 400
    assert "could not be stored. Nothing was saved" in response.content.decode()
    assert SpaceDocument.objects.count() == before
    assert stored_files(files) == []
