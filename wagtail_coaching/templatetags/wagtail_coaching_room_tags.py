"""Template tags of sessions on site pages: a space's sessions block and the next-session card."""

from django import template
from django.utils import timezone

from wagtail_coaching.sessions import jitsi, upcoming
from wagtail_coaching.sessions.models import SessionStatus
from wagtail_coaching.spaces.models import ClientSpaceStatus
from wagtail_coaching.spaces.preferences import user_timezone

register = template.Library()


@register.inclusion_tag("wagtail_coaching/room/space_sessions.html", takes_context=True)
def coaching_space_sessions(context, space, sessions=None):
    """The sessions of ``space`` with what the reader may do with each (one query, none
    when the view passes ``sessions``, the space's sessions by start time)."""
    user = context["request"].user
    now = timezone.now()
    if sessions is None:
        sessions = list(space.sessions.order_by("starts_at"))
    rows = []
    for session in sessions:
        session.space = space
        rows.append(
            {
                "session": session,
                "room_open": jitsi.is_room_open(session, now),
                "to_confirm": session.needs_confirmation,
                "movable": session.status == SessionStatus.PLANNED and session.starts_at > now,
            }
        )
    return {
        "space": space,
        "rows": rows,
        "is_coach": space.coach_id == user.pk,
        "time_zone": user_timezone(user),
    }


@register.inclusion_tag("wagtail_coaching/room/next_session.html", takes_context=True)
def coaching_next_session(context, space=None, space_ids=(), sessions=None):
    """The reader's next session, of ``space`` or of the spaces ``space_ids`` (the lock's
    ids, on My coaching), with its join button and "Add to calendar" (one query, none when
    the view passes ``sessions``, all the sessions of ``space``)."""
    user = context["request"].user
    ids = [space.pk] if space is not None else list(space_ids)
    if space is not None and sessions is not None:
        session = upcoming.next_of_space(space, sessions)
    else:
        session = upcoming.next_session(ids) if ids else None
    return {
        "card": upcoming.card(session) if session else None,
        "in_space": space is not None,
        "space_closed": space is not None and space.status == ClientSpaceStatus.CLOSED,
        "is_coach": session is not None and session.space.coach_id == user.pk,
        "time_zone": user_timezone(user),
    }
