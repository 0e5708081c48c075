"""Organisations and client spaces: the sponsors, and the locked offices of the spaces domain.

Who may enter a space is not stored here but in the object-permission tables at the end of
this module, and only the lock (``spaces.lock``) reads or writes them.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from wagtail.models import Locale

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.deletion import anonymise_participant
from wagtail_coaching.spaces.preferences import supported_language, user_language
from wagtail_coaching.spaces.roles import is_coach


class ReportDetail(models.TextChoices):
    """What an organisation's HR sees of its people's coaching."""

    NAMED = "named", _("Named figures per coachee, and each coachee's final report")
    AGGREGATES = "aggregates", _("Anonymised averages only, never a name")


class Organisation(models.Model):
    """A sponsor: the organisation that pays for its people's coaching."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    report_detail = models.CharField(
        _("what HR sees"),
        max_length=16,
        choices=ReportDetail.choices,
        default=ReportDetail.NAMED,
        help_text=_(
            "Named figures list each coachee's sessions, hours and modules, with their final "
            "report. Anonymised averages show groups of coachees only, never below the "
            "minimum group size. Coachees are told which one applies."
        ),
    )
    booking_notice_hours = models.PositiveSmallIntegerField(
        _("notice for moving or cancelling (hours)"),
        default=24,
        help_text=_(
            "Coachees move or cancel a session they booked up to this many hours before it "
            "starts; later cancellations are refused on the site and counted as late."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("view_organisation_reports", _("Can view the organisation's coaching reports")),
            ("view_all_reports", _("Can view the coaching reports of every organisation")),
        ]

    def __str__(self):
        return self.name

    @property
    def reports_names(self):
        """True when HR sees named figures per coachee (else anonymised averages only)."""
        return self.report_detail == ReportDetail.NAMED


class ClientSpaceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


# Statuses in which a coachee may not be given a second space for the same programme.
OPEN_STATUSES = (ClientSpaceStatus.PLANNED, ClientSpaceStatus.ACTIVE, ClientSpaceStatus.PAUSED)


# Sent by ``ClientSpace.save`` inside its transaction with ``space`` and ``previous`` (the
# ``coach_id`` and ``coachee_id`` saved before, or None for a new space). The lock
# (``lock.sync_participant_grants``) receives it; it is connected when the app is ready.
participants_saved = Signal()

# Sent by ``ClientSpace.save`` inside its transaction when an existing space now follows
# another programme page (usually the translation in its new language), with ``space`` and
# ``previous_programme_id``. The programmes domain moves the space's work on the modules
# to their translations (``programmes.translations``).
programme_changed = Signal()


class ClientSpace(models.Model):
    """One coaching engagement between a named coach and a named coachee.

    Its site URL uses ``public_id`` (random, unguessable), never the primary key.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    coachee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coachee"),
        on_delete=anonymise_participant,
        related_name="coaching_spaces_as_coachee",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=anonymise_participant,
        related_name="coaching_spaces_as_coach",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="client_spaces",
    )
    programme = models.ForeignKey(
        "wagtail_coaching.ProgrammePage",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_spaces",
    )
    # Set on save when left empty; see resolve_language().
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_(
            "The contract and the programme are shown in this language. Empty: the "
            "programme's language, else the coachee's."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClientSpaceStatus.choices,
        default=ClientSpaceStatus.PLANNED,
        db_index=True,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"), default=6)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("client space")
        verbose_name_plural = _("client spaces")
        permissions = [
            ("enter_clientspace", _("Can enter the client space")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(coach=models.F("coachee")),
                name="wagtail_coaching_space_coach_not_coachee",
            ),
        ]

    def __str__(self):
        return _("%(coachee)s with %(coach)s") % {
            "coachee": display_name(self.coachee),
            "coach": display_name(self.coach),
        }

    def save(self, *args, **kwargs):
        """Save, then announce the participants (:data:`participants_saved`) in the same
        transaction, so that the lock's grants follow them."""
        self.resolve_language()
        with transaction.atomic():
            previous = None
            if self.pk is not None:
                previous = (
                    ClientSpace.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values("coach_id", "coachee_id", "programme_id")
                    .first()
                )
            super().save(*args, **kwargs)
            participants_saved.send(sender=ClientSpace, space=self, previous=previous)
            if previous and previous["programme_id"] not in (None, self.programme_id):
                programme_changed.send(
                    sender=ClientSpace,
                    space=self,
                    previous_programme_id=previous["programme_id"],
                )

    def get_absolute_url(self):
        return reverse("wagtail_coaching:space", kwargs={"public_id": self.public_id})

    def get_status_display(self):
        # Django's generic get_FOO_display hashes every (lazy, translated) choice label on
        # each call; My coaching shows 25 statuses a page.
        try:
            return str(ClientSpaceStatus(self.status).label)
        except ValueError:
            return self.status

    def resolve_language(self):
        """Fill in the space's language and use its programme's translation in it.

        An empty language becomes the programme's, else the coachee's preferred one. Stored
        once, so a coachee changing their preference later never swaps the contract under
        an acceptance. When the programme has a translation in the space's language (Wagtail
        i18n), the space follows that translation.
        """
        if self.language:
            self.language = supported_language(self.language) or self.language
        elif self.programme_id:
            self.language = supported_language(self.programme.locale.language_code) or ""
        if not self.language and self.coachee_id:
            self.language = user_language(self.coachee)
        if self.programme_id and self.language:
            programme = self.programme
            if supported_language(programme.locale.language_code) != self.language:
                locale = Locale.objects.filter(language_code=self.language).first()
                translated = locale and programme.get_translation_or_none(locale)
                if translated is not None:
                    self.programme = translated

    @property
    def is_read_only(self):
        """A closed space is read-only for both participants: its content can be read and
        exported, not changed (``gate.space_view`` refuses the changes)."""
        return self.status == ClientSpaceStatus.CLOSED

    def clean(self):
        errors = {}
        if self.language and supported_language(self.language) is None:
            errors["language"] = _("Choose one of the site's languages.")
        elif self.pk is not None and self.status == ClientSpaceStatus.CLOSED:
            saved = ClientSpace.objects.filter(pk=self.pk).values_list("language", flat=True)
            before = saved.first()
            if before and self.language and self.language != before:
                errors["language"] = _(
                    "A closed space keeps the language its contract was accepted in."
                )
        if self.coach_id and self.coachee_id and self.coach_id == self.coachee_id:
            errors["coachee"] = _("The coachee cannot be their own coach.")
        if self.coach_id and not is_coach(self.coach):
            errors["coach"] = _(
                "%(user)s is not in the “%(group)s” group; only coaches can be chosen."
            ) % {"user": display_name(self.coach), "group": get_setting("COACHES_GROUP")}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.coachee_id and self.programme_id and self.status in OPEN_STATUSES:
            # A programme's translations are the same programme.
            clash = ClientSpace.objects.filter(
                coachee_id=self.coachee_id,
                programme__translation_key=self.programme.translation_key,
                status__in=OPEN_STATUSES,
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["coachee"] = _(
                    "This coachee already has an open space for this programme; close it "
                    "before opening another."
                )
        if errors:
            raise ValidationError(errors)


def display_name(user):
    """The name people see for a user: their full name, else their username."""
    return user.get_full_name() or user.get_username()


def display_name_fields(relation=None):
    """The fields :func:`display_name` reads of a user, or of the user at ``relation`` (for
    ``only()``)."""
    names = ["first_name", "last_name", get_user_model().USERNAME_FIELD]
    return names if relation is None else [f"{relation}__{name}" for name in names]


# Direct foreign-key object permissions (django-guardian). Guardian finds them through the
# ``<model>userobjectpermission`` related names, so it never writes to its generic tables.


class ClientSpaceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ClientSpace, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("client space user permission")
        verbose_name_plural = _("client space user permissions")


class ClientSpaceGroupObjectPermission(GroupObjectPermissionBase):
    # Kept so guardian never falls back to its generic tables; the lock ignores group grants
    # (a space is entered by named people only), see lock.may_enter.
    content_object = models.ForeignKey(ClientSpace, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("client space group permission")
        verbose_name_plural = _("client space group permissions")


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("organisation user permission")
        verbose_name_plural = _("organisation user permissions")


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("organisation group permission")
        verbose_name_plural = _("organisation group permissions")


# The rest of the domain lives in modules named for what they hold, imported last because
# they refer to the models above: programme pages and progress; the content of spaces, its
# encryption, the contract and the access log.

# Models of the video room, the paper board and user preferences live in their own modules.
