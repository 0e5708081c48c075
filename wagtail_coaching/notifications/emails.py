"""E-mails about notifications: one at once, or a daily digest; never what the space holds.

An e-mail says *that* something is new (and how many things, by kind), with a link that
goes through the log-in and the space's lock. It is rendered in the recipient's language
and time zone (:func:`preferences.for_person`).

Never twice: the e-mail's key (``notification:<key>`` or ``digest:<user>:<day>``) is written
in the transaction that sends it. A mail server error rolls the key back, so a retry sends;
once sent, any later run finds the key and sends nothing.
"""

from collections import Counter
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.conf import get_setting
from wagtail_coaching.notifications.models import Notification, NotificationKind, SentEmail
from wagtail_coaching.spaces.notices import absolute_url
from wagtail_coaching.spaces.preferences import EmailFrequency, for_person, preferences_for

SENT = "sent"
SKIPPED = "skipped"
ALREADY_SENT = "already sent"


def frequency(user, kind):
    """How ``user`` wants to be e-mailed about notifications of ``kind``."""
    prefs = preferences_for(user)
    value = prefs.email_messages if kind == NotificationKind.MESSAGE else prefs.email_updates
    return value if value in EmailFrequency.values else EmailFrequency.NONE


def _render(user, template, context):
    with for_person(user) as (_language, zone):
        context = context | {
            "recipient": user,
            "time_zone": str(zone),
            "news_url": absolute_url(reverse("wagtail_coaching:notifications")),
        }
        if "since" in context:
            context["since"] = timezone.localtime(context["since"], zone)
        if "at" in context:
            context["at"] = timezone.localtime(context["at"], zone)
        subject = render_to_string(f"wagtail_coaching/email/{template}_subject.txt", context)
        body = render_to_string(f"wagtail_coaching/email/{template}_body.txt", context)
    return " ".join(subject.split()), body


def _send_once(key, user, subject, body):
    """Send unless an e-mail with ``key`` went out; raises on a mail server error."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key, recipient=user)
        except IntegrityError:
            return False
        EmailMessage(subject, body, get_setting("FROM_EMAIL") or None, [user.email]).send()
    return True


def send_notification_email(notification_id):
    """E-mail one notification to its recipient if they want it at once."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.seen_at is not None:
        return SKIPPED
    user = notification.recipient
    if not user.email or frequency(user, notification.kind) != EmailFrequency.IMMEDIATELY:
        return SKIPPED
    subject, body = _render(
        user,
        "notification",
        {"kind": notification.kind, "at": notification.created_at},
    )
    if not _send_once(f"notification:{notification.key}", user, subject, body):
        return ALREADY_SENT
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return SENT


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
        subject, body = _render(
            user,
            "digest",
            {"lines": lines, "total": len(chosen), "since": chosen[0].created_at},
        )
        if _send_once(f"digest:{user.pk}:{day}", user, subject, body):
            Notification.objects.filter(pk__in=[n.pk for n in chosen]).update(emailed_at=now)
            sent += 1
    return sent
