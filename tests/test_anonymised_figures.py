"""Anonymised figures: no comparison of two reports singles out fewer than K people.

The attack that broke the former rule compared "all programmes" with "programme = P", and
a long period with a one-day period; each gave one coachee's sessions, hours and modules.
Here the same three queries are refused, and a property test draws random organisations and
random pairs of filters and proves, by linear algebra over what is shown, that no
combination of the shown figures is a sum over fewer than K people.
"""

import datetime
import itertools
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from wagtail_coaching.reporting import anonymity
from wagtail_coaching.reporting.queries import Period
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.models import ReportDetail

from .factories import ClientSpaceFactory
from .programmes import make_programme

PARIS = ZoneInfo("Europe/Paris")
NS = "wagtail_coaching_reports"
K = 3


# --- The rule, without a database -----------------------------------------------------------

MONTHS = [datetime.date(2026, month, 1) for month in range(1, 5)]


def released_sets(activity, months, programme):
    """The sets of (space, month) cells whose sums a report of ``months`` shows."""
    entries = [entry for entry in activity if entry.month in months]
    view = anonymity.decide(entries, K, programme=programme)
    if view.refused:
        return []
    released = []
    for group in view.groups:
        if not group.hidden:
            released.append(
                {(e.space_id, e.month) for e in entries if e.group_id == group.group_id}
            )
    if not view.overall_hidden and programme is None:
        released.append({(e.space_id, e.month) for e in entries})
    return [cells for cells in released if cells]


def rank(rows):
    rows = [[Fraction(v) for v in row] for row in rows]
    rank_, columns = 0, len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank_, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
        for r in range(len(rows)):
            if r != rank_ and rows[r][column]:
                factor = rows[r][column] / rows[rank_][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank_], strict=True)]
        rank_ += 1
    return rank_


def isolated_groups_of_people(released, cells):
    """Sets of fewer than K people some combination of ``released`` sums over exactly."""
    index = {cell: i for i, cell in enumerate(sorted(cells))}
    vectors = [[1 if cell in chosen else 0 for cell in index] for chosen in released]
    spaces = sorted({space for space, _month in cells})
    found = []
    base = rank(vectors) if vectors else 0
    for size in range(1, K):
        for people in itertools.combinations(spaces, size):
            units = [
                [1 if i == index[cell] else 0 for i in range(len(index))]
                for cell in index
                if cell[0] in people
            ]
            both = rank(vectors + units) if vectors else len(units)
            # dim(span(released) ∩ span(people's cells)) > 0: a shown combination is
            # made of these people's activity alone.
            if base + len(units) - both > 0:
                found.append(people)
    return found


@st.composite
def organisations(draw):
    spaces = draw(st.integers(min_value=1, max_value=7))
    groups = [draw(st.sampled_from([None, 1, 2])) for _ in range(spaces)]
    activity = []
    for space in range(spaces):
        for month in MONTHS:
            if draw(st.booleans()):
                activity.append(
                    anonymity.Activity(
                        space_id=space,
                        group_id=groups[space],
                        month=month,
                        sessions_held=draw(st.integers(min_value=0, max_value=3)),
                        minutes=draw(st.integers(min_value=0, max_value=200)),
                        modules_completed=draw(st.integers(min_value=0, max_value=2)),
                    )
                )
    return activity


queries_ = st.tuples(
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
    st.sampled_from([None, None, 1, 2]),
).map(lambda q: (set(MONTHS[min(q[0], q[1]) : max(q[0], q[1]) + 1]), q[2]))


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), queries_, queries_)
def test_no_pair_of_reports_isolates_fewer_than_k_people(activity, first, second):
    released = released_sets(activity, *first) + released_sets(activity, *second)
    cells = {(e.space_id, e.month) for e in activity}
    if not released:
        return
    assert isolated_groups_of_people(released, cells) == []


def test_the_former_rule_fails_the_same_check():
    """The check can fail: a filter shown on its own, as before, is caught."""
    activity = [
        anonymity.Activity(space, 1 if space < 3 else 2, MONTHS[0], sessions_held=1)
        for space in range(4)
    ]
    everything = [{(e.space_id, e.month) for e in activity}]
    programme_one = [{(e.space_id, e.month) for e in activity if e.group_id == 1}]
    cells = {(e.space_id, e.month) for e in activity}
    assert (3,) in isolated_groups_of_people(everything + programme_one, cells)


def test_a_month_below_k_hides_the_group_for_any_period_holding_it():
    activity = [anonymity.Activity(s, 1, MONTHS[0], sessions_held=1) for s in range(3)] + [
        anonymity.Activity(0, 1, MONTHS[1], sessions_held=1)
    ]
    view = anonymity.decide(activity, K)
    assert view.overall_hidden and all(group.hidden for group in view.groups)
    view = anonymity.decide([e for e in activity if e.month == MONTHS[0]], K)
    assert not view.overall_hidden and view.overall.spaces == 3


