"""Benchmark of a client space's pages next to the plain Wagtail home page, at scale.

Run from the repository root::

    .venv/bin/python bench/bench_pages.py [--spaces N] [--repeat R] [--seconds S] [--keep-db]
    .venv/bin/python bench/bench_pages.py --sqlite --spaces 2000   # quick, to debug

It runs the sandbox's *production* settings (``bench/pages_settings.py``) on its own
PostgreSQL database, ``wagtail_coaching_bench_pages`` (or ``$WAGTAIL_COACHING_BENCH_DB``) on
the server of ``DATABASE_URL``, which it drops and creates itself, so no other database is
touched. ``--keep-db`` keeps it, and a later run with ``--reuse-db`` measures the code of
the moment on the data already built (migrating it first). It bulk-loads N client
spaces as ``bench_lock.py`` does, gives one coachee's space a programme, an open session,
notes, goals, documents and a board, and gives three coaches 5, 40 and 200 spaces. Then:

* in-process (``django.test.Client``), interleaved rounds: each space page (front door,
  journey, module, room, room token, board poll, notes) and My coaching for each coach, with
  its query count, its median time and its median CPU time of this process, each as a
  ratio to the home page of the same run;
* ``lock.may_enter`` against a raw ``EXISTS`` on the grant table;
* if ``wrk`` is installed: gunicorn with 2 sync workers on 127.0.0.1 (``--port``, default
  9191), the home page and the space pages in turns for 3 rounds, requests per second and
  their ratio to the home page.

Timings are printed with the issue's targets beside them, never asserted.
"""

import argparse
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = os.environ.get("WAGTAIL_COACHING_BENCH_DB", "wagtail_coaching_bench_pages")
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/wagtail_coaching"
SERVER_URL = os.environ.get("DATABASE_URL", DEFAULT_SERVER_URL)
HOST = "localhost"  # the Wagtail Site created by sandbox/home/migrations/0002
PAGE_SIZE = 25  # My coaching lists this many spaces a page
COACH_SIZES = (5, 40, 200)
ROUNDS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=200_000, help="client spaces to load")
    parser.add_argument("--repeat", type=int, default=100, help="timed runs per page")
    parser.add_argument("--seconds", type=int, default=5, help="wrk run length per page")
    parser.add_argument("--port", type=int, default=9191, help="gunicorn's port (127.0.0.1)")
    parser.add_argument("--sqlite", action="store_true", help="a throw-away SQLite file")
    parser.add_argument(
        "--keep-db", action="store_true", help="PostgreSQL: keep the database afterwards"
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="PostgreSQL: measure on the data a --keep-db run left (implies --keep-db)",
    )
    args = parser.parse_args()
    if args.reuse_db and args.sqlite:
        parser.error("--reuse-db works on PostgreSQL only")
    args.keep_db = args.keep_db or args.reuse_db
    if args.spaces < 300 or args.repeat < 1 or args.seconds < 1:
        parser.error("--spaces must be at least 300, --repeat and --seconds at least 1")
    return args


ARGS = parse_args()
if ARGS.keep_db and not ARGS.sqlite:
    # The documents' private files live as long as the database that names them.
    WORK_DIR = os.path.join(tempfile.gettempdir(), f"coaching-bench-pages-{BENCH_DB_NAME}")
    os.makedirs(WORK_DIR, exist_ok=True)
else:
    WORK_DIR = tempfile.mkdtemp(prefix="coaching-bench-pages-")
if ARGS.sqlite:
    DATABASE_URL = f"sqlite:///{WORK_DIR}/bench.sqlite3"
else:
    DATABASE_URL = urlsplit(SERVER_URL)._replace(path=f"/{BENCH_DB_NAME}").geturl()
# Forced, not defaulted: never a developer's own database or settings. The gunicorn workers
# get exactly this environment.
BENCH_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
    "DATABASE_URL": DATABASE_URL,
    "BENCH_PAGES_DIR": WORK_DIR,
}
os.environ.update(BENCH_ENV)
sys.path.insert(0, str(REPO_ROOT))

import django  # noqa: E402

django.setup()

