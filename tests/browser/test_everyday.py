"""Everyday use in a real browser: the join button turns active when the room opens (the
page's clock and the server's are moved, nobody waits), the coach's agenda, and planning a
session in the past refused."""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from tests.conftest import accept_contract
from tests.factories import (
    ClientSpaceFactory,
    CoachFactory,
    CoachingSessionFactory,
    OrganisationFactory,
    UserFactory,
)
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import content


@pytest.fixture
def space(transactional_db):
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    space = ClientSpaceFactory(
        coach=coach, coachee=coachee, organisation=OrganisationFactory(name="Acme")
    )
    for user in (coach, coachee):
        accept_contract(user, space)
    return space


def test_the_join_button_turns_active_when_the_room_opens(page, login, space, monkeypatch):
    # The room opens 15 minutes before the start: here, one minute from now.
    real_now = timezone.now()
    session = CoachingSessionFactory(
        space=space, starts_at=real_now + datetime.timedelta(minutes=16)
    )
    room_url = f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/"
    page.clock.install()
    login(page, space.coachee)
    page.goto(space.get_absolute_url())
    card = page.get_by_role("region", name="Next session")
    join = card.get_by_role("link", name="Join the video room")
    expect(join).to_have_attribute("aria-disabled", "true")
    expect(join).not_to_have_attribute("href", re.compile(".*"))
    opens = timezone.localtime(session.starts_at - datetime.timedelta(minutes=15))
    with translation.override("en"):  # the time as the English reader writes it ("9:45 a.m.")
        expect(card).to_contain_text(f"The room opens at {formats.time_format(opens)}")

    # Two minutes later, for the page and for the server.
    later = real_now + datetime.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page.clock.fast_forward("02:00")
    expect(join).to_have_attribute("href", room_url)
    expect(join).not_to_have_attribute("aria-disabled", "true")
    expect(card).to_contain_text("The room is open.")
    join.click()
    expect(page).to_have_url(re.compile(re.escape(room_url) + "$"))
    expect(page.locator("#coaching-room")).to_be_attached()
    expect(page.get_by_text("The room opens on")).to_have_count(0)


def test_the_coach_finds_the_day_across_spaces(page, login, space):
    now = timezone.now()
    second = ClientSpaceFactory(
        coach=space.coach,
        coachee=UserFactory(username="eli", first_name="Eli", last_name="Second"),
    )
    third = ClientSpaceFactory(
        coach=space.coach,
        coachee=UserFactory(username="fay", first_name="Fay", last_name="Third"),
    )
    soon = now + datetime.timedelta(minutes=5)
    if timezone.localdate(soon) != timezone.localdate(now):  # a run just before midnight
        soon = now - datetime.timedelta(minutes=10)
    CoachingSessionFactory(space=space, starts_at=soon)
    CoachingSessionFactory(space=second, starts_at=now + datetime.timedelta(days=3))
    waiting = CoachingSessionFactory(space=third, starts_at=now - datetime.timedelta(days=2))
    accept_contract(space.coach, third)

    login(page, space.coach)
    agenda = page.get_by_role("region", name="Your agenda")
    expect(agenda).to_be_visible()
    today = agenda.get_by_role("list", name="Today")
    expect(today.get_by_role("listitem")).to_have_count(1)
    expect(today).to_contain_text("Dana Coachee")
    expect(
        today.get_by_role("link", name="Join the video room with Dana Coachee")
    ).to_have_attribute("href", re.compile(r"/room/$"))
    expect(agenda.get_by_role("list", name="The next six days")).to_contain_text("Eli Second")
    unplanned = agenda.get_by_role("list", name="No next session planned")
    expect(unplanned).to_contain_text("Fay Third")
    expect(unplanned).not_to_contain_text("Dana Coachee")
    confirm = agenda.get_by_role("list", name="Minutes to confirm")
    confirm.get_by_role("link", name="Confirm the minutes").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{waiting.pk}/confirm/$"))


def test_planning_in_the_past_is_refused_with_a_clear_message(page, login, space):
    login(page, space.coach)
    page.goto(f"/coaching/spaces/{space.public_id}/sessions/new/")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_role("button", name="Plan and send the invitations").click()
    expect(page.get_by_role("alert")).to_contain_text("is already past: choose a time to come.")
    assert not CoachingSession.objects.exists()


def test_a_closed_space_can_be_read_not_changed(page, login, space):
    note = content.Note(space=space, author=space.coachee, visibility="shared")
    note.body = "What I learnt in six sessions."
    note.save()
    space.status = "closed"
    space.save()
    login(page, space.coachee)
    page.goto(space.get_absolute_url())
    expect(page.get_by_role("region", name="Next session")).to_contain_text(
        "This space is closed: no more sessions."
    )
    page.get_by_role("link", name="Notes").first.click()
    expect(page.get_by_text("What I learnt in six sessions.")).to_be_visible()
    expect(page.get_by_role("note")).to_have_text(
        "This space is closed: it can be read and exported, not changed."
    )
    expect(page.get_by_role("button", name="Save the note")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    page.goto(f"/coaching/spaces/{space.public_id}/documents/")
    expect(page.get_by_role("button", name="Upload")).to_have_count(0)
    expect(page.get_by_role("note")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1024, 768)])
def test_the_room_gives_the_portrait_video_the_larger_share(page, login, space, width, height):
    session = CoachingSessionFactory(
        space=space, starts_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    page.set_viewport_size({"width": width, "height": height})
    login(page, space.coachee)
    page.goto(f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/")
    video = page.locator(".coaching-room__frame").bounding_box()
    panel = page.locator(".coaching-room__panel").bounding_box()
    assert video["width"] >= 360
    assert video["width"] > panel["width"]
    assert video["height"] > video["width"]  # portrait
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_text_typed_on_the_board_reads_at_16_px_at_least(page, login, space):
    session = CoachingSessionFactory(
        space=space, starts_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, space.coachee)
    page.goto(f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/")
    page.get_by_role("button", name="Text", exact=True).click()
    page.get_by_label("Text to place").fill("Calm and clear")
    canvas = page.locator(".coaching-board__canvas")
    canvas.click(position={"x": 60, "y": 60})
    shown = canvas.bounding_box()["width"]
    state = f"/coaching/spaces/{space.public_id}/board/?since=0"
    ops = []
    for _attempt in range(50):
        ops = [op for op in page.request.get(state).json()["ops"] if op.get("kind") == "text"]
        if ops:
            break
        page.wait_for_timeout(100)
    [op] = ops
    assert op["size"] * shown / 1000 >= 16
