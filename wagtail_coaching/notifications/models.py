"""Notifications: what is new for a person, by kind, never what it says.

``Notification.key`` is unique: one event notifies a person once. The e-mails about them are
recorded as every e-mail of the app is (``spaces.mail.SentEmail``), so each is sent once.
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
