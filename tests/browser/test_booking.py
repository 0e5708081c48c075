"""A coachee books one of the coach's free times; it is gone for the coach's other coachee."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import accept_contract
from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory
from wagtail_coaching.booking.models import AvailabilityRange
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.preferences import preferences_for

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def two_coachees(transactional_db):
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    prefs = preferences_for(coach)
    prefs.time_zone = "Europe/Paris"
    prefs.save()
    day = timezone.localtime(timezone.now(), PARIS).date() + datetime.timedelta(days=3)
    AvailabilityRange.objects.create(
        coach=coach, weekday=day.weekday(), starts=datetime.time(9), ends=datetime.time(11)
    )
    organisation = OrganisationFactory(name="Acme")
    spaces = []
    for username in ("dana", "eli"):
        coachee = UserFactory(username=username, first_name=username.title())
        prefs = preferences_for(coachee)
        prefs.time_zone = "Europe/Paris"
        prefs.save()
        space = ClientSpaceFactory(coach=coach, coachee=coachee, organisation=organisation)
        accept_contract(coachee, space)
        spaces.append(space)
    return day, spaces


def test_a_booked_time_disappears_for_the_other_coachee(browser, live_server, login, two_coachees):
    day, (first, second) = two_coachees
    label = f"{day:%A} {day.day} {day:%B} 09:00"
    pages = []
    for space in (first, second):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        page = login(context.new_page(), space.coachee)
        page.goto(f"{space.get_absolute_url()}book/")
        expect(page.get_by_role("button", name=label)).to_be_visible()
        pages.append(page)
    dana, eli = pages

    dana.get_by_role("button", name=label).click()
    expect(dana.get_by_role("status")).to_contain_text("Session booked")
    expect(dana.get_by_role("button", name=label)).to_have_count(0)
    assert CoachingSession.objects.filter(space=first).count() == 1

    # Eli's page was open before: the time is refused, then gone from the list.
    eli.get_by_role("button", name=label).click()
    expect(eli.get_by_role("alert")).to_contain_text("no longer free")
    expect(eli.get_by_role("button", name=label)).to_have_count(0)
    expect(eli.get_by_role("button", name=label.replace("09:00", "10:00"))).to_be_visible()
    assert not CoachingSession.objects.filter(space=second).exists()
    for page in pages:
        page.context.close()
