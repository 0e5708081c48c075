"""Logging in: throttling with django-axes and one password-reset path (issue 16, 7 and 11).

The attack: 60 wrong passwords, then the right one works. Now, after AXES_FAILURE_LIMIT
failures the login is locked, on the site's login page and Wagtail's admin login alike, even
for the right password, with a clear page in English and French; time or staff unlock it.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.utils import timezone

from wagtail_coaching.accounts import checks as account_checks

from .factories import PASSWORD, UserFactory
from .tasks import committed

pytestmark = pytest.mark.django_db

LOGINS = {"site": "/accounts/login/", "admin": "/admin/login/"}


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def attempt(client, where, username, password, **extra):
    return client.post(LOGINS[where], {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("where", ["site", "admin"])
def test_the_right_password_is_refused_after_repeated_failures(client, alice, settings, where):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, where, "alice", "wrong").status_code == 200
    response = attempt(client, where, "alice", "wrong")
    assert response.status_code == 429
    response = attempt(client, where, "alice", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    body = response.content.decode()
    assert "Too many failed log-ins" in body
    assert "15 minutes" in body
    assert "ask the platform's staff to unlock your account" in body


def test_the_lockout_page_speaks_french(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", "alice", "wrong", HTTP_ACCEPT_LANGUAGE="fr")
    response = attempt(client, "site", "alice", PASSWORD, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Trop d’échecs de connexion\u00a0: la connexion est bloquée" in body
    assert "15 minutes" in body


def test_admin_lockout_page_looks_like_wagtail(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = attempt(client, "admin", "alice", "wrong")
    body = response.content.decode()
    assert 'class="messages"' in body and "Too many failed log-ins" in body
    assert "wagtailadmin" in body  # Wagtail's admin stylesheet and scripts


def test_the_lock_holds_for_the_username_from_another_address(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", "alice", "wrong", REMOTE_ADDR="192.0.2.1")
    response = attempt(client, "site", "alice", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429


def test_the_lock_holds_for_the_address_with_other_usernames(client, alice, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", f"guess{number}", "wrong", REMOTE_ADDR="192.0.2.1")
    response = attempt(client, "site", "alice", PASSWORD, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
    # Another address is not locked for alice, who never failed.
    response = attempt(client, "site", "alice", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302 and logged_in(client)


def test_failures_are_stored_in_the_database(client, alice, settings):
    """So every app process sees them: nothing is counted in process memory."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "admin", "alice", "wrong")
    record = AccessAttempt.objects.get(username="alice")
    assert record.failures_since_start == settings.AXES_FAILURE_LIMIT
    assert "wrong" not in record.post_data  # axes masks the password


def test_the_lock_ends_after_the_cool_off(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", "alice", "wrong")
    assert attempt(client, "site", "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    response = attempt(client, "site", "alice", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_staff_unlock_in_the_admin(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "site", "alice", "wrong")
    staff = UserFactory(username="unlocker", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        *Permission.objects.filter(
            content_type__app_label="axes", content_type__model="accessattempt"
        ),
    )
    staff_client = client.__class__()
    staff_client.force_login(staff)
    listing = staff_client.get("/admin/axes/accessattempt/").content.decode()
    assert "alice" in listing and "Unlock" in listing
    record = AccessAttempt.objects.get(username="alice")
    response = staff_client.post(f"/admin/axes/accessattempt/delete/{record.pk}/")
    assert response.status_code == 302
    response = attempt(client, "site", "alice", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_site_without_axes_is_warned(monkeypatch):
    assert account_checks.check_login_throttling(None) == []
    monkeypatch.setattr(account_checks.apps, "is_installed", lambda app: app != "axes")
    messages = account_checks.check_login_throttling(None)
    assert [message.id for message in messages] == ["wagtail_coaching.W160"]


# --- One password-reset path per user (issue 16, finding 11) ---------------------------------


def test_the_admin_password_reset_serves_admin_users_only(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with committed(django_capture_on_commit_callbacks):
        for user in (world.coachee, world.coach, world.staff):
            response = client.post("/admin/password_reset/", {"email": user.email})
            assert response.status_code == 302  # the same answer for every address
    assert [message.to for message in mailoutbox] == [[world.staff.email]]


def test_a_site_with_the_open_admin_reset_is_warned(settings):
    assert account_checks.check_admin_password_reset(None) == []
    del settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM
    messages = account_checks.check_admin_password_reset(None)
    assert [message.id for message in messages] == ["wagtail_coaching.W162"]
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = False
    assert account_checks.check_admin_password_reset(None) == []
