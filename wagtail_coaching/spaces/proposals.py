"""Proposals of extra access to a client space, which only its coachee can accept.

Staff never open a space to someone by themselves: they *propose* a person (a substitute
coach or a supervisor, or a new coach once the space holds content), and the proposal takes
effect when the coachee accepts it inside their space. A proposal keeps the names of the
person proposed and of the staff member who proposed it, so the access log still names them
after either account is deleted. The rules are in ``consent``; this module holds the table.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.models import ClientSpace


class ProposalKind(models.TextChoices):
    PARTICIPANT = "participant", _("Another coach with access")
    COACH = "coach", _("A new coach")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the coachee")
    ACCEPTED = "accepted", _("Accepted by the coachee")
    REFUSED = "refused", _("Refused by the coachee")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Access revoked")


class AccessProposal(models.Model):
    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(
        ClientSpace,
        verbose_name=_("client space"),
        on_delete=models.CASCADE,
        related_name="access_proposals",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ProposalKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person proposed"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_name = models.CharField(_("name of the person proposed"), max_length=255)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_by_name = models.CharField(_("name of who proposed it"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access proposal")
        verbose_name_plural = _("access proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=models.Q(status="pending"),
                name="wagtail_coaching_one_pending_proposal",
            )
        ]

    def __str__(self):
        return _("Proposal %(id)s") % {"id": self.uid}


def accepted_proposal(space_id, user_id):
    """The proposal through which ``user_id`` holds access to ``space_id``, or None."""
    return (
        AccessProposal.objects.filter(
            space_id=space_id, user_id=user_id, status=ProposalStatus.ACCEPTED
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
