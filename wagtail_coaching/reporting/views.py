"""Report views: the admin report (``ReportView`` with CSV/XLSX), PDFs, the anonymised view,
and the participants' view of their own final report.

Who sees what is decided by :mod:`.access` (admin) and :mod:`wagtail_coaching.spaces.lock`
(a space's participants); an organisation or space outside a user's reach is a 404.
Responses carry ``Cache-Control: private, no-store``.
"""

import datetime
from collections import OrderedDict

import django_filters
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import slugify
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton

from wagtail_coaching.conf import get_setting
from wagtail_coaching.programmes.pages import ProgrammePage
from wagtail_coaching.reporting import access, pdf, queries
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, display_name

NAMESPACE = "wagtail_coaching_reports"


def _private(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def _local_date(value):
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def _show_date(value):
    value = _local_date(value)
    return formats.date_format(value, "DATE_FORMAT") if value else ""


# --- Filters ---------------------------------------------------------------------------------


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
    programme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Programme"),
        queryset=ProgrammePage.objects.none(),
        empty_label=gettext_lazy("All programmes"),
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
        # list of every programme says nothing useful here.
        self.filters["programme"].queryset = (
            ProgrammePage.objects.filter(
                pk__in=ClientSpace.objects.filter(organisation=organisation).values("programme_id")
            )
            .defer_streamfields()
            .order_by("title")
        )

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
            pairs.append((_("Programme"), self.form.cleaned_data["programme"].title))
        if self.form.cleaned_data.get("status"):
            pairs.append((_("Status"), ClientSpaceStatus(self.form.cleaned_data["status"]).label))
        return pairs


def _as_date(value):
    # django-filter turns the chosen days into datetimes (start and end of day).
    return value.date() if isinstance(value, datetime.datetime) else value


def filtered_rows(filterset, organisation):
    """The report's rows for ``filterset``'s choices (annotated for its period)."""
    rows = queries.report_rows(organisation, filterset.chosen_period)
    if filterset.is_valid():
        rows = filterset.filter_queryset(rows)
    return rows


# --- The report ------------------------------------------------------------------------------


class ReportLinkColumn(Column):
    cell_template_name = "wagtail_coaching/reporting/final_report_cell.html"


def _ratio(done, total):
    return _("%(done)s / %(total)s") % {"done": done, "total": total}


class OrganisationReportView(ReportView):
    """One row per client space of one organisation, with totals; CSV and XLSX exports."""

    results_template_name = "wagtail_coaching/reporting/organisation_report_results.html"
    page_title = gettext_lazy("Coaching report")
    header_icon = "table"
    filterset_class = ReportFilterSet
    paginate_by = 50
    default_ordering = "coachee__last_name"
    index_url_name = f"{NAMESPACE}:organisation"
    index_results_url_name = f"{NAMESPACE}:organisation_results"

    columns = [
        Column(
            "coachee",
            label=gettext_lazy("Coachee"),
            accessor=lambda row: display_name(row.coachee),
            sort_key="coachee__last_name",
        ),
        Column(
            "coach",
            label=gettext_lazy("Coach"),
            accessor=lambda row: display_name(row.coach),
            sort_key="coach__last_name",
        ),
        Column(
            "programme",
            label=gettext_lazy("Programme"),
            accessor=lambda row: row.programme.title if row.programme else "—",
            sort_key="programme__title",
        ),
        Column(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            sort_key="status",
        ),
        Column(
            "sessions",
            label=gettext_lazy("Sessions held / planned"),
            accessor=lambda row: _ratio(row.sessions_held, row.planned_sessions),
            sort_key="sessions_held",
        ),
        Column(
            "late_cancellations",
            label=gettext_lazy("Late cancellations"),
            accessor="late_cancellations",
            sort_key="late_cancellations",
        ),
        Column(
            "modules",
            label=gettext_lazy("Modules completed / total"),
            accessor=lambda row: _ratio(row.modules_completed, row.modules_total),
            sort_key="modules_completed",
        ),
        Column(
            "hours",
            label=gettext_lazy("Hours"),
            accessor=lambda row: queries.format_hours(row.minutes_spent),
            sort_key="minutes_spent",
        ),
        Column(
            "first_session",
            label=gettext_lazy("First session"),
            accessor=lambda row: _show_date(row.first_session_at),
            sort_key="first_session_at",
        ),
        Column(
            "last_session",
            label=gettext_lazy("Last session"),
            accessor=lambda row: _show_date(row.last_session_at),
            sort_key="last_session_at",
        ),
        ReportLinkColumn("final_report", label=gettext_lazy("Report (PDF)")),
    ]

    list_export = [
        "coachee",
        "coach",
        "organisation",
        "programme",
        "status",
        "sessions_held",
        "sessions_planned",
        "late_cancellations",
        "modules_completed",
        "modules_total",
        "minutes",
        "hours",
        "first_session",
        "last_session",
        "start_date",
        "end_date",
    ]
    export_headings = {
        "coachee": gettext_lazy("Coachee"),
        "coach": gettext_lazy("Coach"),
        "organisation": gettext_lazy("Organisation"),
        "programme": gettext_lazy("Programme"),
        "status": gettext_lazy("Status"),
        "sessions_held": gettext_lazy("Sessions held"),
        "sessions_planned": gettext_lazy("Sessions planned"),
        "late_cancellations": gettext_lazy("Late cancellations"),
        "modules_completed": gettext_lazy("Modules completed"),
        "modules_total": gettext_lazy("Modules in the programme"),
        "minutes": gettext_lazy("Minutes"),
        "hours": gettext_lazy("Hours"),
        "first_session": gettext_lazy("First session"),
        "last_session": gettext_lazy("Last session"),
        "start_date": gettext_lazy("Start date"),
        "end_date": gettext_lazy("End date"),
    }

    def dispatch(self, request, *args, **kwargs):
        self.organisation = access.get_organisation_or_404(request.user, kwargs["organisation_id"])
        response = super().dispatch(request, *args, **kwargs)
        return _private(response)

    def get_page_subtitle(self):
        return self.organisation.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": _("Coaching reports")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.organisation.name},
        ]

    def _org_url(self, name):
        return reverse(f"{NAMESPACE}:{name}", kwargs={"organisation_id": self.organisation.pk})

    def get_index_url(self):
        return self._org_url("organisation")

    def get_index_results_url(self):
        return self._org_url("organisation_results")

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "organisation": self.organisation}

    def get_base_queryset(self):
        period = self.filters.chosen_period if self.filters else queries.ALL_TIME
        return queries.report_rows(self.organisation, period)

    def order_queryset(self, queryset):
        # A unique last key keeps pagination stable when many rows tie.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def get_filename(self):
        return _("coaching-report-%(name)s-%(date)s") % {
            "name": slugify(self.organisation.name) or self.organisation.pk,
            "date": datetime.date.today().strftime("%Y-%m-%d"),
        }

    def _with_query(self, url):
        params = self.request.GET.copy()
        for key in ("export", "p", "_w_filter_fragment", "ordering"):
            params.pop(key, None)
        return f"{url}?{params.urlencode()}" if params else url

    @cached_property
    def pdf_url(self):
        return self._with_query(self._org_url("organisation_pdf"))

    @cached_property
    def programmes_url(self):
        return self._with_query(self._org_url("programmes"))

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(_("Download PDF"), url=self.pdf_url, icon_name="download", priority=10),
            HeaderButton(
                _("Averages per programme"),
                url=self.programmes_url,
                icon_name="table",
                priority=20,
            ),
        ]

    def to_row_dict(self, item):
        return OrderedDict(
            [
                ("coachee", display_name(item.coachee)),
                ("coach", display_name(item.coach)),
                ("organisation", self.organisation.name),
                ("programme", item.programme.title if item.programme else ""),
                ("status", item.get_status_display()),
                ("sessions_held", item.sessions_held),
                ("sessions_planned", item.planned_sessions),
                ("late_cancellations", item.late_cancellations),
                ("modules_completed", item.modules_completed),
                ("modules_total", item.modules_total),
                ("minutes", item.minutes_spent),
                ("hours", queries.hours(item.minutes_spent)),
                ("first_session", _local_date(item.first_session_at)),
                ("last_session", _local_date(item.last_session_at)),
                ("start_date", item.start_date),
                ("end_date", item.end_date),
            ]
        )

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        # Spreadsheet programs run a cell starting with one of these as a formula.
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
        return value

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["organisation"] = self.organisation
        context["period"] = period = (
            self.filters.chosen_period if self.filters else queries.ALL_TIME
        )
        if not self.is_export:
            context["totals"] = queries.totals(self.object_list, period)
        return context


