"""Reports at scale: a fixed number of queries whatever the organisation's size, exports
built from grouped joins, and large exports built in the background."""

import csv
import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.models import ClientSpace

from .factories import CoachFactory
from .tasks import run_tasks

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NS = "wagtail_coaching_reports"


def add_spaces(organisation, count):
    """``count`` spaces of ``organisation``, each with one held hour; in bulk, since reports
    read rows and never go through the models' save()."""
    User = get_user_model()
    tag = uuid.uuid4().hex[:8]
    coach = CoachFactory()
    people = User.objects.bulk_create(
        User(username=f"scale-{tag}-{n}", first_name=f"Person{n}", last_name=f"Scale{n:04d}")
        for n in range(count)
    )
    spaces = ClientSpace.objects.bulk_create(
        ClientSpace(
            organisation=organisation,
            coachee=person,
            coach=coach,
            status="active",
            start_date=datetime.date(2026, 1, 5),
            planned_sessions=6,
        )
        for person in people
    )
    CoachingSession.objects.bulk_create(
        CoachingSession(
            space=space,
            starts_at=datetime.datetime(2026, 3, 2 + n % 20, 10, tzinfo=PARIS),
            status="done",
            confirmed_minutes=60,
        )
        for n, space in enumerate(spaces)
    )
    return spaces


def queries_of(client, url):
    client.get(url)  # warm caches (content types, permissions, the site)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured]


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def own(sql):
    """The queries that read the app's tables (the rest is Wagtail's admin frame: the
    session, the user, permissions, menus)."""
    return [q for q in sql if "wagtail_coaching_" in q]


def test_the_report_page_makes_the_same_few_queries_for_3_or_300_spaces(client, report_world):
    w = report_world
    client.force_login(w.hr)
    url = reverse(f"{NS}:organisation", args=[w.org.pk])
    add_spaces(w.org, 2)
    small, small_sql = queries_of(client, url)
    add_spaces(w.org, 297)
    large, large_sql = queries_of(client, url)
    assert large == small, "\n".join(small_sql)
    assert len(own(large_sql)) <= 10, "\n".join(own(large_sql))
    assert b'data-figure="spaces">300<' in client.get(url).content


def test_the_csv_streams_from_grouped_joins_in_the_same_queries_for_3_or_300_rows(
    client, report_world
):
    w = report_world
    client.force_login(w.hr)
    url = reverse(f"{NS}:organisation", args=[w.org.pk]) + "?export=csv"

    def export():
        body(client.get(url))  # warm caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert isinstance(response, StreamingHttpResponse)
            lines = list(csv.reader(io.StringIO(body(response).decode())))
        return len(captured), lines

    add_spaces(w.org, 2)
    small, _ = export()
    add_spaces(w.org, 297)
    large, lines = export()
    assert large == small
    assert len(lines) == 1 + 300
    header = lines[0]
    scaled = [dict(zip(header, line, strict=True)) for line in lines[1:] if "Scale" in line[0]]
    assert len(scaled) == 299
    assert {row["Sessions held"] for row in scaled} == {"1"}
    assert {row["Minutes"] for row in scaled} == {"60"}
    assert {row["Organisation"] for row in scaled} == {w.org.name}


def test_exports_hold_the_same_figures_as_the_report_rows(client, report_world):
    """The grouped joins of exports and the per-row subqueries of the page agree."""
    from wagtail_coaching.reporting import queries

    w = report_world
    add_spaces(w.org, 5)
    period = queries.Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 4))
    expected = {
        space.pk: (space.sessions_held, space.minutes_spent, space.first_session_at)
        for space in queries.report_rows(w.org, period)
    }
    plain = queries.organisation_spaces(w.org, period).select_related(
        "coachee", "coach", "programme"
    )
    got = {
        space.pk: (space.sessions_held, space.minutes_spent, space.first_session_at)
        for space in queries.export_rows(plain.order_by("pk"), period, chunk_size=2)
    }
    assert got == expected
    assert sorted(v[0] for v in got.values()) == [0, 0, 1, 1, 1]  # 2-4 March, not 5-6


def test_the_xlsx_is_a_workbook_of_every_row(client, report_world):
    w = report_world
    add_spaces(w.org, 4)
    client.force_login(w.hr)
    response = client.get(reverse(f"{NS}:organisation", args=[w.org.pk]) + "?export=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    assert rows[0][0] == "Coachee"
    assert sum(1 for row in rows[1:] if row[5] == 1 and row[10] == 60) == 4


# --- Large reports, built in the background -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_large_report_is_built_by_the_worker_and_only_its_readers_get_it(
    client, report_world, settings, fmt
):
    from wagtail_coaching.reporting.models import ReportExport

    w = report_world
    settings.WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE = 3
    add_spaces(w.org, 3)
    client.force_login(w.hr)
    report = reverse(f"{NS}:organisation", args=[w.org.pk])
    url = (
        report + "?export=xlsx"
        if fmt == "xlsx"
        else reverse(f"{NS}:organisation_pdf", args=[w.org.pk])
    )
    response = client.get(url)
    assert response.status_code == 302
    export = ReportExport.objects.get()
    status_url = reverse(f"{NS}:export", args=[w.org.pk, export.pk])
    assert response.url == status_url
    assert b'data-export-status="waiting"' in client.get(status_url).content
    download = reverse(f"{NS}:export_download", args=[w.org.pk, export.pk])
    assert client.get(download).status_code == 404  # not built yet

    run_tasks()

    export.refresh_from_db()
    assert export.status == "ready" and export.rows == 4
    page = client.get(report).content.decode()
    assert download in page  # the report page offers the file
    assert b'data-export-status="ready"' in client.get(status_url).content
    content = body(client.get(download))
    if fmt == "pdf":
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
        assert "Scale0002" in text
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        assert len(list(workbook.worksheets[0].iter_rows(values_only=True))) == 1 + 4

    # Anyone else who may not see this organisation's reports: 404, as for the report.
    for user in (w.other_hr, w.editor):
        client.force_login(user)
        assert client.get(download).status_code == 404
        assert client.get(status_url).status_code == 404
    for user in (w.coach, w.coachee):
        client.force_login(user)
        assert client.get(download).status_code == 302  # no admin: Wagtail's login
    client.logout()
    assert client.get(download).status_code == 302
    # Staff who see every report may fetch it too.
    client.force_login(w.staff)
    assert client.get(download).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_exports_are_deleted_after_a_day(client, report_world, settings):
    from django.core.management import call_command
    from django.utils import timezone

    from wagtail_coaching.reporting.models import ReportExport
    from wagtail_coaching.spaces.uploads import private_storage

    w = report_world
    settings.WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE = 0
    client.force_login(w.hr)
    client.get(reverse(f"{NS}:organisation_pdf", args=[w.org.pk]))
    run_tasks()
    export = ReportExport.objects.get()
    assert private_storage().exists(export.file_name)
    download = reverse(f"{NS}:export_download", args=[w.org.pk, export.pk])
    assert client.get(download).status_code == 200

    call_command("coaching_prune_report_exports", verbosity=0)
    assert ReportExport.objects.count() == 1  # younger than a day: kept

    ReportExport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert client.get(download).status_code == 404  # expired, even before the clean-up
    call_command("coaching_prune_report_exports", verbosity=0)
    assert not ReportExport.objects.exists()
    assert not private_storage().exists(export.file_name)
