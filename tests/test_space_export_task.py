"""The space's zip built by the task worker: the export page follows it and offers it when
ready; it is stored encrypted, given only to the participant who asked, and swept after a
day by a task the build scheduled."""

import datetime
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wagtail_coaching.privacy import background
from wagtail_coaching.privacy.models import SpaceExport, SpaceExportStatus
from wagtail_coaching.spaces import crypto
from wagtail_coaching.spaces.uploads import private_storage

from .exports import prepare_export
from .tasks import run_tasks

SWEEP = "wagtail_coaching.privacy.background.sweep_space_exports"


def url(name, world):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id})


def stored_raw(name):
    with private_storage().open(name, "rb") as handle:
        return handle.read()


@pytest.mark.django_db(transaction=True)
def test_the_zip_is_built_by_the_worker_given_to_its_asker_only_and_swept(client, space_content):
    world = space_content
    client.force_login(world.coachee)
    page = client.get(url("export", world)).content.decode()
    assert "Prepare my zip file" in page and "Download the zip" not in page

    response = client.post(url("export", world))
    assert response.status_code == 302 and response["Location"] == url("export", world)
    # Asking again while it waits does not queue a second one.
    client.post(url("export", world))
    [export] = SpaceExport.objects.filter(space=world.space)
    assert export.status == SpaceExportStatus.WAITING
    page = client.get(url("export", world)).content.decode()
    assert "Preparing your zip file: 0 percent done." in page and "<progress" in page
    assert client.get(url("export_download", world)).status_code == 404  # not yet

    run_tasks()
    export.refresh_from_db()
    assert (export.status, export.progress) == (SpaceExportStatus.READY, 100)
    page = client.get(url("export", world)).content.decode()
    assert "Download the zip" in page and "Preparing" not in page

    # Stored encrypted under the space's key: no clear text in the private storage.
    raw = stored_raw(export.file_name)
    assert raw.startswith(crypto.STREAM_PREFIX)
    for clear in (b"A shared note of the coachee.", b"My plan for the quarter.", b"PK\x03\x04"):
        assert clear not in raw

    response = client.get(url("export_download", world))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body) == export.size
    archive = zipfile.ZipFile(io.BytesIO(body))
    data = json.loads(archive.read("space.json"))
    assert [n["text"] for n in data["notes"]] == ["A shared note of the coachee."]
    assert archive.read(data["documents"][0]["file"]) == b"My plan for the quarter.\n"

    # The coach is a participant too, but did not ask for this file.
    client.force_login(world.coach)
    assert client.get(url("export_download", world)).status_code == 404
    assert "Download the zip" not in client.get(url("export", world)).content.decode()

    # The build scheduled the sweep for a day later; once due, it deletes file and row.
    [sweep] = DBTaskResult.objects.filter(task_path=SWEEP, status="READY")
    assert sweep.run_after > timezone.now() + datetime.timedelta(hours=23, minutes=59)
    SpaceExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    client.force_login(world.coachee)
    assert client.get(url("export_download", world)).status_code == 404  # past its day
    DBTaskResult.objects.filter(pk=sweep.pk).update(run_after=timezone.now())
    run_tasks()
    assert not SpaceExport.objects.filter(pk=export.pk).exists()
    assert not private_storage().exists(export.file_name)


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_says_so_and_leaves_no_file(client, space_content, monkeypatch):
    world = space_content

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(background, "build_export", broken)
    client.force_login(world.coachee)
    client.post(url("export", world))
    run_tasks()
    [export] = SpaceExport.objects.filter(space=world.space)
    assert export.status == SpaceExportStatus.FAILED and export.file_name == ""
    page = client.get(url("export", world)).content.decode()
    assert "could not be prepared" in page and "Prepare a new zip file" in page
    assert client.get(url("export_download", world)).status_code == 404
    assert not private_storage().listdir("space-exports")[1]


@pytest.mark.django_db
def test_the_progress_follows_the_documents(space_content):
    world = space_content
    export = background.request_export(world.space, world.coachee)
    seen = []
    original = background.build_export

    def watching(space, user, progress):
        def report(done, total):
            progress(done, total)
            seen.append(SpaceExport.objects.get(pk=export.pk).progress)

        return original(space, user, progress=report)

    background.build_export, saved = watching, background.build_export
    try:
        background.build(export.pk)
    finally:
        background.build_export = saved
    assert seen == sorted(seen) and seen[0] < seen[-1] <= 95
    export.refresh_from_db()
    assert export.progress == 100


@pytest.mark.django_db
def test_the_prune_command_deletes_the_exports_past_their_day(space_content):
    world = space_content
    old = prepare_export(world.space, world.coachee)
    recent = prepare_export(world.space, world.coach)
    SpaceExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    out = StringIO()
    call_command("coaching_prune_space_exports", stdout=out)
    assert "1 space export(s) deleted." in out.getvalue()
    assert list(SpaceExport.objects.all()) == [recent]
    assert not private_storage().exists(old.file_name)
    assert private_storage().exists(recent.file_name)
