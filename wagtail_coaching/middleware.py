"""Idle session timeout for logged-in users.

Add ``wagtail_coaching.middleware.IdleSessionTimeoutMiddleware`` after Django's
``AuthenticationMiddleware`` and ``MessageMiddleware``. A logged-in user who sends no request
for ``WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT`` seconds (default 30 minutes) is logged out on
their next request, which then continues as anonymous (so a space page sends them to the
login page) with a message saying why.
"""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.idle import SESSION_KEY, WRITE_EVERY


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_KEY)
            timeout = int(get_setting("SESSION_IDLE_TIMEOUT"))
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were logged out after %(minutes)s minutes without activity, to "
                        "protect your coaching space. Please log in again."
                    )
                    % {"minutes": max(1, timeout // 60)},
                )
            elif last_seen is None or now - last_seen >= WRITE_EVERY:
                request.session[SESSION_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="wagtail_coaching_idle_login")
def _start_idle_clock(sender, request, user, **kwargs):
    # Set at login, so the first request after it need not save the session again.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = int(time.time())
