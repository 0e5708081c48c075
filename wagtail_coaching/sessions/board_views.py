"""The paper board's HTTP endpoints: poll for changes, send one, export as PDF, save the
board (PDF or PNG) as a space document.

Board content is space content: the lock decides (404 for everyone but the participants),
and no stroke or text ever goes into a log line or an error page.
"""

import json
import logging

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import board, room_documents
from wagtail_coaching.spaces import gate
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.uploads import UploadError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024


@gate.space_view(background=gate.SAFE_METHODS)
def board_state(request, space):
    """``GET ?since=<version>``: the operations after ``since`` (or the whole board)."""
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        return JsonResponse({"error": _("since must be a whole number.")}, status=400)
    return JsonResponse(board.changes_since(space, since))


@gate.space_view(methods=("POST",))
def board_ops(request, space):
    """``POST`` one operation as JSON; answers with its version."""
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": _("This stroke is too large to be saved.")}, status=400)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The request body is not JSON.")}, status=400)
    try:
        op = board.apply(space, request.user, payload)
    except board.InvalidOperation as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"version": op.version, "id": op.item_id})


def _saved(request, space, filename, content, content_type):
    """Store an exported board as a space document; JSON for scripts, else a redirect."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        document = board.store_as_space_document(
            space, request.user, filename, content, content_type
        )
    except UploadError as exc:
        error = str(exc)
    except OSError:
        logger.exception("Storing the paper board of space %s failed", space.public_id)
        error = _("The file could not be stored. Nothing was saved; try again later.")
    else:
        if wants_json:
            with timezone.override(user_timezone(request.user)):
                body = {"document": room_documents.document_json(space, document)}
            return JsonResponse(body, status=201)
        messages.success(request, _("The paper board was saved in the space's documents."))
        return redirect(room_documents.back_to(request, space))
    if wants_json:
        return JsonResponse({"error": error}, status=400)
    messages.error(request, _("Upload refused: %(reason)s") % {"reason": error})
    return redirect(room_documents.back_to(request, space))


def _stamp():
    return timezone.localtime().strftime("%Y-%m-%d-%H%M")


@gate.space_view(methods=("GET", "HEAD", "POST"))
def board_pdf(request, space):
    """``GET``: the board as a PDF download. ``POST``: save it as a space document."""
    filename = _("paper-board-%(stamp)s.pdf") % {"stamp": _stamp()}
    content = board.render_pdf(space, title=_("Paper board"))
    if request.method == "POST":
        return _saved(request, space, filename, content, "application/pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@gate.space_view(methods=("POST",))
def board_png(request, space):
    """``POST`` the PNG drawn by the page (field ``file``): saved as a space document.

    The image is checked like any upload (a real PNG, within the size limit)."""
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return JsonResponse({"error": _("No image was sent.")}, status=400)
    data = uploaded.read(get_setting("DOCUMENT_MAX_SIZE") + 1)
    return _saved(
        request, space, _("paper-board-%(stamp)s.png") % {"stamp": _stamp()}, data, "image/png"
    )
