"""Development settings: SQLite in ./var, debug on. Never use these in production."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = "sandbox-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "var" / "sandbox.sqlite3",
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo's video rooms run on the public meet.jit.si without tokens, on purpose; a real
# site sets a Jitsi app secret or a JaaS key (see the README) and keeps this warning on.
SILENCED_SYSTEM_CHECKS = ["wagtail_coaching.W020"]

# New trial requests are printed on the console with the other e-mails.
WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS = ["trials@example.org"]
