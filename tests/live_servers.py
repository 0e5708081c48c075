"""ASGI server processes (daphne) for the live-room browser tests and the board benchmark.

:func:`start` runs ``tests.live_asgi`` in a new process on a free port in 9150-9159, on the
database named by ``database`` (a SQLite file or a PostgreSQL database name) and the shared
Redis channel layer under ``prefix``; :func:`stop` ends it.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(9150, 9160)
START_TIMEOUT_S = 60


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 9150-9159 for a test server.")


def _wait_listening(process, port):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test server on port {port} stopped: {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The test server on port {port} did not start.")


def start(database, prefix, log_path):
    """``(process, base_url)`` of a daphne process serving the test site."""
    port = free_port()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.live_settings",
        "LIVE_TEST_DB": str(database),
        "LIVE_TEST_PREFIX": prefix,
        "LIVE_TEST_JITSI_DOMAIN": f"127.0.0.1:{port}",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            + ["tests.live_asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_listening(process, port)
    except RuntimeError:
        stop(process)
        raise
    return process, f"http://127.0.0.1:{port}"


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
