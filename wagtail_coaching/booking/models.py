"""A coach's availability: time ranges per weekday, in the coach's time zone, and days off."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRange(models.Model):
    """The coach takes sessions on ``weekday`` from ``starts`` to ``ends`` (their time zone)."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.CASCADE,
        related_name="availability_ranges",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="wagtail_coaching_availability_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def clean(self):
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be after the start.")})


class DayOff(models.Model):
    """A day the coach takes no booking, whatever their weekly availability."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.CASCADE,
        related_name="days_off",
    )
    day = models.DateField(_("day"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        constraints = [
            models.UniqueConstraint(fields=["coach", "day"], name="wagtail_coaching_day_off")
        ]

    def __str__(self):
        return self.day.isoformat()
