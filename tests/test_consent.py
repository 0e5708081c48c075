"""Extra access only with the coachee's consent: staff propose, the coachee accepts or
refuses inside their space, the coach is told, and every step names who proposed it.

Reproduces the attack where staff let themselves (or a throwaway account) into a space."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from wagtail_coaching.spaces import audit, consent, content, lock
from wagtail_coaching.spaces.audit import AccessAction
from wagtail_coaching.spaces.proposals import AccessProposal, ProposalStatus

from .conftest import accept_contract
from .exports import prepare_export
from .factories import CoachFactory
from .tasks import committed, run_tasks
from .test_admin import space_form

pytestmark = pytest.mark.django_db

SECRET = "Planted secret of the coachee"


def edit(client, world, **extra):
    url = f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/"
    return client.post(url, space_form(world, coachee=world.coachee.pk, **extra))


def space_url(world, name="space", **kwargs):
    return reverse(
        f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id, **kwargs}
    )


@pytest.fixture
def held(world):
    """``world`` whose space holds content: both participants accepted the contract and
    the coachee wrote a shared note."""
    for user in (world.coach, world.coachee):
        accept_contract(user, world.space)
    note = content.Note(space=world.space, author=world.coachee, visibility="shared")
    note.body = SECRET
    note.save()
    world.staff.first_name, world.staff.last_name = "Sam", "Staffer"
    world.staff.save()
    return world


def answer(client, world, proposal, value):
    return client.post(
        space_url(world, "proposal_answer", proposal_uid=proposal.uid), {"answer": value}
    )


def reads_the_space(client, user, world):
    """Whether ``user`` gets the content of the space (after accepting its contract)."""
    client.force_login(user)
    if lock.may_enter(user, world.space):
        accept_contract(user, world.space)
    response = client.get(space_url(world, "notes"))
    return response.status_code == 200 and SECRET in response.content.decode()


def test_a_proposal_opens_nothing_until_the_coachee_accepts(
    client, held, django_capture_on_commit_callbacks
):
    world = held
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        response = edit(client, world, add_participant=world.other_coach.pk, confirm_access="on")
    assert response.status_code == 302
    assert not lock.may_enter(world.other_coach, world.space)
    assert not reads_the_space(client, world.other_coach, world)

    # The coachee and the coach are told by e-mail, without content.
    assert {m.to[0] for m in mail.outbox} == {world.coachee.email, world.coach.email}
    for message in mail.outbox:
        assert "Sam Staffer" in message.body and SECRET not in message.body

    # The coachee sees a card with accept and refuse; the coach sees it waiting.
    client.force_login(world.coachee)
    page = client.get(space_url(world)).content.decode()
    assert "Sam Staffer proposes that" in page and 'value="accept"' in page
    client.force_login(world.coach)
    page = client.get(space_url(world)).content.decode()
    assert "answer" in page and 'value="accept"' not in page

    proposal = AccessProposal.objects.get(space=world.space)
    mail.outbox.clear()
    client.force_login(world.coachee)
    with committed(django_capture_on_commit_callbacks):
        assert answer(client, world, proposal, "accept").status_code == 302
    assert lock.may_enter(world.other_coach, world.space)
    assert {m.to[0] for m in mail.outbox} == {world.coach.email, world.other_coach.email}

    # Every step, and every later entry of the person let in, names the staff member.
    assert reads_the_space(client, world.other_coach, world)
    about = audit.events_for(world.space).filter(subject_user=world.other_coach)
    events = {e.action: e for e in about}
    for action in (AccessAction.PROPOSED, AccessAction.ACCEPTED, AccessAction.ACCESS_GRANTED):
        assert events[action].proposer_label == "Sam Staffer"
    entry = audit.events_for(world.space).get(action=AccessAction.ENTER, user=world.other_coach)
    assert entry.proposer_label == "Sam Staffer"
    client.force_login(world.coachee)
    log = client.get(space_url(world, "access_log")).content.decode()
    assert "(proposed by Sam Staffer)" in log


def test_the_coachee_refuses_and_the_coach_is_told(
    client, held, django_capture_on_commit_callbacks
):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    client.force_login(world.coachee)
    with committed(django_capture_on_commit_callbacks):
        assert answer(client, world, proposal, "refuse").status_code == 302
    assert not lock.may_enter(world.other_coach, world.space)
    assert AccessProposal.objects.get(pk=proposal.pk).status == ProposalStatus.REFUSED
    assert [m.to[0] for m in mail.outbox] == [world.coach.email]
    refused = audit.events_for(world.space).get(action=AccessAction.REFUSED)
    assert refused.who_label == world.coachee.get_full_name()
    assert refused.proposer_label == "Sam Staffer"
    # An answered proposal cannot be answered again.
    answer(client, world, proposal, "accept")
    assert not lock.may_enter(world.other_coach, world.space)


@pytest.mark.parametrize(
    "who", ["coach", "other_coach", "other_coachee", "hr", "staff", "superuser"]
)
def test_only_the_coachee_answers(client, held, who):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    user = getattr(world, who)
    if lock.may_enter(user, world.space):
        accept_contract(user, world.space)
    client.force_login(user)
    assert answer(client, world, proposal, "accept").status_code == 404
    assert not lock.may_enter(world.other_coach, world.space)


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_who_add_themselves_do_not_get_in(client, held, who):
    """Finding 2: staff (or a superuser) who are coaches propose themselves: no entry, no
    export, until the coachee accepts."""
    world = held
    user = getattr(world, who)
    user.groups.add(CoachFactory().groups.first())
    client.force_login(user)
    response = edit(client, world, add_participant=user.pk, confirm_access="on")
    assert response.status_code == 302, response.content.decode()[:500]
    assert not lock.may_enter(user, world.space)
    for name in ("space", "notes", "export", "export_download", "access_log"):
        assert client.get(space_url(world, name)).status_code == 404


def test_a_deleted_throwaway_account_is_still_named_with_its_proposer(client, held):
    """Finding 2, through a throwaway account deleted afterwards: the log keeps both names."""
    world = held
    throwaway = CoachFactory(username="throwaway", first_name="Tom", last_name="Throwaway")
    client.force_login(world.staff)
    edit(client, world, add_participant=throwaway.pk, confirm_access="on")
    assert not reads_the_space(client, throwaway, world)

    proposal = AccessProposal.objects.get(space=world.space, user=throwaway)
    consent.accept(proposal, world.space, world.coachee)
    assert reads_the_space(client, throwaway, world)
    prepare_export(world.space, throwaway)
    assert client.get(space_url(world, "export_download")).status_code == 200
    throwaway.delete()

    client.force_login(world.coachee)
    log = client.get(space_url(world, "access_log")).content.decode()
    exported = audit.events_for(world.space).get(action=AccessAction.EXPORT)
    assert (exported.who_label, exported.proposer_label) == ("Tom Throwaway", "Sam Staffer")
    assert "Tom Throwaway" in log and "(proposed by Sam Staffer)" in log


def test_a_new_coach_of_a_space_with_content_is_a_proposal(client, held):
    world = held
    new_coach = CoachFactory(username="new_coach")
    client.force_login(world.staff)
    response = edit(client, world, coach=new_coach.pk)
    assert response.status_code == 302, response.content.decode()[:500]
    world.space.refresh_from_db()
    assert world.space.coach == world.coach
    assert lock.may_enter(world.coach, world.space)
    assert not lock.may_enter(new_coach, world.space)

    proposal = AccessProposal.objects.get(space=world.space, user=new_coach)
    client.force_login(world.coachee)
    assert "becomes the coach of this space" in client.get(space_url(world)).content.decode()
    answer(client, world, proposal, "accept")
    world.space.refresh_from_db()
    assert world.space.coach == new_coach
    assert lock.may_enter(new_coach, world.space)
    assert not lock.may_enter(world.coach, world.space)
    revoked = audit.events_for(world.space).get(action=AccessAction.ACCESS_REVOKED)
    assert revoked.subject_user == world.coach


def test_the_coachee_of_a_space_with_content_cannot_be_changed(client, held):
    world = held
    client.force_login(world.staff)
    response = client.post(
        f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/",
        space_form(world, coachee=world.other_coachee.pk),
    )
    assert response.status_code == 200
    assert "its coachee cannot be changed" in response.content.decode()
    world.space.refresh_from_db()
    assert world.space.coachee == world.coachee


def test_the_coachee_revokes_at_once(client, held):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    consent.accept(proposal, world.space, world.coachee)
    assert reads_the_space(client, world.other_coach, world)

    # Nobody but the coachee removes access from the site.
    for user in (world.coach, world.other_coach):
        client.force_login(user)
        client.post(space_url(world, "revoke_access"), {"user": world.other_coach.pk})
        assert lock.may_enter(world.other_coach, world.space)

    client.force_login(world.coachee)
    page = client.get(space_url(world)).content.decode()
    assert "Remove the access of" in page
    response = client.post(space_url(world, "revoke_access"), {"user": world.other_coach.pk})
    assert response.status_code == 302
    assert not lock.may_enter(world.other_coach, world.space)
    assert not reads_the_space(client, world.other_coach, world)
    revoked = audit.events_for(world.space).get(action=AccessAction.ACCESS_REVOKED)
    assert revoked.user == world.coachee
    # The coach cannot be removed this way.
    client.force_login(world.coachee)
    client.post(space_url(world, "revoke_access"), {"user": world.coach.pk})
    assert lock.may_enter(world.coach, world.space)


@pytest.mark.parametrize("who", ["hr", "editor", "staff"])
def test_only_coaches_who_are_not_hr_can_be_proposed(held, who):
    with pytest.raises(consent.ProposalError):
        consent.propose(held.space, getattr(held, who), held.staff)
    assert not AccessProposal.objects.exists()


# --- Staff withdraw a pending proposal -----------------------------------------------------


def withdraw_url(world, proposal):
    url = f"/admin/wagtail_coaching/clientspace/withdraw/{world.space.pk}/"
    return f"{url}?proposal={proposal.uid}"


def test_staff_withdraw_a_pending_proposal(client, held, django_capture_on_commit_callbacks):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    client.force_login(world.staff)
    # A button beside the pending proposal, on the space's admin form.
    page = client.get(f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/")
    assert withdraw_url(world, proposal).replace("&", "&amp;") in page.content.decode()
    confirm = client.get(withdraw_url(world, proposal))
    assert confirm.status_code == 200
    assert "has not answered yet" in confirm.content.decode()
    assert AccessProposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(world, proposal), {"proposal": proposal.uid})
    assert response.status_code == 302
    assert AccessProposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN
    run_tasks()  # the worker sends the e-mails
    assert {m.to[0] for m in mail.outbox} == {world.coachee.email, world.coach.email}
    for message in mail.outbox:
        assert "Sam Staffer withdrew" in message.body and SECRET not in message.body

    # The card leaves the coachee's space; the log names the staff member.
    client.force_login(world.coachee)
    page = client.get(space_url(world)).content.decode()
    assert 'value="accept"' not in page and "proposes that" not in page
    withdrawn = audit.events_for(world.space).get(action=AccessAction.WITHDRAWN)
    assert withdrawn.who_label == "Sam Staffer"
    assert withdrawn.subject_user == world.other_coach
    log = client.get(space_url(world, "access_log")).content.decode()
    assert "Proposal withdrawn by staff" in log and "Sam Staffer" in log
    # Nothing opened, and the withdrawn proposal cannot be accepted afterwards.
    assert answer(client, world, proposal, "accept").status_code in (302, 404)
    assert not lock.may_enter(world.other_coach, world.space)


@pytest.mark.parametrize("answered", ["accept", "refuse"])
def test_an_answered_proposal_cannot_be_withdrawn(client, held, answered):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    getattr(consent, answered)(proposal, world.space, world.coachee)
    status = AccessProposal.objects.get(pk=proposal.pk).status
    client.force_login(world.staff)
    for response in (
        client.get(withdraw_url(world, proposal), follow=True),
        client.post(withdraw_url(world, proposal), {"proposal": proposal.uid}, follow=True),
    ):
        assert "can no longer be withdrawn" in response.content.decode()
    assert AccessProposal.objects.get(pk=proposal.pk).status == status
    assert not audit.events_for(world.space).filter(action=AccessAction.WITHDRAWN).exists()
    assert lock.may_enter(world.other_coach, world.space) == (answered == "accept")
    with pytest.raises(consent.ProposalError, match="can no longer be withdrawn"):
        consent.withdraw(proposal, world.space, world.staff)


@pytest.mark.parametrize(
    "who",
    ["coach", "coachee", "other_coach", "hr", "other_hr", "editor", "view_only_staff"],
)
def test_only_staff_who_may_change_the_space_withdraw(client, held, who):
    world = held
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    if who == "view_only_staff":
        user = CoachFactory(username="viewer", is_staff=True)
        user.user_permissions.add(
            Permission.objects.get(codename="view_clientspace"),
            Permission.objects.get(codename="access_admin"),
        )
    else:
        user = getattr(world, who)
    client.force_login(user)
    for response in (
        client.get(withdraw_url(world, proposal)),
        client.post(withdraw_url(world, proposal), {"proposal": proposal.uid}),
    ):
        # Without admin access, Wagtail sends to its login page, as for every admin URL.
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and response["Location"].startswith("/admin/login/")
        )
        assert refused, (who, response.status_code)
    assert AccessProposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING


def test_a_proposal_of_another_space_is_not_withdrawn_through_this_one(client, held):
    world = held
    other = consent.propose(world.other_space, world.coach, world.staff)
    client.force_login(world.staff)
    url = f"/admin/wagtail_coaching/clientspace/withdraw/{world.space.pk}/"
    response = client.post(f"{url}?proposal={other.uid}", {"proposal": other.uid}, follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    assert AccessProposal.objects.get(pk=other.pk).status == ProposalStatus.PENDING
