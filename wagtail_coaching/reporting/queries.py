"""Report figures, computed in the database for many client spaces at once.

The definitions are those of :mod:`wagtail_coaching.progress`, restated here as SQL:

* a session is *held* when its status is ``done``; planned, cancelled and missed sessions
  never count, and never add time;
* *time spent* is the sum of the ``confirmed_minutes`` of held sessions (a held session with
  no confirmed minutes counts as held, with no time);
* a module is *completed* when its ``ModuleProgress.completed_at`` is set, and it counts only
  if it is a live module of the space's programme (as in ``compute_figures``);
* *modules total* is the number of live modules of the space's programme;
* *sessions planned* is the space's ``planned_sessions``.

A :class:`Period` cuts by instant: a session counts in a period when it *starts* inside it, a
module when it was *completed* inside it. A space is in a period's report when its dates
overlap the period. Dates are read in the site's time zone; both ends are inclusive days.

Every function returns in a fixed number of queries, whatever the number of spaces:
figures per space are correlated subqueries, so a page of the report is one query and the
totals another.

Only counts and dates are read: never a note, an answer, an action's text, a document.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone, translation

from wagtail_coaching.programmes.pages import ModulePage, ProgrammePage
from wagtail_coaching.programmes.progress import (
    HELD,
    ModuleProgress,
    Step,
    StepMark,
    percent_of,
    step_states,
)
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, display_name

# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive days ``start`` to ``end``; either may be None (open-ended)."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def is_open(self):
        return self.start is None and self.end is None

    def _midnight(self, day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    @property
    def lower(self):
        """First instant inside the period, or None."""
        return self._midnight(self.start) if self.start else None

    @property
    def upper(self):
        """First instant after the period, or None."""
        return self._midnight(self.end + datetime.timedelta(days=1)) if self.end else None

    def instants(self, field_name):
        """A ``Q`` keeping rows whose ``field_name`` (a datetime) falls in the period."""
        q = Q()
        if self.lower is not None:
            q &= Q(**{f"{field_name}__gte": self.lower})
        if self.upper is not None:
            q &= Q(**{f"{field_name}__lt": self.upper})
        return q

    def overlapping_spaces(self):
        """A ``Q`` keeping client spaces whose dates overlap the period."""
        q = Q()
        if self.end is not None:
            q &= Q(start_date__lte=self.end)
        if self.start is not None:
            q &= Q(end_date__isnull=True) | Q(end_date__gte=self.start)
        return q


ALL_TIME = Period()


# --- Figures per space -----------------------------------------------------------------------


def _scalar(queryset, function, field_name, output_field):
    """A correlated subquery returning one aggregate of ``queryset`` (no GROUP BY needed)."""
    aggregate = Func(F(field_name), function=function, output_field=output_field)
    return Subquery(queryset.order_by().annotate(_v=aggregate).values("_v")[:1])


def _live_modules_of_programme(prefix=""):
    """Filters keeping live module pages that are children of the outer space's programme."""
    return {
        f"{prefix}live": True,
        f"{prefix}depth": OuterRef("programme__depth") + 1,
        f"{prefix}path__startswith": OuterRef("programme__path"),
    }


def with_figures(queryset, period=ALL_TIME):
    """``queryset`` of client spaces annotated with their figures in ``period``.

    Annotations: ``sessions_held``, ``minutes_spent``, ``first_session_at``,
    ``last_session_at`` (held sessions only), ``modules_completed``, ``modules_total``,
    ``late_cancellations`` (sessions cancelled within the organisation's notice).
    """
    held = CoachingSession.objects.filter(space=OuterRef("pk"), status=HELD).filter(
        period.instants("starts_at")
    )
    late = CoachingSession.objects.filter(
        space=OuterRef("pk"), status=SessionStatus.CANCELLED, cancelled_late=True
    ).filter(period.instants("starts_at"))
    completed = ModuleProgress.objects.filter(
        space=OuterRef("pk"), completed_at__isnull=False, **_live_modules_of_programme("module__")
    ).filter(period.instants("completed_at"))
    modules = ModulePage.objects.filter(**_live_modules_of_programme())
    integer = IntegerField()
    instant = DateTimeField()
    return queryset.annotate(
        sessions_held=Coalesce(_scalar(held, "COUNT", "pk", integer), 0),
        minutes_spent=Coalesce(_scalar(held, "SUM", "confirmed_minutes", integer), 0),
        first_session_at=_scalar(held, "MIN", "starts_at", instant),
        last_session_at=_scalar(held, "MAX", "starts_at", instant),
        modules_completed=Coalesce(_scalar(completed, "COUNT", "pk", integer), 0),
        modules_total=Coalesce(_scalar(modules, "COUNT", "pk", integer), 0),
        late_cancellations=Coalesce(_scalar(late, "COUNT", "pk", integer), 0),
    )


