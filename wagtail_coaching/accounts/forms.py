"""One password-reset path per user: Wagtail's admin reset serves admin users only.

Wagtail's ``/admin/password_reset/`` sends a reset link to *any* active account with the
address given, so a coachee had two reset paths, one of them inside the admin. Sites point
``WAGTAILADMIN_USER_PASSWORD_RESET_FORM`` at :class:`AdminPasswordResetForm`; site users
reset their password on the site. The form answers the same whatever the address, as
Django's does, so it tells nobody which addresses have an account.
"""

from wagtail.admin.forms.auth import PasswordResetForm

ADMIN_ACCESS = "wagtailadmin.access_admin"


class AdminPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if user.has_perm(ADMIN_ACCESS))
