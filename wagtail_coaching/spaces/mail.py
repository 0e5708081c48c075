"""Every e-mail the app sends: queued when the transaction commits, built and sent by a task
on the worker, retried on a mail server error, never sent twice.

A domain declares each kind of e-mail it sends with :func:`email_kind`: a function
``build(recipient, **params)`` that makes the message from ids when the task runs, so the
message is written in the recipient's language and time zone of that moment and carries its
attachments (an iCalendar invitation is made there). It returns None when there is nothing
to send any more (the session moved again since, the account lost its address).
:func:`send_later` queues one e-mail: its kind, a key naming that one e-mail, the recipient
and the ids. The task's arguments are stored in the task table: ids and names, never
anything written inside a space.

Never twice: the key is written (:class:`SentEmail`) in the transaction that sends, with
anything the builder writes. A mail server error rolls it back, so the next try sends; once
sent, a later run of the same e-mail (a duplicate enqueue, a worker stopped before it
recorded the task as done) finds the key and sends nothing. Only a worker killed between
the mail server's answer and the commit that follows it would send again.

A mail server error is tried again ``WAGTAIL_COACHING_EMAIL_ATTEMPTS`` times in all, after
``WAGTAIL_COACHING_EMAIL_RETRY_DELAY`` seconds, doubled at each try; then it is logged with
its kind and key (no address, no text) and the task is marked failed.
"""

import logging
import smtplib
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.compat import default_task_backend, task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.preferences import for_person

logger = logging.getLogger(__name__)

SENT = "sent"
SKIPPED = "skipped"
ALREADY_SENT = "already sent"

# What a mail server that is down or refusing raises: worth another try later.
MAIL_SERVER_ERRORS = (smtplib.SMTPException, OSError)


class SentEmail(models.Model):
    """One e-mail sent: its key is written in the same transaction that sends it."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    # None for an e-mail to an address without an account (a prospect, the site's staff).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")

    def __str__(self):
        return self.key


_KINDS = {}


def email_kind(name):
    """Register ``build(recipient, **params)`` as the builder of e-mails of kind ``name``.

    The module that declares it must be imported when the worker starts (the app's
    ``ready()`` imports every module that sends)."""

    def register(build):
        if _KINDS.get(name, build) is not build:
            raise ValueError(f"Two builders for the e-mail kind {name!r}")
        _KINDS[name] = build
        return build

    return register


def from_email():
    """The sender of every e-mail of the app (``WAGTAIL_COACHING_FROM_EMAIL``)."""
    return get_setting("FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL


def send_later(kind, recipient=None, key=None, **params):
    """Queue an e-mail of ``kind`` once the current transaction commits (at once outside one).

    ``recipient`` is the account it goes to (None for an address without one). ``key`` names
    this one e-mail (e.g. ``session:<pk>:<sequence>:<method>:<user pk>``); two queued with
    the same key go out once. Without a key, each call is its own e-mail. ``params`` must
    be JSON: ids, names, never space content. Nothing is queued if the transaction rolls
    back.
    """
    if kind not in _KINDS:
        raise KeyError(f"Unknown e-mail kind: {kind}")
    key = key or f"{kind}:{uuid.uuid4().hex}"
    recipient_id = recipient.pk if recipient is not None else None
    transaction.on_commit(lambda: deliver.enqueue(kind, key, recipient_id, params))


def send_once(key, recipient, build):
    """Send the message ``build()`` makes, unless an e-mail with ``key`` went out.

    Returns :data:`SENT`, :data:`ALREADY_SENT`, or :data:`SKIPPED` when ``build`` returns
    None. Raises on a mail server error, leaving nothing written.
    """
    if SentEmail.objects.filter(key=key).exists():
        return ALREADY_SENT
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(key=key, recipient=recipient)
        except IntegrityError:
            return ALREADY_SENT
        message = build()
        if message is None:
            transaction.set_rollback(True)
            return SKIPPED
        message.send()
    return SENT


def send_now(kind, key, recipient_id=None, params=None):
    """Build and send one queued e-mail (what the task does, without the retries)."""
    build = _KINDS[kind]
    recipient = None
    if recipient_id is not None:
        recipient = get_user_model().objects.filter(pk=recipient_id).first()
        if recipient is None:
            return SKIPPED
    return send_once(key, recipient, lambda: build(recipient, **(params or {})))


@task()
def deliver(kind, key, recipient_id=None, params=None, attempt=1):
    """Send one queued e-mail; on a mail server error, try again later (a few times)."""
    try:
        return {"result": send_now(kind, key, recipient_id, params)}
    except MAIL_SERVER_ERRORS as error:
        if attempt >= get_setting("EMAIL_ATTEMPTS"):
            logger.error(
                "E-mail %s (%s) not sent after %s attempts: %s",
                kind,
                key,
                attempt,
                type(error).__name__,
            )
            raise
        delay = get_setting("EMAIL_RETRY_DELAY") * 2 ** (attempt - 1)
        retry = deliver
        if default_task_backend.supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(kind, key, recipient_id, params, attempt + 1)
        return {"result": "retry", "attempt": attempt + 1}


def render(recipient, template, context, *, subject=None, to=None, language=None):
    """An e-mail to ``recipient`` in their language (or ``language``) and time zone.

    The body is ``<template>_body.txt``; the subject is ``subject`` (a callable, called in
    that language) or else ``<template>_subject.txt``. Aware datetimes in ``context`` are
    shown in the recipient's zone; callables in it are called in their language. ``to``
    replaces the account's address. Returns the message, to send or to attach to.
    """
    with for_person(recipient, language=language) as (_language, zone):
        context = {
            "recipient": recipient,
            "time_zone": str(zone),
            **{name: _shown(value, zone) for name, value in context.items()},
        }
        if subject is None:
            subject = render_to_string(f"{template}_subject.txt", context)
        else:
            subject = str(subject())
        body = render_to_string(f"{template}_body.txt", context)
    address = to or [recipient.email]
    return EmailMultiAlternatives(" ".join(subject.split()), body, from_email(), address)


def _shown(value, zone):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value, zone)
    if callable(value) and not isinstance(value, models.Model):
        return value()
    return value
