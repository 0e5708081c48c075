"""The reportlab documents: the organisation report and the final report of one space.

Safety: every string that comes from a person (names, organisation and programme titles)
is escaped with :func:`xml.sax.saxutils.escape` before it reaches a reportlab ``Paragraph``,
whose mini-language once allowed code execution through markup (CVE-2023-33733). Nothing
from a user is passed to ``toColor`` or used as markup. Table cells are ``Paragraph``\\ s
built by :func:`text`, never raw markup, or plain strings that :class:`RowList` draws as text.

Speed: the organisation report's list of spaces is drawn by :class:`RowList`, a flowable
that writes its plain-string cells straight onto the canvas in one text object per page
and splits itself across pages with the header repeated. reportlab's ``Table`` measured,
styled and drew each of its ten thousand cells one by one (most of a 1,000-space report's
time). A value too wide for its column wraps between words (a word wider than the column is
cut), so nothing is ever read as markup there either.

Fonts: a TrueType font is embedded so that names outside Latin-1 print (Polish, Czech,
Greek, Cyrillic...): ``WAGTAIL_COACHING_PDF_FONTS`` (regular and bold TTF paths), by default
DejaVu Sans from Debian's ``fonts-dejavu-core`` when installed, else Bitstream Vera, which
reportlab ships (Latin-1 and part of Latin Extended only).

Both documents are written in the language active when they are built (pass ``language``
to choose it).
"""

import datetime
import functools
from io import BytesIO
from pathlib import Path
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
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wagtail_coaching.conf import get_setting
from wagtail_coaching.reporting.queries import format_hours
from wagtail_coaching.spaces.models import ClientSpaceStatus, display_name

BRAND = colors.HexColor("#2e1f5e")
LIGHT = colors.HexColor("#eeecf5")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
REPORTLAB_FONTS = Path(pdfmetrics.__file__).resolve().parent.parent / "fonts"


@functools.cache
def _default_font_paths():
    if (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists():
        return str(DEJAVU / "DejaVuSans.ttf"), str(DEJAVU / "DejaVuSans-Bold.ttf")
    return str(REPORTLAB_FONTS / "Vera.ttf"), str(REPORTLAB_FONTS / "VeraBd.ttf")


def font_paths():
    """``(regular, bold)`` TrueType files of the PDFs' font (see the module's docstring)."""
    configured = get_setting("PDF_FONTS")
    if configured:
        return configured["regular"], configured["bold"]
    return _default_font_paths()


@functools.cache
def _registered(regular, bold):
    names = (f"CoachingSans-{abs(hash(regular))}", f"CoachingSansBold-{abs(hash(bold))}")
    pdfmetrics.registerFont(TTFont(names[0], regular))
    pdfmetrics.registerFont(TTFont(names[1], bold))
    pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1])
    return names


def fonts():
    """``(regular, bold)`` font names, registered with reportlab on first use."""
    return _registered(*font_paths())


@functools.cache
def _styles(font, bold):
    base = getSampleStyleSheet()
    common = {"fontName": font}
    return {
        "title": ParagraphStyle(
            "CoachingTitle", parent=base["Title"], textColor=BRAND, fontName=bold
        ),
        "h2": ParagraphStyle(
            "CoachingH2", parent=base["Heading2"], textColor=BRAND, fontName=bold, keepWithNext=1
        ),
        "body": ParagraphStyle("CoachingBody", parent=base["BodyText"], fontSize=10, **common),
        "cell": ParagraphStyle(
            "CoachingCell", parent=base["BodyText"], fontSize=8, leading=10, **common
        ),
        # Column headers break between words only, never inside one.
        "head": ParagraphStyle(
            "CoachingHead",
            parent=base["BodyText"],
            fontSize=8,
            leading=10,
            fontName=bold,
            textColor=colors.white,
            splitLongWords=0,
        ),
        "number": ParagraphStyle(
            "CoachingNumber",
            parent=base["BodyText"],
            fontSize=8,
            leading=10,
            alignment=TA_RIGHT,
            **common,
        ),
        "small": ParagraphStyle(
            "CoachingSmall", parent=base["BodyText"], fontSize=8, textColor=colors.grey, **common
        ),
    }


def styles():
    return _styles(*fonts())


def text(value, style="body"):
    """A Paragraph showing ``value`` literally: it is escaped, never read as markup."""
    return Paragraph(escape("" if value is None else str(value)), styles()[style])


def number(value):
    return text(formats.number_format(value, use_l10n=True), "number")


