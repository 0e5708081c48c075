"""The second factor: TOTP and recovery codes, required of staff, HR and coaches
on the site and in the admin, checked again before sensitive acts; staff reset it instead
of setting a password.

The test settings require it of nobody (so other tests log people in as they always did);
here the sandbox's requirement is put back.
"""

import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_coaching.accounts import checks, twofactor
from wagtail_coaching.privacy.models import SpaceExport
from wagtail_coaching.spaces import consent
from wagtail_coaching.spaces.proposals import AccessProposal, ProposalStatus

from .conftest import accept_contract
from .exports import prepare_export
from .factories import PASSWORD
from .tasks import committed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("required"),
]

SETUP = "/coaching/account/second-factor/setup/"
VERIFY = "/coaching/account/second-factor/"


@pytest.fixture
def required():
    with override_settings(WAGTAIL_COACHING_SECOND_FACTOR_ROLES=["staff", "hr", "coach"]):
        yield


def log_in(client, user, where="/accounts/login/"):
    response = client.post(where, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def totp_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def code_of(device):
    device.refresh_from_db()
    return twofactor.current_code(device)


def fresh_code(device):
    """The current code, usable again in the same 30 s (django-otp refuses a replayed code)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return code_of(device)


def wait_out(device):
    """As if the wait django-otp imposes after a wrong code were over."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def give(client, code, next_url="/coaching/"):
    return client.post(VERIFY, {"code": code, "next": next_url})


# --- Who must have one ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coach", "staff", "hr", "editor"])
@pytest.mark.parametrize("page", ["/coaching/", "/admin/"])
def test_a_required_role_reaches_nothing_before_setting_one_up(client, world, role, page):
    user = getattr(world, role)
    log_in(client, user, "/admin/login/" if page == "/admin/" else "/accounts/login/")
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")
    # Every other page too, site or admin, content or report.
    for other in ("/coaching/", "/admin/", "/admin/coaching-reports/", "/admin/users/"):
        assert client.get(other)["Location"].startswith(SETUP)


@pytest.mark.parametrize("page", ["/coaching/", "/admin/"])
def test_who_has_one_gives_it_at_every_log_in(client, world, page):
    user = world.staff if page == "/admin/" else world.coach
    device = totp_device(user)
    log_in(client, user, "/admin/login/" if page == "/admin/" else "/accounts/login/")
    response = client.get(page)
    assert response["Location"].startswith(VERIFY + "?next=")
    assert client.get(page).status_code == 302  # still nothing before the code

    response = give(client, "000000" if code_of(device) != "000000" else "111111", page)
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    # django-otp makes the device wait a moment after a wrong code, and says so.
    response = give(client, code_of(device), page)
    assert "Too many wrong codes: wait a few seconds" in response.content.decode()
    wait_out(device)

    response = give(client, code_of(device), page)
    assert response.status_code == 302 and response["Location"] == page
    assert client.get(page).status_code == 200


def test_a_coachee_is_not_asked_but_may_opt_in(client, world, django_assert_max_num_queries):
    accept_contract(world.coachee, world.space)
    log_in(client, world.coachee)
    assert client.get("/coaching/").status_code == 200
    # The decision is kept for the log-in: pages cost no query for it afterwards.
    assert client.session[twofactor.STATE_KEY] == twofactor.FREE

    response = client.get(SETUP)
    assert response.status_code == 200
    assert "A second factor keeps your coaching space closed" in response.content.decode()
    device = TOTPDevice.objects.get(user=world.coachee, confirmed=False)
    response = client.post(SETUP, {"code": code_of(device), "next": "/coaching/"})
    assert response.status_code == 200
    client.post("/accounts/logout/")
    log_in(client, world.coachee)
    assert client.get("/coaching/")["Location"].startswith(VERIFY)


def test_a_superuser_is_no_exception(client, world):
    log_in(client, world.superuser, "/admin/login/")
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_reached_from_the_admin_the_pages_look_like_wagtails_login(client, world):
    log_in(client, world.superuser, "/admin/login/")
    setup = client.get(client.get("/admin/")["Location"]).content.decode()
    # Wagtail's login page: its body class and frame, its field style.
    assert re.search(r'<body[^>]*class="[^"]*\blogin\b', setup)
    assert 'class="w-field' in setup and 'name="code"' in setup
    assert 'class="coaching"' not in setup
    # A QR code that scales whole.
    assert '<svg viewBox="' in setup
    totp_device(world.superuser)
    client.logout()
    log_in(client, world.superuser, "/admin/login/")
    verify = client.get(client.get("/admin/")["Location"]).content.decode()
    assert re.search(r'<body[^>]*class="[^"]*\blogin\b', verify)
    # The same page reached from the site keeps the site's look.
    site = client.get(VERIFY + "?next=/coaching/").content.decode()
    assert 'class="coaching"' in site
    assert not re.search(r'<body[^>]*class="[^"]*\blogin\b', site)


# --- Setting up an authenticator app ---------------------------------------------------------


def test_setting_up_an_app_then_logging_in_with_it(client, world):
    log_in(client, world.coach)
    response = client.get(SETUP + "?next=/coaching/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and 'class="coaching-qr"' in body
    device = TOTPDevice.objects.get(user=world.coach, confirmed=False)
    secret = twofactor.secret_text(device)
    assert secret in body
    assert not twofactor.has_second_factor(world.coach)

    # The same secret on reload: a phone that scanned it stays right.
    assert secret in client.get(SETUP).content.decode()

    response = client.post(SETUP, {"code": "12345", "next": "/coaching/"})
    assert "This code does not match" in response.content.decode()
    wait_out(device)

    response = client.post(SETUP, {"code": code_of(device), "next": "/coaching/"})
    body = response.content.decode()
    assert "Your second factor is set up." in body
    codes = re.findall(r"<li><code>(\w+)</code></li>", body)
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    assert twofactor.has_second_factor(world.coach)
    assert client.get("/coaching/").status_code == 200

    client.post("/accounts/logout/")
    log_in(client, world.coach)
    assert client.get("/coaching/")["Location"].startswith(VERIFY)
    assert give(client, fresh_code(device))["Location"] == "/coaching/"
    assert client.get("/coaching/").status_code == 200


def test_a_recovery_code_works_once(client, world):
    totp_device(world.coach)
    codes = twofactor.new_recovery_codes(world.coach)

    log_in(client, world.coach)
    response = give(client, codes[0])
    assert response["Location"] == "/coaching/"
    assert twofactor.recovery_codes_left(world.coach) == len(codes) - 1

    client.post("/accounts/logout/")
    log_in(client, world.coach)
    response = give(client, codes[0])
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    assert client.get("/coaching/").status_code == 302
    StaticDevice.objects.update(throttling_failure_timestamp=None)
    assert give(client, codes[1])["Location"] == "/coaching/"


def test_recovery_codes_are_not_a_second_factor_of_their_own(world):
    twofactor.new_recovery_codes(world.coach)
    assert not twofactor.has_second_factor(world.coach)


def test_repeated_wrong_codes_are_throttled(client, world):
    device = totp_device(world.coach)
    log_in(client, world.coach)
    for _ in range(3):
        give(client, "999999" if code_of(device) != "999999" else "888888")
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1  # codes given while it waits do not count
    # The wait doubles with each counted failure and runs from the last one: as if three had
    # counted and the right code came at once, however slow the machine running this test.
    device.throttling_failure_count = 3
    device.throttling_failure_timestamp = timezone.now()
    device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
    # django-otp now makes the device wait, even for the right code.
    response = give(client, code_of(device))
    assert response.status_code == 200
    assert client.get("/coaching/").status_code == 302


# --- Checked again before sensitive acts -------------------------------------------------------


def age_verification(client, minutes):
    session = client.session
    session[twofactor.VERIFIED_AT_KEY] = time.time() - minutes * 60
    session.save()


def verified(client, user):
    device = totp_device(user)
    log_in(client, user)
    give(client, code_of(device))
    return device


def test_exporting_a_space_asks_again_after_the_fresh_window(client, world, settings):
    accept_contract(world.coachee, world.space)
    device = verified(client, world.coachee)
    page = f"/coaching/spaces/{world.space.public_id}/export/"
    export = f"/coaching/spaces/{world.space.public_id}/export/zip/"
    prepare_export(world.space, world.coachee)
    assert client.get(export).status_code == 200

    age_verification(client, 16)
    # Neither a new zip file nor the one ready is given without the second factor again.
    asked = client.post(page)
    assert asked.status_code == 302 and asked["Location"].startswith(VERIFY)
    assert SpaceExport.objects.filter(space=world.space).count() == 1
    response = client.get(export)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=") and "again=1" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "This act needs your second factor once more" in page
    # Other pages stay open meanwhile.
    assert client.get(f"/coaching/spaces/{world.space.public_id}/").status_code == 200

    assert give(client, fresh_code(device), export)["Location"] == export
    assert client.get(export).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/wagtail_coaching/clientspace/create/",
        "/admin/wagtail_coaching/clientspace/edit/{space}/",
        "/admin/users/edit/{user}/",
        "/admin/users/new/",
    ],
)
def test_granting_access_and_changing_users_ask_again(client, world, url):
    url = url.format(space=world.space.pk, user=world.coachee.pk)
    world.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    verified(client, world.staff)
    assert client.get(url).status_code == 200
    age_verification(client, 30)
    response = client.get(url)
    assert response.status_code == 302 and "again=1" in response["Location"]
    response = client.post(url, {})
    assert response.status_code == 302 and "again=1" in response["Location"]


