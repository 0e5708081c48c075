"""Decrypted copies handed to the proxy are removed even when the process that wrote them is
gone: the task worker, another process, removes them once their lifetime is over."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail_coaching.spaces import documents

from .conftest import accept_contract
from .tasks import run_tasks


@pytest.mark.django_db(transaction=True)
def test_the_worker_removes_a_copy_whose_process_died(
    client, world, settings, tmp_path, monkeypatch
):
    settings.WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD = "x-accel-redirect"
    settings.WAGTAIL_COACHING_SENDFILE_ROOT = str(tmp_path / "sendfile")
    settings.WAGTAIL_COACHING_SENDFILE_TTL = 1
    # The process that writes the copy ends before its own sweeper thread runs.
    monkeypatch.setattr(documents, "_ensure_sweeper", lambda: None)
    accept_contract(world.coachee, world.space)
    document = documents.store_document(
        world.space, world.coachee, SimpleUploadedFile("plan.txt", b"my plan", "text/plain")
    )
    client.force_login(world.coachee)
    response = client.get(
        reverse(
            "wagtail_coaching:document_download",
            kwargs={"public_id": world.space.public_id, "document_uid": document.uid},
        )
    )
    assert response.status_code == 200
    copies = list((tmp_path / "sendfile").iterdir())
    assert len(copies) == 1 and copies[0].read_bytes() == b"my plan"

    run_tasks()  # too early: the copy is still within its lifetime
    assert copies[0].exists()
    time.sleep(2.2)
    run_tasks()
    assert not copies[0].exists()
