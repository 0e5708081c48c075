#!/bin/sh
# Add wagtail-coaching to a site made by `wagtail start NAME`.
# Run it in the folder of manage.py, once:   sh install-wagtail-coaching.sh NAME
set -eu
name="${1:?usage: sh install-wagtail-coaching.sh NAME (the name given to wagtail start)}"
test -f "$name/settings/base.py" && test -f "$name/urls.py" || {
    echo "error: run this in the folder of manage.py; $name/settings/base.py not found" >&2
    exit 1
}

cat >> "$name/settings/base.py" <<'EOF'


# --- wagtail-coaching ------------------------------------------------------------------------
import os  # noqa: E402

from wagtail_coaching.spaces.keys import parse_key_ring_env  # noqa: E402

# First, so that its log-in and password pages win over the Django admin's.
INSTALLED_APPS = ["wagtail_coaching", "guardian", "wagtail_modeladmin", *INSTALLED_APPS, "axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked login before any check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
MIDDLEWARE += [
    "wagtail_coaching.middleware.IdleSessionTimeoutMiddleware",
    "wagtail_coaching.middleware.UserLanguageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
# Login throttling (django-axes) on the site's and the admin's login pages.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "wagtail_coaching.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False
# One password-reset path for site users: Wagtail's admin reset serves admin users only.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "wagtail_coaching.accounts.forms.AdminPasswordResetForm"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "wagtail_coaching:my_coaching"
LOGOUT_REDIRECT_URL = "/"

# Secrets and addresses come from the environment. Without them `migrate` and
# `collectstatic` still run; `manage.py check --deploy` says what is missing.
# Master key ring: "key-id:base64key" (current key first, comma-separated).
WAGTAIL_COACHING_MASTER_KEYS = parse_key_ring_env(
    os.environ.get("WAGTAIL_COACHING_MASTER_KEYS", "")
)
# Space documents: a private folder outside MEDIA_ROOT (or define STORAGES["wagtail_coaching"]).
WAGTAIL_COACHING_PRIVATE_ROOT = os.environ.get(
    "WAGTAIL_COACHING_PRIVATE_ROOT", str(BASE_DIR / "coaching-private")
)
# The address in e-mail links (invitations, reminders, set-password and guest links).
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", WAGTAILADMIN_BASE_URL)
# Video rooms: a self-hosted Jitsi with token authentication (or JaaS, see the README);
# without a secret, rooms run on the public meet.jit.si and `check` warns (W040).
WAGTAIL_COACHING_JITSI_DOMAIN = os.environ.get("WAGTAIL_COACHING_JITSI_DOMAIN", "meet.jit.si")
WAGTAIL_COACHING_JITSI_APP_ID = os.environ.get("WAGTAIL_COACHING_JITSI_APP_ID", "")
WAGTAIL_COACHING_JITSI_APP_SECRET = os.environ.get("WAGTAIL_COACHING_JITSI_APP_SECRET", "")
EOF

cat >> "$name/urls.py" <<'EOF'


# --- wagtail-coaching: before Wagtail's catch-all, which ends urlpatterns --------------------
urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("coaching/", include("wagtail_coaching.urls")),
] + urlpatterns
EOF

echo "wagtail-coaching added to $name; now run: python manage.py migrate"
