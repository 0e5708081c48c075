"""Where sponsors' HR land (the site's My coaching, the Wagtail dashboard, the Coaching
menu), and a report page whose queries do not grow with the organisation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.reporting import home
from wagtail_coaching.sessions.models import CoachingSession

from .factories import ClientSpaceFactory, CoachingSessionFactory

pytestmark = pytest.mark.django_db

NS = "wagtail_coaching_reports"


def held_session(space, when, minutes=60):
    return CoachingSession.objects.create(
        space=space, starts_at=when, status="done", confirmed_minutes=minutes
    )


def test_summaries_count_active_spaces_month_and_quarter(report_world):
    w = report_world
    today = datetime.date(2026, 5, 20)
    now = timezone.make_aware(datetime.datetime(2026, 5, 20, 12))
    held_session(w.space, timezone.make_aware(datetime.datetime(2026, 5, 4, 10)), 50)
    held_session(w.space, timezone.make_aware(datetime.datetime(2026, 4, 2, 10)), 70)
    held_session(w.space, timezone.make_aware(datetime.datetime(2026, 3, 30, 10)), 600)  # Q1
    held_session(w.other_space, timezone.make_aware(datetime.datetime(2026, 5, 5, 10)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: now)
        [summary] = home.organisation_summaries(w.hr, today=today)
    assert summary.organisation == w.org
    assert summary.active_spaces == 1
    assert summary.sessions_this_month == 1
    assert summary.minutes_this_quarter == 120
    assert home.organisation_summaries(w.coachee) == []
    assert home.organisation_summaries(w.staff) == []  # staff are not HR of every sponsor


def test_hr_lands_on_a_card_of_their_reports_on_the_site(client, report_world):
    w = report_world
    client.force_login(w.hr)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "Reports of Acme" in body and "Globex" not in body
    assert reverse(f"{NS}:organisation", args=[w.org.pk]) in body
    assert "You have no coaching space yet" not in body
    client.force_login(w.coachee)
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "Reports of" not in body


def test_hr_dashboard_has_a_panel_per_organisation_and_the_coaching_menu(client, report_world):
    w = report_world
    client.force_login(w.hr)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-coaching-reports-panel" in body and "Reports of Acme" in body
    assert "Reports of Globex" not in body
    # "Coaching reports" sits in the Coaching menu as well as under Reports.
    assert body.count(reverse(f"{NS}:index")) >= 2
    client.force_login(w.editor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-coaching-reports-panel" not in body
    assert reverse(f"{NS}:index") not in body


def report_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_report_page_queries_do_not_grow_with_the_organisation(client, report_world):
    w = report_world
    client.force_login(w.hr)
    url = reverse(f"{NS}:organisation", args=[w.org.pk])
    frame = report_queries(client, reverse("wagtailadmin_home"))

    def add(count):
        for _ in range(count):
            space = ClientSpaceFactory(organisation=w.org)
            CoachingSessionFactory(space=space, status="done", confirmed_minutes=30)

    add(2)  # 3 spaces
    small = report_queries(client, url)
    add(297)  # 300 spaces
    assert report_queries(client, url) == small
    assert small - frame <= 10
