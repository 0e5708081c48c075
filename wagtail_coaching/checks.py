"""System checks: each says what is wrong and how to fix it."""

import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from wagtail_coaching.conf import DEFAULTS, get_setting
from wagtail_coaching.middleware import MIN_IDLE_TIMEOUT
from wagtail_coaching.spaces.keys import KeyRingError, parse_key_ring
from wagtail_coaching.spaces.uploads import KNOWN_TYPES, private_root

# The video-room and trial checks live beside the code they guard; importing registers them.
from .accounts import checks as account_checks  # noqa: F401
from .sessions import jitsi  # noqa: F401
from .trials import checks as trial_checks  # noqa: F401

ROOM_PREFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$")
GUARDIAN_BACKEND = "guardian.backends.ObjectPermissionBackend"


@register(Tags.compatibility)
def check_installation(app_configs, **kwargs):
    errors = []
    for app, hint_id in (("guardian", "E001"), ("wagtail_modeladmin", "E002")):
        if app not in settings.INSTALLED_APPS:
            errors.append(
                Error(
                    f"'{app}' is missing from INSTALLED_APPS.",
                    hint=f"Add '{app}' to INSTALLED_APPS; wagtail_coaching needs it.",
                    id=f"wagtail_coaching.{hint_id}",
                )
            )
    if GUARDIAN_BACKEND not in getattr(settings, "AUTHENTICATION_BACKENDS", ()):
        errors.append(
            Error(
                f"'{GUARDIAN_BACKEND}' is missing from AUTHENTICATION_BACKENDS.",
                hint="Add it after 'django.contrib.auth.backends.ModelBackend'.",
                id="wagtail_coaching.E003",
            )
        )
    return errors


@register(Tags.compatibility)
def check_report_settings(app_configs, **kwargs):
    size = get_setting("REPORT_MIN_GROUP_SIZE")
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 1000:
        return [
            Error(
                f"WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE must be a whole number between 2 "
                f"and 1000, got {size!r}.",
                hint="Anonymised reports hide groups smaller than this; use e.g. "
                f"{DEFAULTS['REPORT_MIN_GROUP_SIZE']}.",
                id="wagtail_coaching.E014",
            )
        ]
    return []


@register(Tags.compatibility)
def check_settings(app_configs, **kwargs):
    errors = []

    group = get_setting("COACHES_GROUP")
    if not isinstance(group, str) or not group.strip() or len(group) > 150:
        errors.append(
            Error(
                f"WAGTAIL_COACHING_COACHES_GROUP must be a group name, got {group!r}.",
                hint="Set it to the name of a Django group (at most 150 characters), "
                f"or remove it to use the default {DEFAULTS['COACHES_GROUP']!r}.",
                id="wagtail_coaching.E010",
            )
        )

    base = get_setting("BASE_TEMPLATE")
    if not isinstance(base, str) or not base.strip():
        errors.append(
            Error(
                f"WAGTAIL_COACHING_BASE_TEMPLATE must be a template name, got {base!r}.",
                hint="Name your site's base template, which must define a 'content' block, "
                f"e.g. {DEFAULTS['BASE_TEMPLATE']!r}.",
                id="wagtail_coaching.E013",
            )
        )

    prefix = get_setting("ROOM_NAME_PREFIX")
    if not isinstance(prefix, str) or not ROOM_PREFIX_RE.match(prefix):
        errors.append(
            Error(
                f"WAGTAIL_COACHING_ROOM_NAME_PREFIX must be 1-20 characters of lowercase "
                f"letters, digits and inner hyphens, got {prefix!r}.",
                hint="Jitsi compares room names in lowercase ASCII; use something like "
                f"{DEFAULTS['ROOM_NAME_PREFIX']!r}.",
                id="wagtail_coaching.E011",
            )
        )

    duration = get_setting("SESSION_DEFAULT_DURATION")
    if isinstance(duration, bool) or not isinstance(duration, int) or not 5 <= duration <= 480:
        errors.append(
            Error(
                f"WAGTAIL_COACHING_SESSION_DEFAULT_DURATION must be a whole number of minutes "
                f"between 5 and 480, got {duration!r}.",
                hint=f"Use an integer such as {DEFAULTS['SESSION_DEFAULT_DURATION']}.",
                id="wagtail_coaching.E012",
            )
        )
    return errors


