"""A space's documents on disk: stored encrypted in private storage, read back, and served
only through the permission-checked views (directly or through the proxy's X-Accel-Redirect).

Documents are encrypted and decrypted as streams (``crypto.encrypt_stream``), so uploads,
downloads and exports run in constant memory whatever the file's size. Documents stored
before the streaming format (one AES-GCM token, marker ``WCG1``) stay readable.
"""

import logging
import os
import secrets
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.core.files.base import File
from django.db import DatabaseError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from wagtail_coaching.compat import default_task_backend, task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.content import SpaceDocument
from wagtail_coaching.spaces.crypto import (
    STREAM_PREFIX,
    content_aad,
    decrypt_for_space,
    decrypt_stream,
    encrypt_stream,
    is_stream,
)
from wagtail_coaching.spaces.uploads import (
    UploadError,
    check_upload,
    private_storage,
    upload_chunks,
)

logger = logging.getLogger(__name__)

READ_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


def file_aad(document):
    return content_aad(document.space, document.encryption_label, document.uid, "file")


def store_from_form(space, user, form, field="file"):
    """Store the valid ``form``'s file as a new document of ``space`` and return it. A
    refused file or a storage failure puts the reason on the form's ``field`` and returns
    None, with nothing saved."""
    try:
        return store_document(space, user, form.cleaned_data[field])
    except UploadError as exc:
        form.add_error(field, str(exc))
    except OSError:
        logger.exception("Storing a document of space %s failed", space.public_id)
        form.add_error(
            field, _("The file could not be stored. Nothing was saved; try again later.")
        )
    return None


def store_document(space, user, uploaded):
    """Check, encrypt and store ``uploaded`` as a new document of ``space``.

    Either both the row and the stored file exist afterwards, or neither does. Raises
    :class:`UploadError` for a refused file; storage errors propagate, with nothing saved.
    The file is read, encrypted and written piece by piece: memory does not grow with it.
    """
    name, mime, size = check_upload(uploaded)
    document = SpaceDocument(space=space, uploaded_by=user, content_type=mime, size=size)
    document.name = name
    storage = private_storage()
    # The ciphertext goes through a temporary file (disk, not memory) so that every storage
    # backend, S3 included, gets an ordinary seekable file of known size.
    with tempfile.TemporaryFile() as ciphertext:
        for piece in encrypt_stream(space, upload_chunks(uploaded), file_aad(document)):
            ciphertext.write(piece)
        ciphertext.seek(0)
        wanted = f"spaces/{space.public_id}/{document.uid.hex}.bin"
        try:
            stored = storage.save(wanted, File(ciphertext, name="x.bin"))
        except BaseException:
            # A storage that fails midway may leave what it wrote so far (a file system
            # does): the name is fresh (the document's random uid), so whatever is there now
            # is the half-written object, removed before the error goes on.
            _delete_quietly(storage, wanted)
            raise
    try:
        with transaction.atomic():
            document.storage_name = stored
            document.save()
    except BaseException:
        _delete_quietly(storage, stored)
        raise
    return document


def _delete_quietly(storage, name):
    try:
        storage.delete(name)
    except Exception:  # the error being handled matters more than a failed clean-up
        logger.exception("Removing the unfinished object %s failed", name)


def document_chunks(document):
    """The decrypted bytes of ``document``, piece by piece (fails closed, see ``crypto``).

    Every piece is authenticated before it is yielded; an error after the first piece means
    the stored file was altered or cut short.
    """
    with private_storage().open(document.storage_name, "rb") as handle:
        head = handle.read(len(STREAM_PREFIX))
        if is_stream(head):
            pending = [head]

            def read(size):
                if pending:
                    first = pending.pop()
                    return first + handle.read(size - len(first))
                return handle.read(size)

            yield from decrypt_stream(document.space, read, file_aad(document))
        else:
            # Stored before the streaming format (at most the former 10 MB limit): whole.
            yield decrypt_for_space(document.space, head + handle.read(), file_aad(document))


