"""Benchmark of the sponsor reports (a benchmark, not a test: it prints, it asserts nothing).

Builds 50 organisations; the first holds 10,000 client spaces, the second 1,000 (for the
organisation PDF), the others share the rest; 200,000 sessions in all, a programme with
modules and module progress. Then prints, for each report URL, the number of queries and
the median time of a few runs through Django's test client (in-process, no network), and
its ratio to the Wagtail admin dashboard timed in the same run.

    # PostgreSQL (recommended). The benchmark works in its own database on the server of
    # DATABASE_URL: $WAGTAIL_COACHING_BENCH_DB (default wagtail_coaching_bench_reports),
    # created if missing and dropped at the end unless --keep-db (then reused next time).
    WAGTAIL_COACHING_TEST_DB=postgres WAGTAIL_COACHING_BENCH_DB=wc_bench_reports \\
        python bench/bench_reports.py
    # SQLite in memory, smaller:
    python bench/bench_reports.py --spaces 1000 --sessions 20000

Options: --spaces N (the big organisation), --pdf-spaces N, --sessions N, --orgs N,
--runs N, --rebuild (drop the bench data and build it again), --keep-db.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
ON_POSTGRES = os.environ.get("WAGTAIL_COACHING_TEST_DB", "sqlite") == "postgres"
BENCH_DB_NAME = os.environ.get("WAGTAIL_COACHING_BENCH_DB", "wagtail_coaching_bench_reports")
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
if ON_POSTGRES:
    # Same server and credentials, the benchmark's own database (tests.settings reads it).
    os.environ["DATABASE_URL"] = urlsplit(SERVER_URL)._replace(path=f"/{BENCH_DB_NAME}").geturl()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from wagtail_coaching.programmes.progress import ModuleProgress  # noqa: E402
from wagtail_coaching.sessions.models import CoachingSession  # noqa: E402
from wagtail_coaching.spaces import roles  # noqa: E402
from wagtail_coaching.spaces.models import ClientSpace, Organisation  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
PREFIX = "Bench organisation"
STATUSES = ["done"] * 6 + ["planned"] * 2 + ["cancelled", "missed"]


def ensure_database():
    if connection.vendor != "postgresql":
        return
    import psycopg

    params = connection.settings_dict
    try:
        with psycopg.connect(
            host=params["HOST"],
            port=params["PORT"] or 5432,
            user=params["USER"],
            dbname="postgres",
            autocommit=True,
        ) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{params["NAME"]}"')
    except psycopg.Error as exc:
        sys.exit(f"Cannot create the benchmark database: {exc}")


def drop_database():
    if connection.vendor != "postgresql":
        return
    import psycopg

    connections.close_all()
    url = urlsplit(SERVER_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}"')


def build(args):
    rng = random.Random(42)
    User = get_user_model()
    from tests.programmes import make_programme

    print("Building the data…", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        programme, modules = make_programme(modules=5, title="Bench programme")
        coach = User.objects.create(username=f"bench-coach-{uuid.uuid4().hex[:6]}")
        roles.coaches_group().user_set.add(coach)
        orgs = Organisation.objects.bulk_create(
            Organisation(name=f"{PREFIX} {n:02d}") for n in range(args.orgs)
        )
        others = max(0, (args.total_spaces - args.spaces - args.pdf_spaces))
        sizes = [args.spaces, args.pdf_spaces] + [others // max(1, args.orgs - 2)] * (args.orgs - 2)
        total = sum(sizes)
        coachees = User.objects.bulk_create(
            (
                User(
                    username=f"bench-{uuid.uuid4().hex[:12]}",
                    first_name=f"First{n}",
                    last_name=f"Last{n:05d}",
                    password="!",
                )
                for n in range(total)
            ),
            batch_size=5000,
        )
        spaces = []
        index = 0
        for org, size in zip(orgs, sizes, strict=True):
            for _ in range(size):
                spaces.append(
                    ClientSpace(
                        organisation=org,
                        coach=coach,
                        coachee=coachees[index],
                        programme=programme if index % 3 else None,
                        status=rng.choice(["active", "active", "closed", "paused"]),
                        start_date=date(2025, 1, 1) + timedelta(days=rng.randrange(365)),
                        planned_sessions=rng.choice([6, 8, 10]),
                    )
                )
                index += 1
        spaces = ClientSpace.objects.bulk_create(spaces, batch_size=5000)
        print(f"  {len(spaces)} spaces in {len(orgs)} organisations", flush=True)

        def sessions():
            for _ in range(args.sessions):
                space = spaces[rng.randrange(len(spaces))]
                status = rng.choice(STATUSES)
                yield CoachingSession(
                    space=space,
                    starts_at=datetime(2025, 1, 1, 9, tzinfo=PARIS)
                    + timedelta(days=rng.randrange(600), hours=rng.randrange(9)),
                    status=status,
                    confirmed_minutes=rng.choice([45, 50, 60, 60, None])
                    if status == "done"
                    else None,
                    room_name=f"bench-{uuid.uuid4().hex}",
                )

        CoachingSession.objects.bulk_create(sessions(), batch_size=5000)
        print(f"  {args.sessions} sessions", flush=True)
        progress = []
        for space in spaces:
            if space.programme_id is None:
                continue
            for module in modules[: rng.randrange(len(modules) + 1)]:
                progress.append(
                    ModuleProgress(
                        space=space,
                        module=module,
                        completed_at=datetime(2025, 6, 1, tzinfo=PARIS)
                        if rng.random() < 0.7
                        else None,
                    )
                )
        ModuleProgress.objects.bulk_create(progress, batch_size=5000)
        print(f"  {len(progress)} module progress rows", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"Built in {time.perf_counter() - started:.1f} s\n", flush=True)


def reader():
    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    if created:
        user.user_permissions.add(
            Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
            Permission.objects.get(codename="view_all_reports"),
        )
    return user


def measure(client, url, runs):
    """HTTP status, queries, median wall time, median CPU time of this process, size.

    CPU time is the app's own work (the database server is another process): on a machine
    shared with other jobs it moves far less than wall time.
    """
    timings, cpu, queries, status, size = [], [], None, None, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            content = (
                b"".join(response.streaming_content)
                if hasattr(response, "streaming_content")
                else response.content
            )
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        queries, status, size = len(captured), response.status_code, len(content)
    return status, queries, statistics.median(timings), statistics.median(cpu), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spaces", type=int, default=10_000)
    parser.add_argument("--pdf-spaces", type=int, default=1_000)
    parser.add_argument("--total-spaces", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    ensure_database()
    try:
        run(args)
    finally:
        if not args.keep_db:
            drop_database()


def run(args):
    call_command("migrate", verbosity=0)
    big = Organisation.objects.filter(name=f"{PREFIX} 00").first()
    if args.rebuild or big is None or big.client_spaces.count() != args.spaces:
        ClientSpace.objects.filter(organisation__name__startswith=PREFIX).delete()
        Organisation.objects.filter(name__startswith=PREFIX).delete()
        build(args)
        big = Organisation.objects.get(name=f"{PREFIX} 00")
    pdf_org = Organisation.objects.get(name=f"{PREFIX} 01")
    space = big.client_spaces.exclude(programme=None).first()

    from django.conf import settings

    from wagtail_coaching.reporting import exports
    from wagtail_coaching.reporting.models import ReportExport

    # Files are built inside the request here, to time their building; on a site, reports
    # above REPORT_BACKGROUND_SIZE (2,000) spaces go to the task worker (timed below).
    settings.WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE = 10**9
    client = Client()
    client.force_login(reader())
    ns = "wagtail_coaching_reports"
    report = reverse(f"{ns}:organisation", args=[big.pk])
    period = "?period_from=2025-06-01&period_to=2025-12-31"
    cases = [
        ("admin dashboard (the reference)", reverse("wagtailadmin_home"), args.runs),
        (f"report page, {args.spaces} spaces", report, args.runs),
        (
            f"report page, {args.spaces} spaces, sorted by hours",
            report + "?ordering=-minutes_spent",
            args.runs,
        ),
        (f"report page, {args.spaces} spaces, a period", report + period, args.runs),
        (
            f"report page, {args.pdf_spaces} spaces",
            reverse(f"{ns}:organisation", args=[pdf_org.pk]),
            args.runs,
        ),
        (f"CSV export, {args.spaces} rows", report + "?export=csv", max(1, args.runs // 2)),
        (f"XLSX export, {args.spaces} rows", report + "?export=xlsx", max(1, args.runs // 2)),
        (
            f"averages per programme, {args.spaces} spaces",
            reverse(f"{ns}:programmes", args=[big.pk]),
            args.runs,
        ),
        (
            f"organisation PDF, {args.pdf_spaces} spaces",
            reverse(f"{ns}:organisation_pdf", args=[pdf_org.pk]),
            max(1, args.runs // 2),
        ),
        (
            f"organisation PDF, {args.spaces} spaces",
            reverse(f"{ns}:organisation_pdf", args=[big.pk]),
            1,
        ),
        (
            "final report PDF, one space",
            reverse(f"{ns}:space_pdf", args=[big.pk, space.public_id]),
            args.runs,
        ),
    ]
    print(f"Database: {connection.vendor}; sessions in all: {CoachingSession.objects.count()}")
    print(
        f"{'case':<55} {'HTTP':>4} {'queries':>7} {'median':>10} {'app CPU':>10} "
        f"{'size':>11} {'/dashboard':>10} {'queries beyond':>14}"
    )
    reference = None
    for label, url, runs in cases:
        client.get(url)  # warm up
        status, queries, median, cpu, size = measure(client, url, runs)
        reference = reference or (median, queries)
        print(
            f"{label:<55} {status:>4} {queries:>7} {median * 1000:>8.0f} ms "
            f"{cpu * 1000:>7.0f} ms {size:>11,} "
            f"{median / reference[0]:>9.1f}x {queries - reference[1]:>14}"
        )
    settings.WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE = 2000
    for fmt, url in (
        ("PDF", reverse(f"{ns}:organisation_pdf", args=[big.pk])),
        ("XLSX", report + "?export=xlsx"),
    ):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            asked = time.perf_counter() - started
        export = ReportExport.objects.order_by("-created_at").first()
        started, cpu_started = time.perf_counter(), time.process_time()
        exports.build(export.pk)  # what the worker runs
        built, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        export.refresh_from_db()
        print(
            f"{fmt} of {args.spaces} spaces in the background: request {response.status_code} "
            f"in {asked * 1000:.0f} ms ({len(captured)} queries); the task built "
            f"{export.rows} rows in {built * 1000:.0f} ms ({cpu * 1000:.0f} ms app CPU)"
        )
    exports.prune(now=datetime.now(tz=PARIS) + timedelta(days=2))
    one, five, _fifteen = os.getloadavg()
    print(f"Load: {one:.2f} {five:.2f} (1/5 min) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
