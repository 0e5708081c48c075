"""My coaching for a coach at 5, 50 and 200 spaces: queries and time per page.

    python bench/bench_agenda.py [--repeat 20]

SQLite only, on a throw-away file that ``bench_settings`` creates (and that is removed at
the end). Each space has a session today, a past session whose minutes are still to
confirm, and one space in two a document added since the coach's last visit. Prints the
queries and the median time of one page per size, and the ratios to the 5-space figure:
the queries must stay the same; the time grows only with the rows the page shows.
"""

import argparse
import datetime
import os
import shutil
import statistics
import time

from _sessions_setup import setup

SIZES = (5, 50, 200)


def build(count):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tests.factories import (
        ClientSpaceFactory,
        CoachFactory,
        CoachingSessionFactory,
        UserFactory,
    )
    from wagtail_coaching.spaces import documents

    coach = CoachFactory(username=f"coach-{count}")
    now = timezone.now()
    for n in range(count):
        space = ClientSpaceFactory(coach=coach, coachee=UserFactory(username=f"c{count}-{n}"))
        CoachingSessionFactory(space=space, starts_at=now + datetime.timedelta(minutes=30 + n))
        CoachingSessionFactory(space=space, starts_at=now - datetime.timedelta(days=1, minutes=n))
        if n % 2:
            documents.store_document(
                space, space.coachee, SimpleUploadedFile("d.txt", b"D\n", "text/plain")
            )
    return coach


def measure(coach, repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(coach)
    client.get("/coaching/")  # the first page of a login writes its session
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/coaching/")
    # Counted now: each later request empties the connection's query log.
    count = len(queries.captured_queries)
    if response.status_code != 200 or not count:
        raise SystemExit(f"unexpected: {response.status_code}, {count} queries")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get("/coaching/")
        times.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if os.environ.get("WAGTAIL_COACHING_TEST_DB", "sqlite") == "postgres":
        parser.error("this benchmark runs on its own SQLite file only")
    setup()
    from django.conf import settings

    try:
        rows = [(size, *measure(build(size), args.repeat)) for size in SIZES]
        base_queries, base_ms = rows[0][1], rows[0][2]
        print(f"{'spaces':>6} {'queries':>8} {'ms/page':>8} {'queries ×':>10} {'time ×':>7}")
        for size, queries, ms in rows:
            print(
                f"{size:>6} {queries:>8} {ms:>8.1f} {queries / base_queries:>10.2f}"
                f" {ms / base_ms:>7.2f}"
            )
    finally:
        shutil.rmtree(os.path.dirname(settings.DATABASES["default"]["NAME"]), ignore_errors=True)


if __name__ == "__main__":
    main()
