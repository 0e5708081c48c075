"""Picking people for a client space: choosers limited by role, extra access proposed one
coach at a time with a confirmation, never to HR, and named in the coachee's access log."""

import pytest
from django.urls import reverse

from wagtail_coaching.spaces import audit, consent, lock
from wagtail_coaching.spaces.models import ClientSpace

from .conftest import accept_contract
from .factories import CoachFactory, UserFactory
from .test_admin import CREATE_URL, space_form
from .test_space_content import url

pytestmark = pytest.mark.django_db


def chooser_names(client, viewset, **params):
    response = client.get(reverse(f"{viewset}:choose_results"), params)
    assert response.status_code == 200
    return {user.username for user in response.context["results"]}


def test_each_chooser_offers_only_who_may_hold_the_role(client, world):
    hr_coach = CoachFactory(username="hr_coach")
    lock.grant_report_access(hr_coach, world.org)
    client.force_login(world.staff)

    coaches = chooser_names(client, "wagtail_coaching_coach_chooser")
    assert coaches == {"coach", "other_coach", "hr_coach"}

    coachees = chooser_names(client, "wagtail_coaching_coachee_chooser")
    assert {"coachee", "other_coachee", "editor"} <= coachees
    assert not coachees & {"staff", "root", "hr", "other_hr", "hr_coach"}

    participants = chooser_names(client, "wagtail_coaching_participant_chooser")
    assert participants == {"coach", "other_coach"}


def test_the_chooser_searches_and_pages(client, world):
    for number in range(12):
        CoachFactory(username=f"many{number:02}", last_name="Many")
    client.force_login(world.staff)
    assert chooser_names(client, "wagtail_coaching_coach_chooser", q="other") == {"other_coach"}
    first = chooser_names(client, "wagtail_coaching_coach_chooser", q="many")
    second = chooser_names(client, "wagtail_coaching_coach_chooser", q="many", p=2)
    assert len(first) == 10 and len(second) == 2 and not first & second


def test_a_chooser_refuses_users_outside_its_role(client, world):
    client.force_login(world.staff)
    chosen = reverse("wagtail_coaching_participant_chooser:chosen", args=(world.hr.pk,))
    assert client.get(chosen).status_code == 404
    ok = reverse("wagtail_coaching_participant_chooser:chosen", args=(world.other_coach.pk,))
    assert client.get(ok).status_code == 200


@pytest.mark.parametrize("who", ["hr", "editor", "coach"])
def test_only_space_staff_open_the_choosers(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(reverse("wagtail_coaching_coachee_chooser:choose"))
    assert response.status_code in (302, 403, 404)


def test_the_form_lists_nobody(client, world):
    for number in range(30):
        UserFactory(username=f"somebody{number}")
    client.force_login(world.staff)
    body = client.get(CREATE_URL).content.decode()
    assert "somebody" not in body
    assert "<option" not in body.split('name="coachee"')[1].split("</section>")[0]


def edit(client, world, **extra):
    url = f"/admin/wagtail_coaching/clientspace/edit/{world.space.pk}/"
    data = space_form(world, coachee=world.coachee.pk, **extra)
    return client.post(url, data)


def test_hr_is_never_given_access(client, world):
    lock.grant_report_access(world.other_coach, world.other_org)
    client.force_login(world.staff)
    for user in (world.hr, world.other_coach):
        response = edit(client, world, add_participant=user.pk, confirm_access="on")
        assert response.status_code == 200
        assert "HR never enters a client space" in response.content.decode()
        assert not lock.may_enter(user, world.space)


def test_only_coaches_are_given_access(client, world):
    client.force_login(world.staff)
    response = edit(client, world, add_participant=world.editor.pk, confirm_access="on")
    assert "only coaches can be given access" in response.content.decode()
    assert not lock.may_enter(world.editor, world.space)


def test_access_is_granted_only_when_confirmed(client, world):
    client.force_login(world.staff)
    response = edit(client, world, add_participant=world.other_coach.pk)
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert not lock.may_enter(world.other_coach, world.space)


def test_the_proposal_names_the_staff_member_in_the_coachees_log(client, world):
    world.staff.first_name, world.staff.last_name = "Stella", "Staffer"
    world.staff.save()
    client.force_login(world.staff)
    response = edit(client, world, add_participant=world.other_coach.pk, confirm_access="on")
    assert response.status_code == 302
    # Proposed, not granted: the coachee decides (see test_consent).
    assert not lock.may_enter(world.other_coach, world.space)
    event = audit.events_for(world.space).get(action=audit.AccessAction.PROPOSED)
    assert event.user == world.staff and event.subject_user == world.other_coach
    consent.accept(consent.pending(world.space).get(), world.space, world.coachee)
    assert lock.may_enter(world.other_coach, world.space)

    # The coachee reads it in their access log.
    client.force_login(world.coachee)
    accept_contract(world.coachee, world.space)
    body = client.get(url("access_log", world)).content.decode()
    assert "Stella Staffer" in body

    # Staff removing access is logged the same way.
    client.force_login(world.staff)
    response = edit(client, world, remove_participants=[world.other_coach.pk])
    assert response.status_code == 302
    assert not lock.may_enter(world.other_coach, world.space)
    revoked = audit.events_for(world.space).filter(action=audit.AccessAction.ACCESS_REVOKED)[0]
    assert revoked.user == world.staff


@pytest.mark.parametrize("who", ["staff", "hr"])
def test_staff_and_other_hr_are_refused_as_coachee(client, world, who):
    client.force_login(world.staff)
    user = world.staff if who == "staff" else world.other_hr
    response = client.post(CREATE_URL, space_form(world, coachee=user.pk))
    assert response.status_code == 200
    assert "coachee" in response.context["form"].errors
    assert not ClientSpace.objects.filter(coachee=user).exists()
