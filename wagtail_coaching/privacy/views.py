"""The participant's copy of a whole space: the export page (ask, follow, download) and the
zip file, which only the participant who asked for it may download."""

import itertools

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.privacy import background
from wagtail_coaching.spaces import audit, gate
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.spaces.views import space_context


def _export_url(space):
    return reverse("wagtail_coaching:export", kwargs={"public_id": space.public_id})


# A closed space can still be exported: asking for the zip changes nothing of the space.
@gate.space_view(methods=("GET", "HEAD", "POST"), closed_changes=True)
def export(request, space):
    if request.method == "POST":
        background.request_export(space, request.user)
        messages.success(request, _("Your zip file is being prepared."))
        return redirect(_export_url(space))
    return render_page(
        request,
        "wagtail_coaching/export.html",
        space_context(
            request,
            space,
            "export",
            export=background.latest_export(space, request.user),
            kept_hours=get_setting("SPACE_EXPORT_HOURS"),
        ),
    )


@gate.space_view
def export_download(request, space):
    found = background.ready_export(space, request.user)
    if found is None:
        raise Http404
    found.space = space
    chunks = background.export_chunks(found)
    # The first piece is decrypted here, so that a key problem gives the gate's clear page
    # rather than a download cut short.
    first = next(chunks, b"")
    audit.record(space, request.user, audit.AccessAction.EXPORT)
    response = StreamingHttpResponse(
        itertools.chain([first], chunks), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"coaching-space-{space.public_id}.zip"
    )
    response["Content-Length"] = str(found.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