class ReportMixin(WagtailAdminTemplateMixin):
    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:index"), "label": _("Coaching reports")},
        ]
        organisation = getattr(self, "organisation", None)
        if organisation is not None:
            items.append(
                {
                    "url": reverse(
                        f"{NAMESPACE}:organisation", kwargs={"organisation_id": organisation.pk}
                    ),
                    "label": organisation.name,
                }
            )
        return [*items, {"url": "", "label": self.get_page_title()}]


class OrganisationChooserView(ReportMixin, TemplateView):
    """The organisations a user may see reports of; straight to the report if only one."""

    template_name = "wagtail_coaching/reporting/organisations.html"
    page_title = gettext_lazy("Coaching reports")
    header_icon = "table"

    def get(self, request, *args, **kwargs):
        organisations = list(access.reportable_organisations(request.user))
        if not organisations:
            raise Http404("No reports for this user.")
        if len(organisations) == 1:
            return _private(
                redirect(f"{NAMESPACE}:organisation", organisation_id=organisations[0].pk)
            )
        context = self.get_context_data(organisations=organisations)
        return _private(self.render_to_response(context))

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class ProgrammeAveragesView(ReportMixin, TemplateView):
    """Averages per programme, shown only for groups of at least K spaces."""

    template_name = "wagtail_coaching/reporting/programmes.html"
    page_title = gettext_lazy("Averages per programme")
    header_icon = "table"

    def get(self, request, organisation_id):
        self.organisation = access.get_organisation_or_404(request.user, organisation_id)
        filterset = ReportFilterSet(request.GET, request=request, organisation=self.organisation)
        rows = filtered_rows(filterset, self.organisation)
        view = queries.anonymise(
            queries.programme_groups(rows, filterset.chosen_period),
            get_setting("REPORT_MIN_GROUP_SIZE"),
        )
        context = self.get_context_data(
            organisation=self.organisation,
            period_label=pdf.fmt_period(filterset.chosen_period),
            filters=filterset.described(),
            anonymised=view,
            report_url=reverse(
                f"{NAMESPACE}:organisation", kwargs={"organisation_id": self.organisation.pk}
            ),
        )
        return _private(self.render_to_response(context))

    def get_page_subtitle(self):
        return self.organisation.name


