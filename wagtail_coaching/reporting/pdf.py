"""The reportlab documents: the organisation report and the final report of one space.

Safety: every string that comes from a person (names, organisation and programme titles)
is escaped with :func:`xml.sax.saxutils.escape` before it reaches a reportlab ``Paragraph``,
whose mini-language once allowed code execution through markup (CVE-2023-33733). Nothing
from a user is passed to ``toColor`` or used as markup. Table cells are ``Paragraph``\\ s
built by :func:`text`, never raw markup.

Speed: the organisation report's list of spaces is many small tables (``ROWS_PER_TABLE``
rows each, header repeated) rather than one huge table, which reportlab lays out in
super-linear time.

Both documents are written in the language active when they are built (pass ``language``
to choose it).
"""

import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wagtail_coaching.reporting.queries import format_hours, hours
from wagtail_coaching.spaces.models import display_name

ROWS_PER_TABLE = 40
BRAND = colors.HexColor("#2e1f5e")
LIGHT = colors.HexColor("#eeecf5")

_styles = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("CoachingTitle", parent=_styles["Title"], textColor=BRAND),
    "h2": ParagraphStyle("CoachingH2", parent=_styles["Heading2"], textColor=BRAND),
    "body": ParagraphStyle("CoachingBody", parent=_styles["BodyText"], fontSize=10),
    "cell": ParagraphStyle("CoachingCell", parent=_styles["BodyText"], fontSize=8, leading=10),
    "head": ParagraphStyle(
        "CoachingHead",
        parent=_styles["BodyText"],
        fontSize=8,
        leading=10,
        fontName="Helvetica-Bold",
        textColor=colors.white,
    ),
    "number": ParagraphStyle(
        "CoachingNumber", parent=_styles["BodyText"], fontSize=8, leading=10, alignment=TA_RIGHT
    ),
    "small": ParagraphStyle(
        "CoachingSmall", parent=_styles["BodyText"], fontSize=8, textColor=colors.grey
    ),
}


def text(value, style="body"):
    """A Paragraph showing ``value`` literally: it is escaped, never read as markup."""
    return Paragraph(escape("" if value is None else str(value)), STYLES[style])


def number(value):
    return text(formats.number_format(value, use_l10n=True), "number")


def fmt_date(value):
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def fmt_period(period):
    if period.start and period.end:
        return _("From %(start)s to %(end)s") % {
            "start": fmt_date(period.start),
            "end": fmt_date(period.end),
        }
    if period.start:
        return _("Since %(start)s") % {"start": fmt_date(period.start)}
    if period.end:
        return _("Until %(end)s") % {"end": fmt_date(period.end)}
    return _("All time")


def fmt_hours(minutes):
    return format_hours(minutes)


def ratio(done, total):
    return _("%(done)s / %(total)s") % {"done": done, "total": total}


def _grid(rows, widths, *, header=True):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), BRAND)]
        commands += [("BACKGROUND", (0, row), (-1, row), LIGHT) for row in range(2, len(rows), 2)]
    table.setStyle(TableStyle(commands))
    return table


def _facts(pairs, widths=(60 * mm, 100 * mm)):
    table = Table(
        [[text(label, "body"), text(value, "body")] for label, value in pairs],
        colWidths=widths,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
            ]
        )
    )
    return table


def _footer(note):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        width = doc.pagesize[0]
        canvas.drawString(doc.leftMargin, 10 * mm, note)
        canvas.drawRightString(
            width - doc.rightMargin, 10 * mm, _("Page %(page)s") % {"page": doc.page}
        )
        canvas.restoreState()

    return draw


def _build(story, *, title, pagesize=A4):
    output = BytesIO()
    doc = SimpleDocTemplate(
        output,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="wagtail-coaching",
        # The PDF's metadata carries nothing confidential; no creation date is needed.
        invariant=True,
    )
    footer = _footer(_("Counts and dates only: nothing said or written in a coaching."))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return output.getvalue()


