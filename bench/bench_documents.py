"""Peak memory of the app process for a large document: upload, download and export.

    python bench/bench_documents.py [--mb 200] [--port 9171]

A child process serves the app (WSGI, one thread) on 127.0.0.1 with a throw-away SQLite
database and a private folder in a temporary directory, both removed at the end. This
process streams a ``--mb`` MB PDF to the documents page as a browser would (multipart, from
disk), downloads it back, has the space's export built and downloads it, checking the bytes
by SHA-256.
Before each request it resets the child's peak resident memory (Linux ``clear_refs``) and
afterwards reads it (``VmHWM``), and prints the peak over the idle process for each
request. Target: at most 64 MB over the idle process, whatever the document's size.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 64
PIECE = 1024 * 1024


# --- The server (child process) ------------------------------------------------------------


def serve(port, workdir):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    import django
    from django.conf import settings

    # Before anything touches storage: documents go to a private folder on disk (the test
    # settings keep them in memory), the database to a file in the same folder.
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "wagtail_coaching"}
    settings.WAGTAIL_COACHING_PRIVATE_ROOT = os.path.join(workdir, "private")
    settings.WAGTAIL_COACHING_DOCUMENT_MAX_SIZE = 1024 * 1024 * 1024
    settings.DATABASES["default"]["NAME"] = os.path.join(workdir, "bench.sqlite3")
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    django.setup()
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    from tests.factories import ClientSpaceFactory, CoachFactory, UserFactory
    from wagtail_coaching.spaces import contracts

    call_command("migrate", verbosity=0, interactive=False)
    coach = CoachFactory(username="bench-coach")
    coachee = UserFactory(username="bench-coachee")
    space = ClientSpaceFactory(coach=coach, coachee=coachee)
    contract = contracts.applicable_contract(space)
    for user in (coach, coachee):
        contracts.accept(user, space, contract, contract.sha256)
    client = Client()
    client.force_login(coachee)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=Quiet)
    print(
        json.dumps({"session": client.cookies["sessionid"].value, "space": str(space.public_id)}),
        flush=True,
    )
    server.serve_forever()


# --- The client (this process) -------------------------------------------------------------


def rss_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def reset_peak(pid):
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


class Session:
    def __init__(self, port, cookie):
        self.port = port
        self.csrf = uuid.uuid4().hex  # an unmasked 32-character CSRF secret
        self.cookie = f"sessionid={cookie}; csrftoken={self.csrf}"

    def request(self, method, path, body=None, headers=None, sink=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1", **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        digest, size = hashlib.sha256(), 0
        while piece := response.read(PIECE):
            digest.update(piece)
            size += len(piece)
            if sink is not None:
                sink.append(piece)
        connection.close()
        return response, digest.hexdigest(), size


def multipart(path, fields, filename):
    boundary = uuid.uuid4().hex
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    head = head.encode()
    length = len(head) + path.stat().st_size + len(tail)

    def body():
        yield head
        with path.open("rb") as handle:
            while piece := handle.read(PIECE):
                yield piece
        yield tail

    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
    }
    return body(), headers


def make_pdf(path, megabytes):
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        handle.write(head)
        digest.update(head)
        for _ in range(megabytes):
            piece = os.urandom(PIECE)
            handle.write(piece)
            digest.update(piece)
    return digest.hexdigest()


def measure(pid, function):
    idle = rss_kib(pid, "VmRSS")
    reset_peak(pid)
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    peak = rss_kib(pid, "VmHWM")
    return idle, peak, elapsed, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="document size in MB (200)")
    parser.add_argument("--port", type=int, default=9171, help="127.0.0.1 port (9171)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.serve)
        return

    with tempfile.TemporaryDirectory(prefix="coaching-bench-documents-") as workdir:
        work = Path(workdir)
        child = subprocess.Popen(
            [sys.executable, __file__, "--port", str(args.port), "--serve", workdir],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            run(args, work, child)
        finally:
            child.terminate()
            child.wait(timeout=30)


def run(args, work, child):
    info = json.loads(child.stdout.readline())
    session = Session(args.port, info["session"])
    space = f"/coaching/spaces/{info['space']}"

    def upload(path, name):
        body, headers = multipart(path, {"csrfmiddlewaretoken": session.csrf}, name)
        response, _digest, _size = session.request(
            "POST", f"{space}/documents/", body=body, headers=headers
        )
        if response.status != 302:
            raise SystemExit(f"upload refused: HTTP {response.status}")

    def download(name):
        _response, _digest, _size = session.request("GET", f"{space}/documents/")
        page = []
        session.request("GET", f"{space}/documents/", sink=page)
        html = b"".join(page).decode()
        links = re.findall(r'href="([^"]+/download/)"[^>]*>\s*' + re.escape(name), html)
        response, digest, size = session.request("GET", links[0])
        assert response.status == 200, response.status
        return digest, size

    def export():
        # Ask for the zip (built by the task, here inside that request), then download it.
        body = f"csrfmiddlewaretoken={session.csrf}".encode()
        response, _digest, _size = session.request(
            "POST",
            f"{space}/export/",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status == 302, response.status
        response, _digest, size = session.request("GET", f"{space}/export/zip/")
        assert response.status == 200, response.status
        return size

    # Warm up with a small document: imports and caches loaded, as in a running server.
    small = work / "small.pdf"
    make_pdf(small, 1)
    upload(small, "warm-up.pdf")
    download("warm-up.pdf")
    small.unlink()

    big = work / "big.pdf"
    expected = make_pdf(big, args.mb)
    rows = []
    idle, peak, seconds, _ = measure(child.pid, lambda: upload(big, "large.pdf"))
    rows.append(("upload", idle, peak, seconds))
    big.unlink()
    idle, peak, seconds, (digest, size) = measure(child.pid, lambda: download("large.pdf"))
    assert digest == expected, "the downloaded document differs from the uploaded one"
    rows.append(("download", idle, peak, seconds))
    idle, peak, seconds, _size = measure(child.pid, export)
    rows.append(("export (zip)", idle, peak, seconds))

    print(f"document: {args.mb} MB PDF (+{size - args.mb * PIECE} bytes); target <= {TARGET_MB} MB")
    print(f"{'request':<14} {'idle RSS MB':>12} {'peak RSS MB':>12} {'over idle MB':>13} {'s':>6}")
    worst = 0.0
    for name, idle, peak, seconds in rows:
        over = (peak - idle) / 1024
        worst = max(worst, over)
        print(f"{name:<14} {idle / 1024:>12.1f} {peak / 1024:>12.1f} {over:>13.1f} {seconds:>6.1f}")
    print(f"worst over idle: {worst:.1f} MB = {worst / TARGET_MB:.2f} x target")
    print(f"document size / worst over idle: {args.mb / max(worst, 0.1):.1f}")
    if worst > TARGET_MB:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
