"""A space's documents on disk: stored encrypted in private storage, read back, and served
only through the permission-checked views (directly or through the proxy's X-Accel-Redirect).
"""

import os
import secrets
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.content import SpaceDocument
from wagtail_coaching.spaces.crypto import content_aad, decrypt_for_space, encrypt_for_space
from wagtail_coaching.spaces.uploads import private_storage, read_upload


def file_aad(document):
    return content_aad(document.space, document.encryption_label, document.uid, "file")


def store_document(space, user, uploaded):
    """Check, encrypt and store ``uploaded`` as a new document of ``space``.

    Either both the row and the stored file exist afterwards, or neither does. Raises
    :class:`UploadError` for a refused file; storage errors propagate, with nothing saved.
    """
    name, data, mime = read_upload(uploaded)
    document = SpaceDocument(space=space, uploaded_by=user, content_type=mime, size=len(data))
    document.name = name
    ciphertext = encrypt_for_space(space, data, file_aad(document))
    storage = private_storage()
    stored = storage.save(
        f"spaces/{space.public_id}/{document.uid.hex}.bin", ContentFile(ciphertext)
    )
    try:
        with transaction.atomic():
            document.storage_name = stored
            document.save()
    except BaseException:
        storage.delete(stored)
        raise
    return document


def read_document(document):
    """The decrypted bytes of ``document`` (fails closed, see ``crypto``)."""
    with private_storage().open(document.storage_name, "rb") as handle:
        token = handle.read()
    return decrypt_for_space(document.space, token, file_aad(document))


def _sendfile_copy(data):
    """Write ``data`` to a fresh file in WAGTAIL_COACHING_SENDFILE_ROOT for the proxy to send,
    removing copies older than two minutes."""
    root = Path(get_setting("SENDFILE_ROOT"))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    cutoff = time.time() - 120
    for old in root.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    path = root / secrets.token_hex(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def document_response(document):
    """The download response of ``document``; the caller has checked permissions."""
    data = read_document(document)
    method = get_setting("DOCUMENT_SERVE_METHOD")
    if method == "django":
        response = HttpResponse(data, content_type=document.content_type)
    else:
        path = _sendfile_copy(data)
        response = HttpResponse(content_type=document.content_type)
        if method == "x-accel-redirect":
            response["X-Accel-Redirect"] = get_setting("SENDFILE_URL_PREFIX") + path.name
        else:
            response["X-Sendfile"] = str(path)
        response["Content-Length"] = str(len(data))
    response["Content-Disposition"] = content_disposition_header(True, document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
