"""Browser test harness: Debian's Chromium driven by Playwright against ``live_server``.

Every test in this folder gets the ``browser`` marker (deselect with ``-m "not browser"``).
Chromium is never downloaded: ``/usr/bin/chromium`` is used, or the executable named by
``WAGTAIL_COACHING_CHROMIUM``. If it is missing the tests fail, they are never skipped.

Fixtures:

* ``browser`` (session): the headless Chromium.
* ``page`` (function): a page in a fresh browser context whose ``base_url`` is the live
  server, so ``page.goto("/coaching/")`` works. On failure a screenshot and the page's
  HTML are saved in the test's pytest tmp dir and their paths printed.
* ``login`` (function): ``login(page, user)`` logs ``user`` in through the real login form.
* ``watched`` (function): ``page``, recording every Content-Security-Policy violation;
  ``page.violations()`` lists them.

Tests here use ``live_server``, hence ``transactional_db``: the data they create is
committed so the server thread sees it, and the database is flushed after each test. The
flush also removes the Wagtail page tree and ``Site`` made by the sandbox's migrations, so
a test must not rely on them (or must create them itself).
"""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD
from wagtail_coaching.spaces.preferences import stored_language

HERE = Path(__file__).resolve().parent

CHROMIUM = os.environ.get("WAGTAIL_COACHING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's timeouts are in milliseconds. Generous enough for a loaded CI machine.
TIMEOUT_MS = 15_000

_reports_key = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config, items):
    # Hooks of a sub-folder conftest still see every collected item: mark only ours.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so ``page`` can tell whether the test failed.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM!r}; the browser tests need it. Install it with "
            "`apt-get install chromium` (Playwright's own browser download is not used), or "
            "point WAGTAIL_COACHING_CHROMIUM at a Chromium executable. Deselect these tests "
            "with -m 'not browser'.",
            pytrace=False,
        )
    # Playwright's sync API runs an asyncio event loop in this (the test) thread for as
    # long as it is started. Django then sees a running loop and raises
    # SynchronousOnlyOperation on every ORM call made from the test thread (factories,
    # assertions, pytest-django's flush). No ORM call actually runs inside a coroutine
    # here, so the check is switched off while Playwright runs, and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, live_server, tmp_path):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        call = request.node.stash.get(_reports_key, {}).get("call")
        if call is not None and call.failed:
            _save_evidence(page, tmp_path)
        context.close()


def _save_evidence(page, directory):
    try:
        screenshot = directory / "failure.png"
        page.screenshot(path=str(screenshot), full_page=True)
        html = directory / "failure.html"
        html.write_text(page.content(), encoding="utf-8")
        print(f"\nBrowser test failed at {page.url}\n  screenshot: {screenshot}\n  html: {html}")
    except Exception as exc:  # evidence is best effort; never hide the test's own error
        print(f"\nCould not save the failure screenshot: {exc!r}")


@pytest.fixture
def login(live_server):
    """``login(page, user, password=PASSWORD)``: log in through the site's login form."""

    def do_login(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        # The header offers "Log out (<username>)" only to a logged-in user, in the language
        # stored in their preferences (logging in switches to it).
        with translation.override(stored_language(user) or "en"):
            label = gettext("Log out (%(name)s)") % {"name": user.get_username()}
        expect(page.get_by_role("button", name=label)).to_be_visible()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    return do_login


WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    """``page`` recording every CSP violation, from the event and from the console."""
    seen = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            # Chromium's words for a CSP refusal (not other refusals, e.g. a script sent
            # as HTML by a server error, which the test's own assertions meet).
            if "Content Security Policy" in message.text
            else None
        ),
    )

    def violations():
        return seen + page.evaluate("window.__cspViolations || []")

    page.violations = violations
    return page


def add_virtual_authenticator(page):
    """A passkey authenticator in ``page``'s browser (Chrome DevTools Protocol's WebAuthn
    domain): a platform authenticator that verifies its user and keeps resident keys."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