def test_withdrawing_a_proposal_asks_again(client, world):
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    url = f"/admin/wagtail_coaching/clientspace/withdraw/{world.space.pk}/?proposal={proposal.uid}"
    verified(client, world.staff)
    assert client.get(url).status_code == 200
    age_verification(client, 30)
    for response in (client.get(url), client.post(url, {"proposal": proposal.uid})):
        assert response.status_code == 302 and "again=1" in response["Location"]
    assert AccessProposal.objects.get(pk=proposal.pk).status == ProposalStatus.PENDING


def test_changing_ones_own_password_asks_again(client, world):
    verified(client, world.coach)
    age_verification(client, 30)
    assert "again=1" in client.get("/accounts/password_change/")["Location"]


# --- Staff reset a second factor, never set the password -------------------------------------


@pytest.fixture
def user_manager(world):
    world.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    return world.staff


def user_form(user, **extra):
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        **extra,
    }


def test_staff_cannot_set_the_password_of_someone_with_a_second_factor(client, world, user_manager):
    totp_device(world.coachee)
    verified(client, user_manager)
    response = client.post(
        f"/admin/users/edit/{world.coachee.pk}/",
        user_form(world.coachee, password1="Taken-over-2026", password2="Taken-over-2026"),
        follow=True,
    )
    assert "You cannot set the password of coachee" in response.content.decode()
    world.coachee.refresh_from_db()
    assert world.coachee.check_password(PASSWORD)
    assert not world.coachee.check_password("Taken-over-2026")


