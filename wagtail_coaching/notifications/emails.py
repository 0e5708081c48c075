"""E-mails about notifications: one at once, or a daily digest; never what the space holds.

An e-mail says *that* something is new (and how many things, by kind), with a link that
goes through the log-in and the space's lock. It is rendered in the recipient's language
and time zone (:func:`preferences.for_person`).

Both go through :mod:`spaces.mail`: a notification's e-mail is queued there (kind
``notification``, key ``notification:<key>``) and sent by its task, retried on a mail server
error; the digest task sends each digest with :func:`mail.send_once` (key
``digest:<user>:<day>``). Either way, once sent, any later run sends nothing.
"""

from collections import Counter
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.notifications.models import Notification, NotificationKind
from wagtail_coaching.spaces import mail
from wagtail_coaching.spaces.notices import absolute_url
from wagtail_coaching.spaces.preferences import EmailFrequency, for_person, preferences_for


def frequency(user, kind):
    """How ``user`` wants to be e-mailed about notifications of ``kind``."""
    prefs = preferences_for(user)
    value = prefs.email_messages if kind == NotificationKind.MESSAGE else prefs.email_updates
    return value if value in EmailFrequency.values else EmailFrequency.NONE


def _message(user, template, context):
    news_url = absolute_url(reverse("wagtail_coaching:notifications"))
    return mail.render(user, f"wagtail_coaching/email/{template}", context | {"news_url": news_url})


def send_notification(notification):
    """Queue the e-mail of ``notification`` (after the commit) if its recipient wants it at
    once."""
    user = notification.recipient
    if user.email and frequency(user, notification.kind) == EmailFrequency.IMMEDIATELY:
        mail.send_later(
            "notification",
            user,
            key=f"notification:{notification.key}",
            notification_id=notification.pk,
        )


@mail.email_kind("notification")
def notification_email(user, notification_id):
    """The e-mail of one notification, unless it was seen meanwhile or its recipient no
    longer wants it at once; marks the notification e-mailed (with the sent key)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None or notification.seen_at is not None:
        return None
    if not user.email or frequency(user, notification.kind) != EmailFrequency.IMMEDIATELY:
        return None
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return _message(
        user, "notification", {"kind": notification.kind, "at": notification.created_at}
    )


def send_digests(now=None):
    """One digest per person who asked for it, listing the kinds and counts of their
    notifications not yet seen nor e-mailed (of the last two days); at most one per person
    and day (their day). Returns the number of e-mails sent."""
    now = now or timezone.now()
    since = now - timedelta(days=2)
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True, seen_at__isnull=True, created_at__gte=since
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user = {}
    for notification in pending:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    sent = 0
    for notifications in by_user.values():
        user = notifications[0].recipient
        if not user.email or not user.is_active:
            continue
        chosen = [n for n in notifications if frequency(user, n.kind) == EmailFrequency.DIGEST]
        if not chosen:
            continue
        counts = Counter(n.kind for n in chosen)
        lines = [
            {"label": NotificationKind(kind).label, "count": count}
            for kind, count in sorted(counts.items(), key=lambda item: item[0])
        ]
        with for_person(user) as (_language, zone):
            day = timezone.localtime(now, zone).date().isoformat()
        context = {"lines": lines, "total": len(chosen), "since": chosen[0].created_at}

        def build(user=user, chosen=chosen, context=context):
            Notification.objects.filter(pk__in=[n.pk for n in chosen]).update(emailed_at=now)
            return _message(user, "digest", context)

        if mail.send_once(f"digest:{user.pk}:{day}", user, build) == mail.SENT:
            sent += 1
    return sent
