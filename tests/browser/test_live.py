"""Live rooms in a browser, on real ASGI server processes (daphne) and the shared Redis layer.

The servers are started by the test, on the test's database: a copy of the SQLite test
database in a file, or the PostgreSQL test database itself. So everything a test needs in
the database is created before the servers start (the ``room`` fixture).
"""

import sqlite3
import uuid

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests import live_servers
from tests.browser.test_board import draw, wait_items
from tests.browser.test_room import room  # noqa: F401  (fixture)


def _database_for_servers(tmp_path):
    if connection.vendor == "sqlite":
        # The in-memory test database, copied to a file the server processes share.
        connection.ensure_connection()
        path = tmp_path / "live.sqlite3"
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return str(path)
    return connection.settings_dict["NAME"]


@pytest.fixture
def asgi_servers(room, tmp_path):  # noqa: F811
    """``start(n)``: n daphne processes on one database and one Redis layer; their URLs."""
    processes = []
    database = None
    prefix = f"wc-test-{uuid.uuid4().hex[:12]}"

    def start(count):
        nonlocal database
        database = database or _database_for_servers(tmp_path)
        urls = []
        for n in range(count):
            process, url = live_servers.start(database, prefix, tmp_path / f"daphne-{n}.log")
            processes.append(process)
            urls.append(url)
        return urls

    try:
        yield start
    finally:
        for process in processes:
            live_servers.stop(process)


def _open_room(browser, base_url, user, url, login, websockets=True):
    context = browser.new_context(
        base_url=base_url, locale="en-GB", viewport={"width": 1300, "height": 1000}
    )
    context.set_default_timeout(15_000)
    if not websockets:
        # As behind a proxy that blocks them: the page has no WebSocket at all.
        context.add_init_script("delete window.WebSocket; window.WebSocket = undefined;")
    page = context.new_page()
    login(page, user)
    page.goto(url)
    board = page.locator("#coaching-board")
    expect(board).to_have_attribute("data-online", "true")
    return context, page


def test_a_stroke_through_process_a_reaches_a_browser_on_process_b(
    browser,
    login,
    room,  # noqa: F811
    asgi_servers,
):
    coach, coachee, _session, url = room
    server_a, server_b = asgi_servers(2)
    coach_context, coach_page = _open_room(browser, server_a, coach, url, login)
    coachee_context, coachee_page = _open_room(browser, server_b, coachee, url, login)
    try:
        for page in (coach_page, coachee_page):
            expect(page.locator("#coaching-board")).to_have_attribute("data-transport", "live")
        draw(coach_page, [(0.2, 0.1), (0.6, 0.12), (0.8, 0.1)])
        # Over the socket, not a poll: well inside one poll interval (1 s).
        delay = wait_items(coachee_page, 1)
        assert delay < 1.0
        draw(coachee_page, [(0.2, 0.15), (0.7, 0.16)])
        wait_items(coach_page, 2)
        # No board poll while the socket is open, and it stays open past the channel
        # layer's 5 s blocking read (a dropped socket makes the page poll at once).
        requests = []
        coachee_page.on("request", lambda request: requests.append(request.url))
        coachee_page.wait_for_timeout(7000)
        assert not [u for u in requests if "/board/" in u]
        assert coachee_page.evaluate("document.documentElement.dataset.coachingLive") == "open"
    finally:
        coach_context.close()
        coachee_context.close()


def test_the_board_falls_back_to_polling_without_websockets(
    browser,
    login,
    room,  # noqa: F811
    asgi_servers,
):
    coach, coachee, _session, url = room
    (server,) = asgi_servers(1)
    coach_context, coach_page = _open_room(browser, server, coach, url, login, websockets=False)
    coachee_context, coachee_page = _open_room(browser, server, coachee, url, login)
    try:
        coach_board = coach_page.locator("#coaching-board")
        expect(coach_board).to_have_attribute("data-transport", "polling")
        expect(coachee_page.locator("#coaching-board")).to_have_attribute("data-transport", "live")
        # Nothing alarming on the page that polls.
        expect(coach_board.locator("[data-board-status]")).not_to_contain_text("lost")
        draw(coach_page, [(0.2, 0.1), (0.6, 0.12)])
        wait_items(coachee_page, 1)
        draw(coachee_page, [(0.2, 0.15), (0.7, 0.16)])
        wait_items(coach_page, 2, limit=4.0)
        expect(coach_board.locator("[data-board-status]")).not_to_contain_text("lost")
    finally:
        coach_context.close()
        coachee_context.close()
