"""The second factor enforced on every page, the site's and Wagtail's admin alike.

Add ``django_otp.middleware.OTPMiddleware`` and then
``wagtail_coaching.accounts.middleware.SecondFactorMiddleware`` after Django's
``AuthenticationMiddleware``. After a password log-in (on either login page), a user who has
a second factor is sent to give it, and a user whose role requires one is sent to set it
up, before any other page answers. Sensitive acts (``SECOND_FACTOR_RECHECK_VIEWS``) ask for
it again when the last verification is older than ``SECOND_FACTOR_RECHECK_MINUTES``.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from wagtail_coaching.accounts import twofactor
from wagtail_coaching.conf import get_setting

# Pages a half-logged-in user may still reach: the second-factor pages themselves, the
# passkey ceremony, logging out and choosing a language; and what the admin's look of the
# second-factor pages loads (Wagtail's icons and the catalog of its script's strings).
OPEN_NAMESPACES = {"otp_webauthn"}
OPEN_URL_NAMES = {
    "wagtail_coaching:second_factor_verify",
    "wagtail_coaching:second_factor_setup",
    "wagtail_coaching:second_factor_recovery_codes",
    "logout",
    "wagtailadmin_logout",
    "set_language",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    return (match.view_name, match.namespaces) if match else ("", [])


def _to(url_name, request, **params):
    query = {"next": request.get_full_path(), **params}
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode(query)}")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        static_url = getattr(settings, "STATIC_URL", None) or "/static/"
        if request.path.startswith(static_url):
            return None
        view_name, namespaces = _view_name(request)
        if view_name in OPEN_URL_NAMES or OPEN_NAMESPACES.intersection(namespaces):
            return None
        step = twofactor.decide(request)
        if step == "verify":
            return _to("wagtail_coaching:second_factor_verify", request)
        if step == "setup":
            return _to("wagtail_coaching:second_factor_setup", request)
        if view_name in get_setting("SECOND_FACTOR_RECHECK_VIEWS") and twofactor.needs_recheck(
            request
        ):
            return _to("wagtail_coaching:second_factor_verify", request, again="1")
        return None
