"""Extra access to a client space only with its coachee's consent.

What a caller may rely on:

* :func:`propose` is the only way staff open a space to someone new: a substitute coach or a
  supervisor (a member of the coaches group, never HR), or a new coach once the space holds
  content (:func:`holds_content`). Nothing opens until the coachee accepts (:func:`accept`)
  inside their space; superusers go through the same door.
* The proposal, the coachee's answer and every later event of the person let in name the
  staff member who proposed it in the space's access log.
* The coach (and the coachee, and the person proposed once accepted) are told by e-mail,
  without content; the space's front door shows the proposals to both participants.
* The coachee revokes an extra participant at once (:func:`revoke`): the lock's grant row is
  deleted, which closes that person's open sockets (``sessions.live``).
* Staff who may change the space withdraw a proposal still pending (:func:`withdraw`); one
  already answered stays as the coachee decided.
"""

from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wagtail_coaching.spaces import audit, eligibility, lock, roles
from wagtail_coaching.spaces.models import (
    ClientSpace,
    ClientSpaceUserObjectPermission,
    display_name,
)
from wagtail_coaching.spaces.notices import absolute_url, send_notice
from wagtail_coaching.spaces.proposals import AccessProposal, ProposalKind, ProposalStatus

# The models whose rows are a space's content. Looked up by name: some live in domains
# above this one (programmes, sessions).
CONTENT_MODELS = ("Note", "Goal", "SpaceDocument", "Answer", "Action", "Board")


class ProposalError(ValueError):
    """A proposal that cannot be made or answered; the message says why."""


def holds_content(space):
    """Whether anything was written, answered, drawn or shared in ``space``."""
    if space.pk is None:
        return False
    return any(
        apps.get_model("wagtail_coaching", name).objects.filter(space_id=space.pk).exists()
        for name in CONTENT_MODELS
    )


def pending(space):
    return AccessProposal.objects.filter(space=space, status=ProposalStatus.PENDING).select_related(
        "user", "proposed_by"
    )


# How long the front door shows an answered proposal.
SHOWN_FOR = timedelta(days=30)


def with_access_card(queryset):
    """Spaces of ``queryset`` annotated with ``access_card``: whether their front door has
    anything to show about access (someone besides the coach and the coachee may enter, or
    a proposal is pending or was answered lately). Read with the space, so that
    :func:`front_door` asks nothing more of the many spaces where it is False."""
    q, meta = connection.ops.quote_name, ClientSpace._meta
    space = q(meta.db_table)
    grants = q(ClientSpaceUserObjectPermission._meta.db_table)
    proposals = q(AccessProposal._meta.db_table)
    sql = (
        f"(EXISTS (SELECT 1 FROM {grants} g WHERE g.content_object_id = {space}.id"  # noqa: S608
        f" AND g.permission_id = %s AND g.user_id <> {space}.coach_id"
        f" AND g.user_id <> {space}.coachee_id)"
        f" OR EXISTS (SELECT 1 FROM {proposals} p WHERE p.space_id = {space}.id"
        " AND (p.status = %s OR p.decided_at >= %s)))"
    )
    recent = connection.ops.adapt_datetimefield_value(timezone.now() - SHOWN_FOR)
    return queryset.annotate(
        access_card=RawSQL(
            sql,
            (lock.enter_permission_id(), ProposalStatus.PENDING, recent),
            output_field=models.BooleanField(),
        )
    )


def front_door(space):
    """What a space's front door shows about access: the pending proposals, the extra people
    with access (each with ``proposed_by_name``), and the proposals answered lately.

    Two queries: the people with entry, and every proposal the door may show or name; none
    for a space read with :func:`with_access_card` that has nothing to show."""
    if getattr(space, "access_card", None) is False:
        return {"pending": [], "extra": [], "decided": []}
    extra = list(revocable(space))
    recent = timezone.now() - SHOWN_FOR
    proposals = list(
        AccessProposal.objects.filter(space=space)
        .filter(
            Q(status=ProposalStatus.PENDING)
            | Q(status=ProposalStatus.ACCEPTED, user__in=[person.pk for person in extra])
            | Q(decided_at__gte=recent)
        )
        .select_related("user", "proposed_by")
    )  # newest first
    names = {
        proposal.user_id: proposal.proposed_by_name
        for proposal in reversed(proposals)
        if proposal.status == ProposalStatus.ACCEPTED
    }
    for person in extra:
        person.proposed_by_name = names.get(person.pk, "")
    pending_ones = [p for p in proposals if p.status == ProposalStatus.PENDING]
    decided = [
        p
        for p in proposals
        if p.status != ProposalStatus.PENDING and p.decided_at and p.decided_at >= recent
    ][:5]
    return {"pending": pending_ones, "extra": extra, "decided": decided}


