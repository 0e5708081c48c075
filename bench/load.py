"""Load test: simulated coachees, coaches and HR against two app processes behind nginx.

Run from the repository root, with the ``bench`` extra installed (Locust and gunicorn)::

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/load.py                         # 100 users for 60 s
    .venv/bin/python bench/load.py --users 10 --seconds 10  # a quick smoke run

What it does, all on 127.0.0.1:

* creates its own PostgreSQL database, ``wagtail_coaching_load`` (or
  ``$WAGTAIL_COACHING_BENCH_DB``) on the server of ``DATABASE_URL``, migrates it with the
  sandbox's production settings (``bench/load_settings.py``: DEBUG off, sessions in the
  database, the cache and the channel layer in Redis at ``REDIS_URL`` under a prefix of the
  run's own, the private storage in a temporary folder), and loads the people: one space
  per simulated coachee, coaches of several spaces each, two HR users of the sponsor, the
  contracts accepted, an authenticator app for every coach and HR user, a programme, past
  and planned sessions;
* starts two app processes (gunicorn, ``--workers`` each, on ``--port`` + 1 and + 2), as two
  hosts would run them, and Debian's nginx on ``--port`` in front of both (TLS with a
  throw-away certificate, static files, the upstream of both processes);
* logs every simulated user in through the login page (and the second factor's page for
  coaches and HR, with the code their app would show), then runs Locust headless for
  ``--seconds``: coachees and coaches open My coaching, their space, the journey, notes and
  documents, write notes, upload a document, draw on the paper board through its HTTP
  endpoint and poll it; HR users open the organisation's report and its CSV;
* prints requests per second, p50/p95 per page and failures, then checks in the database
  that every note, board operation and document a client got a success for is stored
  exactly once (markers read back through the app's decryption), that no failed write left
  anything behind (rows, or files in the private storage), and the machine's load;
* stops the processes, drops the database and the run's Redis keys, removes its folder.

Exit status 1 when any request failed, any write was lost or doubled, or the setup failed.
"""

# Locust runs on gevent: patch the standard library before anything opens a socket.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import collections  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = os.environ.get("WAGTAIL_COACHING_BENCH_DB", "wagtail_coaching_load")
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/wagtail_coaching"
SERVER_URL = os.environ.get("DATABASE_URL", DEFAULT_SERVER_URL)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "load-test-password"  # every simulated user's; the database is thrown away
HR_USERS = 2
SPACES_PER_COACH = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="simulated users")
    parser.add_argument("--seconds", type=int, default=60, help="length of the measured run")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument(
        "--port", type=int, default=9181, help="nginx's port; the app processes take the next two"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per process")
    args = parser.parse_args()
    if args.users < 4 or args.seconds < 1 or args.spawn_rate <= 0 or args.workers < 1:
        parser.error("--users must be at least 4, --seconds, --spawn-rate, --workers above 0")
    return args


ARGS = parse_args()
WORK_DIR = tempfile.mkdtemp(prefix="coaching-load-")
PREFIX = f"wc_load_{uuid.uuid4().hex[:12]}"
# Forced, not defaulted: never a developer's own database or settings. The app processes get
# exactly this environment.
BENCH_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.load_settings",
    "DATABASE_URL": urlsplit(SERVER_URL)._replace(path=f"/{BENCH_DB_NAME}").geturl(),
    "BENCH_PAGES_DIR": WORK_DIR,
    "REDIS_URL": REDIS_URL,
    "BENCH_LOAD_PREFIX": PREFIX,
}
os.environ.update(BENCH_ENV)
sys.path.insert(0, str(REPO_ROOT))

import django  # noqa: E402

django.setup()

# bench_lock creates and drops the database. Importing it runs its own settings lines, too
# late to change the settings loaded here; the environment is put back for the app processes.
import bench_lock  # noqa: E402

os.environ.update(BENCH_ENV)
bench_lock.BENCH_DB_NAME = BENCH_DB_NAME
bench_lock.SERVER_URL = SERVER_URL

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import gevent.lock  # noqa: E402
import gevent.pool  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from locust import between  # noqa: E402
from locust.contrib.fasthttp import FastHttpUser  # noqa: E402
from locust.env import Environment  # noqa: E402

from tests.programmes import make_programme  # noqa: E402
from wagtail_coaching.accounts import twofactor  # noqa: E402
from wagtail_coaching.sessions.board import BoardOperation  # noqa: E402
from wagtail_coaching.spaces import content, contracts, documents, lock, roles  # noqa: E402
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, Organisation  # noqa: E402

