"""A coachee finds their space on "My coaching", enters it, and cannot enter another one."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory


@pytest.fixture
def spaces(transactional_db):
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    space = ClientSpaceFactory(
        coach=coach,
        coachee=coachee,
        organisation=OrganisationFactory(name="Acme"),
        status="active",
    )
    other_space = ClientSpaceFactory(
        coach=CoachFactory(username="oscar", first_name="Oscar", last_name="Othercoach"),
        coachee=UserFactory(username="olivia", first_name="Olivia", last_name="Othercoachee"),
        organisation=OrganisationFactory(name="Globex"),
        status="paused",
    )
    from tests.conftest import accept_contract

    accept_contract(coachee, space)
    return coachee, space, other_space


def fact(page, term):
    """The <dd> of the space page's fact list that follows the <dt> named ``term``."""
    return page.locator(f'dl.coaching-space-facts dt:text-is("{term}") + dd')


def test_coachee_sees_and_enters_only_their_own_space(page, login, spaces):
    coachee, space, other_space = spaces

    login(page, coachee)

    # After logging in the coachee lands on "My coaching" (LOGIN_REDIRECT_URL).
    expect(page).to_have_url(re.compile(r"/coaching/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")
    expect(page).to_have_title(re.compile(r"^My coaching"))

    spaces_list = page.get_by_role("list", name="Your client spaces")
    cards = spaces_list.get_by_role("listitem")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card).to_contain_text("Your coach is Camille Coach.")
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text(space.organisation.name)

    # Nothing of the other space leaks onto the page.
    main = page.get_by_role("main")
    for text in ("Oscar Othercoach", "Olivia Othercoachee", other_space.organisation.name):
        expect(main).not_to_contain_text(text)

    # Enter the space.
    card.get_by_role("link", name="Coaching").click()
    expect(page).to_have_url(re.compile(re.escape(space.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coaching")
    expect(fact(page, "Coach")).to_have_text("Camille Coach")
    expect(fact(page, "Coachee")).to_have_text("Dana Coachee")
    expect(fact(page, "Organisation")).to_have_text(space.organisation.name)
    expect(fact(page, "Status")).to_have_text("Active")
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")).to_have_text(
        "My coaching"
    )

    # Another coachee's space is a plain 404: the site's page, nothing of the space.
    response = page.goto(other_space.get_absolute_url())
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(re.compile(r"^Page not found"))
    for text in ("Oscar Othercoach", "Olivia Othercoachee", other_space.organisation.name):
        expect(page.get_by_role("main")).not_to_contain_text(text)
    # Still logged in: the 404 is the lock, not a lost session.
    expect(page.get_by_role("button", name="Log out (dana)")).to_be_visible()
