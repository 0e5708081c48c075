"""System checks of login throttling: without django-axes, logins can be guessed forever."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Tags, Warning, register

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
