"""The organisation report's files: rows for CSV and XLSX, the PDF, and those too large for a
web request, built in the background by the task worker and kept a day in private storage.

Rows come from :func:`queries.export_rows` (grouped joins per chunk of spaces), so a
spreadsheet of ten thousand spaces is read in a few queries and written in constant memory
(CSV streamed, XLSX with openpyxl's write-only workbook into a temporary file).
"""

import datetime
import tempfile
from collections import OrderedDict

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.template.defaultfilters import slugify
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.mixins import ExcelDateFormatter

from wagtail_coaching.compat import task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.reporting import pdf, queries
from wagtail_coaching.reporting.filters import ReportFilterSet, filtered_rows
from wagtail_coaching.reporting.models import ExportStatus, ReportExport
from wagtail_coaching.spaces.models import display_name
from wagtail_coaching.spaces.uploads import private_storage

FIELDS = [
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
HEADINGS = {
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
XLSX_NUMBER_FORMATS = {"hours": "0.00", "minutes": "0"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOLDER = "report-exports"


def local_date(value):
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def row_values(item, organisation):
    """One exported row of a client space annotated with its figures."""
    return OrderedDict(
        [
            ("coachee", display_name(item.coachee)),
            ("coach", display_name(item.coach)),
            ("organisation", organisation.name),
            ("programme", item.programme.title if item.programme else ""),
            ("status", item.get_status_display()),
            ("sessions_held", item.sessions_held),
            ("sessions_planned", item.planned_sessions),
            ("late_cancellations", item.late_cancellations),
            ("modules_completed", item.modules_completed),
            ("modules_total", item.modules_total),
            ("minutes", item.minutes_spent),
            ("hours", queries.hours(item.minutes_spent)),
            ("first_session", local_date(item.first_session_at)),
            ("last_session", local_date(item.last_session_at)),
            ("start_date", item.start_date),
            ("end_date", item.end_date),
        ]
    )


def spreadsheet_safe(value):
    """Spreadsheet programs run a cell starting with one of these as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_xlsx(rows, organisation, output):
    """Write the rows as an XLSX workbook to the file ``output``, one row at a time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True, iso_dates=True)
    sheet = workbook.create_sheet(title=_("Client spaces")[:31])
    sheet.append([str(HEADINGS[field]) for field in FIELDS])
    # Real numbers and dates, shown with a number format: the spreadsheet program writes
    # them with the reader's own separators; dates in the reader's short date order.
    date_format = ExcelDateFormatter().format(formats.get_format("SHORT_DATE_FORMAT"))
    for item in rows:
        cells = []
        for field, value in row_values(item, organisation).items():
            value = spreadsheet_safe(value)
            cell = WriteOnlyCell(sheet, value)
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(value, datetime.date):
                cell.number_format = date_format
            elif field in XLSX_NUMBER_FORMATS:
                cell.number_format = XLSX_NUMBER_FORMATS[field]
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)


def xlsx_file(rows, organisation):
    """The workbook in a temporary file (on disk past 1 MB), rewound for reading."""
    output = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    write_xlsx(rows, organisation, output)
    output.seek(0)
    return output


def spreadsheet_rows(queryset, period):
    """The ordered spaces of an export with their figures, from grouped joins."""
    return queries.export_rows(queryset, period)


def organisation_pdf(organisation, filterset, language):
    """The organisation report as PDF bytes, for ``filterset``'s choices."""
    rows = filtered_rows(filterset, organisation, figures=False)
    period = filterset.chosen_period
    groups = queries.programme_groups(rows, period)
    return pdf.organisation_report(
        organisation=organisation,
        period=period,
        rows=queries.export_rows(
            rows.order_by("coachee__last_name", "coachee__first_name", "pk"), period
        ),
        totals=queries.totals_of_groups(groups),
        months=queries.hours_per_month(rows, period),
        groups=groups,
        filters=filterset.described(),
        language=language,
    )


def pdf_name(organisation):
    return _("coaching-report-%(name)s.pdf") % {"name": slugify(organisation.name) or "report"}


def spreadsheet_name(organisation):
    return _("coaching-report-%(name)s-%(date)s") % {
        "name": slugify(organisation.name) or organisation.pk,
        "date": datetime.date.today().strftime("%Y-%m-%d"),
    }


# --- In the background -------------------------------------------------------------------------


def in_background(row_count):
    return row_count > get_setting("REPORT_BACKGROUND_SIZE")


def request_export(*, user, organisation, format, query, language):
    """Record an export and queue its building once the request's transaction commits."""
    export = ReportExport.objects.create(
        organisation=organisation,
        requested_by=user,
        format=format,
        query=query[:1000],
        language=language or "",
    )
    transaction.on_commit(lambda: build_report_export.enqueue(str(export.pk)))
    return export


def recent_exports(organisation, user):
    """The exports of ``organisation`` this user asked for that are still kept."""
    return ReportExport.objects.filter(
        organisation=organisation, requested_by=user, created_at__gte=kept_since()
    ).order_by("-created_at")[:5]


def kept_since():
    return timezone.now() - datetime.timedelta(hours=get_setting("REPORT_EXPORT_HOURS"))


def build(export_id):
    """Build the file of the export ``export_id`` and store it privately."""
    export = ReportExport.objects.select_related("organisation").get(pk=export_id)
    if export.status != ExportStatus.WAITING:
        return export.status
    ReportExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    organisation = export.organisation
    try:
        with translation.override(export.language or None):
            filterset = ReportFilterSet(QueryDict(export.query), organisation=organisation)
            rows = filtered_rows(filterset, organisation, figures=False)
            count = rows.count()
            if export.format == "pdf":
                content = ContentFile(organisation_pdf(organisation, filterset, export.language))
                download_name = pdf_name(organisation)
            else:
                ordered = rows.order_by("coachee__last_name", "coachee__first_name", "pk")
                content = File(
                    xlsx_file(spreadsheet_rows(ordered, filterset.chosen_period), organisation)
                )
                download_name = f"{spreadsheet_name(organisation)}.xlsx"
            content.seek(0)
            name = private_storage().save(f"{FOLDER}/{export.pk}.{export.format}", content)
    except Exception:
        ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    ReportExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        rows=count,
        file_name=name,
        download_name=download_name,
        finished_at=timezone.now(),
    )
    return ExportStatus.READY


@task()
def build_report_export(export_id):
    return build(export_id)


def prune(now=None):
    """Delete the exports older than ``REPORT_EXPORT_HOURS`` and their files; their number."""
    storage = private_storage()
    old = ReportExport.objects.filter(created_at__lt=kept_since() if now is None else now)
    count = 0
    for export in old.iterator():
        if export.file_name and storage.exists(export.file_name):
            storage.delete(export.file_name)
        export.delete()
        count += 1
    return count
