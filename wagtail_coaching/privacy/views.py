"""The participant's copy of a whole space: the export page and its zip file."""

from django.http import FileResponse

from wagtail_coaching.privacy.export import build_export
from wagtail_coaching.spaces import audit, gate
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.spaces.views import space_context


@gate.space_view
def export(request, space):
    return render_page(
        request, "wagtail_coaching/export.html", space_context(request, space, "export")
    )


@gate.space_view
def export_download(request, space):
    handle, size = build_export(space, request.user)
    audit.record(space, request.user, audit.AccessAction.EXPORT)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"coaching-space-{space.public_id}.zip",
        content_type="application/zip",
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
