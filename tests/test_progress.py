"""Progress figures: hand-made cases and properties that hold for any journey."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wagtail_coaching.programmes.progress import (
    CURRENT,
    DONE,
    TO_COME,
    Step,
    compute_figures,
    percent,
    session_figures,
    session_totals,
    step_states,
)

from .factories import ClientSpaceFactory, CoachingSessionFactory

STATUSES = ["planned", "done", "cancelled", "missed"]


def test_percent_hand_made():
    assert percent(0, 0) == 0
    assert percent(3, 0) == 0
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(6, 6) == 100
    assert percent(9, 6) == 100
    assert percent(-1, 6) == 0


def test_sessions_hand_made():
    sessions = [("done", 55), ("done", None), ("cancelled", 60), ("missed", 30), ("planned", 0)]
    assert session_figures(sessions) == (2, 55)


def test_step_states_hand_made():
    steps = [
        Step("a", "session"),
        Step("b", "module", module_id=7),
        Step("c", "session"),
        Step("d", "milestone"),
        Step("e", "session"),
    ]
    assert step_states(steps, completed_module_ids={7}, sessions_held=1, marks={}) == [
        DONE,
        DONE,
        CURRENT,
        TO_COME,
        TO_COME,
    ]
    # Two sessions held: the second session step is done; the milestone waits for the coach.
    assert step_states(steps, completed_module_ids={7}, sessions_held=2, marks={}) == [
        DONE,
        DONE,
        DONE,
        CURRENT,
        TO_COME,
    ]
    # The coach's marks win: milestone done, first session reopened.
    assert step_states(
        steps, completed_module_ids={7}, sessions_held=2, marks={"d": True, "a": False}
    ) == [CURRENT, DONE, DONE, DONE, TO_COME]


def test_figures_hand_made():
    states = [DONE, DONE, CURRENT, TO_COME]
    figures = compute_figures(
        states=states,
        sessions=[("done", 60), ("done", 45), ("cancelled", 60), ("planned", None)],
        sessions_planned=8,
        module_ids=[1, 2, 3],
        completed_module_ids=[1, 99],
        actions_done=[True, False, False],
    )
    assert (figures.steps_done, figures.steps_total, figures.steps_percent) == (2, 4, 50)
    assert (figures.sessions_held, figures.sessions_planned, figures.sessions_percent) == (
        2,
        8,
        25,
    )
    assert (figures.modules_completed, figures.modules_total, figures.modules_percent) == (
        1,
        3,
        33,
    )
    assert figures.minutes_spent == 105
    assert (figures.actions_done, figures.actions_total) == (1, 3)
    assert figures.steps_to_come == 2


@pytest.mark.django_db
def test_session_totals_agree_with_session_figures():
    space, empty = ClientSpaceFactory(), ClientSpaceFactory()
    rows = [("done", 50), ("done", None), ("cancelled", 40), ("missed", 10), ("planned", None)]
    for status, minutes in rows:
        CoachingSessionFactory(space=space, status=status, confirmed_minutes=minutes)
    assert session_totals([space.pk, empty.pk]) == {
        space.pk: session_figures(rows),
        empty.pk: (0, 0),
    }


# --- Properties ------------------------------------------------------------------------------

sessions_strategy = st.lists(
    st.tuples(st.sampled_from(STATUSES), st.one_of(st.none(), st.integers(0, 600))),
    max_size=40,
)
steps_strategy = st.lists(
    st.builds(
        Step,
        id=st.uuids().map(str),
        kind=st.sampled_from(["session", "module", "assessment", "milestone"]),
        module_id=st.one_of(st.none(), st.integers(1, 20)),
    ),
    max_size=30,
)


@given(part=st.integers(-1000, 10_000), whole=st.integers(-10, 10_000))
def test_percent_stays_within_0_and_100(part, whole):
    assert 0 <= percent(part, whole) <= 100


@given(sessions=sessions_strategy)
def test_cancelled_missed_and_planned_sessions_never_count(sessions):
    held, minutes = session_figures(sessions)
    assert held == sum(1 for status, _m in sessions if status == "done")
    assert minutes == sum(m or 0 for status, m in sessions if status == "done")
    only_others = [(s, m) for s, m in sessions if s != "done"]
    assert session_figures(only_others) == (0, 0)
    # Adding a cancelled session never changes anything.
    assert session_figures([*sessions, ("cancelled", 90)]) == (held, minutes)


@given(
    steps=steps_strategy,
    sessions=sessions_strategy,
    completed=st.sets(st.integers(1, 20)),
    module_ids=st.sets(st.integers(1, 20)),
    planned=st.integers(0, 50),
    actions=st.lists(st.booleans(), max_size=20),
    marks=st.dictionaries(st.uuids().map(str), st.booleans(), max_size=5),
)
def test_figures_are_consistent(steps, sessions, completed, module_ids, planned, actions, marks):
    forced = dict(zip((step.id for step in steps[:3]), [True, False, True], strict=False))
    marks = {**marks, **forced}
    held, _minutes = session_figures(sessions)
    states = step_states(steps, completed_module_ids=completed, sessions_held=held, marks=marks)
    figures = compute_figures(
        states=states,
        sessions=sessions,
        sessions_planned=planned,
        module_ids=module_ids,
        completed_module_ids=completed,
        actions_done=actions,
    )
    # Totals equal the sum of their parts.
    assert len(states) == len(steps) == figures.steps_total
    assert figures.steps_done + states.count(CURRENT) + states.count(TO_COME) == len(steps)
    assert figures.steps_done + figures.steps_to_come == figures.steps_total
    assert figures.actions_done + actions.count(False) == figures.actions_total
    assert figures.modules_completed <= figures.modules_total == len(module_ids)
    # At most one current step, and it is the first step not done.
    assert states.count(CURRENT) <= 1
    if CURRENT in states:
        assert all(state == DONE for state in states[: states.index(CURRENT)])
    else:
        assert all(state == DONE for state in states)
    # Percentages stay within 0–100.
    for value in (
        figures.steps_percent,
        figures.sessions_percent,
        figures.modules_percent,
        figures.actions_percent,
    ):
        assert 0 <= value <= 100
    # Marks decide.
    for step, state in zip(steps, states, strict=True):
        if step.id in marks:
            assert (state == DONE) == marks[step.id]
