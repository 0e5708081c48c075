"""A person who keeps typing a wrong password is locked out, on the site's login and on
Wagtail's admin login, and is told why and for how long; the right password then does not
let them in either (issue 16, finding 7)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def member(transactional_db):
    return UserFactory(username="member")


def fill_and_submit(page, password, button):
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize(
    ("url", "button"), [("/accounts/login/", "Log in"), ("/admin/login/", "Sign in")]
)
def test_login_locks_after_repeated_failures(page, member, settings, url, button):
    page.goto(url)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fill_and_submit(page, "not-the-password", button)
        expect(
            page.get_by_text(re.compile("username and password|correct username"))
        ).to_be_visible()
    fill_and_submit(page, "not-the-password", button)
    expect(page.get_by_role("heading", name="Log-in locked")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")

    page.get_by_role("link", name="Back to the log-in page").click()
    fill_and_submit(page, PASSWORD, button)
    expect(page.get_by_role("heading", name="Log-in locked")).to_be_visible()
    page.goto("/coaching/")
    expect(page).to_have_url(re.compile(r"/login/"))
