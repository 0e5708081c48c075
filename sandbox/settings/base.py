"""Settings shared by the sandbox's development and production configurations.

The sandbox is a small Wagtail site that uses wagtail-coaching exactly as an installing
organisation would.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from wagtail_coaching.compat import BUILTIN_CSP, CSP_MIDDLEWARE
from wagtail_coaching.spaces.csp import site_policy

SANDBOX_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SANDBOX_DIR.parent

INSTALLED_APPS = [
    # First, so that `runserver` is daphne's: it serves HTTP and the live rooms' WebSockets.
    "daphne",
    "sandbox.home",
    "wagtail_coaching",
    "guardian",
    "wagtail_modeladmin",
    "axes",
    # The database task backend: background work waits in a table for `manage.py db_worker`.
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "wagtail.contrib.forms",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page (django-csp on Django 5.2, Django's own on 6.0+).
    CSP_MIDDLEWARE,
    "wagtail_coaching.middleware.AdminContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor (django-otp): who gave it, then the app's enforcement on every page.
    "django_otp.middleware.OTPMiddleware",
    "wagtail_coaching.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail_coaching.middleware.IdleSessionTimeoutMiddleware",
    "wagtail_coaching.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The site's and the admin's policy; space pages set a stricter one themselves. The first
# setting is django-csp's (Django 5.2), the second Django's own (6.0 and later).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": site_policy()}
SECURE_CSP = site_policy()
# The admin calls no other site: no Gravatar (a hash of each user's address), no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

ROOT_URLCONF = "sandbox.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SANDBOX_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
if BUILTIN_CSP:
    # Django 6's CSP nonce in templates too (the app's templates read it from the request).
    TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")

WSGI_APPLICATION = "sandbox.wsgi.application"
ASGI_APPLICATION = "sandbox.asgi.application"

# The channel layer of the live rooms' sockets. In memory: one server process, nothing to
# start. With REDIS_URL set (e.g. redis://127.0.0.1:6379/0), the shared Redis layer that any
# number of processes use; it needs `pip install wagtail-coaching[redis]`.
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s timeout by default, as long as the layer's
                # blocking pop waits: give the read more time than the pop.
                "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": 15}],
                "prefix": "wagtail_coaching",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background tasks (Django's tasks framework): kept in the database and run by
# `manage.py db_worker`, a process started beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Pages in English and French, as translations of one another (Wagtail's simple_translation:
# "Translate" copies a page, or a programme with its modules, into the other locale).
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [SANDBOX_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "wagtail_coaching:my_coaching"
LOGOUT_REDIRECT_URL = "/"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SANDBOX_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Coaching sandbox"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# wagtail-coaching: the defaults, spelled out as an example for installing sites.
WAGTAIL_COACHING_COACHES_GROUP = "Coaches"
WAGTAIL_COACHING_BASE_TEMPLATE = "base.html"

# Login throttling (django-axes), on the site's login and Wagtail's admin login alike: after
# AXES_FAILURE_LIMIT failures, a username is locked (from any address) and so is the client
# address (for any username), for AXES_COOLOFF_TIME, or until staff unlock it under
# Coaching > Locked log-ins. Attempts are stored in the database, so every process sees them.
# Behind a proxy, set AXES_CLIENT_IP_CALLABLE (or install django-ipware) so the address is
# the client's, not the proxy's.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "wagtail_coaching.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False

# One password-reset path per user: Wagtail's admin reset serves users of the admin only;
# everybody else resets on the site.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "wagtail_coaching.accounts.forms.AdminPasswordResetForm"

# Second factor (django-otp): staff, HR and coaches set one up at their first log-in; anyone
# may. TOTP apps show this issuer; passkeys are bound to this domain (the relying party) and
# accepted only from these origins.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
OTP_WEBAUTHN_RP_NAME = WAGTAIL_SITE_NAME
OTP_WEBAUTHN_RP_ID = "localhost"
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
WAGTAIL_COACHING_SECOND_FACTOR_ROLES = ["staff", "hr", "coach"]
