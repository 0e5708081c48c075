"""Notifications and the record of the e-mails sent about them.

``Notification.key`` and ``SentEmail.key`` are unique: one event notifies a person once, and
one e-mail (a notification's, or a day's digest) is sent once, however often the task that
sends it runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.models import ClientSpace


class NotificationKind(models.TextChoices):
    MESSAGE = "message", _("New message")
    DOCUMENT = "document", _("Document added")
    GOAL = "goal", _("Goal changed")
    SESSION_PLANNED = "session_planned", _("Session planned")
    SESSION_MOVED = "session_moved", _("Session moved")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    MINUTES = "minutes", _("Minutes to confirm")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="coaching_notifications",
    )
    # Erased with the space.
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # What happened, once per recipient: e.g. "message:<uid>:<user pk>".
    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "seen_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return str(self.get_kind_display())


class SentEmail(models.Model):
    """One e-mail sent: its key is written in the same transaction that sends it."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")

    def __str__(self):
        return self.key
