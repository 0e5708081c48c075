"""The second factor in a real browser: a coach sets up an authenticator app and logs in
with it; another registers a passkey and logs in with it, on Chromium's virtual
authenticator (Chrome DevTools Protocol ``WebAuthn.addVirtualAuthenticator``)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.factories import PASSWORD, CoachFactory

from .conftest import add_virtual_authenticator


@pytest.fixture
def coach(transactional_db, settings, live_server):
    settings.WAGTAIL_COACHING_SECOND_FACTOR_ROLES = ["staff", "hr", "coach"]
    # Passkeys belong to the live server's origin (http://localhost:PORT).
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return CoachFactory(username="claire")


def password_step(page):
    page.goto("/coaching/")
    page.get_by_label("Username").fill("claire")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.get_by_role("button", name="Log out (claire)").click()


def code_for(secret):
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return str(totp(key)).zfill(6)


def test_a_coach_sets_up_an_authenticator_app_and_logs_in_with_it(page, coach):
    password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(page.locator("svg.coaching-qr")).to_be_visible()
    # Nothing else opens before it is set up.
    page.goto("/coaching/")
    expect(page).to_have_url(re.compile(r"/second-factor/setup/"))

    secret = page.locator("code.coaching-secret").inner_text()
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm the app").click()
    expect(page.get_by_role("status")).to_have_text("Your second factor is set up.")
    expect(page.locator(".coaching-recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")

    log_out(page)
    password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    page.get_by_label("Code").fill("000000" if code_for(secret) != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("This code is not valid")).to_be_visible()
    # A code is good once: a person logging in again within 30 s waits for the next one;
    # the test lets the used one go, and the wait after the wrong code pass.
    TOTPDevice.objects.update(last_t=-1, throttling_failure_timestamp=None)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")


def test_a_coach_registers_a_passkey_and_logs_in_with_it(page, coach):
    add_virtual_authenticator(page)
    password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    page.get_by_role("button", name="Register a passkey").click()
    expect(page.get_by_role("status")).to_have_text("Your second factor is set up.")
    assert WebAuthnCredential.objects.filter(user=coach, confirmed=True).count() == 1
    expect(page.locator(".coaching-recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")

    log_out(page)
    password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    page.get_by_role("button", name="Use my passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")
