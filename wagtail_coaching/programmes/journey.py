"""The coachee's journey in a space: steps with their state, modules, figures, the picture.

:func:`build_journey` reads everything in a constant number of queries, whatever the
number of steps, modules, sessions or actions, and computes the figures with the plain
functions of :mod:`wagtail_coaching.progress`. Nothing is cached: every page view shows the
current state.
"""

import math
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail_coaching.blocks.steps import StepKind
from wagtail_coaching.programmes.pages import ModulePage
from wagtail_coaching.programmes.progress import (
    CURRENT,
    DONE,
    Action,
    ModuleProgress,
    Step,
    StepMark,
    compute_figures,
    session_figures,
    step_states,
)
from wagtail_coaching.sessions.models import CoachingSession

STATE_LABELS = {
    DONE: lambda: _("Done"),
    CURRENT: lambda: _("Current"),
    "to_come": lambda: _("To come"),
}


@dataclass
class JourneyStep:
    id: str
    number: int
    title: str
    description: str
    kind: str
    module: object
    state: str
    mark: bool | None

    @property
    def kind_label(self):
        try:
            return StepKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def state_label(self):
        return STATE_LABELS[self.state]()


@dataclass
class JourneyModule:
    page: object
    url: str
    progress: object

    @property
    def state(self):
        if self.progress is None:
            return "not_started"
        return "completed" if self.progress.is_completed else "started"

    @property
    def state_label(self):
        return {
            "not_started": _("Not started"),
            "started": _("Started"),
            "completed": _("Completed"),
        }[self.state]


@dataclass
class Journey:
    space: object
    programme: object
    steps: list
    modules: list
    figures: object
    actions: list
    picture: dict = field(default_factory=dict)


def module_url(space, module_id):
    return reverse(
        "wagtail_coaching:space_module",
        kwargs={"public_id": space.public_id, "module_id": module_id},
    )


def _modules_sql():
    """SQL of a programme's live modules (the pages one level under the programme's path,
    in the tree's order) with the progress row of one space in each, if any."""
    q = connection.ops.quote_name
    # The tree's columns and the title are on the site's base page table.
    base = ModulePage._meta.get_field("title").model._meta
    page, module = q(base.db_table), q(ModulePage._meta.db_table)
    progress = q(ModuleProgress._meta.db_table)
    pointer = q(ModulePage._meta.pk.column)
    return (
        f"SELECT p.{q(base.pk.column)}, m.{pointer}, p.title, p.slug, p.path, p.depth, p.live,"  # noqa: S608
        " r.id AS progress_pk, r.started_at AS progress_started_at,"
        " r.completed_at AS progress_completed_at"
        f" FROM {module} m JOIN {page} p ON p.{q(base.pk.column)} = m.{pointer}"
        f" LEFT JOIN {progress} r ON r.module_id = m.{pointer} AND r.space_id = %s"
        " WHERE p.path LIKE %s AND p.depth = %s AND p.live ORDER BY p.path"
    )


def modules_with_progress(programme, space):
    """The live modules of ``programme`` with ``space``'s progress in each, in one query:
    ``(modules, {module id: ModuleProgress})`` (a module not started has no entry).

    The modules carry their id, title, slug and place in the tree only (the other fields
    load on access). Written as SQL: Wagtail's tree filters and three ORM subqueries took
    several times longer to build than the database took to answer."""
    if programme is None:
        return [], {}
    modules = list(
        ModulePage.objects.raw(
            _modules_sql(), [space.pk, f"{programme.path}%", programme.depth + 1]
        )
    )
    progress = {
        module.pk: ModuleProgress(
            pk=module.progress_pk,
            space=space,
            module_id=module.pk,
            started_at=module.progress_started_at,
            completed_at=module.progress_completed_at,
        )
        for module in modules
        if module.progress_pk is not None
    }
    return modules, progress


