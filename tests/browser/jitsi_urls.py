"""The sandbox's URLs plus a stand-in Jitsi server: ``/external_api.js`` and a conference page.

Only the browser tests use this URLconf (``ROOT_URLCONF``), with the Jitsi domain pointed
at the live server's address; the app itself always loads ``https://<domain>/external_api.js``.
"""

from pathlib import Path

from django.http import HttpResponse
from django.urls import path, re_path
from django.views.decorators.clickjacking import xframe_options_exempt

from sandbox.urls import urlpatterns as sandbox_urlpatterns

STAND_IN = Path(__file__).resolve().parent / "jitsi_stand_in" / "external_api.js"


def external_api(request):
    return HttpResponse(STAND_IN.read_bytes(), content_type="application/javascript")


@xframe_options_exempt  # framed by the room page, as Jitsi is
def conference(request, room):
    response = HttpResponse(
        f"<!DOCTYPE html><title>Stand-in conference</title><p>Conference {room}</p>",
        content_type="text/html",
    )
    # A real Jitsi server sends its own policy, not the site's (which forbids framing by
    # another origin); set here, the site's CSP middleware leaves it alone.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors *"
    return response


urlpatterns = [
    path("external_api.js", external_api),
    re_path(r"^(?P<room>[a-z0-9-]+)$", conference),
    *sandbox_urlpatterns,
]