# bench_lock builds the spaces. Importing it runs its own settings lines, too late to change
# the settings already loaded here; the environment is put back for the gunicorn workers.
import bench_lock  # noqa: E402

os.environ.update(BENCH_ENV)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from tests.programmes import make_programme  # noqa: E402
from wagtail_coaching.accounts import twofactor  # noqa: E402
from wagtail_coaching.sessions import board  # noqa: E402
from wagtail_coaching.sessions.models import CoachingSession  # noqa: E402
from wagtail_coaching.spaces import content, contracts, documents, lock  # noqa: E402
from wagtail_coaching.spaces.models import (  # noqa: E402
    ClientSpace,
    ClientSpaceUserObjectPermission,
)

User = get_user_model()
say = bench_lock.say


# --- The benchmark database ----------------------------------------------------------------

# bench_lock's functions create and drop the database its globals name: this one, never its own.
bench_lock.BENCH_DB_NAME = BENCH_DB_NAME
bench_lock.SERVER_URL = SERVER_URL


# --- Data ----------------------------------------------------------------------------------


def coach_with_spaces(name, count, org_id):
    """A coach (in the Coaches group) with ``count`` spaces, each with a coming session."""
    coach = User.objects.create(username=name, first_name="Coach", last_name=name, password="!")
    coach.groups.add(bench_lock.roles.coaches_group())
    coachees = User.objects.bulk_create(bench_lock._users(f"{name}-client", 0, count))
    spaces = ClientSpace.objects.bulk_create(
        ClientSpace(
            coach=coach,
            coachee=coachee,
            organisation_id=org_id,
            status=("active", "planned", "paused", "closed")[number % 4],
            start_date=timezone.localdate(),
        )
        for number, coachee in enumerate(coachees)
    )
    ClientSpaceUserObjectPermission.objects.bulk_create(
        bench_lock._entry_grants(spaces, lock.enter_permission_id())
    )
    bench_lock.build_sessions([space.pk for space in spaces])
    return coach


def open_session(space):
    """A session of ``space`` whose video room is open now."""
    return CoachingSession.objects.create(
        space=space,
        starts_at=timezone.now() - timedelta(minutes=5),
        duration_minutes=60,
    )


def furnish(space, coachee, coach):
    """What a coachee's space holds after some weeks: a programme, an open session, notes,
    goals, documents, board strokes, and both participants' acceptance of the contract."""
    programme, modules = make_programme(modules=3)
    space.programme = programme
    space.save()
    contract = contracts.applicable_contract(space)
    for user in (coachee, coach):
        contracts.accept(user, space, contract, contract.sha256)
    session = open_session(space)
    with transaction.atomic():
        for number in range(20):
            note = content.Note(space=space, author=coachee, visibility="shared")
            note.body = f"Note {number}: what I noticed this week."
            note.save()
        for number in range(5):
            goal = content.Goal(space=space, created_by=coachee)
            goal.title = f"Goal {number}"
            goal.why = "Because it matters."
            goal.save()
    for number in range(3):
        documents.store_document(
            space,
            coachee,
            SimpleUploadedFile(f"plan-{number}.txt", b"My plan.\n", "text/plain"),
        )
    for number in range(30):
        board.apply(
            space,
            coach,
            {
                "kind": "stroke",
                "id": f"stroke-{number:04d}",
                "tool": "pen",
                "width": 3,
                "points": [[10 + number, 10], [60 + number, 80], [90, 120 + number]],
            },
        )
    return modules[0], session


# --- Measuring -----------------------------------------------------------------------------


def client_for(user):
    """A client logged in as ``user`` as after a real log-in: a coach (whom the production
    settings ask for a second factor) has a confirmed authenticator and gave its code, so
    the pages answer, not the second factor's setup page."""
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    if twofactor.is_required(user):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[twofactor.VERIFIED_AT_KEY] = time.time()
        session.save()
    return client


