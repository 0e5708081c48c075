"""Benchmark of the lock: what entering client spaces costs once there are very many of them.

Run from the repository root::

    python bench/bench_lock.py [--spaces N] [--repeat R] [--keep-db]
    WAGTAIL_COACHING_TEST_DB=postgres python bench/bench_lock.py

It uses the test settings (``tests.settings``). On SQLite the database is the settings'
in-memory one, migrated in this process. On PostgreSQL it works in its own database,
``wagtail_coaching_bench`` (or ``$WAGTAIL_COACHING_BENCH_DB``) on the server of
``DATABASE_URL``, which it drops and creates itself, so the project's databases are never
touched. It loads N client spaces with
``bulk_create``, then prints query counts and timings of the lock and of the pages built on
it. Timings are printed, never asserted: this is a benchmark, not a test.
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
# Several people may benchmark on one server: name your own database.
BENCH_DB_NAME = os.environ.get("WAGTAIL_COACHING_BENCH_DB", "wagtail_coaching_bench")
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/wagtail_coaching"
ON_POSTGRES = os.environ.get("WAGTAIL_COACHING_TEST_DB", "sqlite") == "postgres"
SERVER_URL = os.environ.get("DATABASE_URL", DEFAULT_SERVER_URL)

# Forced, not defaulted: an inherited DJANGO_SETTINGS_MODULE (say the sandbox's dev settings)
# would load 200k rows into a developer's database.
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
if ON_POSTGRES:
    # Same server and credentials, other database name: tests.settings reads DATABASE_URL.
    os.environ["DATABASE_URL"] = urlsplit(SERVER_URL)._replace(path=f"/{BENCH_DB_NAME}").geturl()
# The script lives in bench/, so Python puts bench/ on the path, not the repository root.
sys.path.insert(0, str(REPO_ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from wagtail_coaching.dashboard import views  # noqa: E402
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus  # noqa: E402
from wagtail_coaching.spaces import contracts, lock, roles  # noqa: E402
from wagtail_coaching.spaces.models import (  # noqa: E402
    ClientSpace,
    ClientSpaceStatus,
    ClientSpaceUserObjectPermission,
    Organisation,
)

User = get_user_model()

BATCH = 10_000  # rows per bulk_create round: keeps memory flat whatever N is
SPACES_PER_COACH = 40
ORGANISATIONS = 50
SESSION_EVERY = 100  # one space in SESSION_EVERY gets sessions; the measured users' all do
HOST = "localhost"  # the Wagtail Site created by sandbox/home/migrations/0002
SEED = 20240601  # fixed, so two runs build the same data
STATUS_WEIGHTS = {
    ClientSpaceStatus.ACTIVE: 60,
    ClientSpaceStatus.PLANNED: 15,
    ClientSpaceStatus.PAUSED: 5,
    ClientSpaceStatus.CLOSED: 20,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=200_000, help="client spaces to load")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per measurement")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="PostgreSQL only: leave the benchmark database in place for inspection",
    )
    args = parser.parse_args()
    if args.spaces < 2 or args.repeat < 1:
        parser.error("--spaces must be at least 2 and --repeat at least 1")
    return args


def say(message):
    print(message, flush=True)


# --- The benchmark database ----------------------------------------------------------------


def _server_admin_connection():
    import psycopg  # here, not at the top: SQLite runs do not need it installed

    # Connect to the server's maintenance database: a database cannot be dropped from inside.
    url = urlsplit(SERVER_URL)._replace(path="/postgres").geturl()
    return psycopg.connect(url, autocommit=True)


def recreate_postgres_database():
    with _server_admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')


def drop_postgres_database():
    connections.close_all()  # DROP DATABASE refuses while Django is still connected
    with _server_admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}"')


def migrate():
    call_command("migrate", verbosity=0, interactive=False)


def analyze():
    # Fresh bulk-loaded tables have no statistics yet; plans would be guesses without them.
    # On PostgreSQL, VACUUM as well: it sets the visibility map that autovacuum would have set
    # on a live site, without which every index-only scan still fetches heap pages.
    statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(statement)


# --- Building the data ---------------------------------------------------------------------


def _users(prefix, start, count):
    """Unsaved users ``<prefix>-<number>``, with an unusable password (nobody logs in)."""
    return [
        User(
            username=f"{prefix}-{number:07d}",
            first_name=prefix.capitalize(),
            last_name=f"N{number}",
            email=f"{prefix}-{number}@example.org",
            password="!",
        )
        for number in range(start, start + count)
    ]


def _created_pks(objs):
    # bulk_create sets pks only where the backend returns rows (PostgreSQL, SQLite >= 3.35).
    pks = [obj.pk for obj in objs]
    if None in pks:
        raise SystemExit("This database backend does not return bulk_create primary keys.")
    return pks


def build_organisations():
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Sponsor {number:02d}") for number in range(ORGANISATIONS)
    )
    return _created_pks(orgs)


def build_coaches(count):
    coaches = User.objects.bulk_create(_users("coach", 0, count), batch_size=BATCH)
    coach_ids = _created_pks(coaches)
    # Membership matters: the admin's coach choices and is_coach() read the group.
    group_id = roles.coaches_group().pk
    Membership = User.groups.through
    Membership.objects.bulk_create(
        (Membership(user_id=pk, group_id=group_id) for pk in coach_ids), batch_size=BATCH
    )
    return coach_ids


def _space(rng, index, coach_ids, coachee_id, org_ids, today):
    return ClientSpace(
        # Round robin, so each coach's spaces are scattered over the table as they would be
        # after years of sign-ups, not stored side by side.
        coach_id=coach_ids[index % len(coach_ids)],
        coachee_id=coachee_id,
        organisation_id=org_ids[index % len(org_ids)],
        status=rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0],
        start_date=today - timedelta(days=rng.randrange(3 * 365)),
    )


def _entry_grants(spaces, permission_id):
    # What grant_entry -> assign_perm writes for a new space: one direct row per participant.
    for space in spaces:
        for user_id in (space.coach_id, space.coachee_id):
            yield ClientSpaceUserObjectPermission(
                user_id=user_id, permission_id=permission_id, content_object_id=space.pk
            )


def build_spaces_batch(rng, start, count, coach_ids, org_ids, permission_id):
    """Create ``count`` coachees, their spaces and the spaces' entry grants."""
    today = date.today()
    with transaction.atomic():
        coachees = User.objects.bulk_create(_users("coachee", start, count))
        spaces = [
            _space(rng, start + offset, coach_ids, coachee.pk, org_ids, today)
            for offset, coachee in enumerate(coachees)
        ]
        # ClientSpace.save() (and so sync_participant_grants) is bypassed here: see
        # _entry_grants for the rows it would have written.
        ClientSpace.objects.bulk_create(spaces)
        _created_pks(spaces)
        ClientSpaceUserObjectPermission.objects.bulk_create(_entry_grants(spaces, permission_id))


