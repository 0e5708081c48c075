"""The second factor's pages look like Wagtail's login page when reached from the admin's
login, and like the site when reached from the site's; they run under the policy; a French
user sees the passkey buttons and messages in French.

Screenshots (1366 px and 390 px wide, English and French) are written to the test's tmp dir,
or to the folder named by ``WAGTAIL_COACHING_SCREENSHOTS``.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD, CoachFactory, UserFactory

from .conftest import add_virtual_authenticator
from .test_second_factor import code_for

WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture
def required(transactional_db, settings, live_server):
    settings.WAGTAIL_COACHING_SECOND_FACTOR_ROLES = ["staff", "hr", "coach"]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("WAGTAIL_COACHING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    return take


def admin_password_step(page, username):
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()


def expect_admin_look(page):
    # Wagtail's login page: its body class, its frame and logo, its field style.
    expect(page.locator("body.login main.content-wrapper")).to_be_visible()
    expect(page.locator(".login-logo")).to_be_visible()
    expect(page.locator(".w-field input[name=code]")).to_be_visible()
    expect(page.locator(".coaching")).to_have_count(0)


def test_from_the_admin_the_second_factor_looks_like_wagtail(watched, required, shots):
    page = watched
    UserFactory(username="sam", is_staff=True, is_superuser=True)
    admin_password_step(page, "sam")
    expect(page).to_have_url(re.compile(r"/second-factor/setup/\?next=%2Fadmin%2F"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect_admin_look(page)
    shots(page, "admin-setup-en")

    secret = page.locator("code.coaching-secret").inner_text()
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Confirm the app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("body.login .coaching-recovery-codes li")).to_have_count(10)
    shots(page, "admin-recovery-codes-en")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("body.login")).to_have_count(0)

    # Logging in again at the admin: the code is asked in the admin's look.
    page.context.clear_cookies()
    admin_password_step(page, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    expect_admin_look(page)
    shots(page, "admin-verify-en")
    TOTPDevice.objects.update(last_t=-1)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The same page reached from the site's login keeps the site's look.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    expect(page.locator(".coaching .coaching-auth-form")).to_be_visible()
    expect(page.locator("body.login")).to_have_count(0)
    shots(page, "site-verify-en")
    assert page.violations() == []


@pytest.fixture
def french(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_french_user_sees_the_admin_screens_and_passkeys_in_french(french, required, shots):
    page = french
    UserFactory(username="sam", is_staff=True, is_superuser=True)
    admin_password_step(page, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mettre en place un second facteur")
    expect_admin_look(page)
    shots(page, "admin-setup-fr")

    add_virtual_authenticator(page)
    page.get_by_role("button", name="Enregistrer une clé d’accès").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    expect(page.locator("body.login .coaching-recovery-codes li")).to_have_count(10)
    shots(page, "admin-recovery-codes-fr")

    # A second passkey on the same authenticator: the library's script says why not, in
    # French.
    page.goto(reverse("wagtail_coaching:second_factor_setup") + "?next=/admin/")
    page.get_by_role("button", name="Enregistrer une clé d’accès").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text(
        "L’enregistrement a échoué : vous avez sans doute déjà une clé d’accès enregistrée "
        "pour ce site."
    )

    # The passkey asked at the next log-in, on the site this time: the site's look, in French.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("sam")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second facteur")
    expect(page.get_by_role("button", name="Utiliser ma clé d’accès")).to_be_visible()
    shots(page, "site-verify-fr")
    page.context.clear_cookies()
    admin_password_step(page, "sam")
    expect_admin_look(page)
    shots(page, "admin-verify-fr")
    page.get_by_role("button", name="Utiliser ma clé d’accès").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_coaches_keep_the_site_look(page, required):
    CoachFactory(username="claire")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("claire")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(page.locator(".coaching .coaching-auth-form")).to_be_visible()
    expect(page.locator("body.login")).to_have_count(0)