def cases_for(coachee, space, module, session, coaches):
    """(label, url, client, expected My coaching cards) of every page measured."""
    ids = {"public_id": space.public_id}
    room = {**ids, "session_id": session.pk}
    version = board.changes_since(space, 0)["version"]
    coachee_client = client_for(coachee)
    pages = [
        ("home page /", "/"),
        ("space page", reverse("wagtail_coaching:space", kwargs=ids)),
        ("journey", reverse("wagtail_coaching:space_journey", kwargs=ids)),
        (
            "module",
            reverse("wagtail_coaching:space_module", kwargs={**ids, "module_id": module.pk}),
        ),
        ("room", reverse("wagtail_coaching:session_room", kwargs=room)),
        ("room token", reverse("wagtail_coaching:session_room_token", kwargs=room)),
        ("board poll", reverse("wagtail_coaching:board_state", kwargs=ids) + f"?since={version}"),
        ("notes (20)", reverse("wagtail_coaching:notes", kwargs=ids)),
    ]
    cases = [(label, url, coachee_client, None) for label, url in pages]
    for size, coach in coaches:
        cases.append(
            (
                f"My coaching, coach of {size}",
                reverse("wagtail_coaching:my_coaching"),
                client_for(coach),
                min(size, PAGE_SIZE),
            )
        )
    return cases


def in_process(cases, repeat):
    funcs = [
        (label, bench_lock.page_getter(client, url, expected))
        for label, url, client, expected in cases
    ]
    return bench_lock.measure(funcs, repeat)


def raw_exists(user_id, space_id, permission_id):
    table = ClientSpaceUserObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE user_id = %s AND permission_id = %s"  # noqa: S608
            " AND content_object_id = %s)",
            [user_id, permission_id, space_id],
        )
        return cursor.fetchone()[0]


def lock_cases(coachee, space):
    permission_id = lock.enter_permission_id()
    bare = ClientSpace.objects.get(pk=space.pk)  # not opened by the lock: it asks
    return [
        ("raw EXISTS on the grant table", lambda: raw_exists(coachee.pk, space.pk, permission_id)),
        ("lock.may_enter(coachee, space)", lambda: lock.may_enter(coachee, bare)),
    ]


# --- Throughput (gunicorn + wrk) -----------------------------------------------------------


def wait_for_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped; see its output above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not listen on 127.0.0.1:{port}")


def check_served(url, cookie):
    """Fail loudly unless gunicorn answers ``url`` with the page itself (200)."""
    request = urllib.request.Request(url, headers=served_headers(cookie))
    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"gunicorn answered {status} for {url}, not 200")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def served_headers(cookie):
    return {"Host": HOST, "X-Forwarded-Proto": "https", "Cookie": f"sessionid={cookie}"}


def wrk(url, cookie, seconds):
    headers = []
    for name, value in served_headers(cookie).items():
        headers += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c4",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output or not rate:
        raise SystemExit(f"wrk got errors from {url}:\n{output}")
    return rate