def _month_label(month):
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def hours_chart(months, width=170 * mm, height=60 * mm):
    """A bar chart of hours per month (``months`` from ``queries.hours_per_month``)."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = width - 18 * mm, height - 20 * mm
    values = [hours(minutes) for _month, _held, minutes in months]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [_month_label(month) for month, _h, _m in months]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    top = max(values) if values else 1
    chart.valueAxis.valueMax = max(1, top * 1.15)
    chart.bars[0].fillColor = BRAND
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(String(0, height - 6, _("Hours"), fontSize=7, fontName="Helvetica"))
    return drawing


# --- Organisation report ---------------------------------------------------------------------


def space_table_rows(rows):
    """The spaces' table cells, header first."""
    header = [
        text(label, "head")
        for label in (
            _("Coachee"),
            _("Coach"),
            _("Programme"),
            _("Status"),
            _("Sessions held / planned"),
            _("Modules completed / total"),
            _("Hours"),
            _("First session"),
            _("Last session"),
        )
    ]
    body = [
        [
            text(display_name(row.coachee), "cell"),
            text(display_name(row.coach), "cell"),
            text(row.programme.title if row.programme else "—", "cell"),
            text(row.get_status_display(), "cell"),
            text(ratio(row.sessions_held, row.planned_sessions), "number"),
            text(ratio(row.modules_completed, row.modules_total), "number"),
            text(fmt_hours(row.minutes_spent), "number"),
            text(fmt_date(row.first_session_at), "cell"),
            text(fmt_date(row.last_session_at), "cell"),
        ]
        for row in rows
    ]
    return header, body


SPACE_WIDTHS = [m * mm for m in (42, 42, 45, 20, 25, 25, 18, 25, 25)]


def organisation_report(
    *, organisation, period, rows, totals, months, groups, filters=(), language=None
):
    """The organisation report as PDF bytes.

    ``rows``: annotated spaces (``queries.report_rows``); ``totals``: ``queries.totals``;
    ``months``: ``queries.hours_per_month``; ``groups``: ``queries.programme_groups``;
    ``filters``: ``(label, value)`` pairs shown on the cover.
    """
    with translation.override(language or translation.get_language()):
        title = _("Coaching report")
        story = [
            text(title, "title"),
            text(organisation.name, "h2"),
            text(fmt_period(period), "body"),
        ]
        story += [text(f"{label}: {value}", "body") for label, value in filters]
        story += [
            text(_("Produced on %(date)s.") % {"date": fmt_date(timezone.localdate())}, "small"),
            Spacer(1, 6 * mm),
            text(_("Key figures"), "h2"),
            _facts(
                [
                    (_("Client spaces"), totals.spaces),
                    (
                        _("Sessions held / planned"),
                        ratio(totals.sessions_held, totals.sessions_planned),
                    ),
                    (
                        _("Modules completed / total"),
                        ratio(totals.modules_completed, totals.modules_total),
                    ),
                    (_("Hours of coaching"), fmt_hours(totals.minutes_spent)),
                    (
                        _("Average sessions held per space"),
                        formats.number_format(totals.average_sessions_held, 1, use_l10n=True),
                    ),
                    (
                        _("Average hours per space"),
                        totals.average_hours_label,
                    ),
                    (_("Modules completed"), f"{totals.modules_percent} %"),
                ]
            ),
            Spacer(1, 6 * mm),
            text(_("Hours per month"), "h2"),
        ]
        if months:
            story.append(hours_chart(months))
        else:
            story.append(text(_("No session held in this period."), "body"))

        story += [Spacer(1, 4 * mm), text(_("Completion per programme"), "h2")]
        programme_rows = [
            [
                text(label, "head")
                for label in (
                    _("Programme"),
                    _("Client spaces"),
                    _("Sessions held / planned"),
                    _("Modules completed / total"),
                    _("Completion"),
                    _("Hours"),
                )
            ]
        ]
        for group in groups:
            t = group.totals
            programme_rows.append(
                [
                    text(group.title or _("No programme"), "cell"),
                    number(t.spaces),
                    text(ratio(t.sessions_held, t.sessions_planned), "number"),
                    text(ratio(t.modules_completed, t.modules_total), "number"),
                    text(f"{t.modules_percent} %", "number"),
                    text(fmt_hours(t.minutes_spent), "number"),
                ]
            )
        story.append(
            KeepTogether(_grid(programme_rows, [m * mm for m in (70, 25, 30, 30, 20, 20)]))
        )

        story += [PageBreak(), text(_("Client spaces"), "h2")]
        header, body = space_table_rows(rows)
        if not body:
            story.append(text(_("No client space in this report."), "body"))
        for start in range(0, len(body), ROWS_PER_TABLE):
            story.append(_grid([header, *body[start : start + ROWS_PER_TABLE]], SPACE_WIDTHS))
            story.append(Spacer(1, 2 * mm))
        return _build(story, title=f"{title} — {organisation.name}", pagesize=landscape(A4))


