"""Production settings: every secret and the database come from the environment.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (comma-separated), DATABASE_URL
(e.g. postgres://user:password@host:5432/name), WAGTAIL_COACHING_KEYS_DATABASE_URL (the key
store: another database), WAGTAIL_COACHING_MASTER_KEYS and
WAGTAIL_COACHING_PRIVATE_ROOT. Optional: DJANGO_CSRF_TRUSTED_ORIGINS, WAGTAILADMIN_BASE_URL,
DJANGO_HSTS_SECONDS, and the video rooms' WAGTAIL_COACHING_JITSI_DOMAIN,
WAGTAIL_COACHING_JITSI_APP_ID with WAGTAIL_COACHING_JITSI_APP_SECRET (self-hosted Jitsi) or
WAGTAIL_COACHING_JITSI_PRIVATE_KEY with WAGTAIL_COACHING_JITSI_KEY_ID (JaaS), and
WAGTAIL_COACHING_JITSI_ISSUER / WAGTAIL_COACHING_JITSI_SUBJECT (docs/deploy-jitsi.md); without them
``check`` warns that rooms are not token-protected.

WAGTAIL_COACHING_MASTER_KEYS is the master key ring of the encrypted content of client
spaces: "key_id:base64key" pairs separated by commas, current key first. Generate a key with
    python -c "from wagtail_coaching.spaces.keys import generate_master_key as g; print(g())"
WAGTAIL_COACHING_PRIVATE_ROOT is the folder of space documents, outside MEDIA_ROOT.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wagtail_coaching.spaces.keys import parse_key_ring_env

from .base import *  # noqa: F403


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Passkeys are bound to the site's domain and accepted from its HTTPS origin only.
OTP_WEBAUTHN_RP_ID = urlsplit(WAGTAILADMIN_BASE_URL).hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [WAGTAILADMIN_BASE_URL.rstrip("/")]

WAGTAIL_COACHING_MASTER_KEYS = parse_key_ring_env(env("WAGTAIL_COACHING_MASTER_KEYS"))
WAGTAIL_COACHING_PRIVATE_ROOT = env("WAGTAIL_COACHING_PRIVATE_ROOT")

DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index uses PostgreSQL's full-text fields there, which Django 6.1
    # checks for (postgres.E005).
    INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.postgres"]  # noqa: F405
# The per-space data keys in a database of their own, whose backups are kept no longer than
# the erasure delay (README, "Erasure and backups"); without it they stay in "default".
if os.environ.get("WAGTAIL_COACHING_KEYS_DATABASE_URL"):
    DATABASES["coaching_keys"] = dj_database_url.parse(
        os.environ["WAGTAIL_COACHING_KEYS_DATABASE_URL"], conn_max_age=600
    )
    DATABASE_ROUTERS = ["wagtail_coaching.spaces.keystore.KeyStoreRouter"]

for _name in ("DOMAIN", "APP_ID", "APP_SECRET", "PRIVATE_KEY", "KEY_ID", "ISSUER", "SUBJECT"):
    _value = os.environ.get(f"WAGTAIL_COACHING_JITSI_{_name}")
    if _value:
        globals()[f"WAGTAIL_COACHING_JITSI_{_name}"] = _value

# HTTPS only: the TLS terminating proxy must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
