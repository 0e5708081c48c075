"""The idle clock of a logged-in session: when its user was last active.

A user idle for longer than ``WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT`` is logged out, to
protect their coaching space. Both doors keep the clock: the HTTP middleware
(``wagtail_coaching.middleware``) on every request, and a space's live socket
(``sessions.consumers``) while a room is open and talking to the server, since such a page
may make no HTTP request for a long time.
"""

import time

from wagtail_coaching.conf import get_setting

SESSION_KEY = "wagtail_coaching_last_seen"
# The last-seen time is rewritten at most this often, so most requests do not save the session.
WRITE_EVERY = 60


def is_idle(session, now=None):
    """True when ``session`` (a Django session) has been idle past the timeout."""
    now = int(now or time.time())
    last_seen = session.get(SESSION_KEY)
    return last_seen is not None and now - last_seen > int(get_setting("SESSION_IDLE_TIMEOUT"))


def touch(session, now=None):
    """Mark ``session`` active now (at most every ``WRITE_EVERY`` s); True if it changed."""
    now = int(now or time.time())
    last_seen = session.get(SESSION_KEY)
    if last_seen is None or now - last_seen >= WRITE_EVERY:
        session[SESSION_KEY] = now
        return True
    return False
