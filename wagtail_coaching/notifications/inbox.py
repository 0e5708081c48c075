"""A person's notifications: listed newest first, counted, marked seen, each with its link.

Everything here filters on the recipient: nobody reads another person's notifications.
"""

from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.notifications.models import Notification, NotificationKind

# Where each kind leads: a page of the space, through the space's gate and lock.
_PAGE = {
    NotificationKind.MESSAGE: "wagtail_coaching:conversation",
    NotificationKind.DOCUMENT: "wagtail_coaching:documents",
    NotificationKind.GOAL: "wagtail_coaching:goals",
}


def link(notification):
    name = _PAGE.get(notification.kind, "wagtail_coaching:space")
    return reverse(name, kwargs={"public_id": notification.space.public_id})


def unseen(user):
    return Notification.objects.filter(recipient=user, seen_at__isnull=True)


def unseen_count(user):
    """The number shown beside "What's new"; 0 when the database cannot be read (the page
    saying so, e.g. a note kept in its form during an outage, still renders)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    try:
        return unseen(user).count()
    except DatabaseError:
        return 0


def recent(user, limit=50):
    return list(
        Notification.objects.filter(recipient=user)
        .select_related("space__coach", "space__coachee")
        .order_by("-created_at", "-pk")[:limit]
    )


def mark_seen(user, now=None):
    return unseen(user).update(seen_at=now or timezone.now())
