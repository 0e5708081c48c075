"""The paper board's HTTP endpoints: poll for changes, send one, export as PDF.

Board content is space content: the lock decides (404 for everyone but the participants),
and no stroke or text ever goes into a log line or an error page.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import board, contracts, permissions

MAX_BODY_BYTES = 512 * 1024


@require_safe
@never_cache
@login_required
def board_state(request, public_id):
    """``GET ?since=<version>``: the operations after ``since`` (or the whole board)."""
    space = permissions.get_space_or_404(request.user, public_id)
    if (refusal := contracts.gate(request, space)) is not None:
        return refusal  # the contract comes first, as for every space URL
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        return JsonResponse({"error": _("since must be a whole number.")}, status=400)
    return JsonResponse(board.changes_since(space, since))


@never_cache
@login_required
def board_ops(request, public_id):
    """``POST`` one operation as JSON; answers with its version."""
    space = permissions.get_space_or_404(request.user, public_id)
    if (refusal := contracts.gate(request, space)) is not None:
        return refusal  # the contract comes first, as for every space URL
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
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


@require_safe
@never_cache
@login_required
def board_pdf(request, public_id):
    """The board as a PDF, saved as a space document once documents exist, else downloaded."""
    space = permissions.get_space_or_404(request.user, public_id)
    if (refusal := contracts.gate(request, space)) is not None:
        return refusal  # the contract comes first, as for every space URL
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    filename = f"paper-board-{stamp}.pdf"
    content = board.render_pdf(space, title=_("Paper board"))
    document = board.store_as_space_document(
        space, request.user, filename, content, "application/pdf"
    )
    if document is not None and hasattr(document, "get_absolute_url"):
        return redirect(document.get_absolute_url())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
