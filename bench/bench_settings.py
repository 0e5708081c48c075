"""Benchmark settings: the test settings on a throw-away SQLite file (or DATABASE_URL on
PostgreSQL with WAGTAIL_COACHING_TEST_DB=postgres), shared by the server thread."""

import os
import tempfile

from tests.settings import *  # noqa: F403

if os.environ.get("WAGTAIL_COACHING_TEST_DB", "sqlite") != "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.mkdtemp(prefix="coaching-bench-"), "bench.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }
DEBUG = False

# The space's zip is built by a task; here it runs inside the request that asks for it, so the
# server process measured holds the build as the task worker would.
from wagtail_coaching.compat import TASKS_MODULE  # noqa: E402

TASKS = {"default": {"BACKEND": f"{TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
