"""A document download through Debian's nginx in front of the app (X-Accel-Redirect).

nginx runs as a child of the test, with its own configuration and prefix in a temporary
folder, on the first free port of 127.0.0.1:9173-9179, proxying to ``live_server``. The
test downloads a document through it as a browser would and checks what the browser gets:
the bytes, ``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff`` and
``Cache-Control: private, no-store``; that the decrypted copy is not reachable directly; and
that the copy is gone once its lifetime is over.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail_coaching.spaces import contracts, documents

from .factories import ClientSpaceFactory, CoachFactory, UserFactory

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    not os.access(NGINX, os.X_OK) and not os.environ.get("CI"),
    reason="nginx is not installed (.ci/run installs Debian's nginx)",
)

PLAN = b"%PDF-1.4\n% my plan for the quarter, seen by my coach only\n%%EOF\n"
CONFIG = """
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 210m;
        # WAGTAIL_COACHING_SENDFILE_URL_PREFIX -> WAGTAIL_COACHING_SENDFILE_ROOT, internal only.
        # On an X-Accel-Redirect nginx keeps only some of the app's headers (Content-Type,
        # Content-Disposition, Cache-Control...): the others are set here again.
        location /coaching-sendfile/ {{
            internal;
            alias {sendfile_root}/;
            add_header X-Content-Type-Options "nosniff" always;
            add_header Content-Security-Policy "default-src 'none'; sandbox" always;
        }}
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def free_port():
    for port in range(9173, 9180):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 127.0.0.1:9173-9179 for nginx")


@pytest.fixture
def nginx(tmp_path, live_server):
    prefix, sendfile_root = tmp_path / "nginx", tmp_path / "sendfile"
    prefix.mkdir()
    port = free_port()
    (prefix / "nginx.conf").write_text(
        CONFIG.format(
            user="user root root;" if os.geteuid() == 0 else "",
            prefix=prefix,
            port=port,
            sendfile_root=sendfile_root,
            upstream=live_server.url,
        )
    )
    process = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-e",
            str(prefix / "error.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{origin}/coaching-sendfile/", timeout=1)
        except urllib.error.HTTPError:
            break  # nginx answers (404: an internal location)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
                process.kill()
                pytest.fail(f"nginx did not start: {log}")
            time.sleep(0.1)
    yield origin, sendfile_root
    process.terminate()
    process.wait(timeout=10)


def test_a_download_through_nginx_x_accel_redirect(transactional_db, settings, nginx):
    origin, sendfile_root = nginx
    settings.WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD = "x-accel-redirect"
    settings.WAGTAIL_COACHING_SENDFILE_ROOT = str(sendfile_root)
    settings.WAGTAIL_COACHING_SENDFILE_URL_PREFIX = "/coaching-sendfile/"
    settings.WAGTAIL_COACHING_SENDFILE_TTL = 2
    coach, coachee = CoachFactory(), UserFactory()
    space = ClientSpaceFactory(coach=coach, coachee=coachee)
    contract = contracts.applicable_contract(space)
    contracts.accept(coach, space, contract, contract.sha256)
    document = documents.store_document(
        space, coachee, SimpleUploadedFile("Plan T2 été.pdf", PLAN, "application/pdf")
    )
    client = Client()
    client.force_login(coach)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    path = reverse(
        "wagtail_coaching:document_download",
        kwargs={"public_id": space.public_id, "document_uid": document.uid},
    )

    request = urllib.request.Request(origin + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        body, headers = response.read(), response.headers
    assert body == PLAN
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Plan%20T2%20%C3%A9t%C3%A9.pdf" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    [cache_control] = headers.get_all("Cache-Control")
    assert cache_control.startswith("private, no-store")
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Content-Type"] == "application/pdf"
    assert "X-Accel-Redirect" not in headers  # nginx consumed it

    # The decrypted copy exists for the proxy only: not reachable from outside ...
    [copy] = list(sendfile_root.iterdir())
    assert copy.read_bytes() == PLAN
    with pytest.raises(urllib.error.HTTPError) as direct:
        urllib.request.urlopen(f"{origin}/coaching-sendfile/{copy.name}", timeout=5)
    assert direct.value.code == 404
    # ... and gone once its lifetime is over, with no other download to trigger a sweep.
    deadline = time.monotonic() + 10
    while copy.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not copy.exists()
    assert list(sendfile_root.iterdir()) == []


def test_outsiders_get_404_and_no_copy_through_nginx(transactional_db, settings, nginx):
    origin, sendfile_root = nginx
    settings.WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD = "x-accel-redirect"
    settings.WAGTAIL_COACHING_SENDFILE_ROOT = str(sendfile_root)
    space = ClientSpaceFactory()
    document = documents.store_document(
        space, space.coachee, SimpleUploadedFile("plan.pdf", PLAN, "application/pdf")
    )
    client = Client()
    client.force_login(UserFactory())
    path = reverse(
        "wagtail_coaching:document_download",
        kwargs={"public_id": space.public_id, "document_uid": document.uid},
    )
    request = urllib.request.Request(
        origin + path, headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 404 and PLAN not in refused.value.read()
    assert not sendfile_root.exists() or list(sendfile_root.iterdir()) == []
