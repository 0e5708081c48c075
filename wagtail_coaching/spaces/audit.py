"""The access log of client spaces: who did what, when — never any content.

:func:`record` is the only writer. Events name a person, an action and a time; a document is
named by its random id only, never by its file name (which is content). Names are copied into
the event when it is written, so the log still names a person after their account is deleted.
A person who holds access through a proposal (``proposals``) is logged with the staff member
who proposed it, on every event.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.models import ClientSpace, display_name
from wagtail_coaching.spaces.proposals import accepted_proposal

SESSION_KEY = "wagtail_coaching_entered_spaces"


class AccessAction(models.TextChoices):
    ENTER = "enter", _("Entered the space")
    CONTRACT_ACCEPTED = "contract", _("Accepted the contract")
    DOWNLOAD = "download", _("Downloaded a document")
    EXPORT = "export", _("Exported the space")
    ACCESS_GRANTED = "granted", _("Access granted")
    ACCESS_REVOKED = "revoked", _("Access revoked")
    ERASED = "erased", _("Content erased")
    PROPOSED = "proposed", _("Access proposed")
    COACH_PROPOSED = "coach_proposed", _("New coach proposed")
    ACCEPTED = "accepted", _("Proposal accepted by the coachee")
    REFUSED = "refused", _("Proposal refused by the coachee")
    WITHDRAWN = "withdrawn", _("Proposal withdrawn by staff")
    PASSWORD_CHANGED = "password", _("Password changed by staff")
    EMAIL_CHANGED = "email", _("E-mail address changed by staff")
    RIGHTS_CHANGED = "rights", _("Admin rights changed by staff")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")


# Who a person is, kept with each event: their account may be deleted later.
NAME_LENGTH = 255


class AccessEvent(models.Model):
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="access_events",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=24, choices=AccessAction.choices)
    # For permission changes: whose access changed. For downloads: the document's random id.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_uid = models.UUIDField(_("object id"), null=True, blank=True)
    user_name = models.CharField(_("name"), max_length=NAME_LENGTH, blank=True)
    subject_name = models.CharField(
        _("name of the person concerned"), max_length=NAME_LENGTH, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by_name = models.CharField(_("proposed by"), max_length=NAME_LENGTH, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [models.Index(fields=["space", "-at"])]

    def __str__(self):
        return f"{self.get_action_display()} — {self.who_label}"

    @property
    def who_label(self):
        if self.user_name:
            return self.user_name
        if self.user_id is None:
            return _("staff or system")
        return display_name(self.user)

    @property
    def subject_label(self):
        if self.subject_name:
            return self.subject_name
        return display_name(self.subject_user) if self.subject_user_id else ""

    @property
    def proposer_label(self):
        """The staff member who proposed the access this event relies on, or ``""``."""
        return self.proposed_by_name


def _loaded(user):
    if user is not None and user.pk and not user.get_username():
        return type(user).objects.filter(pk=user.pk).first()
    return user


def _name(user):
    return display_name(user)[:NAME_LENGTH] if user is not None else ""


def record(space, user, action, subject_user=None, object_uid=None, proposed_by=None):
    """Append one event to ``space``'s log. ``user`` may be None (a command, the system).

    Names are copied into the event. When ``proposed_by`` is not given and ``user`` holds
    access through an accepted proposal, its proposer is named.
    """
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    # The lock passes bare ``User(pk=...)`` for participants: read their names.
    user, subject_user = _loaded(user), _loaded(subject_user)
    if proposed_by is None and user is not None and user.pk != space.coachee_id:
        proposal = accepted_proposal(space.pk, user.pk)
        proposed_by_name = proposal.proposed_by_name if proposal else ""
        proposed_by_id = proposal.proposed_by_id if proposal else None
    else:
        proposed_by_name = _name(proposed_by)
        proposed_by_id = proposed_by.pk if proposed_by is not None else None
    return AccessEvent.objects.create(
        space=space,
        user=user,
        user_name=_name(user),
        action=action,
        subject_user=subject_user,
        subject_name=_name(subject_user),
        object_uid=object_uid,
        proposed_by_id=proposed_by_id,
        proposed_by_name=proposed_by_name,
    )


def record_entry_once(request, space):
    """Record that ``request.user`` entered ``space``, once per login session."""
    entered = request.session.get(SESSION_KEY, [])
    key = str(space.public_id)
    if key in entered:
        return
    record(space, request.user, AccessAction.ENTER)
    request.session[SESSION_KEY] = [*entered[-49:], key]


class SpaceVisit(models.Model):
    """When a participant last opened a space's front door: the "new since your last visit"
    counts of My coaching start there. A time only; kept out of the access log so that
    every visit does not add an event."""

    space = models.ForeignKey(
        ClientSpace, verbose_name=_("client space"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(_("last visit"))

    class Meta:
        verbose_name = _("space visit")
        verbose_name_plural = _("space visits")
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="wagtail_coaching_one_visit")
        ]

    def __str__(self):
        return _("Visit %(id)s") % {"id": self.pk}


def record_visit(user, space, now=None):
    """Remember that ``user`` opened ``space``'s front door now (one row per person and space)."""
    now = now or timezone.now()
    # One UPDATE on every visit but the first.
    if not SpaceVisit.objects.filter(user=user, space=space).update(seen_at=now):
        SpaceVisit.objects.get_or_create(user=user, space=space, defaults={"seen_at": now})


def events_for(space):
    return AccessEvent.objects.filter(space=space).select_related("user", "subject_user")