User = get_user_model()
say = bench_lock.say


# --- The people ----------------------------------------------------------------------------


def head_counts(users):
    """``(coachees, coaches, hr)`` adding up to ``users``: two HR users, a coach for about
    every ``SPACES_PER_COACH`` coachees, the rest coachees (each with a space)."""
    coaches = max(1, round((users - HR_USERS) / (SPACES_PER_COACH + 1)))
    return users - HR_USERS - coaches, coaches, HR_USERS


def person(username, first_name, encoded_password, second_factor=False):
    user = User.objects.create(
        username=username, first_name=first_name, last_name="Load", password=encoded_password
    )
    account = {"username": username, "totp_key": None, "spaces": []}
    if second_factor:
        device = TOTPDevice.objects.create(
            user=user, name=twofactor.TOTP_DEVICE_NAME, confirmed=True
        )
        account["totp_key"] = device.key
    return user, account


def build(users):
    """The accounts Locust logs in with, per role, after loading the people and spaces."""
    n_coachees, n_coaches, n_hr = head_counts(users)
    encoded = make_password(PASSWORD)  # hashed once: the same for everyone
    organisation = Organisation.objects.create(name="Load Sponsor")
    programme, _modules = make_programme(modules=3)
    coaches = [
        person(f"load-coach-{number:03d}", "Coach", encoded, second_factor=True)
        for number in range(n_coaches)
    ]
    for coach, _account in coaches:
        coach.groups.add(roles.coaches_group())
    access_admin = Permission.objects.get(
        codename="access_admin", content_type__app_label="wagtailadmin"
    )
    hr = []
    for number in range(n_hr):
        user, account = person(f"load-hr-{number}", "HR", encoded, second_factor=True)
        user.user_permissions.add(access_admin)
        lock.grant_report_access(user, organisation)
        account["organisation"] = organisation.pk
        hr.append(account)
    coachees, space_ids = [], []
    for number in range(n_coachees):
        coachee, account = person(f"load-coachee-{number:03d}", "Coachee", encoded)
        coach, coach_account = coaches[number % n_coaches]
        space = ClientSpace.objects.create(
            coachee=coachee,
            coach=coach,
            organisation=organisation,
            programme=programme,
            status=ClientSpaceStatus.ACTIVE,
            start_date=timezone.localdate() - timedelta(days=30),
        )
        contract = contracts.applicable_contract(space)
        for user in (coachee, coach):
            contracts.accept(user, space, contract, contract.sha256)
        account["spaces"].append(str(space.public_id))
        coach_account["spaces"].append(str(space.public_id))
        coachees.append(account)
        space_ids.append(space.pk)
    bench_lock.build_sessions(space_ids)
    bench_lock.analyze()
    return {"coachee": coachees, "coach": [account for _user, account in coaches], "hr": hr}


# --- The servers ---------------------------------------------------------------------------

