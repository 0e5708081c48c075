"""Development settings: SQLite in ./var, debug on. Never use these in production."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = "sandbox-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# Local state (the SQLite file, uploads) lives in ./var, which git ignores.
(BASE_DIR / "var").mkdir(exist_ok=True)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "var" / "sandbox.sqlite3",
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# DEVELOPMENT ONLY: a fixed, public master key for the encryption of client space content.
# Anything encrypted with it is readable by anyone who has this file. Production settings
# read the key ring from the environment (WAGTAIL_COACHING_MASTER_KEYS).
WAGTAIL_COACHING_MASTER_KEYS = {"dev-only": "c2FuZGJveC1kZXZlbG9wbWVudC1vbmx5LWtleS0zMmI="}
WAGTAIL_COACHING_PRIVATE_ROOT = BASE_DIR / "var" / "coaching-private"
# The demo's video rooms run on the public meet.jit.si without tokens, on purpose; a real
# site sets a Jitsi app secret or a JaaS key (see the README) and keeps this warning on.
SILENCED_SYSTEM_CHECKS = ["wagtail_coaching.W040"]

# New trial requests are printed on the console with the other e-mails.
WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS = ["trials@example.org"]

# Passkeys work on http://localhost only (browsers refuse an IP address as the relying
# party): open the sandbox at http://localhost:PORT. Another port: list its origin in
# SANDBOX_ORIGINS (comma-separated).
OTP_WEBAUTHN_ALLOWED_ORIGINS = [  # noqa: F405
    "http://localhost:8000",
    *filter(None, os.environ.get("SANDBOX_ORIGINS", "").split(",")),
]
