"""Site forms for planning sessions, confirming their minutes, and the preferences page."""

import datetime
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.preferences import (
    CoachingPreferences,
    language_choices,
    show_date,
    show_time,
    valid_time_zone,
)


class SessionForm(forms.Form):
    """Date and time in the planner's time zone; ``cleaned_data["starts_at"]`` is aware."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=480)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("date"), cleaned.get("time")
        if day is None or start is None:
            return cleaned
        wall = datetime.datetime.combine(day, start)
        aware = wall.replace(tzinfo=self.zone)
        # A wall time skipped when clocks go forward does not survive the round trip.
        round_trip = aware.astimezone(datetime.UTC).astimezone(self.zone).replace(tzinfo=None)
        if round_trip != wall:
            raise forms.ValidationError(
                _(
                    "%(time)s does not exist on %(date)s in the %(zone)s time zone (the clocks "
                    "change that night). Choose another time."
                ),
                code="nonexistent_time",
                params={
                    "time": show_time(start),
                    "date": show_date(day),
                    "zone": self.zone,
                },
            )
        cleaned["starts_at"] = aware.astimezone(datetime.UTC)
        return cleaned


class ConfirmMinutesForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes that count"), min_value=0, max_value=1440)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", _("The site's time zone"))] + [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"]
        if name and not valid_time_zone(name):
            raise forms.ValidationError(_("Unknown time zone."))
        return name


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()


class EmailPreferencesForm(forms.ModelForm):
    """When the person is e-mailed about what is new in their spaces."""

    class Meta:
        model = CoachingPreferences
        fields = ["email_messages", "email_updates"]
        widgets = {
            "email_messages": forms.RadioSelect,
            "email_updates": forms.RadioSelect,
        }
