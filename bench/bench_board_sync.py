"""Paper-board sync over the live socket and over the polling fallback, side by side: delay
from one participant's stroke to the other's screen, and requests per minute of one room.

    python bench/bench_board_sync.py [--seconds 30] [--strokes 40]

One daphne process (ASGI, the shared Redis layer on 127.0.0.1:6379, REDIS_URL to change it)
serves a throw-away SQLite database. Two headless Chromium contexts (coach and coachee)
open the same session's room, first as they are (WebSocket), then with WebSocket removed
from both pages (as behind a proxy that blocks it), so the pages poll. The Jitsi embed is
the test suite's stand-in: no network is used. The delay runs from the end of the coach's
stroke (pointer up) to the coachee's board holding it; requests are counted in both
browsers (HTTP requests; socket frames are not requests).
"""

import argparse
import os
import random
import statistics
import time
import uuid
from pathlib import Path

from _sessions_setup import people_and_session, setup

VIEWPORT = {"width": 1300, "height": 1000}
CHROMIUM = os.environ.get("WAGTAIL_COACHING_CHROMIUM", "/usr/bin/chromium")
NO_WEBSOCKET = "delete window.WebSocket; window.WebSocket = undefined;"


def open_pages(browser, base_url, users, room_url, websockets):
    from tests.factories import PASSWORD

    pages = []
    for user in users:
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
        if not websockets:
            context.add_init_script(NO_WEBSOCKET)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/coaching/")
        page.goto(room_url)
        transport = "live" if websockets else "polling"
        page.wait_for_selector(f"#coaching-board[data-online='true'][data-transport='{transport}']")
        pages.append(page)
    return pages


def measure(pages, seconds, strokes, already):
    """``(delays, requests at rest, board requests at rest)`` for one pair of pages."""
    coach_page, coachee_page = pages
    counts = {"board": 0, "all": 0}

    def count(request):
        counts["all"] += 1
        if "/board/" in request.url:
            counts["board"] += 1

    for page in pages:
        page.on("request", count)
    canvas = coach_page.locator("#coaching-board canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # Only the part of the canvas inside the viewport can be drawn on with the mouse.
    visible = min(box["y"] + box["height"], VIEWPORT["height"]) - max(box["y"], 0) - 40
    top = max(box["y"], 0) + 20

    # At rest. (Playwright delivers request events only while it runs: wait with it.)
    coach_page.wait_for_timeout(seconds * 1000)
    coachee_page.wait_for_timeout(10)
    rest = dict(counts)

    delays = []
    for n in range(1, strokes + 1):
        y = top + (n * 37) % visible
        coach_page.mouse.move(box["x"] + 20, y)
        coach_page.mouse.down()
        coach_page.mouse.move(box["x"] + box["width"] - 20, y, steps=8)
        coach_page.mouse.up()
        started = time.perf_counter()
        coachee_page.wait_for_function(
            "n => Number(document.querySelector('#coaching-board').dataset.items) >= n",
            arg=already + n,
            polling="raf",
            timeout=10_000,
        )
        delays.append(time.perf_counter() - started)
        # A random pause, so strokes do not fall in step with the polls.
        coach_page.wait_for_timeout(300 + random.random() * 1000)
    return delays, rest


def summary(delays):
    delays = sorted(delays)
    p95 = delays[max(0, int(round(0.95 * len(delays))) - 1)]
    return statistics.median(delays) * 1000, p95 * 1000, delays[-1] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of the idle phase")
    parser.add_argument("--strokes", type=int, default=40, help="strokes timed per transport")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from tests import live_servers
    from wagtail_coaching.conf import get_setting

    coach, coachee, space, session = people_and_session()
    database = settings.DATABASES["default"]["NAME"]
    log = Path(database).with_suffix(".daphne.log")
    server, base_url = live_servers.start(database, f"wc-bench-{uuid.uuid4().hex[:8]}", log)
    room_url = f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/"
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            drawn = 0
            for name, websockets in (("WebSocket", True), ("polling", False)):
                pages = open_pages(browser, base_url, (coach, coachee), room_url, websockets)
                results[name] = measure(pages, args.seconds, args.strokes, drawn)
                drawn += args.strokes
                for page in pages:
                    page.context.close()
            browser.close()
    finally:
        live_servers.stop(server)

    per_minute = 60 / args.seconds
    print(
        f"one daphne process, two participants; polling fallback every "
        f"{get_setting('BOARD_POLL_INTERVAL_MS')} ms; {args.strokes} strokes each"
    )
    print(f"{'':34}{'WebSocket':>14}{'polling':>14}")
    rows = {name: summary(delays) for name, (delays, _rest) in results.items()}
    for label, index in (("stroke -> other screen, median", 0), ("p95", 1), ("max", 2)):
        print(f"{label:34}{rows['WebSocket'][index]:>11.0f} ms{rows['polling'][index]:>11.0f} ms")
    for label, key in (("requests/min, idle room (all)", "all"), ("  of which board", "board")):
        print(
            f"{label:34}{results['WebSocket'][1][key] * per_minute:>14.0f}"
            f"{results['polling'][1][key] * per_minute:>14.0f}"
        )
    verdict = "met" if rows["WebSocket"][1] <= 150 else "MISSED"
    print(f"target: WebSocket p95 <= 150 ms -> {verdict}")


if __name__ == "__main__":
    main()
