"""The coach's availability form: up to two time ranges per weekday, and a day off to add."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.booking.models import Weekday

RANGES_PER_DAY = 2


def _field_names(weekday, index):
    return f"day{weekday}_{index}_from", f"day{weekday}_{index}_to"


class AvailabilityForm(forms.Form):
    """For each weekday, up to two ranges ("from", "to"), both empty or both filled."""

    def __init__(self, *args, ranges=(), **kwargs):
        super().__init__(*args, **kwargs)
        filled = {}
        for item in ranges:
            filled.setdefault(item.weekday, []).append(item)
        self.days = []
        for weekday, label in Weekday.choices:
            rows = []
            for index in range(RANGES_PER_DAY):
                start_name, end_name = _field_names(weekday, index)
                existing = filled.get(weekday, [])
                item = existing[index] if index < len(existing) else None
                widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                self.fields[start_name] = forms.TimeField(
                    label=_("%(day)s, from") % {"day": label},
                    required=False,
                    widget=widget,
                    initial=item.starts if item else None,
                )
                self.fields[end_name] = forms.TimeField(
                    label=_("%(day)s, to") % {"day": label},
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    initial=item.ends if item else None,
                )
                rows.append((start_name, end_name))
            self.days.append((label, [(self[a], self[b]) for a, b in rows]))

    def clean(self):
        data = super().clean()
        self.ranges = []
        for weekday, _label in Weekday.choices:
            for index in range(RANGES_PER_DAY):
                start_name, end_name = _field_names(weekday, index)
                starts, ends = data.get(start_name), data.get(end_name)
                if starts is None and ends is None:
                    continue
                if starts is None or ends is None:
                    self.add_error(end_name, _("Give both the start and the end, or neither."))
                elif ends <= starts:
                    self.add_error(end_name, _("The end must be after the start."))
                else:
                    self.ranges.append((weekday, starts, ends))
        return data


class DayOffForm(forms.Form):
    day = forms.DateField(label=_("Day off"), widget=forms.DateInput(attrs={"type": "date"}))
