"""System checks: each says what is wrong and how to fix it."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import global_settings, settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.module_loading import import_string

from wagtail_coaching import compat
from wagtail_coaching.conf import DEFAULTS, get_setting
from wagtail_coaching.spaces import contracts
from wagtail_coaching.spaces import keystore as keystore_checks  # noqa: F401
from wagtail_coaching.spaces.idle import MIN_IDLE_TIMEOUT
from wagtail_coaching.spaces.keys import KeyRingError, parse_key_ring
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus
from wagtail_coaching.spaces.uploads import KNOWN_TYPES, private_root

from .accounts import checks as account_checks  # noqa: F401

# The video-room and trial checks live beside the code they guard; importing registers them.
from .sessions import consumers, jitsi  # noqa: F401
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


TASKS_HINT = (
    "Set TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}}, add "
    "'django_tasks_db' to INSTALLED_APPS and run `manage.py db_worker` (see the README, "
    '"Background tasks").'
)


def _task_backend_config():
    """The default task backend's settings, as the tasks framework will read them."""
    tasks = getattr(settings, "TASKS", None)
    if tasks is None or tasks is getattr(global_settings, "TASKS", None):
        # Neither framework needs TASKS: both then run tasks at once, in the request.
        return {"BACKEND": f"{compat.TASKS_MODULE}.backends.immediate.ImmediateBackend"}
    return tasks.get(compat.DEFAULT_TASK_BACKEND_ALIAS)


@register(Tags.compatibility)
def check_task_backend(app_configs, **kwargs):
    """The default task backend loads, is built for the framework the app uses, has its
    database table when it is the database backend, and serves the app's queue."""
    config = _task_backend_config()
    if not config or not config.get("BACKEND"):
        return [
            Error(
                f"TASKS has no '{compat.DEFAULT_TASK_BACKEND_ALIAS}' backend.",
                hint=TASKS_HINT,
                id="wagtail_coaching.E090",
            )
        ]
    path = config["BACKEND"]
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        return [
            Error(
                f"The task backend {path!r} cannot be imported: {exc}.",
                hint=TASKS_HINT,
                id="wagtail_coaching.E090",
            )
        ]
    if not (isinstance(backend_class, type) and issubclass(backend_class, compat.BaseTaskBackend)):
        return [
            Error(
                f"The task backend {path!r} is not a backend of {compat.TASKS_MODULE}, the "
                "tasks framework used with this version of Django.",
                hint=f"Use a backend built on {compat.TASKS_MODULE}; " + TASKS_HINT,
                id="wagtail_coaching.E091",
            )
        ]
    errors = []
    if path == compat.DATABASE_BACKEND and not apps.is_installed(compat.DATABASE_BACKEND_APP):
        errors.append(
            Error(
                f"The task backend is {path!r} but '{compat.DATABASE_BACKEND_APP}' is missing "
                "from INSTALLED_APPS.",
                hint=f"Add '{compat.DATABASE_BACKEND_APP}' to INSTALLED_APPS, then migrate.",
                id="wagtail_coaching.E092",
            )
        )
    queues = config.get("QUEUES", [compat.DEFAULT_TASK_QUEUE_NAME])
    if compat.DEFAULT_TASK_QUEUE_NAME not in queues:
        errors.append(
            Error(
                f"The default task backend does not serve the queue "
                f"{compat.DEFAULT_TASK_QUEUE_NAME!r}, where the app puts its tasks.",
                hint=f"Add {compat.DEFAULT_TASK_QUEUE_NAME!r} to TASKS['default']['QUEUES'].",
                id="wagtail_coaching.E093",
            )
        )
    if backend_class.__name__ == "DummyBackend":
        errors.append(
            Warning(
                "The default task backend is the dummy backend: background work (large "
                "report exports) is stored and never done.",
                hint=TASKS_HINT,
                id="wagtail_coaching.W090",
            )
        )
    return errors


@register(Tags.compatibility, deploy=True)
def check_task_backend_for_deployment(app_configs, **kwargs):
    config = _task_backend_config() or {}
    if str(config.get("BACKEND", "")).endswith(".ImmediateBackend"):
        return [
            Warning(
                "Tasks run at once, inside the web request (the immediate task backend): "
                "large report exports may outlast the server's timeout.",
                hint=TASKS_HINT,
                id="wagtail_coaching.W091",
            )
        ]
    return []


def _whole_number(value, lowest):
    return isinstance(value, int) and not isinstance(value, bool) and value >= lowest


@register(Tags.compatibility)
def check_report_export_settings(app_configs, **kwargs):
    errors = []
    for name, lowest, check_id in (
        ("REPORT_BACKGROUND_SIZE", 0, "wagtail_coaching.E015"),
        ("REPORT_EXPORT_HOURS", 1, "wagtail_coaching.E016"),
    ):
        value = get_setting(name)
        if not _whole_number(value, lowest):
            errors.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a whole number of at least {lowest}, "
                    f"got {value!r}.",
                    hint=f"The default is {DEFAULTS[name]}.",
                    id=check_id,
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


