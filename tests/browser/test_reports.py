"""An HR user opens the coaching report in the Wagtail admin, filters a period, downloads the
PDF, and the PDF holds the figures of that period."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.factories import (
    PASSWORD,
    ClientSpaceFactory,
    CoachFactory,
    OrganisationFactory,
    UserFactory,
)
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import lock

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def sponsor(transactional_db):
    org = OrganisationFactory(name="Acme")
    space = ClientSpaceFactory(
        organisation=org,
        coachee=UserFactory(username="dana", first_name="Dana", last_name="Coachee"),
        coach=CoachFactory(username="camille", first_name="Camille", last_name="Coach"),
        start_date=datetime.date(2026, 1, 1),
        planned_sessions=6,
    )
    for when, status, minutes in [
        (datetime.datetime(2026, 3, 10, 10, tzinfo=PARIS), "done", 60),
        (datetime.datetime(2026, 4, 10, 10, tzinfo=PARIS), "done", 45),
        (datetime.datetime(2026, 4, 17, 10, tzinfo=PARIS), "cancelled", None),
    ]:
        CoachingSession.objects.create(
            space=space, starts_at=when, status=status, confirmed_minutes=minutes
        )
    ClientSpaceFactory(
        organisation=OrganisationFactory(name="Globex"),
        coachee=UserFactory(username="olivia", first_name="Olivia", last_name="Othercoachee"),
    )
    hr = UserFactory(username="helene", first_name="Hélène", last_name="Rossi")
    hr.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    lock.grant_report_access(hr, org)
    return hr


def test_hr_filters_a_period_and_downloads_the_pdf(page, sponsor):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("helene")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Coaching reports").click()
    expect(page).to_have_url(re.compile(r"/admin/coaching-reports/\d+/$"))
    expect(page.locator("main")).to_contain_text("Dana Coachee")
    expect(page.locator("main")).not_to_contain_text("Olivia Othercoachee")
    expect(page.locator('[data-figure="sessions"]')).to_have_text("2 / 6")

    # Filter April 2026.
    page.get_by_role("button", name="Show filters").click()
    page.get_by_role("button", name="Period").click()
    page.get_by_placeholder("Date from").fill("2026-04-01")
    page.get_by_placeholder("Date to").fill("2026-04-30")
    page.get_by_placeholder("Date to").press("Enter")
    # The page may refresh once for each date: the PDF link follows the whole period.
    expect(page.get_by_role("link", name="Download PDF")).to_have_attribute(
        "href", re.compile(r"period_to=2026-04-30")
    )
    expect(page.locator('[data-figure="sessions"]')).to_have_text("1 / 6")
    expect(page.locator('[data-figure="hours"]')).to_have_text("0.8")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "coaching-report-acme.pdf"
    content = open(download.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "From April 1, 2026 to April 30, 2026" in text
    assert "Dana Coachee" in text
    assert "1 / 6" in text  # sessions held / planned in April
    assert "0.8" in text  # 45 minutes
    assert "Olivia Othercoachee" not in text


def test_hr_logs_in_on_the_site_and_reaches_the_report_pdf_link_visible(page, sponsor, login):
    """HR land on My coaching with a card of their organisation's reports, open the report,
    and on a 1366 px screen reach the report PDF of a space (the table scrolls in its box)."""
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, sponsor)
    expect(page).to_have_url(re.compile(r"/my-coaching/$|/coaching/$"))
    expect(page.get_by_role("heading", name="Reports of Acme")).to_be_visible()
    expect(page.get_by_text("You have no coaching space yet")).to_have_count(0)
    page.get_by_role("link", name="Open the report of Acme").click()

    # The admin's login comes first if the site login did not open the admin too.
    expect(page).to_have_url(re.compile(r"/admin/coaching-reports/\d+/$"))
    expect(page.locator("main")).to_contain_text("Dana Coachee")
    link = page.get_by_role("link", name="PDF — progress report of Dana Coachee")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 1366
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "progress-report-dana-coachee.pdf"
