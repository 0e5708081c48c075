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
