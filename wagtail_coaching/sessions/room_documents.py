"""The documents panel of the video room: the space's documents, live for both participants.

``GET spaces/<uuid>/documents/feed/`` answers the list of the space's documents as JSON —
names, uploader, date, size and download URL; never their content. The answer carries an
``ETag`` computed by one query (a keyed digest of the space's document ids): a poll with
``If-None-Match`` that matches gets ``304`` without decrypting anything. Nothing is kept in
process memory, so it works on plain WSGI and on any number of processes, like the board.

``POST`` to the same URL uploads a document through :func:`uploads.store_document` (same
checks, same encryption, nothing half saved). A script (``Accept: application/json``) gets
JSON: ``201`` with the document, or ``400`` with a message for the panel. A plain form post
(no script) is redirected back to the room with a message.

Only the participants reach it (:func:`gate.space_view`: lock, contract gate, no-store).
"""

import logging

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces import content, gate
from wagtail_coaching.spaces.crypto import DecryptionError
from wagtail_coaching.spaces.documents import store_document
from wagtail_coaching.spaces.forms import UploadForm
from wagtail_coaching.spaces.models import display_name
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.uploads import UploadError, allowed_extensions

logger = logging.getLogger(__name__)


def feed_etag(space):
    """A validator of this space's document list that changes on every upload and deletion.

    It depends on this space alone: a keyed digest of the space and its documents' random
    ids (one query, nothing decrypted). Primary keys are not used: they count rows of every
    space, so a tag built on them moved with other spaces' uploads.
    """
    uids = space.documents.order_by("uid").values_list("uid", flat=True)
    digest = salted_hmac(
        "wagtail_coaching.documents_feed",
        "\n".join([str(space.public_id), *(str(uid) for uid in uids)]),
        algorithm="sha256",
    ).hexdigest()
    return f'"docs-{digest[:32]}"'


def document_json(space, document):
    uploaded_at = timezone.localtime(document.uploaded_at)
    return {
        "id": str(document.uid),
        "name": document.name,
        "uploadedBy": display_name(document.uploaded_by),
        "uploadedAt": uploaded_at.isoformat(),
        "uploadedAtText": formats.date_format(uploaded_at, "DATETIME_FORMAT"),
        "size": document.size,
        "url": reverse(
            "wagtail_coaching:document_download",
            kwargs={"public_id": space.public_id, "document_uid": document.uid},
        ),
    }


def documents_with_space(space):
    """The space's documents with ``space`` set on each: its data key is unwrapped once."""
    rows = list(content.documents_of(space))
    for row in rows:
        row.space = space
    return rows


def room_documents_context(request, space, feed_url):
    """What the room page's documents panel needs (its first list is rendered server-side)."""
    documents = documents_with_space(space)
    return {
        "room_documents": documents,
        "documents_feed_url": feed_url,
        "accepted_types": ", ".join(sorted(allowed_extensions())),
        "documents_config": {
            "feedUrl": feed_url,
            "version": feed_etag(space),
            "pollMs": get_setting("DOCUMENTS_POLL_INTERVAL_MS"),
            "csrfToken": get_token(request),
        },
    }


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def back_to(request, space):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("wagtail_coaching:documents", kwargs={"public_id": space.public_id})


@gate.space_view(methods=("GET", "HEAD", "POST"), background=gate.SAFE_METHODS)
def documents_feed(request, space):
    if request.method == "POST":
        return _upload(request, space)
    etag = feed_etag(space)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    try:
        with timezone.override(user_timezone(request.user)):
            documents = [document_json(space, doc) for doc in documents_with_space(space)]
    except DecryptionError as exc:
        logger.error("Cannot decrypt document names of space %s: %s", space.public_id, exc)
        return JsonResponse({"error": _("The documents of this space cannot be read.")}, status=503)
    response = JsonResponse({"version": etag, "documents": documents})
    response["ETag"] = etag
    return response


def _upload(request, space):
    form = UploadForm(request.POST, request.FILES)
    error = None
    document = None
    if not form.is_valid():
        error = " ".join(form.errors.get("file", [])) or _("Choose a file to upload.")
    else:
        try:
            document = store_document(space, request.user, form.cleaned_data["file"])
        except UploadError as exc:
            error = str(exc)
        except OSError:
            logger.exception("Storing a document of space %s failed", space.public_id)
            error = _("The file could not be stored. Nothing was saved; try again later.")
    if _wants_json(request):
        if error:
            return JsonResponse({"error": error}, status=400)
        with timezone.override(user_timezone(request.user)):
            body = {"document": document_json(space, document), "version": feed_etag(space)}
        return JsonResponse(body, status=201)
    if error:
        messages.error(request, _("Upload refused: %(reason)s") % {"reason": error})
    else:
        # Not the name: messages may be kept in the session, and names are content.
        messages.success(request, _("Document uploaded."))
    return redirect(back_to(request, space))