# --- Final report of one space ----------------------------------------------------------------


def final_report(report, *, language=None):
    """The final report of one client space (``queries.FinalReport``) as PDF bytes."""
    with translation.override(language or translation.get_language()):
        title = _("Final coaching report")
        if report.end_date:
            dates = _("From %(start)s to %(end)s") % {
                "start": fmt_date(report.start_date),
                "end": fmt_date(report.end_date),
            }
        else:
            dates = _("Since %(start)s") % {"start": fmt_date(report.start_date)}
        story = [
            text(title, "title"),
            _facts(
                [
                    (_("Coachee"), report.coachee),
                    (_("Coach"), report.coach),
                    (_("Organisation"), report.organisation),
                    (_("Programme"), report.programme or "—"),
                    (_("Status"), report.status),
                    (_("Dates"), dates),
                ]
            ),
            Spacer(1, 6 * mm),
            text(_("Key figures"), "h2"),
            _facts(
                [
                    (
                        _("Sessions held / planned"),
                        ratio(report.sessions_held, report.sessions_planned),
                    ),
                    (_("Hours of coaching"), fmt_hours(report.minutes_spent)),
                    (
                        _("Modules completed / total"),
                        ratio(report.modules_completed, report.modules_total),
                    ),
                    (
                        _("Programme steps completed"),
                        ratio(report.steps_done, report.steps_total),
                    ),
                    (_("First session"), fmt_date(report.first_session_at)),
                    (_("Last session"), fmt_date(report.last_session_at)),
                ]
            ),
        ]
        if report.steps:
            story += [Spacer(1, 6 * mm), text(_("Programme steps"), "h2")]
            rows = [[text(label, "head") for label in ("#", _("Step"), _("State"))]]
            rows += [
                [
                    number(step.number),
                    text(step.title, "cell"),
                    text(_("Done") if step.done else _("Not done"), "cell"),
                ]
                for step in report.steps
            ]
            story.append(_grid(rows, [10 * mm, 120 * mm, 40 * mm]))
        if report.modules:
            story += [Spacer(1, 6 * mm), text(_("Modules followed"), "h2")]
            rows = [[text(label, "head") for label in (_("Module"), _("Started"), _("Completed"))]]
            rows += [
                [
                    text(module.title, "cell"),
                    text(fmt_date(module.started_at) if module.started_at else "—", "cell"),
                    text(fmt_date(module.completed_at) if module.completed_at else "—", "cell"),
                ]
                for module in report.modules
            ]
            story.append(_grid(rows, [110 * mm, 30 * mm, 30 * mm]))
        story += [
            Spacer(1, 8 * mm),
            text(
                _(
                    "This report holds counts and dates only. What is said and written in a "
                    "coaching (notes, documents, reflections, goals) stays between the coachee "
                    "and the coach."
                ),
                "small",
            ),
        ]
        return _build(story, title=f"{title} — {report.coachee}")
