"""Report figures against hand-computed fixtures, totals against rows, and query counts."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wagtail_coaching.programmes.progress import ModuleProgress, StepMark, session_figures
from wagtail_coaching.reporting import queries
from wagtail_coaching.reporting.queries import Period
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.models import ClientSpace

from .factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory
from .programmes import make_programme

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")  # the sandbox's TIME_ZONE
APRIL = Period(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def session(space, starts_at, status="done", minutes=None):
    return CoachingSession.objects.create(
        space=space, starts_at=starts_at, status=status, confirmed_minutes=minutes
    )


@pytest.fixture
def fixture_org():
    """One organisation, hand-computed figures in the comments."""
    org = OrganisationFactory(name="Initech")
    programme, modules = make_programme(modules=3)
    other_programme, other_modules = make_programme(modules=1, title="Other")
    space = ClientSpaceFactory(
        organisation=org,
        programme=programme,
        start_date=datetime.date(2026, 1, 1),
        planned_sessions=8,
    )
    # Held sessions, around April's boundaries (Paris time).
    session(space, at(2026, 3, 31, 23, 30), minutes=45)  # March
    session(space, at(2026, 4, 1, 0, 0), minutes=60)  # April, first instant
    session(space, at(2026, 4, 30, 23, 59), minutes=30)  # April, last minute
    session(space, at(2026, 5, 1, 0, 0), minutes=50)  # May, first instant
    session(space, at(2026, 4, 10, 9, 0), minutes=None)  # April, held, unconfirmed: no time
    # Never count, whatever minutes they carry.
    session(space, at(2026, 4, 11, 9, 0), status="cancelled", minutes=99)
    session(space, at(2026, 4, 12, 9, 0), status="missed", minutes=99)
    session(space, at(2026, 4, 13, 9, 0), status="planned", minutes=None)
    # Modules: one completed in April, one in May, one started only; one of another
    # programme (ignored).
    ModuleProgress.objects.create(space=space, module=modules[0], completed_at=at(2026, 4, 15))
    ModuleProgress.objects.create(space=space, module=modules[1], completed_at=at(2026, 5, 2))
    ModuleProgress.objects.create(space=space, module=modules[2])
    ModuleProgress.objects.create(
        space=space, module=other_modules[0], completed_at=at(2026, 4, 16)
    )

    # A space that ended before April, and one that starts after it.
    ended = ClientSpaceFactory(
        organisation=org,
        start_date=datetime.date(2025, 10, 1),
        end_date=datetime.date(2026, 2, 28),
        planned_sessions=4,
    )
    session(ended, at(2026, 2, 1, 10, 0), minutes=60)
    later = ClientSpaceFactory(
        organisation=org, start_date=datetime.date(2026, 6, 1), planned_sessions=5
    )
    # Another organisation's space, with sessions: never in Initech's figures.
    stranger = ClientSpaceFactory(organisation=OrganisationFactory(name="Umbrella"))
    session(stranger, at(2026, 4, 5, 10, 0), minutes=600)
    return org, space, ended, later, programme, modules


def test_all_time_figures_of_a_space(fixture_org):
    org, space, *_ = fixture_org
    row = queries.report_rows(org).get(pk=space.pk)
    assert row.sessions_held == 5
    assert row.minutes_spent == 45 + 60 + 30 + 50
    assert row.first_session_at == at(2026, 3, 31, 23, 30)
    assert row.last_session_at == at(2026, 5, 1, 0, 0)
    assert row.modules_completed == 2
    assert row.modules_total == 3


def test_a_period_cuts_sessions_and_modules_at_its_boundaries(fixture_org):
    org, space, ended, later, *_ = fixture_org
    rows = {row.pk: row for row in queries.report_rows(org, APRIL)}
    assert set(rows) == {space.pk}  # the ended and the later space do not overlap April
    row = rows[space.pk]
    assert row.sessions_held == 3  # 1 April 00:00, 10 April (unconfirmed), 30 April 23:59
    assert row.minutes_spent == 90
    assert row.first_session_at == at(2026, 4, 1, 0, 0)
    assert row.last_session_at == at(2026, 4, 30, 23, 59)
    assert row.modules_completed == 1


def test_totals_and_averages(fixture_org):
    org, *_ = fixture_org
    totals = queries.totals(queries.report_rows(org))
    assert totals.spaces == 3
    assert totals.sessions_held == 6
    assert totals.sessions_planned == 8 + 4 + 5
    assert totals.minutes_spent == 185 + 60
    assert totals.modules_completed == 2
    assert totals.modules_total == 3
    assert totals.average_sessions_held == 2.0
    assert totals.average_hours == round(245 / 60 / 3, 1)
    assert totals.modules_percent == 67
    april = queries.totals(queries.report_rows(org, APRIL), APRIL)
    assert (april.spaces, april.sessions_held, april.minutes_spent) == (1, 3, 90)


def test_hours_per_month(fixture_org):
    org, *_ = fixture_org
    months = queries.hours_per_month(queries.report_rows(org))
    assert months == [
        (datetime.date(2026, 2, 1), 1, 60),
        (datetime.date(2026, 3, 1), 1, 45),
        (datetime.date(2026, 4, 1), 3, 90),
        (datetime.date(2026, 5, 1), 1, 50),
    ]
    assert queries.hours_per_month(queries.report_rows(org, APRIL), APRIL) == [
        (datetime.date(2026, 4, 1), 3, 90)
    ]


def test_programme_groups(fixture_org):
    org, _space, _ended, _later, programme, _modules = fixture_org
    groups = {
        group.programme_id: group for group in queries.programme_groups(queries.report_rows(org))
    }
    assert set(groups) == {programme.pk, None}
    assert groups[programme.pk].totals.spaces == 1
    assert groups[programme.pk].totals.minutes_spent == 185
    assert groups[None].totals.spaces == 2
    assert groups[None].totals.modules_total == 0


def test_final_report_of_a_space(fixture_org):
    _org, space, _ended, _later, programme, modules = fixture_org
    step_ids = [raw["id"] for raw in programme.steps.raw_data]
    # The coach marks the milestone (last step) done.
    StepMark.objects.create(space=space, step_id=step_ids[-1], done=True)
    report = queries.final_report(space.pk)
    assert (report.sessions_held, report.minutes_spent) == (5, 185)
    assert (report.modules_completed, report.modules_total) == (2, 3)
    # Kick-off (a session was held), modules 1 and 2 (completed), milestone (marked).
    assert [step.done for step in report.steps] == [True, True, True, False, True]
    assert (report.steps_done, report.steps_total) == (4, 5)
    assert [m.title for m in report.modules] == ["Module 1", "Module 2", "Module 3"]
    assert report.modules[2].completed_at is None and report.modules[2].started_at


# --- Totals equal the sum of the rows (property-based) ------------------------------------------

STATUSES = ["planned", "done", "cancelled", "missed"]
session_strategy = st.tuples(
    st.integers(min_value=0, max_value=3),  # which space
    st.sampled_from(STATUSES),
    st.one_of(st.none(), st.integers(min_value=0, max_value=240)),
    st.integers(min_value=0, max_value=400),  # day offset from 2026-01-01
    st.integers(min_value=0, max_value=23),  # hour
)


@pytest.fixture
def four_spaces(db):
    org = OrganisationFactory(name="Hooli")
    programme, modules = make_programme(modules=3)
    other, other_modules = make_programme(modules=2, title="Other")
    spaces = [
        ClientSpaceFactory(
            organisation=org,
            start_date=datetime.date(2025, 12, 1),
            planned_sessions=n + 3,
            programme=[programme, programme, other, None][n],
        )
        for n in range(4)
    ]
    return org, spaces, modules + other_modules


progress_strategy = st.dictionaries(
    st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=4)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sessions=st.lists(session_strategy, max_size=30),
    progress=progress_strategy,
    start=st.integers(min_value=0, max_value=400),
    length=st.integers(min_value=0, max_value=200),
)
def test_totals_equal_the_sum_of_the_rows(four_spaces, sessions, progress, start, length):
    org, spaces, modules = four_spaces
    first = datetime.date(2026, 1, 1) + datetime.timedelta(days=start)
    period = Period(first, first + datetime.timedelta(days=length))
    with transaction.atomic():
        CoachingSession.objects.bulk_create(
            CoachingSession(
                space=spaces[index],
                status=status,
                confirmed_minutes=minutes,
                starts_at=at(2026, 1, 1, hour) + datetime.timedelta(days=day),
                room_name=f"r-{uuid.uuid4().hex}",
            )
            for index, status, minutes, day, hour in sessions
        )
        ModuleProgress.objects.bulk_create(
            ModuleProgress(
                space=spaces[index],
                module=modules[module],
                completed_at=None
                if day is None
                else at(2026, 1, 1, 12) + datetime.timedelta(days=day),
            )
            for (index, module), day in progress.items()
        )
        for chosen in (queries.ALL_TIME, period):
            rows = list(queries.report_rows(org, chosen))
            assert queries.totals(queries.report_rows(org, chosen), chosen) == queries.totals_of(
                rows
            )
            # Each row follows progress.session_figures, the journey's definition.
            for row in rows:
                index = spaces.index(row)
                expected = session_figures(
                    (status, minutes)
                    for i, status, minutes, day, hour in sessions
                    if i == index
                    and (
                        chosen.lower is None
                        or at(2026, 1, 1, hour) + datetime.timedelta(days=day) >= chosen.lower
                    )
                    and (
                        chosen.upper is None
                        or at(2026, 1, 1, hour) + datetime.timedelta(days=day) < chosen.upper
                    )
                )
                assert (row.sessions_held, row.minutes_spent) == expected
            groups = queries.programme_groups(queries.report_rows(org, chosen), chosen)
            assert sum(g.totals.modules_completed for g in groups) == sum(
                r.modules_completed for r in rows
            )
            months = queries.hours_per_month(queries.report_rows(org, chosen), chosen)
            assert sum(minutes for _m, _h, minutes in months) == sum(r.minutes_spent for r in rows)
        transaction.set_rollback(True)


# --- Constant number of queries -----------------------------------------------------------------


def bulk_spaces(org, count):
    coach = CoachFactory()
    coachee = UserFactory()
    programme, _modules = make_programme(modules=2)
    spaces = ClientSpace.objects.bulk_create(
        ClientSpace(
            organisation=org,
            coach=coach,
            coachee=coachee,
            programme=programme,
            status="active",
            start_date=datetime.date(2026, 1, 1),
        )
        for _ in range(count)
    )
    CoachingSession.objects.bulk_create(
        CoachingSession(
            space=space,
            status="done",
            confirmed_minutes=60,
            starts_at=at(2026, 2, 1, 10),
            room_name=f"r-{uuid.uuid4().hex}",
        )
        for space in spaces
    )
    return spaces


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "suffix",
    ["", "?export=csv", "?export=xlsx", "pdf/", "programmes/", "?period_from=2026-01-01"],
)
def test_the_report_takes_the_same_number_of_queries_for_3_and_300_spaces(
    client, report_world, suffix
):
    small = OrganisationFactory(name="Small")
    large = OrganisationFactory(name="Large")
    bulk_spaces(small, 3)
    bulk_spaces(large, 300)
    staff = report_world.staff
    client.force_login(staff)

    def url(org):
        base = reverse("wagtail_coaching_reports:organisation", args=[org.pk])
        return base + suffix if not suffix.startswith("?") else base + suffix

    count_queries(client, url(small))  # warm caches (content types, site, ...)
    assert count_queries(client, url(small)) == count_queries(client, url(large))