def local_day(value):
    """The local date of a datetime (a date or None is returned as it is)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def fmt_date(value):
    value = local_day(value)
    if value is None:
        return "—"
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
    _regular, bold = fonts()
    table = Table(
        [[text(label, "body"), text(value, "body")] for label, value in pairs],
        colWidths=widths,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("FONTNAME", (0, 0), (0, -1), bold),
            ]
        )
    )
    return table


def _footer(note):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(fonts()[0], 7)
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


def _chart_hours(value):
    # Bars are exact hours; their labels say what the tables say (format_hours, localised).
    return format_hours(round(value * 60)) if value else ""


def hours_chart(months, width=170 * mm, height=60 * mm):
    """A bar chart of hours per month (``months`` from ``queries.hours_per_month``: every
    month of the period, those without a session included)."""
    regular, _bold = fonts()
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = width - 18 * mm, height - 20 * mm
    values = [(minutes or 0) / 60 for _month, _held, minutes in months]
    chart.data = [values]
    # Past two years, name one month in three so that the names stay readable.
    step = 1 if len(months) <= 24 else 3
    chart.categoryAxis.categoryNames = [
        _month_label(month) if index % step == 0 else ""
        for index, (month, _h, _m) in enumerate(months)
    ]
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels, chart.barLabels):
        labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda value: formats.number_format(value, use_l10n=True)
    top = max(values) if values else 1
    chart.valueAxis.valueMax = max(1, top * 1.15)
    chart.bars[0].fillColor = BRAND
    chart.barLabelFormat = _chart_hours if len(months) <= 24 else (lambda value: "")
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(String(0, height - 6, _("Hours"), fontSize=7, fontName=regular))
    return drawing


# --- Organisation report ---------------------------------------------------------------------

CELL_SIZE = 8
CELL_PADDING = 6  # reportlab's default left and right cell padding, together
SPACE_COLUMNS = 9
NUMBER_COLUMNS = (4, 5, 6)


def _header_widths(labels, widths, flexible=()):
    """Column widths widened so that no header word is cut in two; the columns in
    ``flexible`` (names, which may wrap) give the room back."""
    bold = fonts()[1]
    needed = [
        max(pdfmetrics.stringWidth(word, bold, CELL_SIZE) for word in label.split()) + CELL_PADDING
        for label in labels
    ]
    widened = [max(width, need) for width, need in zip(widths, needed, strict=True)]
    excess = sum(widened) - sum(widths)
    for index in flexible:
        if excess > 0:
            given = min(excess, widened[index] - needed[index])
            widened[index] -= given
            excess -= given
    return widened


def _header(labels, widths, flexible=()):
    """Header cells (Paragraphs) and their widths, see :func:`_header_widths`."""
    return [text(label, "head") for label in labels], _header_widths(labels, widths, flexible)


def wrap_lines(value, font, size, width):
    """``value`` as the lines it takes in ``width`` points: broken between words, and a
    word wider than ``width`` cut where it reaches the edge."""
    value = " ".join(str(value).split())
    if pdfmetrics.stringWidth(value, font, size) <= width:
        return [value]
    lines = []
    for line in simpleSplit(value, font, size, width):
        while len(line) > 1 and pdfmetrics.stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines or [""]


class RowList(Flowable):
    """A long list of rows of plain text, drawn directly on the canvas.

    ``header`` (labels, bold on the brand colour, repeated on every page) and ``rows`` (lists
    of strings) in columns of ``widths``; the columns in ``right`` are right-aligned. Rows
    alternate with a light background, like the report's other tables. A row never breaks
    across pages; the list splits between rows.
    """

    PAD_X = CELL_PADDING / 2
    PAD_Y = 2

    def __init__(self, header, rows, widths, *, right=(), size=CELL_SIZE, _prepared=None):
        super().__init__()
        self.widths = list(widths)
        self.right = set(right)
        self.size, self.leading = size, size + 2
        self.font, self.bold = fonts()
        if _prepared is not None:
            self.header_lines, self.rows, self.heights = _prepared
            return
        inner = [width - 2 * self.PAD_X for width in self.widths]
        self.header_lines = [
            wrap_lines(label, self.bold, size, width)
            for label, width in zip(header, inner, strict=True)
        ]
        self.rows = [
            [
                wrap_lines(cell, self.font, size, width)
                for cell, width in zip(row, inner, strict=True)
            ]
            for row in rows
        ]
        self.heights = [self._height(cells) for cells in self.rows]

    def _height(self, cells):
        return max(len(lines) for lines in cells) * self.leading + 2 * self.PAD_Y

    def wrap(self, available_width, available_height):
        self.width = sum(self.widths)
        self.height = self._height(self.header_lines) + sum(self.heights)
        return self.width, self.height

    def split(self, available_width, available_height):
        room = available_height - self._height(self.header_lines)
        fit = 0
        for height in self.heights:
            room -= height
            if room < 0:
                break
            fit += 1
        if fit == 0:
            return []  # not even one row here: the list starts on the next page
        return [self._part(slice(None, fit)), self._part(slice(fit, None))]

    def _part(self, rows):
        return RowList(
            None,
            None,
            self.widths,
            right=self.right,
            size=self.size,
            _prepared=(self.header_lines, self.rows[rows], self.heights[rows]),
        )

    def draw(self):
        canvas = self.canv
        lefts = [sum(self.widths[:index]) for index in range(len(self.widths))]
        tops, top = [], self.height
        for height in [self._height(self.header_lines), *self.heights]:
            tops.append(top)
            top -= height
        canvas.saveState()
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.25)
        canvas.setFillColor(BRAND)
        canvas.rect(
            0,
            tops[1] if len(tops) > 1 else 0,
            self.width,
            tops[0] - (tops[1] if len(tops) > 1 else 0),
            stroke=0,
            fill=1,
        )
        canvas.setFillColor(LIGHT)
        for index in range(2, len(tops), 2):
            bottom = tops[index + 1] if index + 1 < len(tops) else 0
            canvas.rect(0, bottom, self.width, tops[index] - bottom, stroke=0, fill=1)
        path = canvas.beginPath()
        for y in [*tops, 0]:
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        for x in [*lefts, self.width]:
            path.moveTo(x, 0)
            path.lineTo(x, self.height)
        canvas.drawPath(path, stroke=1, fill=0)
        self._draw_text(canvas, self.header_lines, tops[0], lefts, self.bold, colors.white)
        for cells, row_top in zip(self.rows, tops[1:], strict=True):
            self._draw_text(canvas, cells, row_top, lefts, self.font, colors.black)
        canvas.restoreState()

    def _draw_text(self, canvas, cells, top, lefts, font, colour):
        writer = canvas.beginText()
        writer.setFont(font, self.size, self.leading)
        writer.setFillColor(colour)
        for column, lines in enumerate(cells):
            baseline = top - self.PAD_Y - self.size
            for line in lines:
                x = lefts[column] + self.PAD_X
                if column in self.right:
                    x = (
                        lefts[column]
                        + self.widths[column]
                        - self.PAD_X
                        - pdfmetrics.stringWidth(line, font, self.size)
                    )
                writer.setTextOrigin(x, baseline)
                writer.textOut(line)
                baseline -= self.leading
        canvas.drawText(writer)


def space_table_rows(rows, widths):
    """The spaces' list: header labels, body rows (lists of strings) and column widths."""
    labels = [
        _("Coachee"),
        _("Coach"),
        _("Programme"),
        _("Status"),
        _("Sessions held / planned"),
        _("Modules completed / total"),
        _("Hours"),
        _("First session"),
        _("Last session"),
    ]
    widths = _header_widths(labels, widths, flexible=(2, 0, 1))
    # Many rows share dates and figures: format each value once (in the active language).
    show_date = functools.lru_cache(maxsize=4096)(fmt_date)
    show_hours = functools.lru_cache(maxsize=4096)(fmt_hours)
    show_status = functools.lru_cache(maxsize=64)(
        lambda status: str(ClientSpaceStatus(status).label)
    )
    of = _("%(done)s / %(total)s")
    body = [
        [
            display_name(row.coachee),
            display_name(row.coach),
            row.programme.title if row.programme else "—",
            show_status(row.status),
            of % {"done": row.sessions_held, "total": row.planned_sessions},
            of % {"done": row.modules_completed, "total": row.modules_total},
            show_hours(row.minutes_spent),
            show_date(local_day(row.first_session_at)),
            show_date(local_day(row.last_session_at)),
        ]
        for row in rows
    ]
    return labels, body, widths


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
        programme_header, programme_widths = _header(
            [
                _("Programme"),
                _("Client spaces"),
                _("Sessions held / planned"),
                _("Modules completed / total"),
                _("Completion"),
                _("Hours"),
            ],
            [m * mm for m in (70, 25, 30, 30, 20, 20)],
            flexible=(0,),
        )
        programme_rows = [programme_header]
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
        story.append(KeepTogether(_grid(programme_rows, programme_widths)))

        story += [PageBreak(), text(_("Client spaces"), "h2")]
        header, body, widths = space_table_rows(rows, SPACE_WIDTHS)
        if body:
            story.append(RowList(header, body, widths, right=NUMBER_COLUMNS))
        else:
            story.append(text(_("No client space in this report."), "body"))
        return _build(story, title=f"{title} — {organisation.name}", pagesize=landscape(A4))


# --- Final report of one space ----------------------------------------------------------------


def final_report(report, *, language=None):
    """The final report of one client space (``queries.FinalReport``) as PDF bytes."""
    with translation.override(language or translation.get_language()):
        if report.is_final:
            title = _("Final coaching report")
            end = report.end_date
        else:
            # Not over yet: the figures so far, up to the day the report is produced.
            title = _("Coaching progress report")
            end = timezone.localdate()
        dates = _("From %(start)s to %(end)s") % {
            "start": fmt_date(report.start_date),
            "end": fmt_date(end),
        }
        if end is None:
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
                    (_("Period covered") if not report.is_final else _("Dates"), dates),
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
