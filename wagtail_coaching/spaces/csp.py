"""The Content-Security-Policy of the app's pages: one for the site and the admin, a strict
one for space pages.

* **Space pages** (every view behind :func:`gate.space_view`) get :func:`space_policy`: scripts
  only from the site itself or inline with the request's nonce (no ``unsafe-inline``, no
  ``unsafe-eval``), frames only from the embed origins modules may use
  (``WAGTAIL_COACHING_CSP_FRAME_SOURCES``), no plugins, no ``<base>``, forms only to the site,
  and no framing by another page. The video room adds the Jitsi origin for its script and
  frames only Jitsi.
* **Every other page**, the site's and Wagtail's admin, gets :func:`site_policy` through the
  CSP middleware (django-csp on Django 5.2, Django's own on 6.0+, see ``compat``), set up by
  the install guide. It is the same, with images from any HTTPS origin (renditions in object
  storage) and framing by the site itself (Wagtail's preview panel). The admin then makes no
  request to another site: the install guide turns off Gravatar (which would send a hash of
  each admin user's e-mail address) and Wagtail's update check.

* **Wagtail's admin** gets :func:`admin_policy` from
  ``wagtail_coaching.middleware.AdminContentSecurityPolicyMiddleware``: the site policy, with
  its frame sources from the app's setting. No ``'unsafe-inline'``, no ``'unsafe-eval'``:
  scripts come from the site, or inline with the request's nonce. Wagtail 8 still writes
  inline scripts (chooser widgets, date pickers, inline panels); ``spaces.admin_scripts``
  writes them as inert JSON that one static admin script starts instead. No plugins, no other
  site's scripts, frames, connections or forms.

Inline ``style`` attributes stay allowed (Wagtail's admin and the board use them); CSS cannot
run script.
"""

from urllib.parse import urlsplit

from django.conf import settings

from wagtail_coaching import compat
from wagtail_coaching.conf import DEFAULTS, get_setting

HEADER = "Content-Security-Policy"
SELF = "'self'"
NONE = "'none'"

# The players that module pages' video blocks embed (YouTube, Vimeo).
DEFAULT_FRAME_SOURCES = DEFAULTS["CSP_FRAME_SOURCES"]


def _policy(*, frame_sources, script=(), frame=(), img=(), frame_ancestors=(NONE,)):
    frames = [*frame_sources, *frame]
    return {
        "default-src": [SELF],
        "script-src": [SELF, compat.NONCE, *script],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *img],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "frame-src": frames or [NONE],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": list(frame_ancestors),
    }


def site_policy(frame_sources=DEFAULT_FRAME_SOURCES):
    """The site-wide policy, for ``CONTENT_SECURITY_POLICY`` / ``SECURE_CSP`` in settings.

    Plain data, safe to call in a settings module.
    """
    return _policy(frame_sources=frame_sources, img=["https:"], frame_ancestors=[SELF])


def _media_origin():
    """The origin of ``MEDIA_URL`` when media are served from elsewhere (object storage)."""
    parts = urlsplit(settings.MEDIA_URL or "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def admin_policy():
    """The policy of Wagtail's admin pages (see the module's docstring)."""
    return site_policy(get_setting("CSP_FRAME_SOURCES"))


def space_policy(*, script=(), frame=(), embeds=True):
    """The strict policy of space pages; ``script``/``frame`` add origins (the room's Jitsi).

    Images come from the site, or from ``MEDIA_URL``'s origin (module pages' images). Without
    ``embeds`` (the video room, which shows no module), only ``frame`` may be framed.
    """
    return _policy(
        frame_sources=get_setting("CSP_FRAME_SOURCES") if embeds else (),
        script=script,
        frame=frame,
        img=_media_origin(),
    )


def render(policy, nonce):
    """``policy`` as a header value, with ``nonce`` in place of the nonce marker."""
    parts = []
    for directive, sources in policy.items():
        values = [f"'nonce-{nonce}'" if source == compat.NONCE else source for source in sources]
        parts.append(" ".join([directive, *values]))
    return "; ".join(parts)


def apply(request, response, policy=None):
    """Set ``policy`` (the strict space policy by default) on ``response``, unless a view
    already set one; the CSP middleware then leaves the header alone."""
    if response is not None and HEADER not in response:
        response[HEADER] = render(policy or space_policy(), compat.csp_nonce(request))
    return response