NGINX_CONFIG = """
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream coaching_app {{
        server 127.0.0.1:{app_port_1};
        server 127.0.0.1:{app_port_2};
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {prefix}/cert.pem;
        ssl_certificate_key {prefix}/key.pem;
        client_max_body_size 210m;
        location /static/ {{ alias {static_root}/; }}
        location / {{
            proxy_pass http://coaching_app;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


class Servers:
    """Two gunicorn processes and nginx in front of them; :meth:`stop` ends them all."""

    def __init__(self, port, workers):
        self.port, self.workers = port, workers
        self.processes = []
        self.prefix = Path(WORK_DIR) / "nginx"
        self.logs = []

    def start(self):
        for number, app_port in enumerate((self.port + 1, self.port + 2), start=1):
            log_path = Path(WORK_DIR) / f"app-{number}.log"
            self.logs.append(log_path)
            with open(log_path, "wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "--workers", str(self.workers)]
                        + ["--bind", f"127.0.0.1:{app_port}", "--timeout", "300"]
                        + ["--log-level", "warning", "sandbox.wsgi:application"],
                        cwd=REPO_ROOT,
                        env=BENCH_ENV,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        self.prefix.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
            + ["-subj", "/CN=127.0.0.1", "-keyout", str(self.prefix / "key.pem")]
            + ["-out", str(self.prefix / "cert.pem")],
            check=True,
            capture_output=True,
        )
        (self.prefix / "nginx.conf").write_text(
            NGINX_CONFIG.format(
                user="user root root;" if os.geteuid() == 0 else "",
                prefix=self.prefix,
                port=self.port,
                app_port_1=self.port + 1,
                app_port_2=self.port + 2,
                static_root=settings.STATIC_ROOT,
            )
        )
        self.logs.append(self.prefix / "error.log")
        self.processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")]
                + ["-e", str(self.prefix / "error.log")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        for port in (self.port + 1, self.port + 2, self.port):
            self.wait_listening(port)
        self.warm_up()

    def warm_up(self):
        """Each worker imports the site and fills its caches on its first requests: a few
        log-in pages at once through nginx, not counted."""
        context = ssl._create_unverified_context()  # the throw-away certificate
        url = f"https://127.0.0.1:{self.port}/accounts/login/"

        def fetch(_number):
            with urllib.request.urlopen(url, timeout=120, context=context) as response:
                response.read()

        gevent.pool.Pool(2 * self.workers).map(fetch, range(8 * self.workers))

    def wait_listening(self, port, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise SetupFailed(f"a server stopped while starting:\n{self.log_tails()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        raise SetupFailed(f"nothing listens on 127.0.0.1:{port}:\n{self.log_tails()}")

    def log_tails(self, lines=15):
        # The servers' own logs: the app never writes space content into them.
        tails = []
        for path in self.logs:
            if path.exists() and path.stat().st_size:
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                tails.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(tails)

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class SetupFailed(Exception):
    pass


# --- What the simulated users write, and what they were told -------------------------------


class Ledger:
    """Every write a client sent, by kind: the markers it got a success for (``ok``), a
    failure for (``failed``), and those still waiting for an answer (``pending``)."""

    def __init__(self):
        self.kinds = collections.defaultdict(lambda: {"ok": {}, "failed": set(), "pending": set()})

    def send(self, kind, marker):
        self.kinds[kind]["pending"].add(marker)

    def answered(self, kind, marker, ok, detail=None):
        entry = self.kinds[kind]
        entry["pending"].discard(marker)
        if ok:
            entry["ok"][marker] = detail
        else:
            entry["failed"].add(marker)


LEDGER = Ledger()
MARKER_RE = re.compile(r"lt-[0-9a-f]{20}")
LOGINS = collections.Counter()  # "done" (whatever happened), "in" (logged in)
START = gevent.event.Event()
STOPPING = []
UNDER_WAY = [0]
LOGIN_SLOTS = gevent.lock.BoundedSemaphore(2 * ARGS.workers)


def new_marker():
    return f"lt-{uuid.uuid4().hex[:20]}"


# --- The simulated users -------------------------------------------------------------------


class Visitor(FastHttpUser):
    """A person with a browser: logs in on start, then sends what their pages would send,
    with Django's CSRF token read from the cookie, as the pages' scripts do."""

    abstract = True
    wait_time = between(0.5, 2.5)
    network_timeout = 120.0
    connection_timeout = 30.0
    accounts = []  # set by run(): the accounts of this class, one per simulated user

    def on_start(self):
        self.account = self.accounts.pop()
        self.board_versions = {}
        # As many log-ins at once as the app has workers: a queue of log-ins (each hashes a
        # password) would make the authenticator code expire before the server reads it.
        with LOGIN_SLOTS:
            try:
                self.log_in()
            finally:
                LOGINS["done"] += 1
        START.wait()  # every user starts working when all are in: the run is all measured

    def csrf_token(self):
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def post_form(self, url, fields, name, expect=302):
        """POST ``fields`` as a form would; True when the answer is ``expect``."""
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf_token()})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.host,
            "Referer": self.host + url,
        }
        return self.post(url, body, headers, name, expect)

    def post(self, url, body, headers, name, expect):
        with self.client.post(
            url,
            data=body,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == expect:
                response.success()
                return response
            response.failure(f"answered {response.status_code}, expected {expect}")
            return None

    def get(self, url, name, expect=200):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"answered {response.status_code}, expected {expect}")
                return None
            response.success()
            return response

    def log_in(self):
        self.get("/accounts/login/", "log-in page")
        fields = {"username": self.account["username"], "password": PASSWORD}
        if self.post_form("/accounts/login/?next=/coaching/", fields, "log in") is None:
            return
        key = self.account["totp_key"]
        if key:
            code = f"{totp(bytes.fromhex(key)):06d}"
            verify = "/coaching/account/second-factor/?next=/coaching/"
            if self.post_form(verify, {"code": code}, "second factor") is None:
                return
        if self.get("/coaching/", "My coaching") is not None:
            LOGINS["in"] += 1


# Tasks of coachees and coaches, each in a space of theirs.


def activity(func):
    """A task that starts only while the run lasts, counted while under way: the run ends
    when the clock is up and every task begun has had its answers."""

    @functools.wraps(func)
    def run(user):
        if STOPPING:
            return
        UNDER_WAY[0] += 1
        try:
            func(user)
        finally:
            UNDER_WAY[0] -= 1

    return run


def space_url(user, path=""):
    return f"/coaching/spaces/{random.choice(user.account['spaces'])}/{path}"


@activity
def my_coaching(user):
    user.get("/coaching/", "My coaching")


@activity
def space_page(user):
    user.get(space_url(user), "space")


@activity
def journey(user):
    user.get(space_url(user, "journey/"), "journey")


@activity
def notes_list(user):
    user.get(space_url(user, "notes/"), "notes list")


@activity
def documents_list(user):
    user.get(space_url(user, "documents/"), "documents list")


@activity
def write_note(user):
    url = space_url(user, "notes/")
    marker = new_marker()
    LEDGER.send("note", marker)
    fields = {
        "body": f"What I noticed today ({marker}): the meeting went better.",
        "visibility": random.choice(("shared", "private")),
    }
    done = user.post_form(url, fields, "write a note")
    LEDGER.answered("note", marker, done is not None and done.headers.get("Location") == url)
    if done is not None:  # the browser follows the redirect
        user.get(url, "notes list")


@activity
def upload_document(user):
    url = space_url(user, "documents/")
    marker = new_marker()
    boundary = f"----load{uuid.uuid4().hex}"
    text = f"My plan for the quarter ({marker}).\n".encode()
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{user.csrf_token()}\r\n"
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{marker}.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + text
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Origin": user.host,
        "Referer": user.host + url,
    }
    LEDGER.send("document", marker)
    done = user.post(url, body, headers, "upload a document", 302)
    LEDGER.answered("document", marker, done is not None, detail=text)
    if done is not None:
        user.get(url, "documents list")


@activity
def draw_on_board(user):
    public_id = random.choice(user.account["spaces"])
    marker = new_marker()
    points = [[random.randint(0, 1000), random.randint(0, 1414)] for _ in range(24)]
    payload = {"kind": "stroke", "id": marker, "tool": "pen", "width": 3, "points": points}
    LEDGER.send("board", marker)
    with user.client.post(
        f"/coaching/spaces/{public_id}/board/ops/",
        json=payload,
        headers={"X-CSRFToken": user.csrf_token(), "Origin": user.host},
        name="board: draw",
        catch_response=True,
    ) as response:
        ok = response.status_code == 200 and response.json().get("id") == marker
        if ok:
            response.success()
        else:
            response.failure(f"answered {response.status_code}")
    LEDGER.answered("board", marker, ok, detail=len(points))


@activity
def poll_board(user):
    public_id = random.choice(user.account["spaces"])
    since = user.board_versions.get(public_id, 0)
    response = user.get(f"/coaching/spaces/{public_id}/board/?since={since}", "board: poll")
    if response is not None:
        user.board_versions[public_id] = response.json()["version"]


def report_url(user, query=""):
    return f"/admin/coaching-reports/{user.account['organisation']}/{query}"


@activity
def hr_report(user):
    user.get(report_url(user), "HR: organisation report")


@activity
def hr_csv(user):
    with user.client.get(
        report_url(user, "?export=csv"), name="HR: report CSV", catch_response=True
    ) as response:
        kind = (response.headers or {}).get("Content-Type", "")
        if response.status_code == 200 and kind.startswith("text/csv"):
            response.success()
        else:
            response.failure(f"answered {response.status_code} ({kind})")


@activity
def hr_index(user):
    user.get("/admin/coaching-reports/", "HR: reports index")


class Coachee(Visitor):
    tasks = {
        my_coaching: 2,
        space_page: 2,
        journey: 2,
        notes_list: 2,
        write_note: 3,
        documents_list: 1,
        upload_document: 1,
        draw_on_board: 4,
        poll_board: 4,
    }


class Coach(Visitor):
    # The same pages on their several spaces, reading more than writing.
    tasks = {
        my_coaching: 3,
        space_page: 3,
        journey: 2,
        notes_list: 3,
        write_note: 1,
        documents_list: 2,
        upload_document: 1,
        draw_on_board: 2,
        poll_board: 4,
    }


class HR(Visitor):
    tasks = {hr_report: 4, hr_csv: 2, hr_index: 1}


# --- The run -------------------------------------------------------------------------------


def run_load(accounts, origin):
    """Log every simulated user in, then run the load; ``(stats, login stats, seconds)``."""
    classes = {"coachee": Coachee, "coach": Coach, "hr": HR}
    for role, user_class in classes.items():
        user_class.accounts = list(accounts[role])
        user_class.fixed_count = len(accounts[role])
    users = sum(len(found) for found in accounts.values())
    env = Environment(user_classes=list(classes.values()), host=origin)
    runner = env.create_local_runner()
    say(f"\nLogging {users} users in ({ARGS.spawn_rate:g} a second) ...")
    runner.start(users, spawn_rate=ARGS.spawn_rate)
    deadline = time.monotonic() + users / ARGS.spawn_rate + 300
    while LOGINS["done"] < users and time.monotonic() < deadline:
        gevent.sleep(0.5)
    login_stats = snapshot(env.stats)
    env.stats.reset_all()
    if LOGINS["in"] < users:
        say(f"  only {LOGINS['in']} of {users} users logged in")
        runner.quit()  # the users wait for START: nothing under way to finish
        return snapshot(env.stats), login_stats, 0, runner.exceptions
    say(f"Running {users} users for {ARGS.seconds} s ...")
    started, cpu = time.monotonic(), time.process_time()
    START.set()
    gevent.sleep(ARGS.seconds)
    STOPPING.append(True)
    finish_by = time.monotonic() + 120
    while UNDER_WAY[0] and time.monotonic() < finish_by:
        gevent.sleep(0.05)
    elapsed = time.monotonic() - started
    say(
        f"  Locust's own CPU time: {time.process_time() - cpu:.1f} s in {elapsed:.1f} s"
        " (one core at most: above ~90% its figures understate the servers)"
    )
    stats = snapshot(env.stats)
    runner.quit()  # the users are between tasks: nothing under way to finish
    return stats, login_stats, elapsed, runner.exceptions


def snapshot(stats):
    rows = []
    for (name, method), entry in sorted(stats.entries.items()):
        if not entry.num_requests:
            continue
        rows.append(
            {
                "name": f"{method} {name}",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "max": entry.max_response_time or 0,
            }
        )
    errors = [(error.name, error.error, error.occurrences) for error in stats.errors.values()]
    return {"rows": rows, "errors": errors}


def print_stats(title, stats, seconds=None):
    total = sum(row["requests"] for row in stats["rows"])
    failures = sum(row["failures"] for row in stats["rows"])
    say(f"\n{title}")
    say(f"  {'page':<36} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for row in stats["rows"]:
        say(
            f"  {row['name']:<36} {row['requests']:>8} {row['failures']:>8} {row['p50']:>7.0f}"
            f" {row['p95']:>7.0f} {row['max']:>7.0f}"
        )
    rate = f", {total / seconds:.1f} requests/s" if seconds else ""
    say(f"  total: {total} requests, {failures} failures{rate}")
    for name, error, occurrences in stats["errors"]:
        say(f"  failure x{occurrences}: {name}: {error}")
    return failures


# --- Checking what was stored --------------------------------------------------------------


def stored_markers():
    """``{kind: Counter of markers}`` as read back from the database (decrypted), and
    ``(problems)`` found on the way (a stored item unlike what was sent, an orphan file)."""
    problems = []
    found = {"note": collections.Counter(), "board": collections.Counter()}
    found["document"] = collections.Counter()
    spaces = {space.pk: space for space in ClientSpace.objects.all()}
    for note in content.Note.objects.all():
        note.space = spaces[note.space_id]
        found["note"].update(MARKER_RE.findall(note.body))
    expected_points = LEDGER.kinds["board"]["ok"]
    for op in BoardOperation.objects.select_related("board"):
        op.board.space = spaces[op.board.space_id]
        found["board"][op.item_id] += 1
        sent = expected_points.get(op.item_id)
        if sent is not None and len(op.data.get("points", ())) != sent:
            problems.append(f"board operation {op.item_id}: not the stroke that was sent")
    names = set()
    sent_documents = LEDGER.kinds["document"]["ok"]
    for document in content.SpaceDocument.objects.all():
        document.space = spaces[document.space_id]
        marker = document.name.removesuffix(".txt")
        found["document"][marker] += 1
        names.add(document.storage_name)
        if marker in sent_documents and documents.read_document(document) != sent_documents[marker]:
            problems.append(f"document {marker}: its content is not the one sent")
    root = Path(settings.WAGTAIL_COACHING_PRIVATE_ROOT)
    on_disk = (
        {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
        if root.exists()
        else set()
    )
    for orphan in sorted(on_disk - names):
        problems.append(f"a file in the private storage belongs to no document: {orphan}")
    for missing in sorted(names - on_disk):
        problems.append(f"a document's file is missing: {missing}")
    return found, problems


def check_writes():
    """Print the exactly-once check; the number of problems found."""
    found, problems = stored_markers()
    say("\nWrites: each one a client got a success for must be stored exactly once")
    say(
        f"  {'kind':<10} {'sent':>6} {'ok':>6} {'failed':>6} {'stored':>7} {'lost':>5}"
        f" {'doubled':>7} {'left by failures':>17} {'unexpected':>10}"
    )
    for kind in ("note", "board", "document"):
        ledger = LEDGER.kinds[kind]
        ok, failed, pending = set(ledger["ok"]), ledger["failed"], ledger["pending"]
        counts = found[kind]
        lost = [marker for marker in ok if counts[marker] == 0]
        doubled = [marker for marker in ok if counts[marker] > 1]
        left = [marker for marker in failed | pending if counts[marker]]
        unexpected = [marker for marker in counts if marker not in ok | failed | pending]
        say(
            f"  {kind:<10} {len(ok) + len(failed) + len(pending):>6} {len(ok):>6}"
            f" {len(failed) + len(pending):>6} {sum(counts.values()):>7} {len(lost):>5}"
            f" {len(doubled):>7} {len(left):>17} {len(unexpected):>10}"
        )
        problems += [f"{kind} {marker} lost" for marker in lost]
        problems += [f"{kind} {marker} stored {counts[marker]} times" for marker in doubled]
        problems += [f"{kind} {marker} stored after a failure" for marker in left]
        problems += [f"{kind} {marker} stored, never sent" for marker in unexpected]
        problems += [f"{kind} {marker}: no answer" for marker in pending]
    for problem in problems[:20]:
        say(f"  PROBLEM: {problem}")
    return len(problems)


# --- Main ----------------------------------------------------------------------------------


def clean_redis():
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


def run():
    say(f"Database {BENCH_DB_NAME} on {urlsplit(SERVER_URL).hostname}; migrating ...")
    started = time.monotonic()
    bench_lock.migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    accounts = build(ARGS.users)
    n_coachees, n_coaches, n_hr = head_counts(ARGS.users)
    say(
        f"  {n_coachees} coachees (a space each), {n_coaches} coaches, {n_hr} HR users;"
        f" built in {time.monotonic() - started:.0f} s"
    )
    servers = Servers(ARGS.port, ARGS.workers)
    try:
        servers.start()
        say(
            f"nginx on https://127.0.0.1:{ARGS.port}, two gunicorn processes of"
            f" {ARGS.workers} workers on ports {ARGS.port + 1} and {ARGS.port + 2}"
        )
        bench_lock.print_load("before the run")
        origin = f"https://127.0.0.1:{ARGS.port}"
        stats, login_stats, elapsed, exceptions = run_load(accounts, origin)
    finally:
        servers.stop()
    errors = print_stats("Log-ins (before the measured run)", login_stats)
    if elapsed:
        errors += print_stats(
            f"The run: {ARGS.users} users, {elapsed:.1f} s (from start to the last answer)",
            stats,
            elapsed,
        )
    else:
        errors += 1
    for exception in exceptions.values():
        say(f"  ERROR in the simulated users' code x{exception['count']}: {exception['msg']}")
        errors += exception["count"]
    bench_lock.print_load("after the run")
    problems = check_writes()
    if errors:
        say(f"\nServer logs (never space content):\n{servers.log_tails()}")
    say(f"\nTarget: 0 errors, 0 lost or doubled writes. Errors: {errors}, problems: {problems}.")
    return errors + problems


def main():
    if not shutil.which("openssl") or not os.access(NGINX, os.X_OK):
        raise SystemExit("nginx and openssl are needed: apt-get install nginx openssl")
    bench_lock.recreate_postgres_database()
    try:
        failed = run()
    except SetupFailed as exc:
        say(f"Setup failed: {exc}")
        failed = 1
    finally:
        bench_lock.drop_postgres_database()
        clean_redis()
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