def test_staff_cannot_set_the_password_of_a_coach_even_after_a_reset(client, world, user_manager):
    verified(client, user_manager)
    client.post(
        f"/admin/users/edit/{world.coach.pk}/",
        user_form(world.coach, password1="Taken-over-2026", password2="Taken-over-2026"),
    )
    world.coach.refresh_from_db()
    assert world.coach.check_password(PASSWORD)


def test_staff_reset_a_second_factor_and_the_user_is_told(
    client, world, user_manager, django_capture_on_commit_callbacks
):
    totp_device(world.coachee)
    twofactor.new_recovery_codes(world.coachee)
    world.coachee.email = "coachee@example.org"
    world.coachee.save()
    verified(client, user_manager)

    listing = client.get("/admin/users/").content.decode()
    assert f"/admin/coaching-second-factor/{world.coachee.pk}/reset/" in listing

    url = f"/admin/coaching-second-factor/{world.coachee.pk}/reset/"
    page = client.get(url)
    assert page.status_code == 200
    assert "This removes the authenticator app" in page.content.decode()
    with committed(django_capture_on_commit_callbacks):
        response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.coachee).exists()
    assert not StaticDevice.objects.filter(user=world.coachee).exists()

    (message,) = mail.outbox
    assert message.to == ["coachee@example.org"]
    assert "second factor" in message.subject
    assert "removed the second factor of your account" in message.body
    # Nothing of the space: no note, no goal, no document.
    for planted in ("A shared note", "Speak up", "plan.txt"):
        assert planted not in message.body


def test_only_user_managers_reset_and_never_a_superusers(client, world):
    totp_device(world.coachee)
    totp_device(world.superuser)
    verified(client, world.staff)  # no permission on users
    client.post(f"/admin/coaching-second-factor/{world.coachee.pk}/reset/")
    assert twofactor.has_second_factor(world.coachee)
    world.staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.post(f"/admin/coaching-second-factor/{world.superuser.pk}/reset/")
    assert twofactor.has_second_factor(world.superuser)
    assert not mail.outbox


# --- Passkeys are a second factor only --------------------------------------------------------


def test_a_passkey_alone_logs_nobody_in(client, world):
    response = client.post(
        "/webauthn/authentication/begin/", content_type="application/json", data={}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- The demo ---------------------------------------------------------------------------------


def test_coaching_totp_prints_the_demo_code_only(world, capsys):
    device = twofactor.demo_totp_device(world.coach)
    call_command("coaching_totp", "coach")
    assert capsys.readouterr().out.strip() == twofactor.current_code(device)
    assert device.verify_token(twofactor.current_code(device))

    totp_device(world.coachee)
    with pytest.raises(Exception, match="no demo authenticator"):
        call_command("coaching_totp", "coachee")


# --- The installation -------------------------------------------------------------------------


def test_a_site_without_the_second_factor_middleware_is_warned(settings):
    assert checks.check_second_factor(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != checks.SECOND_FACTOR_MIDDLEWARE]
    assert [m.id for m in checks.check_second_factor(None)] == ["wagtail_coaching.W163"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != checks.OTP_MIDDLEWARE] + [
        checks.SECOND_FACTOR_MIDDLEWARE
    ]
    assert [m.id for m in checks.check_second_factor(None)] == ["wagtail_coaching.W164"]
