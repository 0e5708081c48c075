"""Per-user preferences: the language and time zone a person reads in, and the private
calendar feed.

Anything made for one person (an e-mail, an iCalendar summary, a PDF) is rendered inside
:func:`for_person`, in *their* language and time zone, whoever's screen triggered it.
"""

import contextlib
import datetime
import secrets
import zoneinfo

from asgiref.local import Local
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _


class EmailFrequency(models.TextChoices):
    """When a person is e-mailed about what is new in their spaces (never what it says)."""

    IMMEDIATELY = "immediately", _("At once")
    DIGEST = "digest", _("In a daily digest")
    NONE = "none", _("Never")


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CoachingPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="coaching_preferences",
    )
    # A code of settings.LANGUAGES; not a model choice, so a site changing its languages
    # never needs a migration. Forms offer and check the site's languages.
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("E-mails, calendar invitations and PDFs are written in this language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Times are shown in this zone. Empty: the site's time zone."),
    )
    # Whoever holds the feed URL reads the user's session times; revoking replaces it.
    calendar_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, null=True, blank=True
    )

    # E-mails about what is new: messages, and everything else (documents, goals, sessions).
    email_messages = models.CharField(
        _("e-mail about new messages"),
        max_length=16,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATELY,
    )
    email_updates = models.CharField(
        _("e-mail about other news"),
        max_length=16,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DIGEST,
        help_text=_("Documents added, goals changed, sessions planned, moved or cancelled."),
    )

    class Meta:
        verbose_name = _("coaching preferences")
        verbose_name_plural = _("coaching preferences")

    def __str__(self):
        return str(self.user)


def preferences_for(user):
    preferences, _created = CoachingPreferences.objects.get_or_create(user=user)
    return preferences


def valid_time_zone(name):
    return bool(name) and name in zoneinfo.available_timezones()


def user_timezone(user):
    """The ``ZoneInfo`` ``user`` reads times in: their preference, else ``TIME_ZONE``."""
    return _language_and_zone(user)[1]


def site_language():
    """The site's default language, as one of ``settings.LANGUAGES``."""
    return supported_language(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


def supported_language(code):
    """``code`` as one of the site's languages (``fr-ca`` gives ``fr``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_choices():
    return [(code, translation.gettext(name)) for code, name in settings.LANGUAGES]


def language_name(code):
    """The name of one of the site's languages, in the current language."""
    return dict(language_choices()).get(code, code)


def user_language(user):
    """The language ``user`` reads: their preference, else the site's language."""
    return _language_and_zone(user)[0]


# A request reads each person's preferences once, however many times its view, template tags
# and time zone blocks ask (``_read.by_user``, set only while a request runs). Saving or
# deleting preferences forgets them, so a change shows at once.
_read = Local()


@receiver(request_started)
def _start_reading(**kwargs):
    _read.by_user = {}


@receiver(request_finished)
def _stop_reading(**kwargs):
    _read.by_user = None


@receiver(post_save, sender=CoachingPreferences)
@receiver(post_delete, sender=CoachingPreferences)
def _forget_read(sender, instance, **kwargs):
    by_user = getattr(_read, "by_user", None)
    if by_user:
        by_user.pop(instance.user_id, None)


def _stored_language_and_zone(user):
    """``(language, time_zone)`` as stored for ``user`` (blank when not set)."""
    if user is None or not getattr(user, "pk", None):
        return "", ""
    by_user = getattr(_read, "by_user", None)
    if by_user is not None and user.pk in by_user:
        return by_user[user.pk]
    row = CoachingPreferences.objects.filter(user=user).values_list("language", "time_zone")
    stored = row.first() or ("", "")
    if by_user is not None:
        by_user[user.pk] = stored
    return stored


def _language_and_zone(user):
    language, zone = _stored_language_and_zone(user)
    try:
        tzinfo = zoneinfo.ZoneInfo(zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tzinfo = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return supported_language(language) or site_language(), tzinfo


def stored_language(user):
    """The language ``user`` chose (one of the site's), or None if they never chose one."""
    if user is None or not getattr(user, "pk", None):
        return None
    row = CoachingPreferences.objects.filter(user=user).values_list("language", flat=True)
    return supported_language(row.first())


def remember_language(response, language):
    """Show the site in ``language`` from now on (Django's language cookie, which
    ``LocaleMiddleware`` reads on every request, and Wagtail's admin too)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_user_language(user, language):
    """Store ``language`` (one of the site's) as ``user``'s preference; False if unknown."""
    language = supported_language(language)
    if language is None or not getattr(user, "pk", None):
        return False
    CoachingPreferences.objects.update_or_create(user=user, defaults={"language": language})
    return True


@contextlib.contextmanager
def for_person(user, language=None):
    """Render inside this block for ``user``: their language (or ``language`` when given,
    e.g. a space's) and their time zone. Yields ``(language, zone)``."""
    preferred, zone = _language_and_zone(user)
    language = supported_language(language) or preferred
    with translation.override(language), timezone.override(zone):
        yield language, zone


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def show_date(value):
    """A date (or a datetime, read in the current time zone) as the reader writes dates."""
    return formats.date_format(_local(value), "DATE_FORMAT")


def show_time(value):
    """The time of day of ``value`` (read in the current time zone) as the reader writes it."""
    return formats.time_format(_local(value), "TIME_FORMAT")


def show_datetime(value):
    """A datetime, read in the current time zone, as the reader writes dates and times."""
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def show_number(value, decimals=None):
    """A number with the reader's decimal separator."""
    return formats.number_format(value, decimals, use_l10n=True)


def rotate_calendar_token(user):
    """Give ``user`` a new feed key; the old feed URL stops working at once."""
    preferences = preferences_for(user)
    preferences.calendar_token = new_calendar_token()
    preferences.save(update_fields=["calendar_token"])
    return preferences.calendar_token


def revoke_calendar_token(user):
    CoachingPreferences.objects.filter(user=user).update(calendar_token=None)
