"""Who is told what: notifications follow the events of a space.

Rules a caller may rely on:

* an event notifies each participant of the space except the one who caused it (sessions,
  planned by either, notify both); "minutes to confirm" notifies the coach;
* a notification holds a kind, a space and a time, never content; the same event never
  notifies a person twice (its unique key);
* e-mails follow from :mod:`.tasks`, which watches new notifications.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from wagtail_coaching.conversations.models import Message
from wagtail_coaching.notifications.models import Notification, NotificationKind
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.content import GoalChange, SpaceDocument


def notify(space, kind, event, recipients):
    """Record one notification of ``kind`` per recipient; ``event`` names what happened
    (unique per event). Returns the notifications created now."""
    created = []
    for user in recipients:
        if user is None or not user.is_active:
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=user, space=space, kind=kind, key=f"{event}:{user.pk}"
                    )
                )
        except IntegrityError:
            continue  # already notified of this event
    return created


def _others(space, actor_id):
    return [user for user in (space.coach, space.coachee) if user.pk != actor_id]


def note_minutes_to_confirm(now=None, days=7):
    """Tell each coach about their sessions over in the last ``days`` days whose minutes
    are not confirmed yet (once per session)."""
    now = now or timezone.now()
    sessions = CoachingSession.objects.filter(
        status__in=(SessionStatus.PLANNED, SessionStatus.DONE),
        confirmed_minutes__isnull=True,
        starts_at__lte=now,
        starts_at__gte=now - timedelta(days=days),
    ).select_related("space__coach")
    count = 0
    for session in sessions:
        if session.ends_at <= now:
            count += len(
                notify(
                    session.space,
                    NotificationKind.MINUTES,
                    f"minutes:{session.pk}",
                    [session.space.coach],
                )
            )
    return count


# --- Events --------------------------------------------------------------------------------


# Content written in a space: (kind, the event's name, the space, who wrote it).
_WRITTEN = {
    Message: lambda m: (NotificationKind.MESSAGE, f"message:{m.uid}", m.space, m.author_id),
    SpaceDocument: lambda d: (
        NotificationKind.DOCUMENT,
        f"document:{d.uid}",
        d.space,
        d.uploaded_by_id,
    ),
    GoalChange: lambda c: (
        NotificationKind.GOAL,
        f"goal-change:{c.pk}",
        c.goal.space,
        c.changed_by_id,
    ),
}


def _written(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        kind, event, space, author_id = _WRITTEN[sender](instance)
        notify(space, kind, event, _others(space, author_id))


for _model in _WRITTEN:
    post_save.connect(_written, sender=_model, dispatch_uid=f"notify-{_model.__name__}")


@receiver(pre_save, sender=CoachingSession)
def _remember_session(sender, instance, raw=False, **kwargs):
    before = None
    if instance.pk and not raw:
        before = (
            CoachingSession.objects.filter(pk=instance.pk).values("starts_at", "status").first()
        )
    instance._notifications_before = before


@receiver(post_save, sender=CoachingSession)
def _session_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_notifications_before", None)
    if created:
        kind = NotificationKind.SESSION_PLANNED
    elif before is None:
        return
    elif instance.status == SessionStatus.CANCELLED != before["status"]:
        kind = NotificationKind.SESSION_CANCELLED
    elif instance.status == SessionStatus.PLANNED and instance.starts_at != before["starts_at"]:
        kind = NotificationKind.SESSION_MOVED
    else:
        return
    if kind != NotificationKind.SESSION_CANCELLED and instance.starts_at <= timezone.now():
        return  # a session recorded after the fact is no news to anyone
    space = instance.space
    event = f"session:{instance.pk}:{kind}:{instance.starts_at.isoformat()}"
    notify(space, kind, event, [space.coach, space.coachee])
