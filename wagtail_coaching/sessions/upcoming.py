"""What comes next for a participant: their next session and when its video room opens.

The next session is the first planned one whose room has not closed yet (so a session under
way is still "next" until its window closes). Only times, statuses and the participants'
names are read; never content. Whether someone may really join is still decided by
``jitsi`` when the room page and its token are asked for.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import jitsi
from wagtail_coaching.sessions.models import LONGEST_SESSION, CoachingSession, SessionStatus
from wagtail_coaching.spaces.lock import Among
from wagtail_coaching.spaces.models import ClientSpaceStatus

# Enough planned sessions to step over the ones whose room already closed.
CANDIDATES = 20


def _is_to_come(session, now):
    """The rule: planned, and its room has not closed yet."""
    return session.status == SessionStatus.PLANNED and jitsi.join_window(session)[1] >= now


def _people(relation):
    """The columns of the user at ``relation`` that the card shows: their name."""
    return [
        f"{relation}__{name}"
        for name in ("first_name", "last_name", get_user_model().USERNAME_FIELD)
    ]


def next_session(space_ids, now=None):
    """The next session of the spaces ``space_ids`` (ids the lock gave), or None. One query.

    Only what the card shows is read: the session's times and status, its space's id,
    status and participants' names, and its programme's title as ``programme_title`` (None
    without a programme), not the programme page."""
    now = now or timezone.now()
    earliest = now - LONGEST_SESSION - timedelta(minutes=get_setting("JITSI_JOIN_WINDOW_AFTER"))
    candidates = (
        CoachingSession.objects.filter(
            Among(F("space_id"), space_ids),
            status=SessionStatus.PLANNED,
            starts_at__gte=earliest,
        )
        .exclude(space__status=ClientSpaceStatus.CLOSED)
        .select_related("space__coach", "space__coachee")
        .only(
            "space_id",
            "starts_at",
            "duration_minutes",
            "status",
            "space__public_id",
            "space__status",
            "space__coach_id",
            "space__coachee_id",
            "space__programme_id",
            *_people("space__coach"),
            *_people("space__coachee"),
        )
        .annotate(programme_title=F("space__programme__title"))
        .order_by("starts_at", "pk")[:CANDIDATES]
    )
    return next((session for session in candidates if _is_to_come(session, now)), None)


def next_of_space(space, sessions, now=None):
    """The next session of ``space`` among ``sessions`` (all of its sessions, already read),
    by the same rule as :func:`next_session`, without a query; None for a closed space."""
    if space.status == ClientSpaceStatus.CLOSED:
        return None
    now = now or timezone.now()
    to_come = [session for session in sessions if _is_to_come(session, now)]
    session = min(to_come, key=lambda s: (s.starts_at, s.pk), default=None)
    if session is not None:
        session.space = space
    return session


def session_urls(session):
    kwargs = {"public_id": session.space.public_id, "session_id": session.pk}
    return {
        "room": reverse("wagtail_coaching:session_room", kwargs=kwargs),
        "calendar": reverse("wagtail_coaching:session_ics", kwargs=kwargs),
    }


def card(session, now=None):
    """What the next-session card shows of ``session``: its times, its join window (as
    epoch milliseconds too, for the page's script), whether the room is open, its links."""
    now = now or timezone.now()
    opens, closes = jitsi.join_window(session)
    return {
        "session": session,
        "space": session.space,
        "opens_at": opens,
        "closes_at": closes,
        "is_open": jitsi.is_room_open(session, now),
        "opens_ms": int(opens.timestamp() * 1000),
        "closes_ms": int(closes.timestamp() * 1000),
        "now_ms": int(now.timestamp() * 1000),
        "urls": session_urls(session),
    }
