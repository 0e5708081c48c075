"""Planning sessions: plan, move and cancel, with e-mailed iCalendar invitations.

Rules a caller may rely on:

* a session is never planned or moved to a time already past, nor in a closed space, nor
  before the space's start date (:func:`check_plannable`); a refused plan sends nothing;
* a coach (or a coachee) is never booked into two sessions that overlap; the check runs
  with both people's rows locked, so two simultaneous bookings cannot both pass;
* every change e-mails both participants an invitation (``METHOD:REQUEST``) or a
  cancellation (``METHOD:CANCEL``) with the session's UID and a higher ``SEQUENCE``: queued
  when the transaction commits, written and sent by the task of :mod:`spaces.mail` (retried,
  never twice); an invitation overtaken by a later change of the session is not sent;
* times are stored in UTC; each recipient's e-mail and its iCalendar summary are rendered
  in that recipient's language and time zone (:func:`preferences.for_person`) when the
  e-mail is sent, whoever planned the session: a message to two people is rendered twice.
"""

import logging
import smtplib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import ical
from wagtail_coaching.sessions.ical import calendar_part
from wagtail_coaching.sessions.models import (
    CoachingSession,
    SessionStatus,
    check_no_double_booking,
)
from wagtail_coaching.spaces import mail
from wagtail_coaching.spaces.models import ClientSpaceStatus
from wagtail_coaching.spaces.preferences import for_person, show_date, show_time

logger = logging.getLogger(__name__)


def lock_people(space):
    """Lock the rows of ``space``'s coach and coachee until the transaction ends: every
    booking of either person waits for the one in progress."""
    User = get_user_model()
    list(User.objects.select_for_update().filter(pk__in=[space.coach_id, space.coachee_id]))


def check_plannable(space, starts_at, now=None):
    """Raise ``ValidationError`` (saying why) unless a session of ``space`` may be planned
    at ``starts_at``: not in the past, not in a closed space, not before the space starts."""
    now = now or timezone.now()
    if space.status == ClientSpaceStatus.CLOSED:
        raise ValidationError(
            _("This space is closed: no session can be planned in it."), code="space_closed"
        )
    if starts_at <= now:
        local = timezone.localtime(starts_at)
        raise ValidationError(
            _("%(date)s at %(time)s is already past: choose a time to come.")
            % {"date": show_date(local), "time": show_time(local)},
            code="in_the_past",
        )
    if timezone.localtime(starts_at).date() < space.start_date:
        raise ValidationError(
            _(
                "This space is not active yet: it starts on %(start)s. "
                "Plan the session on that day or later."
            )
            % {"start": show_date(space.start_date)},
            code="space_not_started",
        )


def plan_session(space, starts_at, duration_minutes, by=None):
    """Create a planned session and invite both participants."""
    check_plannable(space, starts_at)
    with transaction.atomic():
        lock_people(space)
        check_no_double_booking(space, starts_at, duration_minutes)
        session = CoachingSession.objects.create(
            space=space, starts_at=starts_at, duration_minutes=duration_minutes
        )
        send_invitation(session, "REQUEST")
    return session


def move_session(session, starts_at, duration_minutes, by=None):
    """Move ``session``; both participants get the updated invitation."""
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("Only a planned session can be moved."), code="not_planned")
    check_plannable(session.space, starts_at)
    with transaction.atomic():
        lock_people(session.space)
        check_no_double_booking(session.space, starts_at, duration_minutes, exclude=session)
        session.starts_at = starts_at
        session.duration_minutes = duration_minutes
        session.sequence += 1
        session.reminder_sent_at = None
        session.save(
            update_fields=["starts_at", "duration_minutes", "sequence", "reminder_sent_at"]
        )
        send_invitation(session, "REQUEST")
    return session


def cancel_session(session, by=None):
    """Cancel ``session``; both participants get a ``METHOD:CANCEL``."""
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("Only a planned session can be cancelled."), code="not_planned")
    with transaction.atomic():
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        # Within the organisation's notice, the cancellation counts as late in reports.
        notice = timedelta(hours=session.space.organisation.booking_notice_hours)
        session.cancelled_late = session.starts_at - timezone.now() < notice
        session.save(update_fields=["status", "sequence", "cancelled_late"])
        send_invitation(session, "CANCEL")
    return session


