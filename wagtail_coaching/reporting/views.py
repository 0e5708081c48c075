"""Report views: the admin report (``ReportView`` with CSV/XLSX), PDFs, the anonymised view,
and the participants' view of their own final report.

Who sees what is decided by :mod:`.access` (admin) and :mod:`wagtail_coaching.spaces.lock`
(a space's participants); an organisation or space outside a user's reach is a 404.
Responses carry ``Cache-Control: private, no-store``.
"""

import datetime
from decimal import Decimal

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import slugify
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton

from wagtail_coaching.conf import get_setting
from wagtail_coaching.reporting import access, anonymity, exports, pdf, queries
from wagtail_coaching.reporting.filters import ReportFilterSet, filtered_rows
from wagtail_coaching.reporting.models import ExportStatus, ReportExport
from wagtail_coaching.spaces.models import ClientSpace, display_name
from wagtail_coaching.spaces.uploads import private_storage

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


# --- Organisations that receive averages only ------------------------------------------------


def averages_url(organisation):
    return reverse(f"{NAMESPACE}:programmes", kwargs={"organisation_id": organisation.pk})


def get_named_organisation_or_404(user, organisation_id):
    """The organisation if ``user`` sees its reports *and* it reports names, else 404."""
    organisation = access.get_organisation_or_404(user, organisation_id)
    if not organisation.reports_names:
        raise Http404("This organisation receives anonymised averages only.")
    return organisation


class AveragesFilterSet(ReportFilterSet):
    """Period and programme only: a status filter would cut groups the rules cannot see."""

    class Meta(ReportFilterSet.Meta):
        exclude = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)
        self.form.fields.pop("status", None)


# --- The report ------------------------------------------------------------------------------


class ReportLinkColumn(Column):
    cell_template_name = "wagtail_coaching/reporting/final_report_cell.html"


def _ratio(done, total):
    return _("%(done)s / %(total)s") % {"done": done, "total": total}


def _csv_text(value):
    """A date or a number as text in the active language's format; anything else as is."""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float | Decimal):
        return formats.number_format(value, use_l10n=True)
    return value


def _rendered_as_now(chunks):
    """``chunks`` produced in the language and time zone active now, whenever read."""
    language, zone = get_language(), timezone.get_current_timezone()

    def produce():
        with translation.override(language), timezone.override(zone):
            yield from chunks

    return produce()


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

    list_export = exports.FIELDS
    export_headings = exports.HEADINGS

    def dispatch(self, request, *args, **kwargs):
        self.organisation = access.get_organisation_or_404(request.user, kwargs["organisation_id"])
        if not self.organisation.reports_names:
            # Anonymised averages only: the named report is not there to be exported.
            if self.results_only or request.GET.get("export"):
                raise Http404("This organisation receives anonymised averages only.")
            return _private(redirect(averages_url(self.organisation)))
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

    @property
    def period(self):
        return self.filters.chosen_period if self.filters else queries.ALL_TIME

    def get_base_queryset(self):
        if self.is_export:
            # Exports read the figures with grouped joins (exports.spreadsheet_rows).
            return queries.export_spaces(
                queries.organisation_spaces(self.organisation, self.period)
            )
        return queries.report_rows(self.organisation, self.period)

    def order_queryset(self, queryset):
        if self.is_export:
            figure = (self.ordering or "").lstrip("-")
            if figure in FIGURES:
                queryset = queries.with_figure(queryset, figure, self.period)
        # A unique last key keeps pagination stable when many rows tie.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def get_filename(self):
        return exports.spreadsheet_name(self.organisation)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if spreadsheet_format == self.FORMAT_XLSX and exports.in_background(queryset.count()):
            return _background(self.request, self.organisation, "xlsx")
        rows = exports.spreadsheet_rows(queryset, self.period)
        if spreadsheet_format == self.FORMAT_XLSX:
            return _private(
                FileResponse(
                    exports.xlsx_file(rows, self.organisation),
                    as_attachment=True,
                    content_type=exports.XLSX_TYPE,
                    filename=f"{self.get_filename()}.xlsx",
                )
            )
        return super().as_spreadsheet(rows, spreadsheet_format)

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
        return exports.row_values(item, self.organisation)

    def preprocess_field_value(self, field, value, export_format):
        if export_format == self.FORMAT_CSV:
            # CSV is text: dates and numbers are written as the reader writes them.
            value = _csv_text(value)
        value = super().preprocess_field_value(field, value, export_format)
        return exports.spreadsheet_safe(value)

    def write_csv_response(self, queryset):
        # The CSV is written while the response streams, after the view has returned and
        # the admin's language and time zone for this user are no longer active.
        response = super().write_csv_response(queryset)
        response.streaming_content = _rendered_as_now(response.streaming_content)
        return response

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["organisation"] = self.organisation
        context["period"] = period = (
            self.filters.chosen_period if self.filters else queries.ALL_TIME
        )
        if not self.is_export:
            # Summed by grouped joins over the plain filtered spaces: the page's rows carry
            # per-row figure subqueries whose joins would be dragged into every total.
            context["totals"] = queries.totals(
                filtered_rows(self.filters, self.organisation, figures=False)
                if self.filters
                else queries.organisation_spaces(self.organisation, period),
                period,
            )
            context["exports"] = exports.recent_exports(self.organisation, self.request.user)
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
    """Averages per programme, decided against the whole organisation (see ``anonymity``)."""

    template_name = "wagtail_coaching/reporting/programmes.html"
    page_title = gettext_lazy("Averages per programme")
    header_icon = "table"

    def get(self, request, organisation_id):
        self.organisation = access.get_organisation_or_404(request.user, organisation_id)
        filterset = AveragesFilterSet(request.GET, request=request, organisation=self.organisation)
        programme = None
        if filterset.is_valid():
            programme = filterset.form.cleaned_data.get("programme")
        period = filterset.chosen_period
        view = anonymity.anonymised_view(
            self.organisation,
            period,
            get_setting("REPORT_MIN_GROUP_SIZE"),
            programme=programme,
        )
        context = self.get_context_data(
            organisation=self.organisation,
            filterset=filterset,
            period_label=pdf.fmt_period(view.period),
            filters=filterset.described(),
            anonymised=view,
            filtered=programme is not None or not period.is_open,
            report_url=(
                reverse(
                    f"{NAMESPACE}:organisation",
                    kwargs={"organisation_id": self.organisation.pk},
                )
                if self.organisation.reports_names
                else None
            ),
        )
        return _private(self.render_to_response(context))

    def get_page_subtitle(self):
        return self.organisation.name


