"""Staff changing a participant's account from Wagtail's user screens (finding 3): the
person is told by e-mail, without content, and each of their spaces' access logs names the
staff member. Deleting an account keeps the names in the log."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from wagtail_coaching.spaces import audit, consent
from wagtail_coaching.spaces.audit import AccessAction

from .conftest import accept_contract
from .tasks import committed

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "A-new-password-staff-chose-42"


@pytest.fixture
def user_admin(world):
    """A staff member who manages users but is not a superuser."""
    world.staff.first_name, world.staff.last_name = "Sam", "Staffer"
    world.staff.save()
    world.staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
    )
    return world


def edit_user(client, user, **changes):
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [
                getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)
            ]
        else:
            data[name] = value
    data.update(changes)
    return client.post(url, data)


def logged(world, action):
    return list(audit.events_for(world.space).filter(action=action))


def test_a_password_set_by_staff_is_told_and_logged(
    client, user_admin, django_capture_on_commit_callbacks
):
    world = user_admin
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        response = edit_user(client, world.coachee, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = logged(world, AccessAction.PASSWORD_CHANGED)
    assert event.who_label == "Sam Staffer" and event.subject_user == world.coachee
    assert logged(world, AccessAction.PASSWORD_CHANGED) and not list(
        audit.events_for(world.other_space).filter(action=AccessAction.PASSWORD_CHANGED)
    )
    [message] = mail.outbox
    assert message.to == [world.coachee.email]
    assert "Sam Staffer" in message.body and NEW_PASSWORD not in message.body

    # The coachee reads it in their space's log.
    world.coachee.refresh_from_db()
    client.force_login(world.coachee)
    accept_contract(world.coachee, world.space)
    log = client.get(reverse("wagtail_coaching:access_log", args=[world.space.public_id]))
    assert "Password changed by staff" in log.content.decode()
    assert "Sam Staffer" in log.content.decode()


def test_an_email_change_is_told_to_both_addresses(
    client, user_admin, django_capture_on_commit_callbacks
):
    world = user_admin
    old = world.coach.email
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        response = edit_user(client, world.coach, email="taken-over@example.com")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert {m.to[0] for m in mail.outbox} == {old, "taken-over@example.com"}
    [event] = logged(world, AccessAction.EMAIL_CHANGED)
    assert event.user == world.staff and event.subject_user == world.coach


def test_making_a_participant_superuser_is_logged(
    client, world, django_capture_on_commit_callbacks
):
    # Only a superuser may grant the flag in Wagtail's form.
    world.superuser.first_name, world.superuser.last_name = "Root", "Admin"
    world.superuser.save()
    client.force_login(world.superuser)
    with committed(django_capture_on_commit_callbacks):
        response = edit_user(client, world.coachee, is_superuser="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    world.coachee.refresh_from_db()
    assert world.coachee.is_superuser
    [event] = logged(world, AccessAction.RIGHTS_CHANGED)
    assert event.who_label == "Root Admin"
    assert [m.to[0] for m in mail.outbox] == [world.coachee.email]


def test_staff_who_manage_users_cannot_make_anyone_superuser(client, user_admin):
    """Finding 3, the second half: a user manager who is not a superuser posts the flags."""
    world = user_admin
    client.force_login(world.staff)
    response = edit_user(client, world.coachee, is_superuser="on")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only a superuser may make someone a superuser" in page
    edit_user(client, world.staff, is_superuser="on")
    world.coachee.refresh_from_db()
    world.staff.refresh_from_db()
    assert not world.coachee.is_superuser
    assert not world.staff.is_superuser
    assert logged(world, AccessAction.RIGHTS_CHANGED) == []
    # Nor through a new account (a throwaway superuser), nor by taking the flag away.
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "throwaway",
            "email": "throwaway@example.org",
            "first_name": "Tom",
            "last_name": "Throwaway",
            "password1": "A-throwaway-password-42",
            "password2": "A-throwaway-password-42",
            "is_superuser": "on",
        },
        follow=True,
    )
    assert "Only a superuser may make someone a superuser" in response.content.decode()
    assert not get_user_model().objects.filter(username="throwaway", is_superuser=True).exists()
    edit_user(client, world.superuser, is_superuser="")
    world.superuser.refresh_from_db()
    assert world.superuser.is_superuser
    # A name changed without the flag still saves.
    assert edit_user(client, world.coachee, first_name="Camille").status_code == 302
    world.coachee.refresh_from_db()
    assert world.coachee.first_name == "Camille"


def test_a_change_of_ones_own_name_is_not_logged(client, user_admin):
    world = user_admin
    client.force_login(world.staff)
    response = edit_user(client, world.coachee, first_name="Renamed")
    assert response.status_code == 302
    for action in (
        AccessAction.PASSWORD_CHANGED,
        AccessAction.EMAIL_CHANGED,
        AccessAction.RIGHTS_CHANGED,
    ):
        assert not logged(world, action)
    assert not mail.outbox


def test_a_deleted_account_keeps_its_name_in_the_log(client, user_admin):
    world = user_admin
    extra = world.other_coach
    extra.first_name, extra.last_name = "Olga", "Other"
    extra.save()
    consent.accept(consent.propose(world.space, extra, world.staff), world.space, world.coachee)
    accept_contract(extra, world.space)
    client.force_login(extra)
    assert client.get(world.space.get_absolute_url()).status_code == 200

    client.force_login(world.staff)
    response = client.post(reverse("wagtailusers_users:delete", args=[extra.pk]))
    assert response.status_code == 302
    assert not type(extra).objects.filter(pk=extra.pk).exists()

    entry = audit.events_for(world.space).get(action=AccessAction.ENTER)
    assert entry.user is None and entry.who_label == "Olga Other"
    assert entry.proposer_label == "Sam Staffer"
    [deleted] = logged(world, AccessAction.ACCOUNT_DELETED)
    assert (deleted.who_label, deleted.subject_label) == ("Sam Staffer", "Olga Other")
