"""Coaching sessions: when they are, what became of them, and their unguessable room names.

A person is never booked twice at once: :func:`check_no_double_booking` is the rule, and
the model's ``clean`` applies it.
"""

import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.models import ClientSpace, display_name
from wagtail_coaching.spaces.preferences import show_datetime, show_time

# Sessions are never longer than this; it bounds the overlap query.
LONGEST_SESSION = timedelta(days=1)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


def generate_room_name():
    """A fresh, unguessable Jitsi room name of lowercase ``[a-z0-9-]`` (128 random bits)."""
    return f"{get_setting('ROOM_NAME_PREFIX')}-{secrets.token_hex(16)}"


class CoachingSession(models.Model):
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SessionStatus.choices,
        default=SessionStatus.PLANNED,
    )
    room_name = models.CharField(
        _("video room name"),
        max_length=64,
        unique=True,
        default=generate_room_name,
        editable=False,
    )
    confirmed_minutes = models.PositiveIntegerField(
        _("confirmed minutes"),
        null=True,
        blank=True,
        help_text=_("Minutes the coach confirmed; only these count in progress and reports."),
    )
    # iCalendar: raised each time the session moves or is cancelled (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(_("invitation sequence"), default=0, editable=False)
    # Cancelled within the organisation's notice (``Organisation.booking_notice_hours``).
    cancelled_late = models.BooleanField(_("cancelled late"), default=False, editable=False)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        indexes = [models.Index(fields=["space", "status", "starts_at"])]

    def __str__(self):
        return _("Session of %(start)s") % {"start": show_datetime(self.starts_at)}

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def ical_uid(self):
        """The iCalendar UID: stable for the session, derived from but not revealing its room."""
        derived = uuid.uuid5(uuid.NAMESPACE_URL, f"wagtail-coaching:{self.room_name}")
        return f"{derived}@wagtail-coaching"

    @property
    def needs_confirmation(self):
        """Over, not cancelled or missed, and its minutes not yet confirmed by the coach."""
        return (
            self.status in (SessionStatus.PLANNED, SessionStatus.DONE)
            and self.confirmed_minutes is None
            and self.ends_at <= timezone.now()
        )

    def clean(self):
        errors = {}
        if not self.duration_minutes:
            errors["duration_minutes"] = _("A session lasts at least one minute.")
        if self.confirmed_minutes and self.status in (
            SessionStatus.CANCELLED,
            SessionStatus.MISSED,
            SessionStatus.PLANNED,
        ):
            errors["confirmed_minutes"] = _(
                "Only a session that took place can have confirmed minutes."
            )
        if (
            self.space_id
            and self.starts_at
            and self.duration_minutes
            and self.status not in (SessionStatus.CANCELLED, SessionStatus.MISSED)
        ):
            try:
                check_no_double_booking(
                    self.space, self.starts_at, self.duration_minutes, exclude=self
                )
            except ValidationError as exc:
                errors["starts_at"] = exc.messages
        if errors:
            raise ValidationError(errors)


def conflicts(space, starts_at, duration_minutes, exclude=None):
    """Sessions of the coach or the coachee of ``space`` that overlap the given slot."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    people = [space.coach_id, space.coachee_id]
    candidates = (
        CoachingSession.objects.filter(
            Q(space__coach_id__in=people) | Q(space__coachee_id__in=people),
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - LONGEST_SESSION,
        )
        .exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.MISSED))
        .select_related("space__coach", "space__coachee")
    )
    if exclude is not None and exclude.pk:
        candidates = candidates.exclude(pk=exclude.pk)
    return [other for other in candidates if other.ends_at > starts_at]


def check_no_double_booking(space, starts_at, duration_minutes, exclude=None):
    """Raise ``ValidationError`` naming who is already booked at that time."""
    clash = conflicts(space, starts_at, duration_minutes, exclude)
    if not clash:
        return
    other = clash[0]
    busy = {other.space.coach_id, other.space.coachee_id}
    who = space.coach if space.coach_id in busy else space.coachee
    zone = timezone.get_current_timezone()
    raise ValidationError(
        gettext(
            "%(person)s already has a session from %(start)s to %(end)s; "
            "a person cannot be booked twice at once."
        )
        % {
            "person": display_name(who),
            "start": show_datetime(timezone.localtime(other.starts_at, zone)),
            "end": show_time(timezone.localtime(other.ends_at, zone)),
        },
        code="double_booking",
    )
