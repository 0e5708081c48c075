"""Erasure reaches backups (finding 6): the data keys live in a database of their own, and a
copy of the content database taken before an erasure cannot be read with the live keys.

The scenario runs in child processes on two SQLite files, as two databases of a site would
be; the router and the checks are tested here too."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from wagtail_coaching.spaces import keystore

ROOT = Path(__file__).resolve().parent.parent
SECRET = "The coachee's planted note 4f1c"
ROUTER = "wagtail_coaching.spaces.keystore.KeyStoreRouter"

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def run(content, keys, *args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_keystore",
        "KEYSTORE_CONTENT_DB": str(content),
        "KEYSTORE_KEYS_DB": str(keys),
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def scenario(content, keys, *args):
    return run(content, keys, "-m", "tests.keystore_scenario", *args)


def test_a_content_backup_cannot_be_read_after_erasure(tmp_path):
    content, keys = tmp_path / "content.sqlite3", tmp_path / "keys.sqlite3"
    for database in ("default", "coaching_keys"):
        run(content, keys, "manage.py", "migrate", "--database", database, "-v", "0")
    public_id, wrapped_hex = scenario(content, keys, "write", SECRET).split()
    wrapped = bytes.fromhex(wrapped_hex)

    # Each table in its own database.
    assert wrapped in keys.read_bytes()
    assert wrapped not in content.read_bytes() and SECRET.encode() not in content.read_bytes()

    # Backups of both databases, taken before the erasure.
    content_copy, keys_copy = tmp_path / "content-copy.sqlite3", tmp_path / "keys-copy.sqlite3"
    shutil.copy(content, content_copy)
    shutil.copy(keys, keys_copy)
    assert scenario(content_copy, keys, "read", public_id) == SECRET

    assert scenario(content, keys, "erase", public_id) == "erased"

    # The content database's copy with the live key store: unreadable.
    assert scenario(content_copy, keys, "read", public_id) == "UNREADABLE: SpaceErased"
    # The destroyed key is not left in the live key store's file either.
    assert wrapped not in keys.read_bytes()
    # What the retention rule for the key database's backups is for: an old copy of *both*
    # still reads (so key backups must not outlive the erasure delay).
    assert scenario(content_copy, keys_copy, "read", public_id) == SECRET


def test_the_router_keeps_the_key_table_apart():
    router = keystore.KeyStoreRouter()
    two = {"default": {}, "coaching_keys": {}}
    with override_settings(DATABASES=two):
        assert keystore.key_database() == "coaching_keys"
        assert router.allow_migrate("coaching_keys", "wagtail_coaching", "datakey") is True
        assert router.allow_migrate("default", "wagtail_coaching", "datakey") is False
        assert router.allow_migrate("coaching_keys", "wagtail_coaching", "note") is False
        assert router.allow_migrate("coaching_keys", "auth", "user") is False
        assert router.allow_migrate("default", "wagtail_coaching", "note") is None
    # One database (the quick start, a fresh ``wagtail start`` site): everything in default.
    with override_settings(DATABASES={"default": {}}):
        assert keystore.key_database() == "default"
        assert router.allow_migrate("default", "wagtail_coaching", "datakey") is None


def ids(**settings):
    with override_settings(**settings):
        return {m.id for m in run_checks(include_deployment_checks=True)}


@pytest.mark.django_db
def test_the_checks_say_what_to_fix():
    # One database is a supported choice (the quick start, a fresh site); a named key
    # database that does not exist is not.
    assert not {i for i in ids() if i.startswith("wagtail_coaching.E12")}
    assert "wagtail_coaching.E121" in ids(WAGTAIL_COACHING_KEYS_DATABASE="keys")
    two = {"default": {"ENGINE": "django.db.backends.sqlite3"}, "coaching_keys": {}}
    assert "wagtail_coaching.E120" in ids(DATABASES=two, DATABASE_ROUTERS=[])
    found = ids(DATABASES=two, DATABASE_ROUTERS=[ROUTER])
    assert not found & {"wagtail_coaching.E120", "wagtail_coaching.E121"}
