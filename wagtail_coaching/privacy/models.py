"""A participant's copy of a space, built by the task worker and kept a day, encrypted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.models import ClientSpace


class SpaceExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SpaceExport(models.Model):
    """One zip of a space asked for by one participant; only they may download it."""

    uid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    space = models.ForeignKey(
        ClientSpace, verbose_name=_("client space"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SpaceExportStatus.choices,
        default=SpaceExportStatus.WAITING,
    )
    # Percent done while it is built.
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # Size of the zip (not of its encrypted copy in the private storage).
    size = models.PositiveBigIntegerField(_("size"), default=0)
    file_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("space export")
        verbose_name_plural = _("space exports")
        indexes = [models.Index(fields=["space", "requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.space_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_ready(self):
        return self.status == SpaceExportStatus.READY

    @property
    def is_pending(self):
        return self.status in (SpaceExportStatus.WAITING, SpaceExportStatus.RUNNING)