def organisation_report_pdf(request, organisation_id):
    """The organisation report as a PDF, for the same filters as the report page."""
    organisation = access.get_organisation_or_404(request.user, organisation_id)
    filterset = ReportFilterSet(request.GET, request=request, organisation=organisation)
    rows = filtered_rows(filterset, organisation)
    groups = queries.programme_groups(rows, filterset.chosen_period)
    content = pdf.organisation_report(
        organisation=organisation,
        period=filterset.chosen_period,
        rows=rows.order_by("coachee__last_name", "coachee__first_name", "pk"),
        totals=queries.totals_of_groups(groups),
        months=queries.hours_per_month(rows, filterset.chosen_period),
        groups=groups,
        filters=filterset.described(),
        language=get_language(),
    )
    name = slugify(organisation.name) or organisation.pk
    return _pdf_response(content, _("coaching-report-%(name)s.pdf") % {"name": name})


def space_final_report_pdf(request, organisation_id, public_id):
    """The final report of one space of the organisation, as its sponsor receives it."""
    organisation = access.get_organisation_or_404(request.user, organisation_id)
    space_id = (
        ClientSpace.objects.filter(organisation=organisation, public_id=public_id)
        .values_list("pk", flat=True)
        .first()
    )
    if space_id is None:
        raise Http404("No such client space in this organisation.")
    return final_report_response(space_id)


def final_report_response(space_id):
    report = queries.final_report(space_id)
    content = pdf.final_report(report, language=get_language())
    name = slugify(report.coachee) or "space"
    if report.is_final:
        filename = _("final-report-%(name)s.pdf") % {"name": name}
    else:
        filename = _("progress-report-%(name)s.pdf") % {"name": name}
    return _pdf_response(content, filename)
