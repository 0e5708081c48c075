"""The conversation with two browsers: what the coachee writes appears for the coach without
a reload, the coach's unread count goes down once read, and a draft survives a reload."""

import pytest
from playwright.sync_api import expect

from tests.conftest import accept_contract
from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory
from wagtail_coaching.conversations import rules
from wagtail_coaching.conversations.models import Message

# The page polls every two documents-poll intervals when no socket is open.
ARRIVAL_MS = 8_000


@pytest.fixture
def pair(transactional_db, browser, live_server, login):
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    space = ClientSpaceFactory(
        coach=coach, coachee=coachee, organisation=OrganisationFactory(name="Acme")
    )
    for user in (coach, coachee):
        accept_contract(user, space)
    contexts, pages = [], []
    for user in (coach, coachee):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        pages.append(login(context.new_page(), user))
    try:
        yield space, pages[0], pages[1]
    finally:
        for context in contexts:
            context.close()


def test_a_message_of_the_coachee_reaches_the_coach_and_is_read(pair):
    space, coach_page, coachee_page = pair
    conversation = f"{space.get_absolute_url()}messages/"
    coach_page.goto(conversation)
    expect(coach_page.get_by_text("No messages yet. Write the first one.")).to_be_visible()

    # The coachee's draft survives a reload, and is nowhere on the server.
    coachee_page.goto(conversation)
    coachee_page.get_by_label("Message").fill("Can we move Thursday's session?")
    coachee_page.reload()
    expect(coachee_page.get_by_label("Message")).to_have_value("Can we move Thursday's session?")
    assert not Message.objects.exists()
    coachee_page.get_by_role("button", name="Send").click()
    expect(coachee_page.locator(".coaching-message--mine")).to_contain_text(
        "Can we move Thursday's session?"
    )
    expect(coachee_page.get_by_label("Message")).to_have_value("")

    # It appears on the coach's open page without a reload, and counts as read there.
    expect(coach_page.locator(".coaching-message")).to_contain_text(
        "Can we move Thursday's session?", timeout=ARRIVAL_MS
    )
    # The coachee sees "Seen" under it once the coach's page has read it.
    expect(coachee_page.locator("[data-seen]")).to_have_text("Seen", timeout=ARRIVAL_MS)

    # A second message while the coach is elsewhere: My coaching counts it, then not.
    coach_page.goto("/coaching/")
    rules.post(space, space.coachee, "Or Friday morning.")
    coach_page.reload()
    unread = coach_page.get_by_role("link", name="1 unread message")
    expect(unread).to_be_visible()
    coach_page.goto(space.get_absolute_url())
    expect(coach_page.locator(".coaching-unread")).to_have_text("1 unread")
    coach_page.get_by_role("link", name="Messages", exact=True).first.click()
    expect(coach_page.locator(".coaching-message").last).to_contain_text("Or Friday morning.")
    coach_page.goto("/coaching/")
    expect(coach_page.get_by_role("link", name="1 unread message")).to_have_count(0)

    # The coach answers, edits within the window, and the coachee sees the edit.
    coach_page.goto(conversation)
    coach_page.get_by_label("Message").fill("Friday 9:00 works.")
    coach_page.get_by_role("button", name="Send").click()
    coach_page.locator(".coaching-message--mine").last.get_by_role("link", name="Edit").click()
    coach_page.get_by_label("Message").fill("Friday 9:30 works.")
    coach_page.get_by_role("button", name="Save").click()
    expect(coach_page.locator(".coaching-message--mine").last).to_contain_text("edited")
    expect(coachee_page.locator(".coaching-message").last).to_contain_text(
        "Friday 9:30 works.", timeout=ARRIVAL_MS
    )