def read_document(document):
    """The decrypted bytes of ``document`` at once: for small files and tests."""
    return b"".join(document_chunks(document))


def sweep_sendfile_copies():
    """Remove the decrypted copies older than ``WAGTAIL_COACHING_SENDFILE_TTL`` seconds;
    returns how many copies remain."""
    root = Path(get_setting("SENDFILE_ROOT"))
    cutoff = time.time() - get_setting("SENDFILE_TTL")
    remaining = 0
    for old in root.iterdir() if root.is_dir() else ():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
            else:
                remaining += 1
        except OSError:
            pass
    return remaining


@task()
def sweep_sendfile_copies_task():
    """The task form of :func:`sweep_sendfile_copies`, run by the task worker."""
    return {"remaining": sweep_sendfile_copies()}


def _schedule_sweep():
    # The copy must go even if the process that wrote it ends before its own sweeper runs
    # (a restart, a worker recycled by gunicorn's max-requests): the task worker, another
    # process, removes it once its lifetime is over. Backends that cannot defer a task
    # leave it to the sweeper thread and the next copy made by any process.
    try:
        if default_task_backend.supports_defer:
            run_after = timezone.now() + timedelta(seconds=get_setting("SENDFILE_TTL") + 1)
            sweep_sendfile_copies_task.using(run_after=run_after).enqueue()
    except DatabaseError:
        logger.exception("Scheduling the removal of a decrypted copy failed")


_sweeper = None
_sweeper_lock = threading.Lock()


def _sweep_until_empty():
    # The proxy opens a copy after the response has left the app, so the app cannot know
    # when it is done with it: copies live for a fixed time, and this thread removes them
    # even if no other download comes. It ends when the folder is empty.
    while True:
        time.sleep(max(0.2, min(get_setting("SENDFILE_TTL") / 4, 15)))
        if not sweep_sendfile_copies():
            return


def _ensure_sweeper():
    global _sweeper
    with _sweeper_lock:
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(
                target=_sweep_until_empty, name="wagtail-coaching-sendfile-sweeper", daemon=True
            )
            _sweeper.start()


def _sendfile_copy(chunks):
    """Write ``chunks`` to a fresh file in WAGTAIL_COACHING_SENDFILE_ROOT for the proxy to
    send; it is removed after ``WAGTAIL_COACHING_SENDFILE_TTL`` seconds by whichever comes
    first: this process's sweeper thread, a task on the worker, or the next copy made by any
    process. Nothing is left behind on an error."""
    root = Path(get_setting("SENDFILE_ROOT"))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    sweep_sendfile_copies()
    path = root / secrets.token_hex(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in chunks:
                handle.write(piece)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _ensure_sweeper()
    _schedule_sweep()
    return path


def document_response(document):
    """The download response of ``document``; the caller has checked permissions.

    The first piece is decrypted before the response exists, so a document that cannot be
    decrypted at all raises ``DecryptionError`` (a clear page) rather than an empty file.
    """
    chunks = document_chunks(document)
    first = next(chunks, b"")
    method = get_setting("DOCUMENT_SERVE_METHOD")
    if method == "django":
        response = StreamingHttpResponse(
            _prepend(first, chunks), content_type=document.content_type
        )
        response["Content-Length"] = str(document.size)
    else:
        path = _sendfile_copy(_prepend(first, chunks))
        response = HttpResponse(content_type=document.content_type)
        if method == "x-accel-redirect":
            response["X-Accel-Redirect"] = get_setting("SENDFILE_URL_PREFIX") + path.name
        else:
            response["X-Sendfile"] = str(path)
        response["Content-Length"] = str(path.stat().st_size)
    response["Content-Disposition"] = content_disposition_header(True, document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _prepend(first, rest):
    yield first
    yield from rest