def _space_url(space):
    return absolute_url(space.get_absolute_url())


@transaction.atomic
def propose(space, user, actor, kind=ProposalKind.PARTICIPANT):
    """Propose that ``user`` may enter ``space`` (``kind``), on behalf of ``actor``.

    A pending proposal of the same person is returned as it is; a new coach proposal
    withdraws an earlier pending one. Raises :class:`ProposalError` when ``user`` is
    already in or cannot be proposed.
    """
    # The admin form says the same with the field; this holds for every caller.
    if not roles.is_coach(user) or eligibility.is_report_viewer(user):
        raise ProposalError(
            _("%(user)s is not a coach who may enter spaces; only coaches can be proposed.")
            % {"user": display_name(user)}
        )
    if user.pk in (space.coach_id, space.coachee_id):
        raise ProposalError(
            _("%(user)s is already the coach or the coachee of this space.")
            % {"user": display_name(user)}
        )
    existing = pending(space).filter(user=user).first()
    if existing is not None:
        return existing
    if kind == ProposalKind.COACH:
        for earlier in pending(space).filter(kind=ProposalKind.COACH):
            _close(earlier, ProposalStatus.WITHDRAWN)
    proposal = AccessProposal.objects.create(
        space=space,
        kind=kind,
        user=user,
        user_name=display_name(user),
        proposed_by=actor,
        proposed_by_name=display_name(actor) if actor is not None else "",
    )
    action = (
        audit.AccessAction.COACH_PROPOSED
        if kind == ProposalKind.COACH
        else audit.AccessAction.PROPOSED
    )
    audit.record(space, actor, action, subject_user=user, proposed_by=actor)
    names = {
        "who": display_name(actor) if actor is not None else gettext_noop("A staff member"),
        "user": display_name(user),
        "coachee": display_name(space.coachee),
    }
    # "A staff member" is written in each recipient's language, like the rest of the notice.
    translated = [] if actor is not None else ["who"]
    if kind == ProposalKind.COACH:
        coachee_message = gettext_noop(
            "%(who)s proposes that %(user)s becomes your coach. Nothing changes until "
            "you accept it in your coaching space."
        )
        coach_message = gettext_noop(
            "%(who)s proposes that %(user)s becomes the coach of %(coachee)s. "
            "%(coachee)s decides; you keep access until they accept."
        )
    else:
        coachee_message = gettext_noop(
            "%(who)s proposes that %(user)s may also enter your coaching space (a "
            "substitute coach or a supervisor). Nobody enters until you accept it in "
            "your space."
        )
        coach_message = gettext_noop(
            "%(who)s proposes that %(user)s may also enter the coaching space of "
            "%(coachee)s. %(coachee)s decides."
        )
    url = _space_url(space)
    for recipient, subject, message in (
        (space.coachee, gettext_noop("A proposal about your coaching space"), coachee_message),
        (space.coach, gettext_noop("A proposal about a coaching space"), coach_message),
    ):
        send_notice(
            recipient,
            subject,
            message,
            names,
            url,
            key=f"proposal:{proposal.pk}:proposed:{recipient.pk}",
            translated=translated,
        )
    return proposal


def _close(proposal, status):
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])


def _log(proposal, space, user, action):
    """Log ``action`` of ``user`` about ``proposal``, naming who proposed it."""
    audit.record(space, user, action, subject_user=proposal.user, proposed_by=proposal.proposed_by)


def _locked(proposal, space, user):
    """The proposal, locked, if it is pending and ``user`` is the space's coachee."""
    if space.coachee_id != user.pk:
        raise ProposalError(_("Only the coachee of this space answers its proposals."))
    locked = (
        AccessProposal.objects.select_for_update()
        .filter(pk=proposal.pk, space=space, status=ProposalStatus.PENDING)
        .first()
    )
    if locked is None or locked.user_id is None:
        raise ProposalError(_("This proposal was already answered or withdrawn."))
    return locked