KEY_RING_HINT = (
    "Set WAGTAIL_COACHING_MASTER_KEYS = {'<key id>': '<base64 of 32 random bytes>'}, read "
    "from the environment or a secrets store (never from the code). Generate a key with: "
    'python -c "from wagtail_coaching.spaces.keys import generate_master_key as g; '
    'print(g())". The first key encrypts; keep older keys after it until '
    "`manage.py coaching_rewrap_keys` has run."
)


def _key_ring_messages(deploy):
    """A malformed ring is always an error. A missing or empty one is an error for
    ``check --deploy`` only, so that ``migrate`` and ``collectstatic`` run without secrets
    (a build step, a fresh checkout); plain ``check`` warns about it."""
    value = getattr(settings, "WAGTAIL_COACHING_MASTER_KEYS", None)
    try:
        parse_key_ring(value)
    except KeyRingError as exc:
        if value or deploy:
            return [Error(str(exc), hint=KEY_RING_HINT, id="wagtail_coaching.E020")]
        return [
            Warning(
                f"{exc} Client spaces cannot be opened until it is.",
                hint=KEY_RING_HINT,
                id="wagtail_coaching.W021",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_key_ring_for_deployment(app_configs, **kwargs):
    value = getattr(settings, "WAGTAIL_COACHING_MASTER_KEYS", None)
    # A malformed ring is already reported by check_content_settings.
    return [] if value else _key_ring_messages(deploy=True)


SERVE_METHODS = ("django", "x-accel-redirect", "x-sendfile")
IDLE_MIDDLEWARE = "wagtail_coaching.middleware.IdleSessionTimeoutMiddleware"


@register(Tags.security)
def check_content_settings(app_configs, **kwargs):
    """The encryption key ring, the private storage and the limits of uploads."""
    errors = _key_ring_messages(deploy=False)

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
    for name in ("RETENTION_DAYS", "SESSION_IDLE_TIMEOUT", "SENDFILE_TTL"):
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


@register(Tags.database)
def check_contract_languages(app_configs, databases=None, **kwargs):
    """Every language of the site has a contract, and every active space one in its language.

    It reads the database, so it runs with ``migrate`` and ``check --database default``.
    """
    if not databases or "default" not in databases:
        return []
    messages = []
    try:
        for code, _name in settings.LANGUAGES:
            if not contracts.default_contract_available(code) and not (
                contracts.ContractTemplate.objects.filter(
                    language=code, organisation=None, programme=None
                ).exists()
            ):
                messages.append(
                    Warning(
                        f"There is no default coaching contract in '{code}'.",
                        hint=f"Add a contract in '{code}' with no organisation and no "
                        "programme (admin, Contracts), or translate the built-in one in the "
                        "app's catalogue. A space in this language cannot be entered or made "
                        "active until then.",
                        id="wagtail_coaching.W080",
                    )
                )
        active = ClientSpace.objects.filter(status=ClientSpaceStatus.ACTIVE)
        # Only spaces in a language the built-in contract does not speak can lack one.
        uncovered = [
            code
            for code in active.values_list("language", flat=True).distinct().order_by()
            if not contracts.default_contract_available(code or contracts.site_language())
        ]
        stranded = [
            space
            for space in active.filter(language__in=uncovered).select_related("programme")
            if not contracts.contract_available(space)
        ]
    except DatabaseError:
        return []  # Not migrated yet: nothing to check.
    if stranded:
        languages = sorted({contracts.space_language(space) for space in stranded})
        messages.append(
            Error(
                f"{len(stranded)} active client space(s) have no contract in their language "
                f"({', '.join(languages)}).",
                hint="Add a contract in that language (admin, Contracts); until then their "
                "participants cannot enter them.",
                id="wagtail_coaching.E080",
            )
        )
    return messages


def _storage_location(alias):
    """The folder of a file-system private storage, or None for any other backend."""
    config = getattr(settings, "STORAGES", {}).get(alias)
    if config is None:
        return private_root()
    backend = import_string(config["BACKEND"])
    if isinstance(backend, type) and issubclass(backend, FileSystemStorage):
        location = config.get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
        return Path(location) if location else None
    return None


def _writable(folder):
    """True when the folder is writable, or could be created by this process."""
    folder = Path(folder).resolve()
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


@register(Tags.compatibility)
def check_private_storage(app_configs, **kwargs):
    """The private storage backend imports and, when it is a folder, can be written to."""
    alias = get_setting("STORAGE")
    config = getattr(settings, "STORAGES", {}).get(alias)
    if config is not None:
        try:
            import_string(config["BACKEND"])
        except (ImportError, KeyError) as exc:
            return [
                Error(
                    f"The storage of space documents, STORAGES[{alias!r}], cannot be loaded: "
                    f"{exc!r}.",
                    hint="Install the package that provides the backend (for S3: pip install "
                    "'django-storages[s3]'), or fix its 'BACKEND' path.",
                    id="wagtail_coaching.E026",
                )
            ]
    folder = _storage_location(alias)
    if folder is not None and not _writable(folder):
        return [
            Error(
                f"The folder of space documents ({folder}) cannot be written to by this "
                "process, so every upload would fail.",
                hint="Create it and give the user that runs the site write access, or point "
                "WAGTAIL_COACHING_PRIVATE_ROOT (or the storage's 'location') elsewhere.",
                id="wagtail_coaching.E027",
            )
        ]
    return []


def _reverses(name):
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@register(Tags.urls)
def check_site_urls(app_configs, **kwargs):
    """The URLs an installation needs: the app's own, and a login page that exists."""
    errors = []
    if not _reverses("wagtail_coaching:my_coaching"):
        errors.append(
            Error(
                "The app's URLs are not included in the site's URL configuration.",
                hint='Add path("coaching/", include("wagtail_coaching.urls")) to urlpatterns, '
                "before Wagtail's catch-all include(wagtail_urls).",
                id="wagtail_coaching.E030",
            )
        )
    login_url = str(settings.LOGIN_URL)
    try:
        resolve(urlsplit(resolve_url(login_url)).path)
    except (NoReverseMatch, Resolver404):
        errors.append(
            Error(
                f"LOGIN_URL ({login_url!r}) leads to no page, so anonymous visitors of the "
                "coaching pages get an error instead of a login form.",
                hint='Add path("accounts/", include("django.contrib.auth.urls")) to urlpatterns '
                "(the app ships its login and password templates), or set LOGIN_URL to your "
                "own login page.",
                id="wagtail_coaching.E031",
            )
        )
    if not _reverses("logout"):
        errors.append(
            Warning(
                "No URL is named 'logout', so the coaching pages offer no way to log out.",
                hint='Add path("accounts/", include("django.contrib.auth.urls")) to urlpatterns.',
                id="wagtail_coaching.W030",
            )
        )
    if settings.LOGIN_REDIRECT_URL == global_settings.LOGIN_REDIRECT_URL:
        errors.append(
            Warning(
                f"LOGIN_REDIRECT_URL is Django's default ({settings.LOGIN_REDIRECT_URL!r}), "
                "a page that Wagtail sites do not have: people land on a 404 after logging in.",
                hint='Set LOGIN_REDIRECT_URL = "wagtail_coaching:my_coaching".',
                id="wagtail_coaching.W031",
            )
        )
    return errors


@register(Tags.compatibility)
def check_base_url(app_configs, **kwargs):
    """E-mails (invitations, reminders, set-password and guest links) need the site's address."""
    if settings.DEBUG:
        return []
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    host = (urlsplit(str(base_url)).hostname or "").lower()
    if host and host != "example.com" and not host.endswith(".example.com"):
        return []
    return [
        Error(
            f"WAGTAILADMIN_BASE_URL is {base_url!r}: links in the app's e-mails (invitations, "
            "reminders, set-password and guest links) would not lead to this site.",
            hint="Set WAGTAILADMIN_BASE_URL to the site's public address, e.g. "
            '"https://coaching.example.org" (read it from the environment).',
            id="wagtail_coaching.E032",
        )
    ]


ADMIN_CSP_MIDDLEWARE = "wagtail_coaching.middleware.AdminContentSecurityPolicyMiddleware"


@register(Tags.security)
def check_content_security_policy(app_configs, **kwargs):
    """The CSP middleware gives the site's and the admin's pages a policy (space pages set
    their own either way)."""
    middleware = list(getattr(settings, "MIDDLEWARE", ()))
    if compat.CSP_MIDDLEWARE in middleware:
        if ADMIN_CSP_MIDDLEWARE in middleware:
            return []
        return [
            Error(
                f"'{ADMIN_CSP_MIDDLEWARE}' is missing from MIDDLEWARE: the Wagtail admin "
                "gets the site's Content-Security-Policy, not the app's admin policy.",
                hint=f"Add it right after '{compat.CSP_MIDDLEWARE}'.",
                id="wagtail_coaching.E171",
            )
        ]
    return [
        Warning(
            f"'{compat.CSP_MIDDLEWARE}' is missing from MIDDLEWARE: pages outside client "
            "spaces, and the Wagtail admin, are sent without a Content-Security-Policy.",
            hint=(
                "Add it after SecurityMiddleware and set the policy from "
                "wagtail_coaching.spaces.csp.site_policy(), as docs/install.md shows."
            ),
            id="wagtail_coaching.W170",
        )
    ]


@register(Tags.templates)
def check_admin_template_order(app_configs, **kwargs):
    """The app's templates replace Wagtail's inline-script widgets and panels
    (``spaces.admin_scripts``): it must come before ``wagtail.admin`` in INSTALLED_APPS."""
    return admin_template_order_errors([config.name for config in apps.get_app_configs()])


def admin_template_order_errors(names):
    if "wagtail.admin" not in names or names.index("wagtail_coaching") < names.index(
        "wagtail.admin"
    ):
        return []
    return [
        Error(
            "'wagtail_coaching' comes after 'wagtail.admin' in INSTALLED_APPS: Wagtail's date "
            "pickers and inline panels keep their inline scripts, which the admin's "
            "Content-Security-Policy refuses.",
            hint="Put 'wagtail_coaching' above the Wagtail apps, as docs/install.md shows.",
            id="wagtail_coaching.E172",
        )
    ]
