"""Per-user preferences: the time zone times are shown in, and the private calendar feed."""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_calendar_token():
    return secrets.token_urlsafe(32)


class CoachingPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="coaching_preferences",
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
    name = ""
    if user is not None and getattr(user, "pk", None):
        name = (
            CoachingPreferences.objects.filter(user=user)
            .values_list("time_zone", flat=True)
            .first()
            or ""
        )
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def rotate_calendar_token(user):
    """Give ``user`` a new feed key; the old feed URL stops working at once."""
    preferences = preferences_for(user)
    preferences.calendar_token = new_calendar_token()
    preferences.save(update_fields=["calendar_token"])
    return preferences.calendar_token


def revoke_calendar_token(user):
    CoachingPreferences.objects.filter(user=user).update(calendar_token=None)
