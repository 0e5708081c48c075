"""The test settings with the data keys in a database of their own: two SQLite files named
by ``KEYSTORE_CONTENT_DB`` and ``KEYSTORE_KEYS_DB`` (used by ``test_keystore``'s scenario)."""

import os

from tests.settings import *  # noqa: F403

# secure_delete: SQLite overwrites a destroyed key's bytes instead of leaving them in free
# pages of the file (README, "Erasure and backups").
_SQLITE_OPTIONS = {"init_command": "PRAGMA secure_delete = ON;"}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["KEYSTORE_CONTENT_DB"],
        "OPTIONS": _SQLITE_OPTIONS,
    },
    "coaching_keys": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["KEYSTORE_KEYS_DB"],
        "OPTIONS": _SQLITE_OPTIONS,
    },
}
DATABASE_ROUTERS = ["wagtail_coaching.spaces.keystore.KeyStoreRouter"]
