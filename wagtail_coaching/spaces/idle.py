"""The idle clock of a logged-in session: when its user was last active.

A user idle for longer than ``WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT`` is logged out, to
protect their coaching space. Only the person's own acts count: the HTTP middleware
(``wagtail_coaching.middleware``) for requests that are not background ones, and a space's
live socket (``sessions.consumers``) for presence in a session whose room is open (a person
in a call clicks nothing, yet is at work). Polls, heartbeats outside a call and an open
socket by itself never keep a login alive.
"""

import time

from wagtail_coaching.conf import get_setting

SESSION_KEY = "wagtail_coaching_last_seen"
# The shortest timeout the checks accept (seconds).
MIN_IDLE_TIMEOUT = 5 * 60


def timeout():
    return int(get_setting("SESSION_IDLE_TIMEOUT"))


def write_interval(seconds):
    """Seconds between two writes of the last-seen time: a tenth of the timeout, at most a
    minute, so most requests do not save the session and a user active within the timeout
    is never logged out (the recorded time lags the real one by less than this)."""
    return max(1, min(60, seconds // 10))


def is_idle(session, now=None):
    """True when ``session`` (a Django session) has been idle past the timeout."""
    now = int(now or time.time())
    last_seen = session.get(SESSION_KEY)
    return last_seen is not None and now - last_seen > timeout()


def touch(session, now=None):
    """Mark ``session`` active now (at most every :func:`write_interval`); True if it
    changed, so that the caller saves it."""
    now = int(now or time.time())
    last_seen = session.get(SESSION_KEY)
    if last_seen is None or now - last_seen >= write_interval(timeout()):
        session[SESSION_KEY] = now
        return True
    return False
