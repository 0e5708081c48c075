"""Free slots and booking by the coachee.

What a caller may rely on:

* :func:`free_slots` lists the starts of sessions a coachee may book: inside the coach's
  weekly availability (read in the coach's time zone), not on a day off, inside the space's
  dates, at least the organisation's notice from now, and overlapping none of the coach's
  or the coachee's sessions, nor the coach's scheduled trials;
* :func:`book` and :func:`move` check the same rules again with the coach's and the
  coachee's rows locked (the planning's and the trials' lock), so two bookings of one slot
  at the same moment never both succeed; invitations go to both participants
  (``METHOD:REQUEST`` with a higher ``SEQUENCE`` on a move);
* a coachee cancels or moves only up to the notice (:func:`may_change`); the coach still
  cancels later from the session's page, and such a cancellation counts as late.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.booking.models import AvailabilityRange, DayOff
from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import planning
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.models import ClientSpaceStatus
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.trials.models import TrialRequest, TrialStatus

WEEKS_AHEAD = 4


def session_minutes(space):
    if space.programme_id and space.programme.session_length_minutes:
        return space.programme.session_length_minutes
    return get_setting("SESSION_DEFAULT_DURATION")


def notice(space):
    return datetime.timedelta(hours=space.organisation.booking_notice_hours)


def may_change(session, now=None):
    """True while the coachee may still move or cancel ``session`` on the site."""
    now = now or timezone.now()
    return session.status == SessionStatus.PLANNED and session.starts_at - now >= notice(
        session.space
    )


def sessions_left(space, exclude=None):
    """How many more sessions may be booked in ``space``: planned minus held or to come."""
    used = space.sessions.exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.MISSED))
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    return max(space.planned_sessions - used.count(), 0)


def _busy(space, start, end, exclude=None):
    """(start, end) of what the coach or the coachee already has between start and end."""
    people = [space.coach_id, space.coachee_id]
    sessions = CoachingSession.objects.filter(
        Q(space__coach_id__in=people) | Q(space__coachee_id__in=people),
        starts_at__lt=end,
        starts_at__gt=start - datetime.timedelta(days=1),
    )
    spans = [
        (s.starts_at, s.ends_at)
        for s in sessions
        if s.status not in (SessionStatus.CANCELLED, SessionStatus.MISSED)
        and (exclude is None or s.pk != exclude.pk)
    ]
    trials = TrialRequest.objects.filter(
        coach_id=space.coach_id,
        status=TrialStatus.SCHEDULED,
        starts_at__lt=end,
        starts_at__gt=start - datetime.timedelta(days=1),
    )
    spans += [(t.starts_at, t.ends_at) for t in trials]
    return spans


def free_slots(space, now=None, weeks=WEEKS_AHEAD, exclude=None):
    """The starts (aware datetimes, UTC) of the slots the coachee may book, in order."""
    now = now or timezone.now()
    if space.status == ClientSpaceStatus.CLOSED:
        return []
    zone = zoneinfo.ZoneInfo(str(user_timezone(space.coach)))
    length = datetime.timedelta(minutes=session_minutes(space))
    earliest = now + notice(space)
    first_day = max(timezone.localtime(earliest, zone).date(), space.start_date)
    last_day = timezone.localtime(now, zone).date() + datetime.timedelta(weeks=weeks)
    if space.end_date:
        last_day = min(last_day, space.end_date)
    if last_day < first_day:
        return []
    ranges = {}
    for item in AvailabilityRange.objects.filter(coach_id=space.coach_id):
        ranges.setdefault(item.weekday, []).append((item.starts, item.ends))
    off = set(
        DayOff.objects.filter(
            coach_id=space.coach_id, day__gte=first_day, day__lte=last_day
        ).values_list("day", flat=True)
    )
    candidates = []
    day = first_day
    while day <= last_day:
        if day not in off:
            for starts, ends in ranges.get(day.weekday(), ()):
                start = datetime.datetime.combine(day, starts, zone)
                stop = datetime.datetime.combine(day, ends, zone)
                while start + length <= stop:
                    if start >= earliest:
                        candidates.append(start.astimezone(datetime.UTC))
                    start += length
        day += datetime.timedelta(days=1)
    if not candidates:
        return []
    busy = _busy(space, candidates[0], candidates[-1] + length, exclude=exclude)
    return [
        start
        for start in candidates
        if not any(b_start < start + length and start < b_end for b_start, b_end in busy)
    ]


def _check_free(space, starts_at, exclude=None):
    if starts_at not in free_slots(space, exclude=exclude):
        raise ValidationError(
            _("This time is no longer free. Choose another one in the list."), code="taken"
        )


def book(space, starts_at):
    """Book a session of ``space`` at ``starts_at`` (one of :func:`free_slots`)."""
    with transaction.atomic():
        planning.lock_people(space)  # serialises every booking of these two people
        if sessions_left(space) < 1:
            raise ValidationError(
                _("Every planned session of this space is already booked."), code="no_session"
            )
        _check_free(space, starts_at)
        return planning.plan_session(space, starts_at, session_minutes(space), by=space.coachee)


def move(session, starts_at):
    space = session.space
    if not may_change(session):
        raise ValidationError(late_message(space), code="late")
    with transaction.atomic():
        planning.lock_people(space)
        _check_free(space, starts_at, exclude=session)
        return planning.move_session(session, starts_at, session_minutes(space), by=space.coachee)


def cancel(session):
    if not may_change(session):
        raise ValidationError(late_message(session.space), code="late")
    return planning.cancel_session(session, by=session.space.coachee)


def late_message(space):
    return _(
        "Sessions can be moved or cancelled here up to %(hours)s hours before they start. "
        "Write to your coach."
    ) % {"hours": space.organisation.booking_notice_hours}
