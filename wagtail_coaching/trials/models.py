"""Trial requests: who asked for a trial session or a visit, and what became of it."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_coaching.sessions.models import generate_room_name
from wagtail_coaching.spaces import crypto
from wagtail_coaching.spaces.models import ClientSpace


class TrialKind(models.TextChoices):
    SESSION = "session", gettext_lazy("A trial coaching session")
    VISIT = "visit", gettext_lazy("A guided visit of the platform")


class TrialStatus(models.TextChoices):
    NEW = "new", gettext_lazy("New")
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    DONE = "done", gettext_lazy("Done")
    CONVERTED = "converted", gettext_lazy("Converted")
    DECLINED = "declined", gettext_lazy("Declined")


class TrialRequest(models.Model):
    """A prospect's request for a trial session or a visit, and what became of it."""

    public_id = models.UUIDField(
        gettext_lazy("public id"), default=uuid.uuid4, unique=True, editable=False
    )
    page = models.ForeignKey(
        "wagtail_coaching.TrialRequestPage",
        verbose_name=gettext_lazy("sent from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    name = models.CharField(gettext_lazy("name"), max_length=150)
    email = models.EmailField(gettext_lazy("work e-mail"))
    organisation_name = models.CharField(gettext_lazy("organisation"), max_length=255)
    role = models.CharField(gettext_lazy("role"), max_length=150)
    kind = models.CharField(
        gettext_lazy("wish"), max_length=16, choices=TrialKind.choices, default=TrialKind.SESSION
    )
    preferred_slots = models.TextField(gettext_lazy("preferred time slots"), max_length=1000)
    consented_at = models.DateTimeField(gettext_lazy("consent given at"), editable=False)
    language = models.CharField(gettext_lazy("language"), max_length=16, blank=True)
    client_ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(gettext_lazy("received at"), default=timezone.now)

    status = models.CharField(
        gettext_lazy("status"),
        max_length=16,
        choices=TrialStatus.choices,
        default=TrialStatus.NEW,
        db_index=True,
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("coach"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coaching_trials",
        editable=False,
    )
    starts_at = models.DateTimeField(gettext_lazy("starts at"), null=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("duration (minutes)"), default=30, editable=False
    )
    room_name = models.CharField(
        gettext_lazy("video room name"),
        max_length=64,
        unique=True,
        default=generate_room_name,
        editable=False,
    )
    guest_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    guest_joined_at = models.DateTimeField(
        gettext_lazy("prospect joined at"), null=True, blank=True, editable=False
    )
    coach_joined_at = models.DateTimeField(
        gettext_lazy("coach joined at"), null=True, blank=True, editable=False
    )
    # Encrypted under the trial's own data key (a trial has no space): see key_scope.
    outcome_encrypted = models.BinaryField(null=True, editable=False)
    outcome = crypto.EncryptedText("outcome_encrypted")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    converted_space = models.ForeignKey(
        ClientSpace,
        verbose_name=gettext_lazy("client space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = gettext_lazy("trial request")
        verbose_name_plural = gettext_lazy("trial requests")
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self):
        return _("%(name)s (%(organisation)s)") % {
            "name": self.name,
            "organisation": self.organisation_name,
        }

    # What crypto.EncryptedText needs. The coach's outcome is encrypted like a space's
    # content, under a data key of the trial's own in the key store (the trial is its own
    # key owner, its kind bound by key_scope); deleting the trial deletes that key.
    key_scope = crypto.TRIAL_KEY_SCOPE
    encryption_label = "wagtail_coaching.trialrequest"

    @property
    def encryption_space(self):
        return self

    @property
    def uid(self):
        return self.public_id

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def ical_uid(self):
        derived = uuid.uuid5(uuid.NAMESPACE_URL, f"wagtail-coaching-trial:{self.room_name}")
        return f"{derived}@wagtail-coaching"

    def clean(self):
        if self.status == TrialStatus.SCHEDULED and not (self.coach_id and self.starts_at):
            raise ValidationError(
                {"status": _("Use the “Schedule” action to give the trial a coach and a time.")}
            )
        if self.status == TrialStatus.CONVERTED and not self.converted_space_id:
            raise ValidationError(
                {"status": _("Use the “Convert” action to turn the trial into a client space.")}
            )


@receiver(post_delete, sender=TrialRequest)
def forget_trial_key(sender, instance, **kwargs):
    """A deleted trial's data key goes too: its outcome can never be read again."""
    crypto.delete_key(instance)
