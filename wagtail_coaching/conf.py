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
    # --- Content of client spaces (notes, goals, documents) ---
    # Master key ring {key_id: base64 of 32 bytes}; the first key wraps new data keys.
    "MASTER_KEYS": None,
    # STORAGES alias of the private document storage; if undefined, a FileSystemStorage in
    # PRIVATE_ROOT (default: a "coaching-private" folder beside MEDIA_ROOT).
    "STORAGE": "wagtail_coaching",
    "PRIVATE_ROOT": None,
    # Largest accepted upload, in bytes, and the accepted file extensions.
    "DOCUMENT_MAX_SIZE": 10 * 1024 * 1024,
    "DOCUMENT_TYPES": ["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "odt", "txt", "csv"],
    # "django" streams documents from the app; "x-accel-redirect" (nginx) or "x-sendfile"
    # (Apache, lighttpd) hand a decrypted short-lived copy in SENDFILE_ROOT to the proxy.
    "DOCUMENT_SERVE_METHOD": "django",
    "SENDFILE_ROOT": "/run/wagtail-coaching-sendfile",
    "SENDFILE_URL_PREFIX": "/coaching-sendfile/",
    # Days after a space's end date before the erasure command erases its content.
    "RETENTION_DAYS": 365,
    # Seconds without a request after which a logged-in user is logged out.
    "SESSION_IDLE_TIMEOUT": 30 * 60,
    # Anonymised reports show a group's figures only when it holds at least this many spaces.
    "REPORT_MIN_GROUP_SIZE": 5,
}


def get_setting(name):
    """Return ``WAGTAIL_COACHING_<name>`` from the site's settings, or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"Unknown wagtail-coaching setting: {name}")
    return getattr(settings, f"WAGTAIL_COACHING_{name}", DEFAULTS[name])