def with_figure(queryset, name, period=ALL_TIME):
    """``queryset`` annotated with the one figure ``name`` of :func:`with_figures` (to sort
    an export by it without computing the other five per row)."""
    figures = with_figures(queryset.model.objects.none(), period).query.annotations
    return queryset.annotate(**{name: figures[name]})


EXPORT_FIELDS = (
    "public_id",
    "status",
    "start_date",
    "end_date",
    "planned_sessions",
    "organisation_id",
    "programme_id",
    "coachee__first_name",
    "coachee__last_name",
    "coachee__username",
    "coach__first_name",
    "coach__last_name",
    "coach__username",
    "programme__title",
)


def export_spaces(spaces):
    """``spaces`` with their people and programme, reading only what an export shows (a
    programme page has dozens of columns; ten thousand rows of them cost seconds)."""
    return spaces.select_related("coachee", "coach", "programme").only(*EXPORT_FIELDS)


def export_rows(spaces, period=ALL_TIME, chunk_size=2000):
    """Yield the client spaces of ``spaces`` (an ordered queryset, with its people and
    programme selected) with their figures in ``period``, as :func:`with_figures` names them.

    For exports of many rows: instead of six correlated subqueries per row, the spaces are
    read in chunks and each chunk's figures come from three grouped joins (held sessions,
    late cancellations, completed modules) keyed by space. Memory stays that of one chunk
    whatever the number of rows; queries are four per chunk, plus two for the programmes' modules.
    """
    modules_of = {}  # programme id -> set of live module ids, filled as programmes appear
    chunk = []
    for space in spaces.iterator(chunk_size=chunk_size):
        chunk.append(space)
        if len(chunk) == chunk_size:
            yield from _with_chunk_figures(chunk, period, modules_of)
            chunk = []
    if chunk:
        yield from _with_chunk_figures(chunk, period, modules_of)


