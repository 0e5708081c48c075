"""Paper-board sync: delay from one participant's stroke to the other's screen, and server
requests per minute for one board at rest and while drawing.

    python bench/bench_board_sync.py [--seconds 30] [--strokes 20]

Two headless Chromium contexts (coach and coachee) open the same session's room on a
threaded WSGI server (the Jitsi embed is the test suite's stand-in, so no network is used).
The delay is measured from the end of the coach's stroke (pointer up) to the coachee's board
holding it. Requests are counted in both browsers.
"""

import argparse
import os
import random
import statistics
import time
from urllib.parse import urlsplit

from _sessions_setup import people_and_session, setup

VIEWPORT = {"width": 1300, "height": 1000}
CHROMIUM = os.environ.get("WAGTAIL_COACHING_CHROMIUM", "/usr/bin/chromium")


def start_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("localhost", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread, f"http://localhost:{thread.port}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of each phase")
    parser.add_argument("--strokes", type=int, default=20, help="strokes timed for the delay")
    args = parser.parse_args()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from tests.factories import PASSWORD
    from wagtail_coaching.conf import get_setting

    coach, coachee, space, session = people_and_session()
    server, base_url = start_server()
    port = urlsplit(base_url).port
    settings.ROOT_URLCONF = "tests.browser.jitsi_urls"
    settings.WAGTAIL_COACHING_JITSI_DOMAIN = f"127.0.0.1:{port}"
    settings.WAGTAIL_COACHING_JITSI_SCHEME = "http"
    from django.urls import clear_url_caches

    clear_url_caches()
    room_url = f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/"

    counts = {"board": 0, "all": 0}

    def count(request):
        counts["all"] += 1
        if "/board/" in request.url:
            counts["board"] += 1

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        pages = []
        for user in (coach, coachee):
            context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(user.get_username())
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/coaching/")
            page.goto(room_url)
            page.wait_for_selector("#coaching-board[data-online='true']")
            page.on("request", count)
            pages.append(page)
        coach_page, coachee_page = pages
        canvas = coach_page.locator("#coaching-board canvas")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        # Only the part of the canvas inside the viewport can be drawn on with the mouse.
        visible = min(box["y"] + box["height"], VIEWPORT["height"]) - max(box["y"], 0) - 40
        top = max(box["y"], 0) + 20

        def stroke(n):
            y = top + (n * 37) % visible
            coach_page.mouse.move(box["x"] + 20, y)
            coach_page.mouse.down()
            coach_page.mouse.move(box["x"] + box["width"] - 20, y, steps=8)
            coach_page.mouse.up()

        # At rest.
        # (Playwright delivers request events only while it runs: wait with it, not sleep.)
        counts.update(board=0, all=0)
        coach_page.wait_for_timeout(args.seconds * 1000)
        coachee_page.wait_for_timeout(10)
        rest = dict(counts)

        # Delay, one stroke at a time.
        delays = []
        for n in range(1, args.strokes + 1):
            stroke(n)
            started = time.perf_counter()
            coachee_page.wait_for_function(
                f"() => Number(document.querySelector('#coaching-board').dataset.items) >= {n}",
                polling="raf",
                timeout=10_000,
            )
            delays.append(time.perf_counter() - started)
            # A random pause, so strokes do not fall in step with the polls.
            coach_page.wait_for_timeout(300 + random.random() * 1000)

        # While drawing: one stroke per second.
        counts.update(board=0, all=0)
        drawn = 0
        phase_end = time.monotonic() + args.seconds
        while time.monotonic() < phase_end:
            tick = time.monotonic()
            stroke(args.strokes + drawn + 1)
            drawn += 1
            coach_page.wait_for_timeout(max(0.0, 1.0 - (time.monotonic() - tick)) * 1000)
        coachee_page.wait_for_timeout(10)
        drawing = dict(counts)
        browser.close()
    server.terminate()

    per_minute = 60 / args.seconds
    delays.sort()
    p95 = delays[max(0, int(round(0.95 * len(delays))) - 1)]
    print(f"poll interval: {get_setting('BOARD_POLL_INTERVAL_MS')} ms, two participants")
    print(
        f"stroke -> other screen over {len(delays)} strokes: median "
        f"{statistics.median(delays) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {delays[-1] * 1000:.0f} ms"
    )
    print(
        f"board requests/min at rest:        {rest['board'] * per_minute:.0f} "
        f"(all requests incl. presence: {rest['all'] * per_minute:.0f})"
    )
    print(
        f"board requests/min drawing 1/s:    {drawing['board'] * per_minute:.0f} "
        f"(all: {drawing['all'] * per_minute:.0f}; {drawn} strokes)"
    )


if __name__ == "__main__":
    main()
