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
from urllib.parse import urlsplit  # noqa: E402

from wagtail_coaching.compat import CSP_MIDDLEWARE  # noqa: E402
from wagtail_coaching.spaces.csp import site_policy  # noqa: E402
from wagtail_coaching.spaces.keys import parse_key_ring_env  # noqa: E402

# First, so that its log-in and password pages win over the Django admin's.
INSTALLED_APPS = [
    "wagtail_coaching",
    "guardian",
    "wagtail_modeladmin",
    *INSTALLED_APPS,
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked login before any check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Content-Security-Policy on every page, the admin's too (django-csp on Django 5.2, Django's
# own on 6.0+); client space pages send a stricter one themselves. No inline script runs in
# the admin without the response's nonce: the app starts Wagtail's choosers, date pickers and
# inline panels from a static script (wagtail_coaching/spaces/admin_scripts.py). Keep
# wagtail_coaching above wagtail.admin in INSTALLED_APPS: its templates replace Wagtail's.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE[_security + 1 : _security + 1] = [
    CSP_MIDDLEWARE,
    "wagtail_coaching.middleware.AdminContentSecurityPolicyMiddleware",  # the admin's policy
]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": site_policy()}  # read by django-csp (Django 5.2)
SECURE_CSP = site_policy()  # read by Django 6.0 and later
# The admin calls no other site: no Gravatar (a hash of each user's address), no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
MIDDLEWARE += [
    # The second factor: who gave it (django-otp), then the app's enforcement on every page.
    "django_otp.middleware.OTPMiddleware",
    "wagtail_coaching.accounts.middleware.SecondFactorMiddleware",
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
# Background tasks (e-mails, report exports): kept in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

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
# Second factor: staff, HR and coaches set up an authenticator app or a passkey at their
# first log-in (WAGTAIL_COACHING_SECOND_FACTOR_ROLES). Passkeys are bound to the site's
# domain and accepted from its address only, as a second factor, never a log-in of their own.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
OTP_WEBAUTHN_RP_NAME = WAGTAIL_SITE_NAME
_origin = WAGTAILADMIN_BASE_URL.rstrip("/")
if not _origin.startswith("https://"):
    _origin = "http://localhost:8000"  # browsers allow plain http for passkeys on localhost only
OTP_WEBAUTHN_RP_ID = urlsplit(_origin).hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_origin]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
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
    path("webauthn/", include("wagtail_coaching.accounts.passkeys")),
] + urlpatterns
EOF

echo "wagtail-coaching added to $name; now run: python manage.py migrate"