def test_periods_are_whole_months():
    period = anonymity.whole_months(Period(datetime.date(2026, 2, 17), datetime.date(2026, 2, 17)))
    assert period == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert anonymity.whole_months(Period()) == Period()


# --- The attack's three queries, through the report page ----------------------------------------


@pytest.fixture
def attacked(report_world, settings):
    """Two programmes: P with four active coachees, Q with one who met on 12 March."""
    settings.WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE = 4
    org = report_world.org
    programme_p, _modules = make_programme(modules=1, title="Programme P")
    programme_q, _modules = make_programme(modules=1, title="Programme Q")
    start = datetime.date(2026, 1, 1)
    for number in range(4):
        space = ClientSpaceFactory(organisation=org, programme=programme_p, start_date=start)
        for day in (5, 20):
            CoachingSession.objects.create(
                space=space,
                starts_at=datetime.datetime(2026, 3, day, 10, tzinfo=PARIS),
                status="done",
                confirmed_minutes=60 + number,
            )
    lonely = ClientSpaceFactory(organisation=org, programme=programme_q, start_date=start)
    CoachingSession.objects.create(
        space=lonely,
        starts_at=datetime.datetime(2026, 3, 12, 10, tzinfo=PARIS),
        status="done",
        confirmed_minutes=97,
    )
    report_world.programme_p = programme_p
    report_world.programme_q = programme_q
    return report_world


def averages(client, world, **params):
    response = client.get(reverse(f"{NS}:programmes", args=[world.org.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_all_against_one_programme_is_refused(client, attacked):
    client.force_login(attacked.hr)
    everything = averages(client, attacked)
    # Q's single coachee is hidden; P would then be "all minus Q", so P is hidden too,
    # and the overall is still shown (five coachees, none singled out).
    assert 'data-hidden="false"' in everything  # the overall line
    assert "Programme P" in everything and "Programme Q" in everything
    assert everything.count('data-hidden="true"') == 2
    only_p = averages(client, attacked, programme=attacked.programme_p.pk)
    assert "data-refused" in only_p and "This filter is refused" in only_p
    assert "data-anonymised" not in only_p
    only_q = averages(client, attacked, programme=attacked.programme_q.pk)
    assert "data-refused" in only_q


def test_a_one_day_period_is_refused(client, attacked):
    client.force_login(attacked.hr)
    one_day = averages(client, attacked, period_from="2026-03-12", period_to="2026-03-12")
    # The day stands for March, where five coachees met: the same figures as all time,
    # so the day adds nothing; a month with fewer than K is refused.
    assert "data-refused" not in one_day
    assert one_day.count("<td>5</td>") == 1
    CoachingSession.objects.create(
        space=ClientSpaceFactory(organisation=attacked.org, start_date=datetime.date(2026, 1, 1)),
        starts_at=datetime.datetime(2026, 4, 2, 10, tzinfo=PARIS),
        status="done",
        confirmed_minutes=45,
    )
    april = averages(client, attacked, period_from="2026-04-02", period_to="2026-04-02")
    assert "data-refused" in april
    assert "45" not in april.split("data-refused")[1]
    # And April is what makes all time refuse to show a total that would include it.
    assert 'data-hidden="false"' not in averages(client, attacked)


def test_aggregates_only_organisation_shows_no_name(client, attacked):
    org = attacked.org
    org.report_detail = ReportDetail.AGGREGATES
    org.save()
    client.force_login(attacked.hr)
    response = client.get(reverse(f"{NS}:organisation", args=[org.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{NS}:programmes", args=[org.pk])
    for name, args in [
        ("organisation_results", [org.pk]),
        ("organisation_pdf", [org.pk]),
        ("space_pdf", [org.pk, attacked.space.public_id]),
    ]:
        assert client.get(reverse(f"{NS}:{name}", args=args)).status_code == 404, name
    export = client.get(reverse(f"{NS}:organisation", args=[org.pk]), {"export": "csv"})
    assert export.status_code == 404
    page = averages(client, attacked)
    assert attacked.coachee.last_name not in page
    assert "Back to the report" not in page


def test_the_coachee_is_told_what_the_sponsor_receives(client, attacked):
    from .conftest import accept_contract

    space, coachee = attacked.space, attacked.coachee
    accept_contract(coachee, space)
    client.force_login(coachee)
    url = reverse("wagtail_coaching:space_report", args=[space.public_id])
    assert 'data-report-detail="named"' in client.get(url).content.decode()
    space.organisation.report_detail = ReportDetail.AGGREGATES
    space.organisation.save()
    page = client.get(url).content.decode()
    assert 'data-report-detail="aggregates"' in page
    assert "anonymised averages only, over groups of at least 4 coachees" in page