def organisation_report_pdf(request, organisation_id):
    """The organisation report as a PDF, for the same filters as the report page; built in
    the background above ``REPORT_BACKGROUND_SIZE`` client spaces."""
    organisation = get_named_organisation_or_404(request.user, organisation_id)
    filterset = ReportFilterSet(request.GET, request=request, organisation=organisation)
    if exports.in_background(filtered_rows(filterset, organisation, figures=False).count()):
        return _background(request, organisation, "pdf")
    content = exports.organisation_pdf(organisation, filterset, get_language())
    return _pdf_response(content, exports.pdf_name(organisation))


# --- Exports built in the background -----------------------------------------------------------

FIGURES = {
    "sessions_held",
    "minutes_spent",
    "first_session_at",
    "last_session_at",
    "modules_completed",
    "modules_total",
}


def _background(request, organisation, format):
    """Queue the export and send the user to the page that follows it."""
    params = request.GET.copy()
    for key in ("export", "p", "_w_filter_fragment", "ordering"):
        params.pop(key, None)
    export = exports.request_export(
        user=request.user,
        organisation=organisation,
        format=format,
        query=params.urlencode(),
        language=get_language(),
    )
    return _private(
        redirect(f"{NAMESPACE}:export", organisation_id=organisation.pk, export_id=export.pk)
    )


def _export_or_404(request, organisation_id, export_id):
    organisation = get_named_organisation_or_404(request.user, organisation_id)
    try:
        return ReportExport.objects.select_related("organisation").get(
            pk=export_id, organisation=organisation, created_at__gte=exports.kept_since()
        )
    except ReportExport.DoesNotExist as exc:
        raise Http404("No such export.") from exc


class ExportView(ReportMixin, TemplateView):
    """Where a report built in the background stands; the file once it is ready."""

    template_name = "wagtail_coaching/reporting/export.html"
    page_title = gettext_lazy("Report being prepared")
    header_icon = "download"

    def get(self, request, organisation_id, export_id):
        self.export = _export_or_404(request, organisation_id, export_id)
        self.organisation = self.export.organisation
        context = self.get_context_data(
            export=self.export,
            organisation=self.organisation,
            refresh=self.export.status in (ExportStatus.WAITING, ExportStatus.RUNNING),
            report_url=reverse(
                f"{NAMESPACE}:organisation", kwargs={"organisation_id": self.organisation.pk}
            ),
        )
        return _private(self.render_to_response(context))

    def get_page_subtitle(self):
        return self.organisation.name


def export_download(request, organisation_id, export_id):
    """The file of a ready export, to users who may see the organisation's reports only."""
    export = _export_or_404(request, organisation_id, export_id)
    if not export.is_ready:
        raise Http404("This export is not ready.")
    storage = private_storage()
    try:
        handle = storage.open(export.file_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("This export's file is gone.") from exc
    content_type = "application/pdf" if export.format == "pdf" else exports.XLSX_TYPE
    return _private(
        FileResponse(
            handle,
            as_attachment=True,
            content_type=content_type,
            filename=export.download_name,
        )
    )


def space_final_report_pdf(request, organisation_id, public_id):
    """The final report of one space of the organisation, as its sponsor receives it."""
    organisation = get_named_organisation_or_404(request.user, organisation_id)
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
