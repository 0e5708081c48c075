"""Browser smoke test of a site where wagtail-coaching was installed by the documented steps.

    python scripts/smoke_installed_site.py http://127.0.0.1:9181

The site holds the demo data (``manage.py coaching_demo``). As a person would: an anonymous
visitor meets no error; each demo user gives the demo's second-factor code after the
password (``WAGTAIL_COACHING_TOTP_COMMAND`` prints it); the coachee logs in, accepts the
contract, writes a note and sees the message, opens the journey and logs out; the coach
does the same; HR downloads the organisation's report PDF from the Wagtail admin. Exits
non-zero on the first failure.
"""

import os
import re
import shlex
import subprocess
import sys

from playwright.sync_api import expect, sync_playwright

PASSWORD = "coaching-demo"
CHROMIUM = os.environ.get("WAGTAIL_COACHING_CHROMIUM", "/usr/bin/chromium")
# The command that prints a demo user's current second-factor code (the demo's
# authenticator app), run in the site's folder with the username appended.
TOTP_COMMAND = shlex.split(
    os.environ.get("WAGTAIL_COACHING_TOTP_COMMAND", "python manage.py coaching_totp")
)


def second_factor(page, username):
    """Give the demo user's current code on the second-factor page."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
    code = subprocess.run(
        [*TOTP_COMMAND, username], check=True, capture_output=True, text=True
    ).stdout.strip()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()


def styled(page):
    """The app's stylesheet is loaded and applied (the journey picture is not page-wide)."""
    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href || '')")
    assert any("wagtail_coaching/css/coaching" in href for href in sheets), sheets


def anonymous(page, base):
    for path in ("/", "/coaching/", "/try-coaching/", "/accounts/password_reset/"):
        response = page.goto(base + path)
        assert response.status < 400, (path, response.status)
    page.goto(base + "/coaching/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/coaching/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    styled(page)


def log_in(page, base, username):
    page.goto(base + "/coaching/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    second_factor(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")
    styled(page)


def log_out(page, base, username):
    page.get_by_role("button", name=f"Log out ({username})").click()
    page.goto(base + "/coaching/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def participant(page, base, username, space_link):
    log_in(page, base, username)
    page.get_by_role("link", name=re.compile(space_link)).first.click()
    page.get_by_label("I have read this contract and I accept it").check()
    page.get_by_role("button", name="Accept the contract").click()
    expect(page.get_by_role("status")).to_contain_text("you accepted the contract")
    page.get_by_role("link", name="Notes").first.click()
    page.get_by_label("Note").fill(f"Smoke test note by {username}.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    expect(page.locator(".coaching-notes")).to_contain_text(f"Smoke test note by {username}.")
    # The message was shown once: it does not come back on the next page.
    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)
    page.go_back()
    page.goto(page.url.split("/notes/")[0] + "/journey/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey")
    picture = page.locator("svg.coaching-progress-picture")
    expect(picture).to_be_visible()
    width = picture.bounding_box()["width"]
    assert width <= 40 * 16 + 1, f"the journey picture is {width}px wide"
    log_out(page, base, username)


def hr(page, base):
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill("hr")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in")).click()
    second_factor(page, "hr")
    page.goto(base + "/admin/coaching-reports/")
    expect(page).to_have_url(re.compile(r"/admin/coaching-reports/\d+/$"))
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    content = open(info.value.path(), "rb").read()
    assert content.startswith(b"%PDF"), content[:20]


# The demo's active space, which both the coachee and her coach open.
SPACE_LINK = "Leading with confidence"


def main(base):
    base = base.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, step in (
            ("anonymous visitor", lambda page: anonymous(page, base)),
            ("coachee", lambda page: participant(page, base, "camille", SPACE_LINK)),
            ("coach", lambda page: participant(page, base, "coach.claire", SPACE_LINK)),
            ("HR", lambda page: hr(page, base)),
        ):
            context = browser.new_context(accept_downloads=True)
            context.set_default_timeout(20_000)
            page = context.new_page()
            errors = []
            page.on("response", lambda r, errors=errors: r.status >= 500 and errors.append(r.url))
            try:
                step(page)
            except Exception:
                page.screenshot(path=f"/tmp/smoke-{name.replace(' ', '-')}.png", full_page=True)
                print(f"FAILED: {name} at {page.url}", file=sys.stderr)
                raise
            assert not errors, f"{name}: server errors on {errors}"
            print(f"ok: {name}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9181")
