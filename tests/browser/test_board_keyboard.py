"""The paper board with the keyboard alone, and the room's tabs on a phone.

The coachee never touches the mouse: the text tool, the text field, the board itself are
reached with Tab; Enter places a text, Page Down / Page Up choose an item, the arrow keys
move it, Delete removes it. What they did is read back from the server and seen on the
coach's page (the other participant), as a pointer edit is.
"""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_board import two_pages, wait_items  # noqa: F401  (fixture)
from tests.browser.test_room import jitsi_stand_in, room  # noqa: F401  (fixtures)
from wagtail_coaching.sessions import board
from wagtail_coaching.sessions.models import CoachingSession

PHONE = {"width": 390, "height": 844}


def tab_to(page, selector, limit=30):
    """Press Tab until the element matching ``selector`` has the focus; fail if it never does."""
    for _press in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} was not reached with Tab")


def stored(session):
    space = CoachingSession.objects.select_related("space").get(pk=session.pk).space
    return board.current_drawing(board.board_for(space))


def test_the_board_is_used_with_the_keyboard_alone(two_pages):  # noqa: F811
    coach_page, page, session = two_pages
    status = page.locator("[data-board-status]")

    # The text tool and the text field are reached with Tab; Enter places the text.
    page.locator("body").focus()
    tab_to(page, "[data-tool=text]")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Text to place")).to_be_focused()
    page.keyboard.type("Speak first")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("“Speak first” is placed")
    page.keyboard.type("Ask for feedback")
    page.keyboard.press("Enter")
    wait_items(coach_page, 2)
    [first, second] = stored(session)
    assert [first["text"], second["text"]] == ["Speak first", "Ask for feedback"]
    # Typed text reads at 16 CSS pixels at least on the board as shown.
    shown = page.locator("#coaching-board canvas").bounding_box()["width"]
    assert second["size"] * shown / 1000 >= 16

    # Tab reaches the board, which shows where the focus is and says what is selected.
    tab_to(page, "#coaching-board canvas")
    canvas = page.locator("#coaching-board canvas")
    assert canvas.evaluate("c => getComputedStyle(c).outlineStyle") == "solid"
    expect(status).to_have_text("Selected: the text “Ask for feedback”. Item 2 of 2.")
    page.keyboard.press("PageUp")
    expect(status).to_have_text("Selected: the text “Speak first”. Item 1 of 2.")

    # Arrows move it (10 units, 50 with Shift); the move is stored and the coach sees it.
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "Shift+ArrowDown"):
        page.keyboard.press(key)
    expect(status).to_have_text("Moved.")
    # A run of arrow presses is sent as one move once the keys rest: wait until it is stored.
    deadline = time.monotonic() + 15
    while (moved := stored(session)[0])["x"] == first["x"] and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert (moved["x"] - first["x"], moved["y"] - first["y"]) == (30, 50)
    expect(coach_page.locator("#coaching-board")).to_have_attribute(
        "data-version", str(board.Board.objects.get().version), timeout=5000
    )
    assert coach_page.evaluate(
        "() => { const c = document.querySelector('#coaching-board canvas');"
        " return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v); }"
    )

    # Delete removes it, for both; the next item is selected and announced.
    page.keyboard.press("Delete")
    expect(status).to_contain_text("Removed.")
    wait_items(coach_page, 1)
    assert [item["text"] for item in stored(session)] == ["Ask for feedback"]

    # A reload of the coach's page shows the board as stored.
    coach_page.reload()
    wait_items(coach_page, 1, limit=5)


@pytest.fixture
def phone_room(page, login, room, jitsi_stand_in):  # noqa: F811
    coach, coachee, session, url = room
    page.set_viewport_size(PHONE)
    login(page, coachee)
    page.goto(url)
    return page


def test_on_a_phone_the_video_comes_first_and_board_and_documents_are_tabs(phone_room):
    page = phone_room
    tabs = page.get_by_role("tablist", name="Documents and paper board")
    board_tab = tabs.get_by_role("tab", name="Paper board")
    documents_tab = tabs.get_by_role("tab", name="Documents")
    expect(board_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Paper board")).to_be_visible()
    expect(page.locator("#coaching-documents")).to_be_hidden()
    video = page.locator(".coaching-room__frame").bounding_box()
    assert video["y"] + video["height"] <= tabs.bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The arrow keys move between the tabs (and show their panel); Home goes back.
    board_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(documents_tab).to_be_focused()
    expect(documents_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name="Documents")).to_be_visible()
    expect(page.locator("#coaching-board")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.keyboard.press("Home")
    expect(board_tab).to_be_focused()
    expect(page.locator("#coaching-board")).to_be_visible()
    # A click works too, and the board's canvas is drawn at the panel's width.
    documents_tab.click()
    board_tab.click()
    canvas = page.locator("#coaching-board canvas")
    assert canvas.bounding_box()["width"] > 300
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_desktop_the_room_has_no_tabs(page, login, room, jitsi_stand_in):  # noqa: F811
    coach, coachee, session, url = room
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, coachee)
    page.goto(url)
    expect(page.locator("#coaching-board canvas")).to_be_visible()
    expect(page.get_by_role("tablist")).to_have_count(0)
    expect(page.get_by_role("tabpanel")).to_have_count(0)
    expect(page.locator("#coaching-documents")).to_be_visible()
    video = page.locator(".coaching-room__frame").bounding_box()
    panel = page.locator(".coaching-room__panel").bounding_box()
    assert video["width"] >= 360 and video["width"] > panel["width"]
