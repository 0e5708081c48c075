"""Test settings: the sandbox site, with the database chosen by the environment.

WAGTAIL_COACHING_TEST_DB=postgres runs on PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/wagtail_coaching); anything else runs on SQLite.
"""

import os

from sandbox.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]

if os.environ.get("WAGTAIL_COACHING_TEST_DB", "sqlite") == "postgres":
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wagtail_coaching")
        )
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Development-only master key ring: a fixed, public key, never to be used with real data.
WAGTAIL_COACHING_MASTER_KEYS = {"tests-only": "dGVzdHMtb25seS1ub3Qtc2VjcmV0LWtleS0zMmJ5dGU="}
STORAGES["wagtail_coaching"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embeds.FakeVideoFinder"}]

# The second factor is required of no role here, so tests that log people in with
# force_login or the login form see the pages they test; tests/test_second_factor.py and
# the browser tests of the second factor put the sandbox's requirement back.
WAGTAIL_COACHING_SECOND_FACTOR_ROLES = []
