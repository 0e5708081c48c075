"""Passkeys (django-otp-webauthn) as a second factor only, never a log-in of their own.

Include these URLs once, at the site's root, under django-otp-webauthn's namespace:
``path("webauthn/", include("wagtail_coaching.accounts.passkeys"))``. They are the
library's views, with two changes: a passkey is asked only of a user who already gave
their password (a passkey alone would also pass by the login throttling), and using one
counts as a fresh verification for sensitive acts.
"""

from django.urls import path
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn

from wagtail_coaching.accounts import twofactor

app_name = "otp_webauthn"

# django-otp-webauthn ships no French. The messages of its views that a person may read
# (answers to the passkey ceremony, shown by its script) are listed here so that our catalog
# holds their French; Django looks for a message in the apps' catalogs in INSTALLED_APPS
# order, and wagtail_coaching comes before the library. Its JavaScript's strings are in our
# djangojs catalog, served by the catalog view below.
LIBRARY_MESSAGES = (
    gettext_noop("Error processing WebAuthn request."),
    gettext_noop("Malformed request. JSON not parsable."),
    gettext_noop(
        "State is missing or invalid. Please begin the operation first before trying to "
        "complete it."
    ),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Passwordless login is disabled."),
    gettext_noop("This user account is marked as disabled."),
    gettext_noop("This Passkey has been marked as disabled."),
    gettext_noop("The Passkey you tried to use was not found. Perhaps it was removed?"),
    gettext_noop(
        "The Passkey you tried to use does not belong to the currently logged-in user. Try "
        "using a different Passkey or logout first to use this Passkey."
    ),
    gettext_noop("Authentication required."),
    gettext_noop("User is not verified."),
    gettext_noop(
        "You must verify your identity first with an existing MFA device before you can "
        "register a new passkey."
    ),
)


class BeginAuthentication(webauthn.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()


class CompleteAuthentication(webauthn.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    def complete_auth(self, device):
        twofactor.mark_verified(self.request, device)


class CompleteRegistration(webauthn.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200 and self.request.user.is_verified():
            # Registering needs the user's presence on the authenticator, like using it.
            twofactor.mark_verified(self.request, self.request.user.otp_device)
        return response


urlpatterns = [
    path(
        "registration/begin/",
        webauthn.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "wagtail_coaching"]),
        name="js-i18n-catalog",
    ),
]
