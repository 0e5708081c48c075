"""iCalendar invitations and the private calendar feed (RFC 5545, built with ``icalendar``).

Times are written in UTC (``DTSTART:20270328T080000Z``): unambiguous across daylight-saving
changes, and every calendar shows them in its owner's zone. A session keeps one ``UID`` for
its whole life; each move or cancellation raises its ``SEQUENCE`` so calendars replace the
earlier version instead of adding a second event.

Invitations and the feed carry times, names and the room page's address; never content.
"""

from datetime import UTC
from email.mime.text import MIMEText

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.sessions.models import SessionStatus
from wagtail_coaching.spaces.models import display_name

PRODID = "-//wagtail-coaching//Coaching sessions//EN"


def site_url(path):
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def room_url(session):
    return site_url(
        reverse(
            "wagtail_coaching:session_room",
            kwargs={"public_id": session.space.public_id, "session_id": session.pk},
        )
    )


def _calendar(method=None):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _person(user, role):
    address = icalendar.vCalAddress(f"mailto:{user.email or user.get_username()}")
    address.params["cn"] = icalendar.vText(display_name(user))
    address.params["role"] = icalendar.vText(role)
    return address


def session_event(session, cancelled=False):
    """The ``VEVENT`` of ``session`` (cancelled when it is, or when ``cancelled``)."""
    space = session.space
    event = icalendar.Event()
    event.add("uid", session.ical_uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _("Coaching session: %(coachee)s with %(coach)s")
        % {"coachee": display_name(space.coachee), "coach": display_name(space.coach)},
    )
    url = room_url(session)
    event.add("url", url)
    event.add("description", _("Join the video room: %(url)s") % {"url": url})
    event.add("organizer", _person(space.coach, "CHAIR"))
    event.add("attendee", _person(space.coachee, "REQ-PARTICIPANT"))
    event.add("attendee", _person(space.coach, "CHAIR"))
    is_cancelled = cancelled or session.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def invitation(session, method):
    """A one-event calendar with ``METHOD:REQUEST`` (new or moved) or ``CANCEL``."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    calendar = _calendar(method)
    calendar.add_component(session_event(session, cancelled=method == "CANCEL"))
    return calendar.to_ical()


def feed(sessions):
    """A subscription calendar of ``sessions`` (cancelled ones marked, not dropped)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", _("Coaching sessions"))
    for session in sessions:
        calendar.add_component(session_event(session))
    return calendar.to_ical()


def calendar_part(content, method):
    """``content`` (iCalendar bytes) as an e-mail attachment for the given METHOD."""
    part = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part
