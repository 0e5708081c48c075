"""A coach with many clients pages through "My coaching", finds one by name and filters by
status."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory


@pytest.fixture
def coach_with_clients(transactional_db):
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    org = OrganisationFactory(name="Acme")
    for number in range(30):
        ClientSpaceFactory(
            coach=coach,
            coachee=UserFactory(
                username=f"client{number:02d}", first_name="Client", last_name=f"N{number:02d}"
            ),
            organisation=org,
            status="paused" if number < 4 else "active",
        )
    ClientSpaceFactory(
        coach=coach,
        coachee=UserFactory(username="zoe", first_name="Zoé", last_name="Zimmer"),
        organisation=org,
    )
    return coach


def test_coach_pages_searches_and_filters_their_spaces(page, login, coach_with_clients):
    login(page, coach_with_clients)
    cards = page.get_by_role("list", name="Your client spaces").get_by_role("listitem")
    expect(cards).to_have_count(25)
    expect(page.get_by_role("status")).to_contain_text("31 client spaces")
    pages = page.get_by_role("navigation", name="Pages of client spaces")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next").click()
    expect(cards).to_have_count(6)
    expect(pages).to_contain_text("Page 2 of 2")

    search = page.get_by_role("search", name="Find a client space")
    search.get_by_label("Name").fill("zimmer")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]q=zimmer"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("You coach Zoé Zimmer.")
    expect(search.get_by_label("Name")).to_have_value("zimmer")

    search.get_by_label("Name").fill("")
    search.get_by_label("Status").select_option("paused")
    search.get_by_role("button", name="Search").click()
    expect(cards).to_have_count(4)
    for index in range(4):
        expect(cards.nth(index)).to_contain_text("Paused")

    search.get_by_label("Name").fill("nobody")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("main")).to_contain_text("No client space matches this search.")
    page.get_by_role("link", name="Show all").click()
    expect(cards).to_have_count(25)
