"""Where the per-space data keys live: in a database of their own when one is configured.

Erasing a space destroys its data key (``crypto.destroy_space_key``). For that to reach
backups, the keys must not sit in the content database: a copy of the content database
taken before an erasure would still hold the wrapped key, and the master key unwraps it.
So the key table (``crypto.DataKey``) goes to the database alias named by
``WAGTAIL_COACHING_KEYS_DATABASE`` (default ``"coaching_keys"``) when ``DATABASES`` defines
it, and :class:`KeyStoreRouter` keeps every other table out of it. Without that alias, the
keys stay in ``default`` and erasure reaches the live database only, not its backups.

The rule that makes erasure final: **backups of the key database are kept no longer than
the erasure delay** (``WAGTAIL_COACHING_RETENTION_DAYS``), so once an erased space's key is
gone from the live key database it is gone from every copy soon after, while copies of the
content database, kept as long as wanted, can no longer be decrypted.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

from wagtail_coaching.conf import get_setting

KEY_MODEL = ("wagtail_coaching", "datakey")
ROUTER = "wagtail_coaching.spaces.keystore.KeyStoreRouter"


def key_database():
    """The database alias holding the data keys: the configured one, else ``"default"``."""
    alias = get_setting("KEYS_DATABASE")
    return alias if alias and alias in settings.DATABASES else "default"


def is_separate():
    """Whether the data keys live apart from the content."""
    return key_database() != "default"


def _is_key_model(model):
    return (model._meta.app_label, model._meta.model_name) == KEY_MODEL


class KeyStoreRouter:
    """Sends the data-key table to the key database and nothing else there.

    Add it to ``DATABASE_ROUTERS`` with the key database, then run ``migrate`` for both
    aliases (``manage.py migrate`` and ``manage.py migrate --database coaching_keys``).
    """

    def db_for_read(self, model, **hints):
        return key_database() if _is_key_model(model) else None

    def db_for_write(self, model, **hints):
        return key_database() if _is_key_model(model) else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        alias = key_database()
        if alias == "default":
            return None
        if (app_label, model_name) == KEY_MODEL:
            return db == alias
        if db == alias:
            return False
        return None


@register(Tags.compatibility)
def check_key_database_alias(app_configs, **kwargs):
    """A site that names a key database must define it (a typo would keep keys in default).
    Without the setting, one database is a supported choice (see the module's docstring)."""
    alias = getattr(settings, "WAGTAIL_COACHING_KEYS_DATABASE", None)
    if alias and alias not in settings.DATABASES:
        return [
            Error(
                f"WAGTAIL_COACHING_KEYS_DATABASE is {alias!r}, which DATABASES does not define: "
                "the per-space data keys would stay in the content database, and erasing a "
                "space would not reach its backups.",
                hint=f"Define DATABASES[{alias!r}] or correct the setting.",
                id="wagtail_coaching.E121",
            )
        ]
    return []


@register(Tags.compatibility)
def check_key_database_router(app_configs, **kwargs):
    alias = get_setting("KEYS_DATABASE")
    if is_separate() and ROUTER not in getattr(settings, "DATABASE_ROUTERS", []):
        return [
            Error(
                f"DATABASES defines the key database {alias!r} but DATABASE_ROUTERS lacks "
                "its router, so migrate would put every table in it.",
                hint=f"Add {ROUTER!r} to DATABASE_ROUTERS.",
                id="wagtail_coaching.E120",
            )
        ]
    return []
