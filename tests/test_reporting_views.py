"""The report views: who sees what, the exports' and PDFs' content, languages, escaping."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from wagtail_coaching.reporting import access, pdf, queries
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import lock

from .conftest import accept_contract
from .factories import ClientSpaceFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NS = "wagtail_coaching_reports"
ROLES = ["hr", "other_hr", "coach", "coachee", "editor", "staff", "superuser", "anonymous"]
OK, NOT_FOUND, LOGIN, REDIRECT = 200, 404, "login", "redirect"


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def xlsx_values(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def add_sessions(space):
    space.start_date = datetime.date(2026, 1, 1)
    space.save()
    base = datetime.datetime(2026, 4, 1, 10, tzinfo=PARIS)
    for day, status, minutes in [(0, "done", 55), (7, "done", 65), (14, "cancelled", None)]:
        CoachingSession.objects.create(
            space=space,
            starts_at=base + datetime.timedelta(days=day),
            status=status,
            confirmed_minutes=minutes,
        )


@pytest.fixture
def rw(report_world):
    w = report_world
    w.coachee.first_name, w.coachee.last_name = "Dana", "Coachee"
    w.coachee.save()
    w.other_coachee.first_name, w.other_coachee.last_name = "Olivia", "Othercoachee"
    w.other_coachee.save()
    add_sessions(w.space)
    add_sessions(w.other_space)
    return w


# --- The permission matrix over every report and export URL -------------------------------------

ORG_ONLY = {
    "hr": OK,
    "other_hr": NOT_FOUND,
    "coach": LOGIN,  # no admin access: Wagtail sends them to its login
    "coachee": LOGIN,
    "editor": NOT_FOUND,
    "staff": OK,
    "superuser": OK,
    "anonymous": LOGIN,
}

URLS = {
    "organisation": lambda w: reverse(f"{NS}:organisation", args=[w.org.pk]),
    "organisation_results": lambda w: reverse(f"{NS}:organisation_results", args=[w.org.pk]),
    "organisation_csv": lambda w: reverse(f"{NS}:organisation", args=[w.org.pk]) + "?export=csv",
    "organisation_xlsx": lambda w: reverse(f"{NS}:organisation", args=[w.org.pk]) + "?export=xlsx",
    "organisation_pdf": lambda w: reverse(f"{NS}:organisation_pdf", args=[w.org.pk]),
    "programmes": lambda w: reverse(f"{NS}:programmes", args=[w.org.pk]),
    "space_pdf": lambda w: reverse(f"{NS}:space_pdf", args=[w.org.pk, w.space.public_id]),
}


def ready_export(w):
    """A report of ``w.org`` built in the background, ready to download."""
    if not hasattr(w, "export"):
        from django.core.files.base import ContentFile

        from wagtail_coaching.reporting.models import ReportExport
        from wagtail_coaching.spaces.uploads import private_storage

        name = private_storage().save("report-exports/t.pdf", ContentFile(b"%PDF-1.4 figures"))
        w.export = ReportExport.objects.create(
            organisation=w.org,
            requested_by=w.hr,
            format="pdf",
            language="en",
            status="ready",
            rows=2,
            file_name=name,
            download_name="coaching-report-acme.pdf",
        )
    return w.export


URLS["export"] = lambda w: reverse(f"{NS}:export", args=[w.org.pk, ready_export(w).pk])
URLS["export_download"] = lambda w: reverse(
    f"{NS}:export_download", args=[w.org.pk, ready_export(w).pk]
)
EXPECTED = {name: ORG_ONLY for name in URLS} | {
    "index": {
        "hr": REDIRECT,  # one organisation: straight to its report
        "other_hr": REDIRECT,
        "coach": LOGIN,
        "coachee": LOGIN,
        "editor": NOT_FOUND,
        "staff": OK,
        "superuser": OK,
        "anonymous": LOGIN,
    },
}
URLS["index"] = lambda w: reverse(f"{NS}:index")


def test_every_report_url_has_a_row():
    from wagtail_coaching.reporting import admin_urls

    names = {pattern.name for pattern in admin_urls.urlpatterns}
    covered = {name.split("_csv")[0].split("_xlsx")[0] for name in URLS}
    assert names <= covered, "add the new report URL to URLS and EXPECTED"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(URLS))
def test_report_status_by_role(client, rw, url_name, role):
    url = URLS[url_name](rw)
    if role != "anonymous":
        client.force_login(getattr(rw, role))
    response = client.get(url)
    expected = EXPECTED[url_name][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    elif expected == REDIRECT:
        org = rw.org if role == "hr" else rw.other_org
        assert response.status_code == 302
        assert response["Location"] == reverse(f"{NS}:organisation", args=[org.pk])
    else:
        assert response.status_code == expected
    if expected == OK:
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
    if expected == NOT_FOUND:
        content = body(response).decode()
        for leak in ("Dana Coachee", "Acme"):
            assert leak not in content


def test_hr_of_another_organisation_gets_404_for_a_space_of_theirs_under_their_own_id(client, rw):
    client.force_login(rw.hr)
    url = reverse(f"{NS}:space_pdf", args=[rw.org.pk, rw.other_space.public_id])
    assert client.get(url).status_code == 404
    assert client.get(reverse(f"{NS}:organisation", args=[999999])).status_code == 404


def test_group_grant_gives_reports_too(client, rw):
    group = Group.objects.create(name="Acme HR")
    lock.grant_report_access(group, rw.org)
    user = UserFactory(username="hr2")
    user.groups.add(group)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    client.force_login(user)
    assert client.get(reverse(f"{NS}:organisation", args=[rw.org.pk])).status_code == 200
    assert client.get(reverse(f"{NS}:organisation", args=[rw.other_org.pk])).status_code == 404


def test_the_chooser_lists_only_the_users_organisations(client, rw):
    third = OrganisationFactory(name="Initech")
    lock.grant_report_access(rw.hr, third)
    client.force_login(rw.hr)
    content = client.get(reverse(f"{NS}:index")).content.decode()
    assert "Acme" in content and "Initech" in content
    assert "Globex" not in content
    assert set(access.reportable_organisations(rw.hr)) == {rw.org, third}
    assert set(access.reportable_organisations(rw.staff)) == {rw.org, rw.other_org, third}


def test_the_reports_menu_item_is_shown_to_report_readers_only(client, rw):
    client.force_login(rw.hr)
    assert reverse(f"{NS}:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(rw.editor)
    assert reverse(f"{NS}:index") not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- What the report and its exports hold ---------------------------------------------------------


def test_report_page_rows_and_totals(client, rw):
    client.force_login(rw.hr)
    content = client.get(reverse(f"{NS}:organisation", args=[rw.org.pk])).content.decode()
    assert "Dana Coachee" in content
    assert "Olivia Othercoachee" not in content
    assert 'data-figure="sessions">2 / 6<' in content
    assert 'data-figure="hours">2.0<' in content
    assert reverse(f"{NS}:space_pdf", args=[rw.org.pk, rw.space.public_id]) in content


def test_period_filter_and_a_bad_period(client, rw):
    client.force_login(rw.hr)
    url = reverse(f"{NS}:organisation", args=[rw.org.pk])
    content = client.get(url + "?period_from=2026-04-05&period_to=2026-04-30").content
    assert b'data-figure="sessions">1 / 6<' in content
    response = client.get(url + "?period_from=2026-05-01&period_to=2026-04-01")
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    assert client.get(url + "?period_from=not-a-date").status_code == 200
    assert client.get(url + "?ordering=-minutes_spent&p=99").status_code == 200


def test_csv_export_holds_only_the_organisation(client, rw):
    client.force_login(rw.hr)
    url = reverse(f"{NS}:organisation", args=[rw.org.pk]) + "?export=csv"
    response = client.get(url)
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["Coachee"] == "Dana Coachee"
    assert row["Organisation"] == "Acme"
    assert (row["Sessions held"], row["Minutes"], row["Hours"]) == ("2", "120", "2.0")


def test_csv_cells_are_never_formulas(client, rw):
    rw.coachee.first_name = "=HYPERLINK(1)"
    rw.coachee.save()
    client.force_login(rw.hr)
    url = reverse(f"{NS}:organisation", args=[rw.org.pk]) + "?export=csv"
    assert "'=HYPERLINK(1) Coachee" in body(client.get(url)).decode()


def test_xlsx_export(client, rw):
    client.force_login(rw.staff)
    url = reverse(f"{NS}:organisation", args=[rw.org.pk]) + "?export=xlsx"
    values = xlsx_values(body(client.get(url)))
    assert values[0][:3] == ["Coachee", "Coach", "Organisation"]
    assert len(values) == 2
    assert values[1][0] == "Dana Coachee"
    assert values[1][5] == 2  # sessions held
    assert "Olivia Othercoachee" not in str(values)


def test_organisation_pdf_holds_the_figures(client, rw):
    client.force_login(rw.hr)
    response = client.get(reverse(f"{NS}:organisation_pdf", args=[rw.org.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Coaching report" in text
    assert "Acme" in text and "Dana Coachee" in text
    assert "Olivia Othercoachee" not in text and "Globex" not in text
    assert "2 / 6" in text  # sessions held / planned
    assert "Hours per month" in text


def test_space_report_pdf_is_final_only_once_closed(client, rw):
    client.force_login(rw.hr)
    url = reverse(f"{NS}:space_pdf", args=[rw.org.pk, rw.space.public_id])
    response = client.get(url)
    text = pdf_text(response.content)
    assert "Coaching progress report" in text and "Final" not in text
    assert "Period covered" in text
    assert "Dana Coachee" in text and "2 / 6" in text and "2.0" in text
    assert "progress-report-" in response["Content-Disposition"]

    rw.space.status = "closed"
    rw.space.end_date = datetime.date(2026, 6, 30)
    rw.space.save()
    response = client.get(url)
    text = pdf_text(response.content)
    assert "Final coaching report" in text and "progress report" not in text
    assert "final-report-" in response["Content-Disposition"]


def test_pdfs_in_french(client, rw):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(rw.hr)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(rw.hr)
    text = pdf_text(client.get(reverse(f"{NS}:organisation_pdf", args=[rw.org.pk])).content)
    assert "Rapport de coaching" in text
    assert "Heures par mois" in text
    url = reverse(f"{NS}:space_pdf", args=[rw.org.pk, rw.space.public_id])
    text = pdf_text(client.get(url).content)
    assert "Rapport d’étape du coaching" in text
    assert "2,0" in text  # French decimal comma


def test_organisation_pdf_chart_every_month_french_numbers_and_a_non_latin_name(client, rw):
    """Read back with a PDF parser: the chart names a month without sessions, prints its
    numbers in French, and a name in Polish and Greek letters survives the font."""
    from wagtail.users.models import UserProfile

    rw.coachee.first_name, rw.coachee.last_name = "Zażółć", "Ξενοφών"
    rw.coachee.save()
    # Sessions in April (two, 120 minutes) and in June; none in May.
    CoachingSession.objects.create(
        space=rw.space,
        starts_at=datetime.datetime(2026, 6, 3, 10, tzinfo=PARIS),
        status="done",
        confirmed_minutes=45,
    )
    profile = UserProfile.get_for_user(rw.hr)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(rw.hr)
    text = pdf_text(client.get(reverse(f"{NS}:organisation_pdf", args=[rw.org.pk])).content)
    assert "avril 2026" in text and "mai 2026" in text and "juin 2026" in text
    assert "2,0" in text and "0,8" in text  # April's and June's bars, with a comma
    assert "1.9" not in text and "0.8" not in text
    assert "Zażółć Ξενοφών" in text
    assert "Avancement" in text  # a column header never cut inside a word


CVE_PAYLOAD = (
    "<font color=\"[ [ getattr(pow,Word('__globals__'))['os'].system('touch {marker}') "
    "for Word in [orgTypeFun('Word', (str,), { 'mutated': 1, 'startswith': lambda self, x: "
    "False, '__eq__': lambda self,x: self.mutate() and self.mutated < 0 and str(self) == x, "
    "'mutate': lambda self: {setattr(self, 'mutated', self.mutated - 1)}, '__hash__': "
    "lambda self: hash(str(self)) })] ] for orgTypeFun in [type(type(1))] ] and 'red'\">"
    "x</font>"
)


def test_user_strings_are_escaped_before_reportlab(rw, tmp_path):
    """Names written as reportlab markup are printed, never interpreted (CVE-2023-33733)."""
    rw.coachee.first_name = '<font color="red">Dana</font>'
    rw.coachee.last_name = "<b>&amp;"
    rw.coachee.save()
    rw.org.name = "<i>Acme & Co</i>"
    rw.org.save()
    report = queries.final_report(rw.space.pk)
    text = pdf_text(pdf.final_report(report, language="en"))
    assert '<font color="red">Dana</font> <b>&amp;' in text
    assert "<i>Acme & Co</i>" in text
    rows = queries.report_rows(rw.org)
    content = pdf.organisation_report(
        organisation=rw.org,
        period=queries.ALL_TIME,
        rows=rows,
        totals=queries.totals(rows),
        months=queries.hours_per_month(rows),
        groups=queries.programme_groups(rows),
        language="en",
    )
    text = pdf_text(content)
    assert "<i>Acme & Co</i>" in text
    assert 'color="red">Dana</font>' in text  # a narrow cell wraps after "<font"

    # The published exploit, longer than a name field, straight into the PDF builder.
    marker = tmp_path / "pwned"
    report.coachee = CVE_PAYLOAD.replace("{marker}", str(marker))
    report.programme = report.coachee
    text = pdf_text(pdf.final_report(report, language="en"))
    assert not marker.exists()
    assert "orgTypeFun" in text


def test_a_long_organisation_report_runs_over_pages_with_its_header_on_each(rw):
    rows = list(queries.report_rows(rw.org)) * 95
    header, body_rows, _widths = pdf.space_table_rows(rows, pdf.SPACE_WIDTHS)
    assert len(body_rows) == 95 and header[0] == "Coachee"
    with translation.override("en"):
        content = pdf.organisation_report(
            organisation=rw.org,
            period=queries.ALL_TIME,
            rows=rows,
            totals=queries.totals_of(rows),
            months=[],
            groups=[],
        )
    assert pdf_text(content).count("Dana Coachee") == 95
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]
    listing = [text for text in pages if "Dana Coachee" in text]
    assert len(listing) >= 3  # 95 rows do not fit on two landscape pages
    for text in listing:
        assert "Coachee" in text.replace("Dana Coachee", "") and "Last session" in text


# --- Anonymised view ----------------------------------------------------------------------------


def test_programme_averages_hide_small_groups(client, rw, settings):
    settings.WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE = 2
    for _ in range(2):
        add_sessions(ClientSpaceFactory(organisation=rw.org))
    client.force_login(rw.hr)
    content = client.get(reverse(f"{NS}:programmes", args=[rw.org.pk])).content.decode()
    assert 'data-hidden="false"' in content  # 3 spaces, no programme: shown
    settings.WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE = 5
    content = client.get(reverse(f"{NS}:programmes", args=[rw.org.pk])).content.decode()
    assert 'data-hidden="false"' not in content
    assert "Hidden" in content


# --- The coachee sees what the sponsor sees ------------------------------------------------------


def test_coachee_sees_the_same_figures_and_pdf_as_the_sponsor(client, rw):
    client.force_login(rw.hr)
    sponsor_pdf = client.get(
        reverse(f"{NS}:space_pdf", args=[rw.org.pk, rw.space.public_id])
    ).content
    client.force_login(rw.coachee)
    accept_contract(rw.coachee, rw.space)
    space_page = client.get(rw.space.get_absolute_url()).content.decode()
    report_url = reverse("wagtail_coaching:space_report", args=[rw.space.public_id])
    assert report_url in space_page
    page = client.get(report_url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert 'data-figure="sessions">2 / 6<' in page.content.decode()
    coachee_pdf = client.get(
        reverse("wagtail_coaching:space_report_pdf", args=[rw.space.public_id])
    ).content
    assert pdf_text(coachee_pdf) == pdf_text(sponsor_pdf)
    assert coachee_pdf == sponsor_pdf


@pytest.mark.parametrize("value", [1, 0, "5", True, 5000, None])
def test_bad_group_size_setting_is_a_system_check_error(settings, value):
    from wagtail_coaching.checks import check_report_settings

    settings.WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE = value
    assert [error.id for error in check_report_settings(None)] == ["wagtail_coaching.E014"]


def test_good_group_size_setting_passes(settings):
    from wagtail_coaching.checks import check_report_settings

    settings.WAGTAIL_COACHING_REPORT_MIN_GROUP_SIZE = 3
    assert check_report_settings(None) == []


def test_the_demo_hr_user_opens_the_report(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from wagtail_coaching.spaces.models import Organisation

    call_command("coaching_demo", allow_production=True, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="hr"))
    response = client.get(reverse(f"{NS}:index"), follow=True)
    assert response.status_code == 200
    org = Organisation.objects.first()
    content = client.get(reverse(f"{NS}:organisation", args=[org.pk])).content.decode()
    assert 'data-figure="spaces">0<' not in content
    text = pdf_text(client.get(reverse(f"{NS}:organisation_pdf", args=[org.pk])).content)
    assert org.name in text
