"""A client space's conversation: its messages and each participant's read marker.

A message's text is encrypted under the space's data key exactly like a note
(:class:`spaces.crypto.EncryptedContent`). A deleted message keeps its row, without text or
attachment, so the conversation shows "Message deleted" where it was. What a participant has
read is one marker per person and space: the newest message they have seen.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.content import SpaceDocument
from wagtail_coaching.spaces.crypto import EncryptedContent, EncryptedText
from wagtail_coaching.spaces.models import ClientSpace


class Message(EncryptedContent):
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="conversation_messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    body_encrypted = models.BinaryField(editable=False, null=True)
    body = EncryptedText("body_encrypted")
    attachment = models.ForeignKey(
        SpaceDocument,
        verbose_name=_("attached document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Moves on every change (new, edited, deleted, attachment gone): what the pages poll on.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["space", "id"], name="wc_message_space_id")]

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class ReadMarker(models.Model):
    """The newest message of ``space`` that ``user`` has seen (its primary key, 0: none)."""

    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="conversation_reads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    last_read_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(_("read at"), auto_now=True)

    class Meta:
        verbose_name = _("conversation read marker")
        verbose_name_plural = _("conversation read markers")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"], name="wagtail_coaching_read_marker_unique"
            )
        ]

    def __str__(self):
        return f"ReadMarker({self.space_id}, {self.user_id})"
