"""System checks: each says what is wrong and how to fix it."""

import re

from django.conf import settings
from django.core.checks import Error, Tags, register

from .conf import DEFAULTS, get_setting

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


# The video-room checks live beside the code they guard; importing registers them.
from . import jitsi  # noqa: E402, F401
