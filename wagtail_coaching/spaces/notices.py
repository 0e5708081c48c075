"""Short e-mails that tell a person something changed about their access or their account.

A notice names people and says what happened; it never carries anything written inside a
space. It is queued when the transaction commits and written, by the task of
:mod:`spaces.mail`, in the recipient's language and time zone of that moment.
"""

from django.conf import settings
from django.utils.translation import gettext

from wagtail_coaching.spaces import mail


def send_notice(
    recipient, subject, message, params=None, url="", email=None, key=None, translated=()
):
    """E-mail ``recipient`` (if they have an address) after the transaction commits.

    ``subject`` and ``message`` are English texts marked with ``gettext_noop``: they are
    translated in the recipient's language when the e-mail is written, ``message`` then
    filled with ``params`` (names, never content; those named in ``translated`` are
    marked texts too, translated likewise). ``url`` is an absolute link to where
    they can see more. ``email`` sends to another address than the account's (the one it
    had before a change). ``key`` names the event, so that it is told once (see
    :func:`mail.send_later`).
    """
    address = email or (recipient.email if recipient is not None else "")
    if recipient is None or not address or not recipient.is_active:
        return
    mail.send_later(
        "notice",
        recipient,
        key=key,
        subject=subject,
        message=message,
        params=params or {},
        url=url,
        email=email or "",
        translated=list(translated),
    )


@mail.email_kind("notice")
def notice_email(recipient, subject, message, params, url, email, translated=()):
    """A notice, as :func:`send_notice` queued it; None if the account is inactive now."""
    address = email or recipient.email
    if not address or not recipient.is_active:
        return None

    def text():
        names = {name: gettext(v) if name in translated else v for name, v in params.items()}
        return gettext(message) % names

    return notice(recipient, lambda: gettext(subject), text, url, address)


def notice(recipient, subject, message, url, address):
    """The e-mail of a notice: ``subject`` and ``message`` are callables returning text, called
    in the recipient's language."""
    return mail.render(
        recipient,
        "wagtail_coaching/email/notice",
        {"message": message, "url": url},
        subject=subject,
        to=[address],
    )


def absolute_url(path):
    """``path`` on the site's address (``WAGTAILADMIN_BASE_URL``), for links in e-mails."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
