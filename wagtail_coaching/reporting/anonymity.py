"""Anonymised figures: averages per programme that never single out fewer than K people.

The decision is taken against the organisation as a whole, not inside whatever a filter
leaves, so that comparing two reports (all programmes against one programme, a period
against a slightly longer one) cannot isolate anyone:

* figures count **activity**: sessions held, their confirmed minutes and modules completed.
  A client space counts towards K only when it has activity in the period;
* periods are whole calendar months (a chosen day stands for its month), and a month is the
  smallest unit any figure is built from;
* a programme group is shown only when, in **every** month of the period, it has either no
  activity or activity in at least K spaces. Any difference between two periods is then made
  of whole months of at least K people each;
* the overall figures follow the same rule over the whole organisation;
* the hidden groups together could be worked out as "overall minus shown groups": while, in
  some month, they hold activity of fewer than K spaces, the smallest shown group active in
  that month is hidden too;
* a filter on one programme shows exactly that programme's row of the unfiltered report, and
  is refused when that row is hidden.

:func:`decide` is a plain function of the month-by-month activity (no database), so that it
can be tested exhaustively; :func:`organisation_activity` reads that activity in three
queries. Only counts and dates are read.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from wagtail_coaching.programmes.pages import ModulePage
from wagtail_coaching.programmes.progress import HELD, ModuleProgress
from wagtail_coaching.reporting.queries import (
    ALL_TIME,
    Period,
    Totals,
    programme_translation_groups,
)
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.models import ClientSpace


@dataclass(frozen=True)
class Activity:
    """What one client space did in one month (only months with activity exist)."""

    space_id: int
    group_id: int | None
    month: datetime.date
    sessions_held: int = 0
    minutes: int = 0
    modules_completed: int = 0


@dataclass
class AnonymousGroup:
    group_id: int | None
    title: str
    totals: Totals
    hidden: bool = False


@dataclass
class AnonymisedView:
    """What may be shown. ``refused`` is True when the chosen filter was turned down."""

    groups: list
    overall: Totals
    overall_hidden: bool
    threshold: int
    refused: bool = False
    period: Period = field(default=ALL_TIME)

    @property
    def shown(self):
        return [group for group in self.groups if not group.hidden]


def whole_months(period):
    """``period`` widened to whole calendar months (open ends stay open)."""
    start = period.start.replace(day=1) if period.start else None
    end = None
    if period.end:
        following = (period.end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        end = following - datetime.timedelta(days=1)
    return Period(start, end)


def _totals(entries):
    entries = list(entries)
    return Totals(
        spaces=len({entry.space_id for entry in entries}),
        sessions_held=sum(entry.sessions_held for entry in entries),
        minutes_spent=sum(entry.minutes for entry in entries),
        modules_completed=sum(entry.modules_completed for entry in entries),
    )


def _small(count, threshold):
    return 0 < count < threshold


def decide(activity, threshold, *, programme=None, titles=None):
    """The anonymised view of ``activity`` (entries of one organisation and period).

    ``programme`` is a group id to filter on (``None`` for all programmes); ``titles`` maps
    group ids to names. Entries must already be restricted to the period's months.
    """
    titles = titles or {}
    by_group = defaultdict(list)
    for entry in activity:
        by_group[entry.group_id].append(entry)

    def spaces_per_month(entries):
        months = defaultdict(set)
        for entry in entries:
            months[entry.month].add(entry.space_id)
        return {month: len(spaces) for month, spaces in months.items()}

    monthly = {group_id: spaces_per_month(entries) for group_id, entries in by_group.items()}
    overall_monthly = spaces_per_month(activity)
    groups = [
        AnonymousGroup(group_id=group_id, title=titles.get(group_id, ""), totals=_totals(entries))
        for group_id, entries in by_group.items()
    ]
    groups.sort(key=lambda g: (-g.totals.spaces, g.title, g.group_id or 0))
    for group in groups:
        group.hidden = any(_small(n, threshold) for n in monthly[group.group_id].values())
    overall_hidden = not activity or any(_small(n, threshold) for n in overall_monthly.values())
    # Overall minus the shown groups gives the hidden ones away, month by month; even when
    # this report hides the overall, another period's report may show it.
    while True:
        pool = defaultdict(int)
        for group in groups:
            if group.hidden:
                for month, n in monthly[group.group_id].items():
                    pool[month] += n
        giveaway = {month for month, n in pool.items() if _small(n, threshold)}
        candidates = [g for g in groups if not g.hidden and giveaway & set(monthly[g.group_id])]
        if not giveaway or not candidates:
            break
        min(candidates, key=lambda g: (g.totals.spaces, g.group_id or 0)).hidden = True
    view = AnonymisedView(
        groups=groups,
        overall=_totals(activity),
        overall_hidden=overall_hidden,
        threshold=threshold,
    )
    if programme is not None:
        chosen = [group for group in groups if group.group_id == programme]
        view.groups = chosen
        view.refused = not chosen or chosen[0].hidden
        view.overall = chosen[0].totals if chosen else Totals()
        view.overall_hidden = view.refused
    return view


def organisation_activity(organisation, period=ALL_TIME):
    """Month-by-month :class:`Activity` of ``organisation``'s spaces in ``period``.

    ``period`` is widened to whole months. Three queries: held sessions per space and
    month, completed live modules of the space's programme per space and month, and the
    programmes' translation groups (a programme and its translations are one group).
    """
    period = whole_months(period)
    spaces = ClientSpace.objects.filter(organisation=organisation)
    cells = defaultdict(lambda: [0, 0, 0])
    programme_of = {}

    def month_of(value):
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return value.date()
        return value

    for row in (
        CoachingSession.objects.filter(space__in=spaces, status=HELD)
        .filter(period.instants("starts_at"))
        .annotate(month=TruncMonth("starts_at"))
        .values("space_id", "space__programme_id", "month")
        .annotate(held=Count("pk"), minutes=Sum("confirmed_minutes"))
        .order_by()
    ):
        key = (row["space_id"], month_of(row["month"]))
        programme_of[row["space_id"]] = row["space__programme_id"]
        cells[key][0] += row["held"]
        cells[key][1] += row["minutes"] or 0
    for row in (
        ModuleProgress.objects.filter(
            space__in=spaces,
            completed_at__isnull=False,
            module__in=ModulePage.objects.filter(live=True),
        )
        .filter(period.instants("completed_at"))
        .annotate(month=TruncMonth("completed_at"))
        .values(
            "space_id",
            "space__programme_id",
            "space__programme__path",
            "module__path",
            "module__depth",
            "month",
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        # Only modules of the space's own programme count, as in every report.
        path = row["space__programme__path"]
        if not path or not row["module__path"].startswith(path):
            continue
        if row["module__depth"] != len(path) // 4 + 1:
            continue
        key = (row["space_id"], month_of(row["month"]))
        programme_of[row["space_id"]] = row["space__programme_id"]
        cells[key][2] += row["n"]
    groups = programme_translation_groups([pk for pk in set(programme_of.values()) if pk])
    titles = {group_id: title for group_id, title in groups.values()}
    activity = [
        Activity(
            space_id=space_id,
            group_id=groups.get(programme_of[space_id], (None, ""))[0],
            month=month,
            sessions_held=held,
            minutes=minutes,
            modules_completed=modules,
        )
        for (space_id, month), (held, minutes, modules) in cells.items()
    ]
    return activity, titles


def anonymised_view(organisation, period, threshold, *, programme=None):
    """The anonymised view of ``organisation`` for ``period`` (whole months).

    ``programme`` is a programme page (any of its translations) or None.
    """
    activity, titles = organisation_activity(organisation, period)
    group_id = None
    if programme is not None:
        group_id = programme_translation_groups([programme.pk]).get(
            programme.pk, (programme.pk, "")
        )[0]
    view = decide(activity, threshold, programme=group_id, titles=titles)
    if programme is not None and not view.groups:
        view.groups = [AnonymousGroup(group_id, programme.title, Totals(), hidden=True)]
    if not period.is_open and activity and view.overall_hidden:
        # A period whose figures would all be hidden is a filter turned down, said so.
        view.refused = True
    view.period = whole_months(period)
    return view
