"""Settings of ``bench_pages.py``: the sandbox's production settings, as a site runs them
(cached templates, hashed static files, persistent database connections), on the benchmark's
own database, with throw-away folders and no network.

``bench_pages.py`` sets ``DATABASE_URL`` and ``BENCH_PAGES_DIR`` before Django starts, in its
own process and in the gunicorn workers it launches, so both read the same data.
"""

import os

_DIR = os.environ["BENCH_PAGES_DIR"]
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
# A fixed, public key (the test suite's): the benchmark's data is thrown away.
os.environ.setdefault(
    "WAGTAIL_COACHING_MASTER_KEYS", "bench-only:dGVzdHMtb25seS1ub3Qtc2VjcmV0LWtleS0zMmJ5dGU="
)
os.environ.setdefault("WAGTAIL_COACHING_PRIVATE_ROOT", os.path.join(_DIR, "private"))

from sandbox.settings.production import *  # noqa: E402, F403

STATIC_ROOT = os.path.join(_DIR, "static")
MEDIA_ROOT = os.path.join(_DIR, "media")
# The video block's embed comes from the test suite's finder: no request leaves the machine.
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embeds.FakeVideoFinder"}]
