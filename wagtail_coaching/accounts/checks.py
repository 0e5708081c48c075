"""System checks of login throttling: without django-axes, logins can be guessed forever."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.module_loading import import_string

from wagtail_coaching.accounts.forms import AdminPasswordResetForm

AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"


@register(Tags.security)
def check_login_throttling(app_configs, **kwargs):
    if not apps.is_installed("axes"):
        return [
            Warning(
                "django-axes is not installed: failed log-ins are not throttled.",
                hint="Add 'axes' to INSTALLED_APPS, 'axes.middleware.AxesMiddleware' last in "
                "MIDDLEWARE and 'axes.backends.AxesStandaloneBackend' first in "
                "AUTHENTICATION_BACKENDS (see the README's security section).",
                id="wagtail_coaching.W160",
            )
        ]
    if getattr(settings, "AXES_LOCKOUT_CALLABLE", None) is None:
        return [
            Warning(
                "AXES_LOCKOUT_CALLABLE is not set: a locked login shows django-axes's bare "
                "message instead of the app's page.",
                hint="Set AXES_LOCKOUT_CALLABLE = "
                "'wagtail_coaching.accounts.lockout.lockout_response'.",
                id="wagtail_coaching.W161",
            )
        ]
    return []


RESET_FORM = f"{AdminPasswordResetForm.__module__}.{AdminPasswordResetForm.__name__}"


@register(Tags.security)
def check_admin_password_reset(app_configs, **kwargs):
    enabled = getattr(
        settings,
        "WAGTAIL_PASSWORD_RESET_ENABLED",
        getattr(settings, "WAGTAIL_PASSWORD_MANAGEMENT_ENABLED", True),
    )
    form = getattr(settings, "WAGTAILADMIN_USER_PASSWORD_RESET_FORM", None)
    try:
        ours = form is not None and issubclass(import_string(form), AdminPasswordResetForm)
    except ImportError:
        ours = False
    if enabled and not ours:
        return [
            Warning(
                "Wagtail's admin password reset sends a reset link to any account, so "
                "coachees and coaches have a second reset path inside the admin.",
                hint=f"Set WAGTAILADMIN_USER_PASSWORD_RESET_FORM = '{RESET_FORM}' (or a "
                "subclass), or WAGTAIL_PASSWORD_RESET_ENABLED = False.",
                id="wagtail_coaching.W162",
            )
        ]
    return []


SECOND_FACTOR_MIDDLEWARE = "wagtail_coaching.accounts.middleware.SecondFactorMiddleware"
OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"
OTP_APPS = ("django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static")


@register(Tags.security)
def check_second_factor(app_configs, **kwargs):
    missing = [app for app in (*OTP_APPS, "django_otp_webauthn") if not apps.is_installed(app)]
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if missing or SECOND_FACTOR_MIDDLEWARE not in middleware:
        return [
            Warning(
                "The second factor is not enforced: staff, HR and coaches log in with a "
                "password alone.",
                hint=f"Add {', '.join(repr(a) for a in missing) or 'the django-otp apps'} to "
                f"INSTALLED_APPS and '{OTP_MIDDLEWARE}' then '{SECOND_FACTOR_MIDDLEWARE}' after "
                "AuthenticationMiddleware (see docs/install.md).",
                id="wagtail_coaching.W163",
            )
        ]
    if OTP_MIDDLEWARE not in middleware or middleware.index(OTP_MIDDLEWARE) > middleware.index(
        SECOND_FACTOR_MIDDLEWARE
    ):
        return [
            Warning(
                f"'{SECOND_FACTOR_MIDDLEWARE}' needs '{OTP_MIDDLEWARE}' before it in MIDDLEWARE.",
                hint=f"Put '{OTP_MIDDLEWARE}' right after AuthenticationMiddleware.",
                id="wagtail_coaching.W164",
            )
        ]
    return []
