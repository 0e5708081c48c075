"""The space's zip built by the task worker: asked for on the export page, followed there
while it is built, stored encrypted under the space's key in the private storage, offered to
the participant who asked and to nobody else, and deleted after ``SPACE_EXPORT_HOURS``.

Each export schedules its own deletion on the worker when it is ready; that run also removes
any other export past its time, and :func:`prune` does the same for a site without deferred
tasks (``manage.py coaching_prune_space_exports``).
"""

import datetime
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from wagtail_coaching.compat import default_task_backend, task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.privacy.export import build_export
from wagtail_coaching.privacy.models import SpaceExport, SpaceExportStatus
from wagtail_coaching.spaces.crypto import content_aad, decrypt_stream, encrypt_stream
from wagtail_coaching.spaces.uploads import private_storage

logger = logging.getLogger(__name__)

FOLDER = "space-exports"
PIECE_BYTES = 64 * 1024


def kept_since(now=None):
    return (now or timezone.now()) - datetime.timedelta(hours=get_setting("SPACE_EXPORT_HOURS"))


def latest_export(space, user):
    """The newest export of ``space`` that ``user`` asked for and that is still kept."""
    return (
        SpaceExport.objects.filter(space=space, requested_by=user, created_at__gte=kept_since())
        .order_by("-created_at")
        .first()
    )


def ready_export(space, user):
    """The newest ready export of ``space`` asked for by ``user`` and still kept, or None."""
    return (
        SpaceExport.objects.filter(
            space=space,
            requested_by=user,
            status=SpaceExportStatus.READY,
            created_at__gte=kept_since(),
        )
        .order_by("-created_at")
        .first()
    )


def request_export(space, user):
    """Record an export and queue it once the request's transaction commits; a participant
    whose export is still being built gets that one instead of a second."""
    current = latest_export(space, user)
    if current is not None and current.is_pending:
        return current
    export = SpaceExport.objects.create(space=space, requested_by=user)
    transaction.on_commit(lambda: build_space_export.enqueue(str(export.pk)))
    return export


def _aad(export):
    return content_aad(export.space, "SpaceExport", export.uid, "file")


def build(export_id):
    """Build the zip of the export ``export_id``, encrypt it and store it privately."""
    export = SpaceExport.objects.select_related("space", "requested_by").filter(pk=export_id)
    export = export.first()
    if export is None or export.status != SpaceExportStatus.WAITING:
        return export.status if export else None
    rows = SpaceExport.objects.filter(pk=export.pk)
    rows.update(status=SpaceExportStatus.RUNNING)

    def progress(done, total):
        # The zip's last step (writing it out) is still to come: at most 95 % until then.
        rows.update(progress=min(95, done * 95 // max(total, 1)))

    storage = private_storage()
    name = f"{FOLDER}/{export.space.public_id}/{export.uid.hex}.bin"
    try:
        handle, size = build_export(export.space, export.requested_by, progress=progress)
        with handle, tempfile.TemporaryFile() as ciphertext:
            pieces = iter(lambda: handle.read(PIECE_BYTES), b"")
            for piece in encrypt_stream(export.space, pieces, _aad(export)):
                ciphertext.write(piece)
            ciphertext.seek(0)
            try:
                stored = storage.save(name, File(ciphertext, name="x.bin"))
            except BaseException:
                if storage.exists(name):
                    storage.delete(name)
                raise
    except Exception:
        logger.exception("Building the export of space %s failed", export.space.public_id)
        rows.update(status=SpaceExportStatus.FAILED, finished_at=timezone.now())
        raise
    rows.update(
        status=SpaceExportStatus.READY,
        progress=100,
        size=size,
        file_name=stored,
        finished_at=timezone.now(),
    )
    schedule_sweep()
    return SpaceExportStatus.READY


def export_chunks(export):
    """The decrypted zip of a ready ``export``, piece by piece (fails closed)."""
    with private_storage().open(export.file_name, "rb") as handle:
        yield from decrypt_stream(export.space, handle.read, _aad(export))


def delete_export(export):
    """Delete ``export`` and its stored file."""
    storage = private_storage()
    if export.file_name and storage.exists(export.file_name):
        storage.delete(export.file_name)
    export.delete()


def prune(now=None):
    """Delete the exports older than ``SPACE_EXPORT_HOURS`` and their files; their number."""
    count = 0
    for export in SpaceExport.objects.filter(created_at__lt=kept_since(now)).iterator():
        delete_export(export)
        count += 1
    return count


def erase(space):
    """Delete every export of ``space`` (its content is being erased)."""
    for export in SpaceExport.objects.filter(space=space):
        delete_export(export)


def schedule_sweep():
    """Queue a sweep for when the export just built is due to go (if the backend can
    defer tasks; else ``coaching_prune_space_exports`` does it)."""
    if not default_task_backend.supports_defer:
        return None
    hours = get_setting("SPACE_EXPORT_HOURS")
    # A minute past the hour so that the export is past its time when the sweep runs.
    when = timezone.now() + datetime.timedelta(hours=hours, minutes=1)
    return sweep_space_exports.using(run_after=when).enqueue()


@task()
def build_space_export(export_id):
    return build(export_id)


@task()
def sweep_space_exports():
    return prune()
