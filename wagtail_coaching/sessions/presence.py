"""Measured presence in a video room.

The room page reports the IFrame API's ``videoConferenceJoined`` / ``videoConferenceLeft``
events and sends a heartbeat while in the conference. A closed laptop sends no "left", so a
span ends at its last heartbeat, and a heartbeat after a long silence opens a new span rather
than counting the silence. Measured minutes are only a proposal: the coach confirms the
minutes that count (``CoachingSession.confirmed_minutes``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.preferences import show_datetime, show_time

EVENTS = ("joined", "heartbeat", "left")


class PresenceSpan(models.Model):
    """One stretch of time a participant spent in a session's conference, from one page."""

    session = models.ForeignKey(
        CoachingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="presence_spans",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # A random id made by the page, so two tabs of one user are two spans.
    client_id = models.CharField(_("page id"), max_length=40)
    started_at = models.DateTimeField(_("joined at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("presence span")
        verbose_name_plural = _("presence spans")
        indexes = [models.Index(fields=["session", "user", "client_id"])]

    def __str__(self):
        return f"{show_datetime(self.started_at)} – {show_time(self.ends_at)}"

    @property
    def ends_at(self):
        return self.left_at or self.last_seen_at


def _silence_limit():
    # Three missed heartbeats: the page was asleep or gone, not merely slow.
    return timedelta(seconds=3 * get_setting("PRESENCE_HEARTBEAT_SECONDS"))


def record(session, user, client_id, event, now=None):
    """Record a presence ``event`` (one of :data:`EVENTS`) and return the span it touched."""
    if event not in EVENTS:
        raise ValueError(event)
    now = now or timezone.now()
    span = (
        PresenceSpan.objects.filter(
            session=session, user=user, client_id=client_id, left_at__isnull=True
        )
        .order_by("-started_at")
        .first()
    )
    if span is not None and now - span.last_seen_at > _silence_limit():
        # The page went quiet: close the span at its last sign of life.
        span.left_at = span.last_seen_at
        span.save(update_fields=["left_at"])
        span = None
    if event == "left":
        if span is not None:
            span.last_seen_at = span.left_at = now
            span.save(update_fields=["last_seen_at", "left_at"])
        return span
    if span is None:
        return PresenceSpan.objects.create(
            session=session, user=user, client_id=client_id, started_at=now, last_seen_at=now
        )
    span.last_seen_at = now
    span.save(update_fields=["last_seen_at"])
    return span


def _merge(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _seconds(intervals):
    return sum((end - start).total_seconds() for start, end in intervals)


def measure(session):
    """``{"coach": minutes, "coachee": minutes, "together": minutes}``, rounded down.

    Overlapping spans of one user (two tabs) count once; "together" is the time both were in
    the conference at once, the usual proposal for the minutes that count.
    """
    by_user = {}
    for span in PresenceSpan.objects.filter(session=session).only(
        "user_id", "started_at", "last_seen_at", "left_at"
    ):
        by_user.setdefault(span.user_id, []).append((span.started_at, span.ends_at))
    coach = _merge(by_user.get(session.space.coach_id, []))
    coachee = _merge(by_user.get(session.space.coachee_id, []))
    together = []
    for a_start, a_end in coach:
        for b_start, b_end in coachee:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                together.append((start, end))
    return {
        "coach": int(_seconds(coach) // 60),
        "coachee": int(_seconds(coachee) // 60),
        "together": int(_seconds(together) // 60),
    }
