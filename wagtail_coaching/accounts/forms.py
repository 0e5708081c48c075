"""One password-reset path per user: Wagtail's admin reset serves admin users only.

Wagtail's ``/admin/password_reset/`` sends a reset link to *any* active account with the
address given, so a coachee had two reset paths, one of them inside the admin. Sites point
``WAGTAILADMIN_USER_PASSWORD_RESET_FORM`` at :class:`AdminPasswordResetForm`; site users
reset their password on the site. The form answers the same whatever the address, as
Django's does, so it tells nobody which addresses have an account.

Both reset forms here (:class:`AdminPasswordResetForm`, and :class:`SitePasswordResetForm` for
a site's own ``PasswordResetView``) leave the e-mail to the task worker, like every e-mail
of the app: the request queues the account's id, and the link is made when it is sent.
"""

from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.forms.auth import PasswordResetForm

from wagtail_coaching.spaces import mail
from wagtail_coaching.spaces.preferences import for_person

ADMIN_ACCESS = "wagtailadmin.access_admin"


class ResetEmailByWorkerMixin:
    """A ``PasswordResetForm`` whose e-mail the task worker sends (``password_reset``)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Queue the reset e-mail: ids, templates and the site's address, never the link."""
        mail.send_later(
            "password_reset",
            context["user"],
            templates=[subject_template_name, email_template_name, html_email_template_name],
            site={key: context[key] for key in ("domain", "site_name", "protocol")},
            address=to_email,
        )


class SitePasswordResetForm(ResetEmailByWorkerMixin, DjangoPasswordResetForm):
    """Django's reset form for site users, its e-mail sent by the worker."""


class AdminPasswordResetForm(ResetEmailByWorkerMixin, PasswordResetForm):
    def get_users(self, email):
        return (user for user in super().get_users(email) if user.has_perm(ADMIN_ACCESS))


@mail.email_kind("password_reset")
def password_reset_email(user, templates, site, address):
    """Django's reset e-mail with a fresh link, in the user's language; None for an account
    that can no longer reset (inactive, or its address changed since)."""
    if not user.is_active or (user.email or "").lower() != address.lower():
        return None
    subject_template, body_template, html_template = templates
    context = site | {
        "email": address,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with for_person(user):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
        html = render_to_string(html_template, context) if html_template else None
    message = EmailMultiAlternatives(subject, body, mail.from_email(), [address])
    if html:
        message.attach_alternative(html, "text/html")
    return message