def after_admin_change(session, previous):
    """Invite, update or cancel after staff saved ``session`` in the admin.

    ``previous`` holds the saved ``starts_at``, ``duration_minutes``, ``status`` and
    ``space_id`` before the change, or None for a new session. Call it inside the transaction.
    """
    if session.status not in (SessionStatus.PLANNED, SessionStatus.CANCELLED):
        return
    if previous is None:
        if session.status == SessionStatus.PLANNED:
            send_invitation(session, "REQUEST")
        return
    if session.status == SessionStatus.CANCELLED:
        if previous["status"] != SessionStatus.CANCELLED:
            _bump(session)
            send_invitation(session, "CANCEL")
        return
    moved = (
        previous["starts_at"] != session.starts_at
        or previous["duration_minutes"] != session.duration_minutes
        or previous["status"] != session.status
        or previous["space_id"] != session.space_id
    )
    if moved:
        session.reminder_sent_at = None
        _bump(session)
        send_invitation(session, "REQUEST")


def _bump(session):
    session.sequence += 1
    session.save(update_fields=["sequence", "reminder_sent_at"])


# --- E-mail --------------------------------------------------------------------------------


def session_email(session, recipient, kind, method=None):
    """The e-mail about ``session`` to ``recipient`` (``kind``: planned, moved, cancelled or
    reminder), in their language and time zone, with the iCalendar ``method`` attached."""
    space = session.space
    context = {
        "session": session,
        "space": space,
        "other": space.coachee if recipient == space.coach else space.coach,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room_url": ical.room_url(session),
        "kind": kind,
    }
    message = mail.render(recipient, "wagtail_coaching/email/session", context)
    if method:
        with for_person(recipient):
            content = ical.invitation(session, method)
        message.attach(calendar_part(content, method))
    return message


def _send(session, kind, sent_to):
    """Send the reminder of ``session`` to both participants now (on the worker)."""
    for recipient in (session.space.coach, session.space.coachee):
        if recipient.email:
            session_email(session, recipient, kind).send()
            sent_to.append(recipient.pk)


def send_invitation(session, method):
    """Queue the invitation (or cancellation) of ``session``'s current ``SEQUENCE`` to both
    participants, once the transaction commits."""
    kind = "cancelled" if method == "CANCEL" else ("moved" if session.sequence else "planned")
    for recipient in (session.space.coach, session.space.coachee):
        if recipient.email:
            mail.send_later(
                "session",
                recipient,
                key=f"session:{session.pk}:{session.sequence}:{method}:{recipient.pk}",
                session_id=session.pk,
                sequence=session.sequence,
                method=method,
                about=kind,
            )


@mail.email_kind("session")
def invitation_email(recipient, session_id, sequence, method, about):
    """The queued invitation, unless the session changed again since (a later one is queued)
    or ``recipient`` is no longer one of its participants."""
    session = (
        CoachingSession.objects.select_related("space__coach", "space__coachee")
        .filter(pk=session_id, sequence=sequence)
        .first()
    )
    if session is None or not recipient.email:
        return None
    if recipient.pk not in (session.space.coach_id, session.space.coachee_id):
        return None
    return session_email(session, recipient, about, method)


def send_due_reminders(now=None):
    """E-mail a reminder for each planned session starting within the reminder delay.

    Each session is claimed with a conditional update before its e-mails go out, so two
    runs at once never remind twice. A moved session is reminded again.
    """
    now = now or timezone.now()
    horizon = now + timedelta(hours=get_setting("SESSION_REMINDER_HOURS"))
    due = CoachingSession.objects.filter(
        status=SessionStatus.PLANNED,
        starts_at__gt=now,
        starts_at__lte=horizon,
        reminder_sent_at__isnull=True,
    ).select_related("space__coach", "space__coachee")
    reminded = 0
    for session in due:
        claimed = CoachingSession.objects.filter(
            pk=session.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=now)
        if not claimed:
            continue
        sent_to = []
        try:
            _send(session, "reminder", sent_to)
        except (OSError, smtplib.SMTPException):
            # The mail server refused or could not be reached. If nobody got the reminder,
            # the claim is released and the next run tries again; if one participant got
            # it, it stays claimed: nobody is reminded twice.
            logger.exception("Sending the reminder of session %s failed", session.pk)
            if not sent_to:
                CoachingSession.objects.filter(pk=session.pk, reminder_sent_at=now).update(
                    reminder_sent_at=None
                )
            continue
        reminded += 1
    return reminded