def build_sessions(space_ids):
    """A past, done session and a planned, future one for each space given."""
    now = timezone.now()
    sessions = []
    for space_id in space_ids:
        sessions.append(
            CoachingSession(
                space_id=space_id,
                starts_at=now - timedelta(days=14),
                status=SessionStatus.DONE,
                confirmed_minutes=60,
            )
        )
        sessions.append(
            CoachingSession(
                space_id=space_id, starts_at=now + timedelta(days=7), status=SessionStatus.PLANNED
            )
        )
    CoachingSession.objects.bulk_create(sessions, batch_size=BATCH)


def build(n_spaces):
    rng = random.Random(SEED)
    permission_id = enter_permission_id()
    org_ids = build_organisations()
    # At least two coaches, so pick_users finds a coachee outside the chosen coach's spaces.
    coach_ids = build_coaches(max(2, n_spaces // SPACES_PER_COACH))
    say(f"  {len(org_ids)} organisations, {len(coach_ids)} coaches")
    started = time.perf_counter()
    for start in range(0, n_spaces, BATCH):
        count = min(BATCH, n_spaces - start)
        build_spaces_batch(rng, start, count, coach_ids, org_ids, permission_id)
        done = start + count
        rate = done / (time.perf_counter() - started)
        say(f"  {done:>9,} / {n_spaces:,} spaces ({rate:,.0f} spaces/s)")
    sampled = ClientSpace.objects.alias(bucket=Mod("pk", SESSION_EVERY)).filter(bucket=0)
    build_sessions(list(sampled.values_list("pk", flat=True)))


def enter_permission_id():
    return Permission.objects.get(
        codename=lock.ENTER_SPACE, content_type__app_label=lock.APP_LABEL
    ).pk


def pick_users():
    """A coach from the middle of the table and a coachee whose space is not theirs."""
    coaches = User.objects.filter(username__startswith="coach-").order_by("pk")
    coach = coaches[coaches.count() // 2]
    others = ClientSpace.objects.exclude(coach=coach).order_by("pk")
    middle = others[others.count() // 2]
    coachee = middle.coachee
    # Give both users' spaces upcoming sessions, so the page's "next session" is not empty.
    theirs = ClientSpace.objects.filter(coach=coach).values_list("pk", flat=True)
    build_sessions([*theirs, middle.pk])
    return coach, coachee, middle


def row_counts():
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "client spaces": ClientSpace.objects.count(),
        "entry grant rows": ClientSpaceUserObjectPermission.objects.count(),
        "sessions": CoachingSession.objects.count(),
    }


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    queries: int
    median_ms: float
    p95_ms: float
    # Median CPU time of this process (the database server excluded on PostgreSQL): a
    # machine busy with other jobs disturbs it far less than wall time.
    cpu_ms: float = 0.0


def count_queries(func):
    """Queries made by one call of ``func``."""
    with CaptureQueriesContext(connection) as captured:
        func()
    # Counted now: the log is read lazily, and the next request_started signal clears it.
    return len(captured)


def measure(cases, repeat):
    """A Result per ``(label, func)``: queries of one call, median and p95 of ``repeat``.

    The cases are timed in turns (one call of each per round), not one after the other, so a
    burst of load from other processes on the machine hits every row alike and the ratios
    between rows stay meaningful.
    """
    # One untimed call each first: it fills the caches a running server has warm (content
    # types, the Wagtail site, compiled templates), which would otherwise skew sample one.
    queries = {}
    for label, func in cases:
        func()
        queries[label] = count_queries(func)
    # Timed without query capture, whose bookkeeping would be counted too.
    samples = {label: [] for label, _ in cases}
    cpu = {label: [] for label, _ in cases}
    for _ in range(repeat):
        for label, func in cases:
            started, cpu_started = time.perf_counter(), time.process_time()
            func()
            samples[label].append((time.perf_counter() - started) * 1000)
            cpu[label].append((time.process_time() - cpu_started) * 1000)
    return [
        Result(
            label,
            queries[label],
            statistics.median(times),
            _p95(times),
            statistics.median(cpu[label]),
        )
        for label, times in samples.items()
    ]


def _p95(samples):
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def logged_in_client(user):
    client = Client(HTTP_HOST=HOST, SERVER_NAME=HOST)
    client.force_login(user)
    return client


def page_getter(client, url, expected_cards=None):
    """A function that GETs ``url`` and fails loudly unless it is the page we mean to time."""

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
        if expected_cards is not None:
            cards = response.content.count(b'class="coaching-space-card"')
            if cards != expected_cards:
                raise SystemExit(f"GET {url} listed {cards} spaces, expected {expected_cards}")
        return response

    return get


def spaces_by_permission_id(user, permission_id, queryset=None):
    """Alternative form of spaces_for_user: the permission's pk resolved once, no joins.

    Same semi-join on the unique (user_id, permission_id, content_object_id) index, but
    without joining auth_permission and django_content_type to find the permission by name.
    """
    queryset = ClientSpace.objects.all() if queryset is None else queryset
    grants = ClientSpaceUserObjectPermission.objects.filter(
        user_id=user.pk, permission_id=permission_id
    )
    return queryset.filter(pk__in=grants.values("content_object_id"))


def spaces_by_cached_content_type(user, queryset=None):
    """Middle form: the content type from Django's ContentType cache, the permission joined.

    Drops only the django_content_type join, with no cache of the lock's own to invalidate.
    """
    queryset = ClientSpace.objects.all() if queryset is None else queryset
    grants = ClientSpaceUserObjectPermission.objects.filter(
        user_id=user.pk,
        permission__codename=lock.ENTER_SPACE,
        permission__content_type=ContentType.objects.get_for_model(ClientSpace),
    )
    return queryset.filter(pk__in=grants.values("content_object_id"))


def lock_results(coach, coachee, coachee_space, repeat):
    permission_id = enter_permission_id()
    coach_space = lock.spaces_for_user(coach).first()
    cases = [
        ("spaces_for_user(coach)", lambda: list(lock.spaces_for_user(coach))),
        ("spaces_for_user(coachee)", lambda: list(lock.spaces_for_user(coachee))),
        (
            "alt: by permission_id (coachee)",
            lambda: list(spaces_by_permission_id(coachee, permission_id)),
        ),
        (
            "alt: cached content type (coachee)",
            lambda: list(spaces_by_cached_content_type(coachee)),
        ),
        ("may_enter(coach, own space)", lambda: lock.may_enter(coach, coach_space)),
        ("may_enter(coachee, own space)", lambda: lock.may_enter(coachee, coachee_space)),
        ("may_enter(coachee, other space)", lambda: lock.may_enter(coachee, coach_space)),
    ]
    return measure(cases, repeat)


def page_results(coach, coachee, coachee_space, repeat):
    """My coaching and the home page for each user, and the space page for the coachee.

    Returns the results and, per user, the (My coaching, home page) pair for the ratios.
    """
    my_coaching = reverse("wagtail_coaching:my_coaching")
    cases, pairs = [], {}
    for role, user in (("coach", coach), ("coachee", coachee)):
        client = logged_in_client(user)
        total = lock.spaces_for_user(user).count()
        # My coaching lists its spaces a page at a time; the first page is what is timed.
        expected = min(total, views.SPACES_PER_PAGE)
        mine = f"GET My coaching ({role}, {total} spaces)"
        home = f"GET / home page ({role})"
        cases.append((mine, page_getter(client, my_coaching, expected)))
        cases.append((home, page_getter(client, "/")))
        pairs[role] = (mine, home)
    detail_url = coachee_space.get_absolute_url()
    # The space opens once its contract is accepted (the contract gate); accept it first so
    # the page measured is the space itself, not the redirect to the contract.
    contract = contracts.applicable_contract(coachee_space)
    contracts.accept(coachee, coachee_space, contract, contract.sha256)
    cases.append(("GET space page (coachee)", page_getter(logged_in_client(coachee), detail_url)))
    results = measure(cases, repeat)
    by_label = {result.label: result for result in results}
    ratios = {role: (by_label[mine], by_label[home]) for role, (mine, home) in pairs.items()}
    return results, ratios


def admin_results(coachee_space, repeat):
    """The admin's client space forms (add, edit) against the Wagtail dashboard, as staff.

    Returns the results and each form's page size in bytes.
    """
    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = logged_in_client(staff)
    urls = {
        "GET admin dashboard (staff)": "/admin/",
        "GET client space add form": "/admin/wagtail_coaching/clientspace/create/",
        "GET client space edit form": (
            f"/admin/wagtail_coaching/clientspace/edit/{coachee_space.pk}/"
        ),
    }
    sizes = {label: len(page_getter(client, url)().content) for label, url in urls.items()}
    results = measure([(label, page_getter(client, url)) for label, url in urls.items()], repeat)
    return results, sizes


def print_admin_ratios(results, sizes):
    say("\nRatios admin client space forms / admin dashboard (same user, same run)")
    say(f"  {'page':<30} {'size':>12} {'time (median)':>14} {'queries':>9}")
    dashboard = results[0]
    for result in results:
        say(
            f"  {result.label[4:]:<30} {sizes[result.label]:>12,} "
            f"{result.median_ms / dashboard.median_ms:>13.2f}x "
            f"{result.queries / dashboard.queries:>8.2f}x"
        )


# --- Query plans (PostgreSQL) --------------------------------------------------------------

SCAN = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)(?: using (\S+))? on (\S+)"
)


def scans(plan):
    """(scan kind, index, table) for every table read in an EXPLAIN text plan."""
    return [match.groups() for match in SCAN.finditer(plan)]


def plan_verdict(plan):
    big_tables = {
        ClientSpace._meta.db_table: "client spaces",
        ClientSpaceUserObjectPermission._meta.db_table: "grant rows",
        CoachingSession._meta.db_table: "sessions",
    }
    verdicts = []
    for kind, index, table in scans(plan):
        if table in big_tables:
            how = f"{kind} using {index}" if index else kind
            flag = "  <-- reads the whole table" if kind == "Seq Scan" else ""
            verdicts.append(f"{big_tables[table]} ({table}): {how}{flag}")
    return verdicts


def print_plan(title, queryset):
    plan = queryset.explain(analyze=True, buffers=True)
    say(f"\nEXPLAIN (ANALYZE, BUFFERS) -- {title}")
    say(f"SQL (Django's rendering, parameters unquoted): {queryset.query}")
    say(plan)
    say("Big tables read:")
    for line in plan_verdict(plan) or ["(no big table appears in the plan)"]:
        say(f"  {line}")


def print_sql_plan(title, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    say(f"\nEXPLAIN (ANALYZE, BUFFERS) -- {title}")
    say(f"SQL: {sql}")
    say(plan)
    say("Big tables read:")
    for line in plan_verdict(plan) or ["(no big table appears in the plan)"]:
        say(f"  {line}")


def print_plans(coachee):
    permission_id = enter_permission_id()
    print_plan("spaces_for_user(coachee)", lock.spaces_for_user(coachee))
    # The page asks the lock for ids, then reads the spaces by primary key (see views.py).
    space_ids = list(lock.spaces_for_user(coachee).values_list("pk", flat=True))
    print_sql_plan(
        "My coaching page query (coachee)", *views._listing_statement(space_ids[:25], coachee)
    )
    print_plan("alt: by permission_id (coachee)", spaces_by_permission_id(coachee, permission_id))


def print_grant_indexes():
    """Indexes of the grant table with their sizes: each one is written on every grant."""
    table = ClientSpaceUserObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, pg_size_pretty(pg_relation_size(indexname::regclass)), indexdef"
            " FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [table],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s::regclass))", [table])
        (table_size,) = cursor.fetchone()
    say(f"\nIndexes of {table} (table itself: {table_size})")
    for name, size, definition in rows:
        say(f"  {size:>8}  {name}")
        say(f"            {definition.split(' USING ', 1)[1]}")


# --- Report --------------------------------------------------------------------------------


def print_table(title, results):
    say(f"\n{title}")
    say(f"  {'measurement':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>9}")
    for result in results:
        say(
            f"  {result.label:<44} {result.queries:>7} "
            f"{result.median_ms:>10.3f} {result.p95_ms:>9.3f}"
        )


def print_ratios(pages):
    say("\nRatios My coaching / plain Wagtail page (same user, same run)")
    say(f"  {'user':<10} {'time (median)':>14} {'queries':>9}")
    for role, (mine, home) in pages.items():
        say(
            f"  {role:<10} {mine.median_ms / home.median_ms:>13.2f}x "
            f"{mine.queries / home.queries:>8.2f}x"
        )


def print_load(when):
    # Timings mean little on a busy machine; say how busy it was so readers can judge.
    one, five, fifteen = os.getloadavg()
    say(f"Load {when}: {one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs")


def print_header(args, counts, timings):
    db = connection.settings_dict["NAME"]
    say(f"\nDatabase: {connection.vendor} ({db}), {args.repeat} timed runs per row")
    for name, value in counts.items():
        say(f"  {name:<18} {value:>10,}")
    for name, seconds in timings.items():
        say(f"  {name:<18} {seconds:>9.1f}s")
    print_load("before measuring")


def run(args):
    timings = {}
    started = time.perf_counter()
    say("Migrating ...")
    migrate()
    timings["migrate"] = time.perf_counter() - started

    started = time.perf_counter()
    say(f"Building {args.spaces:,} client spaces ...")
    build(args.spaces)
    coach, coachee, coachee_space = pick_users()
    timings["build"] = time.perf_counter() - started

    started = time.perf_counter()
    analyze()
    timings["(vacuum) analyze"] = time.perf_counter() - started

    print_header(args, row_counts(), timings)
    say(f"  coach: {coach.username}, coachee: {coachee.username}")
    print_table("The lock (lock.py)", lock_results(coach, coachee, coachee_space, args.repeat))
    pages, pairs = page_results(coach, coachee, coachee_space, args.repeat)
    print_table("Pages through django.test.Client", pages)
    print_ratios(pairs)
    admin, sizes = admin_results(coachee_space, args.repeat)
    print_table("Admin client space forms with every user in the database", admin)
    print_admin_ratios(admin, sizes)
    print_load("after measuring")
    if connection.vendor == "postgresql":
        print_plans(coachee)
        print_grant_indexes()


def main():
    args = parse_args()
    if ON_POSTGRES:
        recreate_postgres_database()
    try:
        run(args)
    finally:
        if ON_POSTGRES and not args.keep_db:
            drop_postgres_database()
        elif ON_POSTGRES:
            say(f"\nKept database {BENCH_DB_NAME}.")


if __name__ == "__main__":
    main()
