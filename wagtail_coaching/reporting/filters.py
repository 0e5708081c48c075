"""The report's filters (period, programme, status), shared by the report page, its
exports and PDFs, and the exports built in the background."""

import datetime

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from wagtail_coaching.programmes.pages import ProgrammePage
from wagtail_coaching.reporting import queries
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus


class ProgrammeChoiceField(forms.ModelChoiceField):
    """One choice per programme and its translations; a translation's id (a link shared
    by someone reading in another language) chooses the same programme."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return ProgrammePage.objects.defer_streamfields().get(
                pk=int(value), translation_key__in=self.queryset.values("translation_key")
            )
        except (TypeError, ValueError, ProgrammePage.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ProgrammeFilter(django_filters.ModelChoiceFilter):
    field_class = ProgrammeChoiceField


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period and period.start and period.stop and period.start > period.stop:
            self.add_error("period", _("The period ends before it starts."))
        return cleaned


class ReportFilterSet(WagtailFilterSet):
    """Period, programme and status: the same filters for the page, the exports and PDFs."""

    period = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Period"),
        method="filter_period",
        widget=DateRangePickerWidget,
    )
    programme = ProgrammeFilter(
        label=gettext_lazy("Programme"),
        queryset=ProgrammePage.objects.none(),
        empty_label=gettext_lazy("All programmes"),
        method="filter_programme",
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ClientSpaceStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )

    class Meta:
        model = ClientSpace
        fields = []
        form = ReportFilterForm

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only programmes this organisation's spaces follow: titles are public, but a
        # list of every programme says nothing useful here. A programme and its
        # translations are one choice, named in the reader's language.
        self.filters["programme"].queryset = queries.programme_choices(
            ClientSpace.objects.filter(organisation=organisation)
        )

    def filter_programme(self, queryset, name, value):
        return queryset.filter(programme__translation_key=value.translation_key)

    def filter_period(self, queryset, name, value):
        period = queries.Period(_as_date(value.start), _as_date(value.stop))
        return queryset.filter(period.overlapping_spaces())

    @cached_property
    def chosen_period(self):
        """The chosen period (all time unless a valid one was given)."""
        if self.is_valid() and self.form.cleaned_data.get("period"):
            value = self.form.cleaned_data["period"]
            return queries.Period(_as_date(value.start), _as_date(value.stop))
        return queries.ALL_TIME

    def described(self):
        """``(label, value)`` of the chosen programme and status, for the PDF's cover."""
        if not self.is_valid():
            return []
        pairs = []
        if self.form.cleaned_data.get("programme"):
            chosen = self.form.cleaned_data["programme"]
            named = queries.programme_translation_groups([chosen.pk]).get(chosen.pk)
            pairs.append((_("Programme"), named[1] if named else chosen.title))
        if self.form.cleaned_data.get("status"):
            pairs.append((_("Status"), ClientSpaceStatus(self.form.cleaned_data["status"]).label))
        return pairs


def _as_date(value):
    # django-filter turns the chosen days into datetimes (start and end of day).
    return value.date() if isinstance(value, datetime.datetime) else value


def filtered_rows(filterset, organisation, *, figures=True):
    """The report's rows for ``filterset``'s choices: annotated for its period with each
    space's figures (one subquery per figure), or plain when ``figures`` is False (exports
    and PDFs read the figures with grouped joins instead, :func:`queries.export_rows`)."""
    if figures:
        rows = queries.report_rows(organisation, filterset.chosen_period)
    else:
        rows = queries.export_spaces(
            queries.organisation_spaces(organisation, filterset.chosen_period)
        )
    if filterset.is_valid():
        rows = filterset.filter_queryset(rows)
    return rows
