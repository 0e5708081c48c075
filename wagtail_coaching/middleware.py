"""Idle session timeout for logged-in users, and a user's own language from login on.

Add ``wagtail_coaching.middleware.IdleSessionTimeoutMiddleware`` after Django's
``AuthenticationMiddleware`` and ``MessageMiddleware``. A logged-in user who does nothing for
``WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT`` seconds (default 30 minutes, at least 5) is logged
out on their next request, which then continues as anonymous (so a space page sends them to
the login page) with a message saying why.

Only the person's own requests count as activity. Requests a page sends by itself (the
board's and the documents panel's polls, the room's token refresh, presence heartbeats,
Wagtail's editing-session pings) are *background*: they are logged out when the time is
over, but never keep a login alive. Space views name their background methods with
``space_view(background=...)``; a view may still count one request as activity with
``gate.count_as_activity`` (a heartbeat while the session's room is open).

Add ``wagtail_coaching.middleware.UserLanguageMiddleware`` too (anywhere in ``MIDDLEWARE``:
it only acts on the response): when someone logs in, on the site's or the admin's login page, the
language stored in their preferences becomes the interface's language (Django's language
cookie is set on the login's response).
"""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail_coaching.spaces import csp, idle, preferences
from wagtail_coaching.spaces.gate import ACTIVITY, BACKGROUND_METHODS
from wagtail_coaching.spaces.idle import MIN_IDLE_TIMEOUT, SESSION_KEY, write_interval

__all__ = [
    "MIN_IDLE_TIMEOUT",
    "SESSION_KEY",
    "IdleSessionTimeoutMiddleware",
    "UserLanguageMiddleware",
    "write_interval",
]

# Set on the request by the login signal, read by UserLanguageMiddleware on the response.
LOGIN_LANGUAGE = "_wagtail_coaching_login_language"

# Views of other apps that pages call by themselves.
BACKGROUND_URL_NAMES = {
    "wagtailadmin_editing_sessions:ping",
    "wagtailadmin_editing_sessions:release",
}


def is_background(request, view_func):
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in BACKGROUND_URL_NAMES:
        return True
    return request.method in getattr(view_func, BACKGROUND_METHODS, ())


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Written after the view, which may count a background request as activity.
        if getattr(request, ACTIVITY, False) and request.user.is_authenticated:
            idle.touch(request.session)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        timeout = idle.timeout()
        if idle.is_idle(request.session):
            logout(request)
            messages.info(
                request,
                _(
                    "You were logged out after %(minutes)s minutes without activity, to "
                    "protect your coaching space. Please log in again."
                )
                % {"minutes": max(1, timeout // 60)},
            )
            return None
        setattr(request, ACTIVITY, not is_background(request, view_func))
        return None


@receiver(user_logged_in, dispatch_uid="wagtail_coaching_idle_login")
def _start_idle_clock(sender, request, user, **kwargs):
    # Set at login, so the first request after it need not save the session again.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = int(time.time())


class AdminContentSecurityPolicyMiddleware:
    """Wagtail's admin pages get ``spaces.csp.admin_policy()`` (no inline script without the
    request's nonce; ``spaces.admin_scripts`` starts Wagtail's widgets without one); every
    other page keeps the site's or its view's policy.

    Place it right after the CSP middleware (django-csp's or Django's): it sets the header
    first, and the CSP middleware keeps a header that is already there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("wagtailadmin_home")):
            csp.apply(request, response, csp.admin_policy())
        return response


class UserLanguageMiddleware:
    """Writes the language a user chose into Django's language cookie when they log in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, LOGIN_LANGUAGE, None)
        if language:
            preferences.remember_language(response, language)
        return response


@receiver(user_logged_in, dispatch_uid="wagtail_coaching_login_language")
def _apply_stored_language(sender, request, user, **kwargs):
    # Someone who never chose a language keeps the one their browser asked for.
    language = preferences.stored_language(user)
    if request is None or language is None:
        return
    # Only remembered here: activating it would also switch whatever code logged the
    # user in (a test's force_login, a script), and the login's response is a redirect.
    setattr(request, LOGIN_LANGUAGE, language)