@transaction.atomic
def accept(proposal, space, coachee):
    """The coachee accepts: the person proposed enters from now on. For a new coach, the
    previous coach loses entry at this moment."""
    proposal = _locked(proposal, space, coachee)
    person = get_user_model().objects.get(pk=proposal.user_id)
    previous_coach = space.coach
    _close(proposal, ProposalStatus.ACCEPTED)
    audit.record(
        space,
        coachee,
        audit.AccessAction.ACCEPTED,
        subject_user=person,
        proposed_by=proposal.proposed_by,
    )
    if proposal.kind == ProposalKind.COACH:
        # The new coach in, the previous one out, in this transaction.
        ClientSpace.objects.filter(pk=space.pk).update(coach=person)
        space.coach = person
        lock.revoke_entry(previous_coach, space, actor=coachee)
        lock.grant_entry(person, space, actor=coachee, proposed_by=proposal.proposed_by)
    else:
        lock.grant_entry(person, space, actor=coachee, proposed_by=proposal.proposed_by)
    names = {"coachee": display_name(space.coachee), "user": display_name(person)}
    url = _space_url(space)
    if proposal.kind == ProposalKind.COACH:
        told = (
            (
                previous_coach,
                gettext_noop("A change of coach"),
                gettext_noop(
                    "%(coachee)s accepted %(user)s as their new coach. You no longer have "
                    "access to this coaching space."
                ),
                "",
            ),
            (
                person,
                gettext_noop("You are the new coach of a coaching space"),
                gettext_noop("%(coachee)s accepted you as their coach."),
                url,
            ),
        )
    else:
        told = (
            (
                space.coach,
                gettext_noop("A proposal was accepted"),
                gettext_noop(
                    "%(coachee)s accepted that %(user)s may also enter their coaching space."
                ),
                url,
            ),
            (
                person,
                gettext_noop("You may enter a coaching space"),
                gettext_noop("%(coachee)s accepted that you may enter their coaching space."),
                url,
            ),
        )
    for recipient, subject, message, link in told:
        key = f"proposal:{proposal.pk}:accepted:{recipient.pk}"
        send_notice(recipient, subject, message, names, link, key=key)
    return proposal


@transaction.atomic
def refuse(proposal, space, coachee):
    """The coachee refuses: nothing opens, and the coach is told."""
    proposal = _locked(proposal, space, coachee)
    _close(proposal, ProposalStatus.REFUSED)
    _log(proposal, space, coachee, audit.AccessAction.REFUSED)
    names = {"coachee": display_name(space.coachee), "user": proposal.user_name}
    send_notice(
        space.coach,
        gettext_noop("A proposal was refused"),
        gettext_noop("%(coachee)s refused the proposal about %(user)s."),
        names,
        _space_url(space),
        key=f"proposal:{proposal.pk}:refused:{space.coach_id}",
    )
    return proposal


def not_withdrawable():
    """The error (and the message staff read) for a proposal no longer pending."""
    return ProposalError(
        _(
            "This proposal can no longer be withdrawn: the coachee already answered it, "
            "or it was withdrawn before."
        )
    )


@transaction.atomic
def withdraw(proposal, space, actor):
    """Staff (``actor``) withdraw a pending proposal: it leaves the space's front door, the
    access log names who withdrew it, and the coachee and the coach are told. Raises
    :class:`ProposalError` once the coachee answered it (or it was withdrawn already).

    Whether ``actor`` may change ``space`` is the caller's check (the admin's lock)."""
    locked = (
        AccessProposal.objects.select_for_update()
        .filter(pk=proposal.pk, space=space, status=ProposalStatus.PENDING)
        .first()
    )
    if locked is None:
        raise not_withdrawable()
    _close(locked, ProposalStatus.WITHDRAWN)
    _log(locked, space, actor, audit.AccessAction.WITHDRAWN)
    names = {
        "who": display_name(actor) if actor is not None else gettext_noop("A staff member"),
        "user": locked.user_name,
    }
    url = _space_url(space)
    for person in (space.coachee, space.coach):
        send_notice(
            person,
            gettext_noop("A proposal was withdrawn"),
            gettext_noop(
                "%(who)s withdrew the proposal about %(user)s. Nothing changes in the "
                "coaching space."
            ),
            names,
            url,
            key=f"proposal:{locked.pk}:withdrawn:{person.pk}",
            translated=() if actor is not None else ("who",),
        )
    return locked


def revocable(space):
    """The people the coachee may shut out: everyone with access but the two participants."""
    return lock.extra_participants(space)


@transaction.atomic
def revoke(space, user, coachee):
    """The coachee shuts ``user`` out now (their open pages and sockets close too)."""
    if space.coachee_id != coachee.pk:
        raise ProposalError(_("Only the coachee of this space can remove someone's access."))
    if not revocable(space).filter(pk=user.pk).exists():
        raise ProposalError(_("This person has no extra access to this space."))
    lock.revoke_entry(user, space, actor=coachee)
    for proposal in AccessProposal.objects.filter(
        space=space, user=user, status=ProposalStatus.ACCEPTED
    ):
        _close(proposal, ProposalStatus.REVOKED)
    names = {"coachee": display_name(space.coachee), "user": display_name(user)}
    send_notice(
        space.coach,
        gettext_noop("Access to a coaching space was removed"),
        gettext_noop("%(coachee)s removed the access of %(user)s to their coaching space."),
        names,
        _space_url(space),
    )