def throughput(cases, port, seconds):
    """Requests per second of each page, median of ROUNDS rounds taken in turns."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "sandbox.wsgi:application",
        ],
        cwd=REPO_ROOT,
        env=BENCH_ENV,
    )
    try:
        wait_for_port(port, process)
        rates = {label: [] for label, *_ in cases}
        for _label, url, client, _expected in cases:  # check, then warm both workers
            check_served(f"http://127.0.0.1:{port}{url}", client.cookies["sessionid"].value)
            wrk(f"http://127.0.0.1:{port}{url}", client.cookies["sessionid"].value, 1)
        for _round in range(ROUNDS):
            for label, url, client, _expected in cases:
                cookie = client.cookies["sessionid"].value
                rates[label].append(wrk(f"http://127.0.0.1:{port}{url}", cookie, seconds))
        return {label: statistics.median(values) for label, values in rates.items()}
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- Report --------------------------------------------------------------------------------

TARGETS = {
    "space page": "<= 1.30x",
    "journey": "<= 1.50x",
    "room": "<= 1.50x",
    f"My coaching, coach of {COACH_SIZES[-1]}": "<= 2.00x",
}


def print_pages(results):
    home = results[0]
    say("\nPages, in-process (django.test.Client), interleaved; ratio to the home page")
    say("  (CPU: this process's CPU time, the database server's excluded)")
    say(
        f"  {'page':<28} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'vs home':>8}"
        f" {'CPU ms':>7} {'CPU vs':>7}  target"
    )
    for result in results:
        ratio = result.median_ms / home.median_ms
        cpu_ratio = result.cpu_ms / home.cpu_ms if home.cpu_ms else 0
        say(
            f"  {result.label:<28} {result.queries:>7} {result.median_ms:>10.2f} "
            f"{result.p95_ms:>8.2f} {ratio:>7.2f}x {result.cpu_ms:>7.2f} {cpu_ratio:>6.2f}x"
            f"  {TARGETS.get(result.label, '')}"
        )


def print_lock(results):
    raw, ours = results
    say("\nThe lock's check against a raw EXISTS (same run, interleaved)")
    for result in results:
        say(f"  {result.label:<34} {result.median_ms * 1000:>8.1f} µs (median)")
    say(f"  ratio may_enter / raw EXISTS: {ours.median_ms / raw.median_ms:.2f}x  target <= 2.00x")


def print_throughput(rates, seconds):
    home = next(iter(rates.values()))
    say(
        f"\nThroughput: gunicorn, 2 sync workers; wrk -t1 -c4, {seconds} s a page, "
        f"median of {ROUNDS} rounds in turns"
    )
    say(f"  {'page':<28} {'req/s':>8} {'vs home':>8}  target")
    for label, rate in rates.items():
        target = ">= 0.70x" if label == "space page" else ""
        say(f"  {label:<28} {rate:>8.1f} {rate / home:>7.2f}x  {target}")


def build():
    """Load the spaces; ``(coachee, space, module, session, coaches)`` to measure."""
    started = time.perf_counter()
    say(f"Building {ARGS.spaces:,} client spaces ...")
    bench_lock.build(ARGS.spaces)
    _coach, coachee, space = bench_lock.pick_users()
    org_id = space.organisation_id
    coaches = [(size, coach_with_spaces(f"coach{size}", size, org_id)) for size in COACH_SIZES]
    module, session = furnish(space, coachee, space.coach)
    bench_lock.analyze()
    say(f"  built in {time.perf_counter() - started:.0f} s")
    return coachee, space, module, session, coaches


def built():
    """What :func:`build` returned, found again in a kept database (``--reuse-db``)."""
    space = ClientSpace.objects.select_related("coachee").get(programme__isnull=False)
    module = space.programme.get_children().specific().first()
    coaches = [(size, User.objects.get(username=f"coach{size}")) for size in COACH_SIZES]
    say("Reusing the data of a previous run.")
    return space.coachee, space, module, open_session(space), coaches


def run():
    say(f"Database {connection.settings_dict['NAME']} ({connection.vendor}); migrating ...")
    bench_lock.migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    coachee, space, module, session, coaches = built() if ARGS.reuse_db else build()
    for name, value in bench_lock.row_counts().items():
        say(f"  {name:<18} {value:>10,}")
    bench_lock.print_load("before measuring")

    space = ClientSpace.objects.get(pk=space.pk)
    cases = cases_for(coachee, space, module, session, coaches)
    print_pages(in_process(cases, ARGS.repeat))
    print_lock(bench_lock.measure(lock_cases(coachee, space), ARGS.repeat * 20))
    if shutil.which("wrk") and importlib.util.find_spec("gunicorn"):
        wanted = {"home page /", "space page", "journey", "room", "board poll"}
        chosen = [case for case in cases if case[0] in wanted]
        print_throughput(throughput(chosen, ARGS.port, ARGS.seconds), ARGS.seconds)
    else:
        say(
            "\nwrk or gunicorn is not installed (apt-get install wrk; the bench extra):"
            " no throughput figures."
        )
    bench_lock.print_load("after measuring")


def main():
    if not ARGS.sqlite and not ARGS.reuse_db:
        bench_lock.recreate_postgres_database()
    try:
        run()
    finally:
        if not ARGS.sqlite and not ARGS.keep_db:
            bench_lock.drop_postgres_database()
        elif not ARGS.sqlite:
            say(f"\nKept database {BENCH_DB_NAME}.")
        if ARGS.sqlite or not ARGS.keep_db:
            shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
