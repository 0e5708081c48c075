"""The app's settings, each prefixed ``WAGTAIL_COACHING_`` with its default here.

Settings are read when used, never at import time, so ``override_settings`` works and a
site may change them without restarting the import chain. ``checks.py`` validates them.
"""

from django.conf import settings

DEFAULTS = {
    # Template that the app's site pages extend; it must define a ``content`` block.
    "BASE_TEMPLATE": "base.html",
    # Name of the Django group whose members may be chosen as coaches.
    "COACHES_GROUP": "Coaches",
    # Prefix of every video room name; Jitsi room names must stay within [a-z0-9-].
    "ROOM_NAME_PREFIX": "coaching",
    # Length, in minutes, proposed for a new session.
    "SESSION_DEFAULT_DURATION": 60,
    # Anonymised reports show a group's figures only when it holds at least this many spaces.
    "REPORT_MIN_GROUP_SIZE": 5,
}


def get_setting(name):
    """Return ``WAGTAIL_COACHING_<name>`` from the site's settings, or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown wagtail-coaching setting: {name}")
    return getattr(settings, f"WAGTAIL_COACHING_{name}", DEFAULTS[name])