SERVE_METHODS = ("django", "x-accel-redirect", "x-sendfile")
IDLE_MIDDLEWARE = "wagtail_coaching.middleware.IdleSessionTimeoutMiddleware"


@register(Tags.security)
def check_content_settings(app_configs, **kwargs):
    """The encryption key ring, the private storage and the limits of uploads."""
    errors = []
    try:
        parse_key_ring(getattr(settings, "WAGTAIL_COACHING_MASTER_KEYS", None))
    except KeyRingError as exc:
        errors.append(
            Error(
                str(exc),
                hint="Set WAGTAIL_COACHING_MASTER_KEYS = {'<key id>': '<base64 of 32 random "
                "bytes>'}, read from the environment or a secrets store (never from the "
                'code). Generate a key with: python -c "from wagtail_coaching.spaces.keys import '
                'generate_master_key as g; print(g())". The first key encrypts; keep older '
                "keys after it until `manage.py coaching_rewrap_keys` has run.",
                id="wagtail_coaching.E020",
            )
        )

    alias = get_setting("STORAGE")
    if alias not in getattr(settings, "STORAGES", {}):
        root = private_root().resolve()
        for name in ("MEDIA_ROOT", "STATIC_ROOT"):
            public = getattr(settings, name, None)
            if public and root.is_relative_to(Path(public).resolve()):
                errors.append(
                    Error(
                        f"The private folder of space documents ({root}) is inside {name}, "
                        "so the web server could serve it to anyone.",
                        hint="Set WAGTAIL_COACHING_PRIVATE_ROOT to a folder outside MEDIA_ROOT "
                        f"and STATIC_ROOT, or define STORAGES[{alias!r}].",
                        id="wagtail_coaching.E021",
                    )
                )

    size = get_setting("DOCUMENT_MAX_SIZE")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        errors.append(
            Error(
                f"WAGTAIL_COACHING_DOCUMENT_MAX_SIZE must be a positive number of bytes, "
                f"got {size!r}.",
                hint="For example 10 * 1024 * 1024 for 10 MB.",
                id="wagtail_coaching.E022",
            )
        )
    types = get_setting("DOCUMENT_TYPES")
    unknown = (
        [t for t in types if not isinstance(t, str) or t.lower().lstrip(".") not in KNOWN_TYPES]
        if isinstance(types, list | tuple)
        else [types]
    )
    if unknown or not types:
        errors.append(
            Error(
                f"WAGTAIL_COACHING_DOCUMENT_TYPES has types that cannot be checked: {unknown!r}.",
                hint=f"Choose among: {', '.join(sorted(KNOWN_TYPES))}.",
                id="wagtail_coaching.E023",
            )
        )
    method = get_setting("DOCUMENT_SERVE_METHOD")
    if method not in SERVE_METHODS:
        errors.append(
            Error(
                f"WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD must be one of {SERVE_METHODS}, "
                f"got {method!r}.",
                hint="Use 'django' unless a proxy (nginx, Apache) serves the files.",
                id="wagtail_coaching.E024",
            )
        )
    for name in ("RETENTION_DAYS", "SESSION_IDLE_TIMEOUT"):
        value = get_setting(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            errors.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a positive whole number, got {value!r}.",
                    hint=f"The default is {DEFAULTS[name]}.",
                    id="wagtail_coaching.E025",
                )
            )
    timeout = get_setting("SESSION_IDLE_TIMEOUT")
    if (
        isinstance(timeout, int)
        and not isinstance(timeout, bool)
        and 0 < timeout < MIN_IDLE_TIMEOUT
    ):
        errors.append(
            Error(
                f"WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT is {timeout} seconds: users who are "
                f"active would be logged out.",
                hint=f"Use at least {MIN_IDLE_TIMEOUT} seconds (5 minutes); the default is "
                f"{DEFAULTS['SESSION_IDLE_TIMEOUT']}.",
                id="wagtail_coaching.E160",
            )
        )
    if IDLE_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", ()):
        errors.append(
            Warning(
                f"'{IDLE_MIDDLEWARE}' is not in MIDDLEWARE: sessions never expire when idle.",
                hint="Add it after 'django.contrib.messages.middleware.MessageMiddleware'.",
                id="wagtail_coaching.W020",
            )
        )
    return errors