def build_journey(space):
    """The journey of ``space`` (whose ``programme`` is already loaded): 4 queries."""
    programme = space.programme
    modules, progress = modules_with_progress(programme, space)
    modules_by_id = {module.pk: module for module in modules}
    sessions = list(
        CoachingSession.objects.filter(space=space).values_list("status", "confirmed_minutes")
    )
    marks = {
        str(step_id): done
        for step_id, done in StepMark.objects.filter(space=space).values_list("step_id", "done")
    }
    actions = list(Action.objects.filter(space=space))
    for action in actions:
        action.space = space  # one space object: its data key is unwrapped once

    raw_steps = list(programme.steps.raw_data) if programme else []
    plain_steps = []
    for raw in raw_steps:
        value = raw.get("value") or {}
        plain_steps.append(
            Step(id=str(raw.get("id")), kind=value.get("kind", ""), module_id=value.get("module"))
        )
    completed = {module_id for module_id, row in progress.items() if row.is_completed}
    held, _spent = session_figures(sessions)
    states = step_states(
        plain_steps, completed_module_ids=completed, sessions_held=held, marks=marks
    )
    steps = [
        JourneyStep(
            id=plain.id,
            number=number,
            title=(raw.get("value") or {}).get("title", ""),
            description=(raw.get("value") or {}).get("description", ""),
            kind=plain.kind,
            module=modules_by_id.get(plain.module_id),
            state=state,
            mark=marks.get(plain.id),
        )
        for number, (raw, plain, state) in enumerate(
            zip(raw_steps, plain_steps, states, strict=True), start=1
        )
    ]
    figures = compute_figures(
        states=states,
        sessions=sessions,
        sessions_planned=space.planned_sessions,
        module_ids=modules_by_id,
        completed_module_ids=completed,
        actions_done=[action.done for action in actions],
    )
    journey = Journey(
        space=space,
        programme=programme,
        steps=steps,
        modules=[
            JourneyModule(page=m, url=module_url(space, m.pk), progress=progress.get(m.pk))
            for m in modules
        ],
        figures=figures,
        actions=actions,
    )
    journey.picture = picture(journey)
    return journey


def format_minutes(minutes):
    """``135`` → ``"2 h 15 min"`` (translated)."""
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def describe(figures):
    """One sentence with every figure, for screen readers and the picture's description."""
    parts = [
        ngettext(
            "%(done)s of %(total)s step done",
            "%(done)s of %(total)s steps done",
            figures.steps_total,
        )
        % {"done": figures.steps_done, "total": figures.steps_total},
        ngettext(
            "%(held)s of %(planned)s session held",
            "%(held)s of %(planned)s sessions held",
            figures.sessions_planned,
        )
        % {"held": figures.sessions_held, "planned": figures.sessions_planned},
        ngettext(
            "%(done)s of %(total)s module completed",
            "%(done)s of %(total)s modules completed",
            figures.modules_total,
        )
        % {"done": figures.modules_completed, "total": figures.modules_total},
        _("time spent: %(time)s") % {"time": format_minutes(figures.minutes_spent)},
    ]
    return "; ".join(parts) + "."


# Geometry of the picture, in SVG user units; the SVG scales to its container.
WIDTH = 640
MARGIN = 28
PER_ROW = 10
RADIUS = 13
ROW_HEIGHT = 58
BAR_X = 200
BAR_WIDTH = WIDTH - BAR_X - MARGIN - 70
BAR_HEIGHT = 14
BAR_GAP = 30


def picture(journey):
    """Shapes of the progress picture: step dots on a path, then one bar per figure.

    Returned as plain numbers and labels so the template only places them; the drawing
    needs no JavaScript and carries a text description of every figure.
    """
    steps = journey.steps
    count = len(steps)
    rows = math.ceil(count / PER_ROW)
    per_row = min(count, PER_ROW) or 1
    spacing = (WIDTH - 2 * MARGIN) / (per_row - 1) if per_row > 1 else 0
    dots, links = [], []
    for index, step in enumerate(steps):
        row, column = divmod(index, PER_ROW)
        cx = MARGIN + column * spacing if per_row > 1 else WIDTH / 2
        cy = MARGIN + row * ROW_HEIGHT
        dots.append(
            {
                "cx": round(cx, 1),
                "cy": cy,
                "r": RADIUS + (3 if step.state == CURRENT else 0),
                "state": step.state,
                "number": step.number,
                "title": f"{step.number}. {step.title} — {step.state_label}",
            }
        )
        if column:
            previous = dots[index - 1]
            links.append(
                {
                    "x1": previous["cx"],
                    "y1": previous["cy"],
                    "x2": dots[index]["cx"],
                    "y2": cy,
                    "done": step.state == DONE,
                }
            )
    f = journey.figures
    bars = []
    top = MARGIN + rows * ROW_HEIGHT if rows else MARGIN
    for index, (key, label, done, total, pct) in enumerate(
        [
            ("steps", _("Steps"), f.steps_done, f.steps_total, f.steps_percent),
            ("sessions", _("Sessions"), f.sessions_held, f.sessions_planned, f.sessions_percent),
            ("modules", _("Modules"), f.modules_completed, f.modules_total, f.modules_percent),
        ]
    ):
        y = top + index * BAR_GAP
        bars.append(
            {
                "key": key,
                "label": label,
                "y": y,
                "text_y": y + BAR_HEIGHT - 2,
                "fill_width": round(BAR_WIDTH * pct / 100, 1),
                "value": _("%(done)s / %(total)s") % {"done": done, "total": total},
                "percent": pct,
            }
        )
    height = top + len(bars) * BAR_GAP + 8
    return {
        "width": WIDTH,
        "height": height,
        "dots": dots,
        "links": links,
        "bars": bars,
        "bar_x": BAR_X,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_HEIGHT,
        "value_x": BAR_X + BAR_WIDTH + 10,
        "label_x": MARGIN - RADIUS,
        "description": describe(f),
    }
