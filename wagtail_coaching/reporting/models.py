"""A report export built in the background: who asked for it, with which filters, and
where its file waits (the app's private storage) until it is deleted a day later."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.models import Organisation


class ExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for its turn")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportExport(models.Model):
    """An organisation report (PDF or XLSX) too large to build inside a web request."""

    FORMATS = [("pdf", "PDF"), ("xlsx", "XLSX")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    format = models.CharField(_("format"), max_length=8, choices=FORMATS)
    # The report page's filters (period, programme, status) as a query string.
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=16)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.WAITING
    )
    rows = models.PositiveIntegerField(_("client spaces"), default=0)
    # Name of the file in the private storage, and the name it is downloaded under.
    file_name = models.CharField(max_length=255, blank=True)
    download_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"{self.organisation} {self.format} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_ready(self):
        return self.status == ExportStatus.READY
