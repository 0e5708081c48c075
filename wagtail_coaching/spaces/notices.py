"""Short e-mails that tell a person something changed about their access or their account.

A notice names people and says what happened; it never carries anything written inside a
space. It is written in the recipient's language and sent once the transaction commits.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.preferences import for_person


def send_notice(recipient, subject, message, url="", email=None):
    """E-mail ``recipient`` (if they have an address) after the transaction commits.

    ``subject`` and ``message`` are callables returning text: they are called in the
    recipient's language. ``url`` is an absolute link to where they can see more. ``email``
    sends to another address than the account's (the one it had before a change).
    """
    address = email or (recipient.email if recipient is not None else "")
    if recipient is None or not address or not recipient.is_active:
        return

    def send():
        with for_person(recipient):
            context = {"recipient": recipient, "message": message(), "url": url}
            body = render_to_string("wagtail_coaching/email/notice_body.txt", context)
            title = " ".join(str(subject()).split())
        EmailMultiAlternatives(title, body, get_setting("FROM_EMAIL") or None, [address]).send()

    transaction.on_commit(send)


def absolute_url(path):
    """``path`` on the site's address (``WAGTAILADMIN_BASE_URL``), for links in e-mails."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"