def _with_chunk_figures(chunk, period, modules_of):
    ids = [space.pk for space in chunk]
    sessions = {
        row["space_id"]: row
        for row in CoachingSession.objects.filter(space_id__in=ids, status=HELD)
        .filter(period.instants("starts_at"))
        .values("space_id")
        .annotate(
            held=Count("pk"),
            minutes=Sum("confirmed_minutes"),
            first=Min("starts_at"),
            last=Max("starts_at"),
        )
        .order_by()
    }
    late = dict(
        CoachingSession.objects.filter(
            space_id__in=ids, status=SessionStatus.CANCELLED, cancelled_late=True
        )
        .filter(period.instants("starts_at"))
        .values("space_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("space_id", "count")
    )
    missing = {s.programme_id for s in chunk if s.programme_id and s.programme_id not in modules_of}
    if missing:
        modules_of.update(
            (pk, set(module_ids)) for pk, module_ids in _live_modules_by_programme(missing).items()
        )
    wanted = set().union(*(modules_of.get(s.programme_id, set()) for s in chunk))
    completed = {}
    if wanted:
        for space_id, module_id in (
            ModuleProgress.objects.filter(
                space_id__in=ids, completed_at__isnull=False, module_id__in=wanted
            )
            .filter(period.instants("completed_at"))
            .values_list("space_id", "module_id")
        ):
            completed.setdefault(space_id, set()).add(module_id)
    for space in chunk:
        held = sessions.get(space.pk, {})
        modules = modules_of.get(space.programme_id, set())
        space.sessions_held = held.get("held") or 0
        space.minutes_spent = held.get("minutes") or 0
        space.first_session_at = held.get("first")
        space.last_session_at = held.get("last")
        space.modules_completed = len(completed.get(space.pk, set()) & modules)
        space.modules_total = len(modules)
        space.late_cancellations = late.get(space.pk, 0)
        yield space


def organisation_spaces(organisation, period=ALL_TIME, *, programme=None, status=None):
    """Client spaces of ``organisation`` in the report of ``period`` (no annotations)."""
    spaces = ClientSpace.objects.filter(organisation=organisation).filter(
        period.overlapping_spaces()
    )
    if programme is not None:
        spaces = spaces.filter(programme=programme)
    if status:
        spaces = spaces.filter(status=status)
    return spaces


def report_rows(organisation, period=ALL_TIME, *, programme=None, status=None):
    """The report's rows: one annotated client space per row, with its people and programme."""
    spaces = organisation_spaces(organisation, period, programme=programme, status=status)
    return with_figures(
        spaces.select_related("coachee", "coach", "programme").defer("programme__steps"),
        period,
    )


def hours(minutes):
    """Minutes as hours, rounded to two decimals (for exports)."""
    return round((minutes or 0) / 60, 2)


def format_hours(minutes):
    """Minutes as hours with one decimal, rounded half up, in the active language's format.

    The one way hours are shown on screen and in PDFs, so that both always agree.
    """
    value = (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return formats.number_format(value, 1, use_l10n=True)


# --- Totals and averages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    spaces: int = 0
    sessions_held: int = 0
    sessions_planned: int = 0
    minutes_spent: int = 0
    modules_completed: int = 0
    modules_total: int = 0

    @property
    def hours_spent(self):
        return hours(self.minutes_spent)

    @property
    def hours_label(self):
        return format_hours(self.minutes_spent)

    @property
    def average_hours_label(self):
        return format_hours(self.minutes_spent / self.spaces if self.spaces else 0)

    def _per_space(self, value):
        return round(value / self.spaces, 1) if self.spaces else 0

    @property
    def average_sessions_held(self):
        return self._per_space(self.sessions_held)

    @property
    def average_hours(self):
        return self._per_space(self.minutes_spent / 60)

    @property
    def average_modules_completed(self):
        return self._per_space(self.modules_completed)

    sessions_percent = percent_of("sessions_held", "sessions_planned")
    modules_percent = percent_of("modules_completed", "modules_total")


TOTAL_FIELDS = ("sessions_held", "sessions_planned", "minutes_spent", "modules_completed")


def _space_ids(rows):
    return rows.order_by().values("pk")


def _plain_spaces(rows):
    """``rows`` as a plain, unordered queryset of client spaces to group and join from.

    Rows annotated with per-row figures are read through their ids: their annotations'
    joins would otherwise come along into every grouped query."""
    if rows.query.annotations:
        return ClientSpace.objects.filter(pk__in=_space_ids(rows))
    return rows.order_by().select_related(None)


def _live_modules_by_programme(programme_ids):
    """``{programme id: [live module ids]}`` in two small queries (programmes, modules)."""
    if not programme_ids:
        return {}
    programmes = list(
        ProgrammePage.objects.filter(pk__in=programme_ids).values_list("pk", "path", "depth")
    )
    children = Q()
    for _pk, path, depth in programmes:
        children |= Q(path__startswith=path, depth=depth + 1)
    result = {pk: [] for pk, _path, _depth in programmes}
    for module_id, path, depth in ModulePage.objects.filter(children, live=True).values_list(
        "pk", "path", "depth"
    ):
        for pk, programme_path, programme_depth in programmes:
            if depth == programme_depth + 1 and path.startswith(programme_path):
                result[pk].append(module_id)
    return result


def group_totals(rows, period=ALL_TIME):
    """``{programme id or None: Totals}`` of the spaces in ``rows``, in five queries.

    Per-row subqueries are right for a page of rows, but summing them over ten thousand
    spaces costs a subquery per space and figure; here each figure is one grouped join
    instead: spaces, held sessions, completed modules, and the programmes' module counts.
    ``rows`` is a queryset of client spaces (annotated or not); ``period`` must be the one
    its figures are for.
    """
    base = _plain_spaces(rows)
    spaces = {
        row["programme_id"]: row
        for row in base.values("programme_id")
        .annotate(n=Count("pk"), planned=Sum("planned_sessions"))
        .order_by()
    }
    # One join from the spaces to their held sessions (the filter and the aggregate share
    # it), grouped by programme.
    sessions = {
        row["programme_id"]: row
        for row in base.filter(Q(sessions__status=HELD) & period.instants("sessions__starts_at"))
        .values("programme_id")
        .annotate(held=Count("sessions"), minutes=Sum("sessions__confirmed_minutes"))
        .order_by()
    }
    modules = _live_modules_by_programme([pk for pk in spaces if pk is not None])
    # Completed modules that are live modules of the space's own programme. Module ids are
    # given as a list: joined through the page tree, PostgreSQL misjudged the path match and
    # read every organisation's progress rows (0.5 s for 1,000 spaces).
    completed = {}
    if modules:
        owner = {module: pk for pk, module_ids in modules.items() for module in module_ids}
        for row in (
            base.filter(
                Q(
                    module_progress__completed_at__isnull=False,
                    module_progress__module_id__in=list(owner),
                )
                & period.instants("module_progress__completed_at")
            )
            .values("programme_id", "module_progress__module_id")
            .annotate(n=Count("module_progress"))
            .order_by()
        ):
            if owner[row["module_progress__module_id"]] == row["programme_id"]:
                programme_id = row["programme_id"]
                completed[programme_id] = completed.get(programme_id, 0) + row["n"]
    module_counts = {pk: len(module_ids) for pk, module_ids in modules.items()}
    result = {}
    for programme_id, row in spaces.items():
        held = sessions.get(programme_id, {})
        result[programme_id] = Totals(
            spaces=row["n"],
            sessions_held=held.get("held") or 0,
            sessions_planned=row["planned"] or 0,
            minutes_spent=held.get("minutes") or 0,
            modules_completed=completed.get(programme_id, 0),
            modules_total=module_counts.get(programme_id, 0) * row["n"],
        )
    return result


def _add(totals_list):
    return Totals(**{name: sum(getattr(t, name) for t in totals_list) for name in FIGURE_FIELDS})


FIGURE_FIELDS = ("spaces", *TOTAL_FIELDS, "modules_total")


def totals_of_groups(groups):
    """The totals of ``programme_groups``' groups, summed without another query."""
    return _add([group.totals for group in groups])


def totals(rows, period=ALL_TIME):
    """Totals of the spaces in ``rows`` for ``period`` (see :func:`group_totals`)."""
    return _add(group_totals(rows, period).values())


def totals_of(rows):
    """The same totals, summed in Python from already fetched rows (used by tests)."""
    rows = list(rows)
    return Totals(
        spaces=len(rows),
        sessions_held=sum(row.sessions_held for row in rows),
        sessions_planned=sum(row.planned_sessions for row in rows),
        minutes_spent=sum(row.minutes_spent for row in rows),
        modules_completed=sum(row.modules_completed for row in rows),
        modules_total=sum(row.modules_total for row in rows),
    )


# --- Hours per month -------------------------------------------------------------------------


def _months(first, last):
    """First days of every month from ``first``'s to ``last``'s, both included."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def hours_per_month(spaces, period=ALL_TIME):
    """``[(first day of month, held sessions, minutes)]`` of ``spaces``, in one query.

    Every month of the period is there, those without a held session with zeros: from the
    period's first month (else the first month with a session) to its last month (else the
    last month with a session). ``spaces`` is a queryset of client spaces (annotated or not).
    """
    rows = (
        _plain_spaces(spaces)
        .filter(Q(sessions__status=HELD) & period.instants("sessions__starts_at"))
        .annotate(month=TruncMonth("sessions__starts_at"))
        .values("month")
        .annotate(held=Count("sessions"), minutes=Coalesce(Sum("sessions__confirmed_minutes"), 0))
        .order_by("month")
    )
    held = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        held[month] = (row["held"], row["minutes"])
    if not held:
        return []
    first = period.start or min(held)
    last = period.end or max(held)
    return [(month, *held.get(month, (0, 0))) for month in _months(first, last)]


# --- Per programme ---------------------------------------------------


@dataclass
class ProgrammeGroup:
    programme_id: int | None
    title: str
    totals: Totals
    hidden: bool = False


def programme_groups(rows, period=ALL_TIME):
    """Totals per programme of the spaces in ``rows``, biggest group first (five queries)."""
    by_programme = group_totals(rows, period)
    # A programme and its translations are one group (see programme_translation_groups).
    names = programme_translation_groups([pk for pk in by_programme if pk is not None])
    merged = {}
    for pk, totals in by_programme.items():
        group_pk, _title = names.get(pk, (pk, ""))
        merged.setdefault(group_pk, []).append(totals)
    titles = {group_pk: title for group_pk, title in names.values()}
    groups = [
        ProgrammeGroup(programme_id=pk, title=titles.get(pk, ""), totals=_add(totals_list))
        for pk, totals_list in merged.items()
    ]
    groups.sort(key=lambda group: (-group.totals.spaces, group.title, group.programme_id or 0))
    return groups


def _reading_languages():
    """The reader's language and the site's default, as bare language codes."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language, settings.LANGUAGE_CODE.split("-")[0]


def _locale_rank(field_name="locale__language_code"):
    """0 for the reader's language, 1 for the site's default, 2 for any other locale."""
    language, default = _reading_languages()
    return Case(
        When(**{f"{field_name}__iexact": language}, then=Value(0)),
        When(**{f"{field_name}__istartswith": f"{language}-"}, then=Value(0)),
        When(**{f"{field_name}__iexact": default}, then=Value(1)),
        When(**{f"{field_name}__istartswith": f"{default}-"}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def programme_choices(spaces):
    """The programmes ``spaces`` follow, one page per programme and its translations: the
    translation in the reader's language, else in the site's default, else the first page.
    A lazy queryset (one query when read), ordered by title."""
    keys = ProgrammePage.objects.filter(pk__in=spaces.order_by().values("programme_id")).values(
        "translation_key"
    )
    best = (
        ProgrammePage.objects.filter(translation_key=OuterRef("translation_key"))
        .annotate(rank=_locale_rank())
        .order_by("rank", "pk")
        .values("pk")[:1]
    )
    return (
        ProgrammePage.objects.filter(translation_key__in=keys, pk=Subquery(best))
        .defer_streamfields()
        .order_by("title", "pk")
    )


def programme_translation_groups(programme_ids):
    """``{programme id: (group id, group title)}`` for ``programme_ids``, in one query.

    A programme and its translations (Wagtail i18n, same ``translation_key``) are one
    programme in reports. The group is named by its translation in the reader's language,
    else in the site's default locale, else by its first page; its id is that page's.
    """
    if not programme_ids:
        return {}
    keys = ProgrammePage.objects.filter(pk__in=programme_ids).values("translation_key")
    rows = list(
        ProgrammePage.objects.filter(translation_key__in=keys)
        .order_by("pk")
        .values_list("pk", "title", "translation_key", "locale__language_code")
    )
    language, default = _reading_languages()

    def preference(row):
        code = row[3].split("-")[0]
        return (code != language, code != default, row[0])

    chosen = {}
    for row in rows:
        best = chosen.get(row[2])
        if best is None or preference(row) < preference(best):
            chosen[row[2]] = row
    wanted = set(programme_ids)
    return {pk: chosen[key][:2] for pk, _title, key, _code in rows if pk in wanted}


# --- One space: the final report ---------------------------------------------------------------


@dataclass
class ModuleLine:
    title: str
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None


@dataclass
class StepLine:
    number: int
    title: str
    done: bool


@dataclass
class FinalReport:
    """What the sponsor (and the coachee, identically) sees about one client space."""

    space: ClientSpace
    coachee: str
    coach: str
    organisation: str
    programme: str
    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    sessions_held: int
    sessions_planned: int
    minutes_spent: int
    first_session_at: datetime.datetime | None
    last_session_at: datetime.datetime | None
    modules_completed: int
    modules_total: int
    modules: list
    steps: list

    @property
    def hours_spent(self):
        return hours(self.minutes_spent)

    @property
    def hours_label(self):
        return format_hours(self.minutes_spent)

    @property
    def is_final(self):
        """A final report only once the space is closed; before, a progress report."""
        return self.space.status == ClientSpaceStatus.CLOSED

    @property
    def steps_done(self):
        return sum(1 for step in self.steps if step.done)

    @property
    def steps_total(self):
        return len(self.steps)

    sessions_percent = percent_of("sessions_held", "sessions_planned")
    modules_percent = percent_of("modules_completed", "modules_total")
    steps_percent = percent_of("steps_done", "steps_total")


def final_report(space_id):
    """The final report of the client space ``space_id`` over its whole engagement.

    Four queries: the space with its figures (the same SQL as a row of the organisation
    report), its programme's live modules, its module progress (dates only) and its step
    marks (done or not).
    """
    row = (
        with_figures(ClientSpace.objects.select_related("coachee", "coach", "organisation"))
        .select_related("programme")
        .get(pk=space_id)
    )
    programme = row.programme
    modules = list(programme.modules().defer_streamfields()) if programme else []
    progress = {
        module_id: (started, completed)
        for module_id, started, completed in ModuleProgress.objects.filter(
            space_id=row.pk, module__in=[m.pk for m in modules]
        ).values_list("module_id", "started_at", "completed_at")
    }
    marks = {
        str(step_id): done
        for step_id, done in StepMark.objects.filter(space_id=row.pk).values_list("step_id", "done")
    }
    raw_steps = list(programme.steps.raw_data) if programme else []
    plain = [
        Step(
            id=str(raw.get("id")),
            kind=(raw.get("value") or {}).get("kind", ""),
            module_id=(raw.get("value") or {}).get("module"),
        )
        for raw in raw_steps
    ]
    completed_ids = {pk for pk, (_started, completed) in progress.items() if completed}
    states = step_states(
        plain, completed_module_ids=completed_ids, sessions_held=row.sessions_held, marks=marks
    )
    return FinalReport(
        space=row,
        coachee=display_name(row.coachee),
        coach=display_name(row.coach),
        organisation=row.organisation.name,
        programme=programme.title if programme else "",
        status=row.get_status_display(),
        start_date=row.start_date,
        end_date=row.end_date,
        sessions_held=row.sessions_held,
        sessions_planned=row.planned_sessions,
        minutes_spent=row.minutes_spent,
        first_session_at=row.first_session_at,
        last_session_at=row.last_session_at,
        modules_completed=row.modules_completed,
        modules_total=row.modules_total,
        modules=[
            ModuleLine(
                title=module.title,
                started_at=progress.get(module.pk, (None, None))[0],
                completed_at=progress.get(module.pk, (None, None))[1],
            )
            for module in modules
        ],
        steps=[
            StepLine(
                number=number,
                title=(raw.get("value") or {}).get("title", ""),
                done=state == "done",
            )
            for number, (raw, state) in enumerate(zip(raw_steps, states, strict=True), start=1)
        ],
    )


__all__ = [
    "ALL_TIME",
    "FinalReport",
    "Period",
    "Totals",
    "final_report",
    "hours",
    "hours_per_month",
    "organisation_spaces",
    "programme_choices",
    "programme_groups",
    "report_rows",
    "totals",
    "totals_of_groups",
    "with_figures",
]
