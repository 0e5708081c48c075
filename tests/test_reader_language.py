"""Everyone in their own language, continued: the report's exports read back, its programme
filter, the interface after logging in, a started space changing language, and dates and
times in messages."""

import csv
import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from wagtail_coaching.programmes.pages import ModulePage
from wagtail_coaching.programmes.progress import Answer, ModuleProgress
from wagtail_coaching.sessions import planning
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import contracts
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.preferences import set_user_language

from .conftest import accept_contract
from .factories import ClientSpaceFactory, CoachFactory, UserFactory
from .programmes import make_programme
from .test_languages import french_translation

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NS = "wagtail_coaching_reports"
PASSWORD = "a long and lovely passphrase"


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def reads_french_in_the_admin(user):
    """``user``'s Wagtail account says French: the admin speaks French to them."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()


@pytest.fixture
def held(report_world):
    """Two held sessions (55 and 65 minutes) in April 2026 in Acme's space."""
    w = report_world
    w.coachee.first_name, w.coachee.last_name = "Dana", "Coachee"
    w.coachee.save()
    w.space.start_date = datetime.date(2026, 1, 1)
    w.space.save()
    for day, minutes in [(1, 55), (8, 65)]:
        CoachingSession.objects.create(
            space=w.space,
            starts_at=datetime.datetime(2026, 4, day, 10, tzinfo=PARIS),
            status="done",
            confirmed_minutes=minutes,
        )
    return w


def export_url(world, export_format, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    url = reverse(f"{NS}:organisation", args=[world.org.pk]) + f"?export={export_format}"
    return url + (f"&{query}" if query else "")


# --- CSV and XLSX in the reader's language ----------------------------------------------------


def test_csv_headers_dates_and_hours_follow_the_readers_language(client, held):
    reads_french_in_the_admin(held.hr)
    client.force_login(held.hr)
    # The browser asks for English; the admin speaks French to this user, and the CSV,
    # written while it streams, too.
    response = client.get(export_url(held, "csv"), HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    with translation.override("fr"):
        headings = [gettext("Coachee"), gettext("Sessions held"), gettext("Hours")]
        first = gettext("First session")
    assert headings[1] != "Sessions held"  # the catalogue translates it
    header, row = rows
    assert [h for h in header if h in headings] == headings
    values = dict(zip(header, row, strict=True))
    assert values[headings[0]] == "Dana Coachee"
    assert values[headings[1]] == "2"
    assert values[headings[2]] == "2,0"  # 120 minutes, with a French decimal comma
    assert values[first] == "01/04/2026"

    # The same export read in English.
    client.force_login(held.staff)
    rows = list(csv.DictReader(io.StringIO(body(client.get(export_url(held, "csv"))).decode())))
    assert (rows[0]["Hours"], rows[0]["First session"]) == ("2.0", "04/01/2026")


def test_xlsx_keeps_real_numbers_and_dates_with_the_readers_formats(client, held):
    reads_french_in_the_admin(held.hr)
    client.force_login(held.hr)
    content = body(client.get(export_url(held, "xlsx")))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    with translation.override("fr"):
        hours, minutes = cells[gettext("Hours")], cells[gettext("Minutes")]
        first, start = cells[gettext("First session")], cells[gettext("Start date")]
        held_cell = cells[gettext("Sessions held")]
    assert hours.data_type == "n" and hours.value == 2 and hours.number_format == "0.00"
    assert minutes.value == 120 and minutes.number_format == "0"
    assert held_cell.value == 2
    # Dates are dates (not text), shown day first as in French.
    assert first.is_date and day(first.value) == datetime.date(2026, 4, 1)
    assert first.number_format == "dd/mm/yyyy"
    assert start.is_date and day(start.value) == datetime.date(2026, 1, 1)

    client.force_login(held.staff)
    sheet = openpyxl.load_workbook(io.BytesIO(body(client.get(export_url(held, "xlsx")))))
    header = [cell.value for cell in sheet.worksheets[0][1]]
    first = dict(zip(header, sheet.worksheets[0][2], strict=True))["First session"]
    assert first.is_date and first.number_format == "mm/dd/yyyy"


# --- The programme filter: a programme and its translations are one choice ----------------------


@pytest.fixture
def bilingual(report_world):
    w = report_world
    programme, _modules = make_programme()
    french = french_translation(programme)
    english_space = ClientSpaceFactory(
        coachee=UserFactory(first_name="Emma", last_name="English"),
        coach=CoachFactory(),
        organisation=w.org,
        programme=programme,
    )
    lucas = UserFactory(first_name="Lucas", last_name="Bernard")
    set_user_language(lucas, "fr")
    french_space = ClientSpaceFactory(
        coachee=lucas, coach=CoachFactory(), organisation=w.org, programme=french
    )
    assert french_space.programme_id == french.pk
    w.programme, w.french, w.english_space, w.french_space = (
        programme,
        french,
        english_space,
        french_space,
    )
    return w


def programme_options(content):
    start = content.index('name="programme"')
    select = content[start : content.index("</select>", start)]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[2:]]


def test_the_programme_filter_offers_a_programme_and_its_translations_once(client, bilingual):
    client.force_login(bilingual.staff)
    url = reverse(f"{NS}:organisation", args=[bilingual.org.pk])
    assert programme_options(client.get(url).content.decode()) == [bilingual.programme.title]

    reads_french_in_the_admin(bilingual.hr)
    client.force_login(bilingual.hr)
    assert programme_options(client.get(url).content.decode()) == ["Diriger avec assurance"]


@pytest.mark.parametrize("chosen", ["programme", "french"])
def test_choosing_a_programme_keeps_the_spaces_of_all_its_translations(client, bilingual, chosen):
    client.force_login(bilingual.staff)
    pk = getattr(bilingual, chosen).pk
    response = client.get(export_url(bilingual, "csv", programme=pk))
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert sorted(row["Coachee"] for row in rows) == ["Emma English", "Lucas Bernard"]
    # The averages page counts them as one programme too.
    page = client.get(
        reverse(f"{NS}:programmes", args=[bilingual.org.pk]) + f"?programme={pk}"
    ).content.decode()
    assert page.count(bilingual.programme.title) >= 1
    assert "Diriger avec assurance" not in page


def test_a_programme_outside_the_organisation_is_not_a_choice(client, bilingual):
    other, _modules = make_programme(title="Elsewhere")
    client.force_login(bilingual.staff)
    url = reverse(f"{NS}:organisation", args=[bilingual.org.pk]) + f"?programme={other.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


# --- Logging in switches the interface to the stored language --------------------------------


def with_password(user, language=None):
    user.set_password(PASSWORD)
    user.save()
    if language:
        set_user_language(user, language)
    return user


def log_in(client, url_name, user, browser_language="en"):
    return client.post(
        reverse(url_name),
        {"username": user.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=browser_language,
    )


def test_logging_in_on_the_site_switches_to_the_stored_language(client):
    lucas = with_password(UserFactory(username="lucas"), "fr")
    assert log_in(client, "login", lucas).status_code == 302
    assert client.cookies["django_language"].value == "fr"
    page = client.get(reverse("wagtail_coaching:my_coaching"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr"' in page.content.decode()


def test_logging_in_without_a_stored_language_keeps_the_browsers(client):
    emma = with_password(UserFactory(username="emma"))
    assert log_in(client, "login", emma, browser_language="fr").status_code == 302
    assert "django_language" not in client.cookies


def test_logging_in_to_the_admin_switches_to_the_stored_language(client, world):
    staff = with_password(world.staff, "fr")
    assert log_in(client, "wagtailadmin_login", staff).status_code == 302
    assert client.cookies["django_language"].value == "fr"
    page = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fr"' in page.content.decode()


def test_the_switcher_updates_the_stored_language_used_at_the_next_login(client):
    lucas = with_password(UserFactory(username="lucas"))
    client.force_login(lucas)
    client.post(reverse("wagtail_coaching:set_language"), {"language": "fr", "next": "/"})
    client.logout()
    client.cookies.clear()
    log_in(client, "login", lucas)
    assert client.cookies["django_language"].value == "fr"


# --- A started space changes language ---------------------------------------------------------


@pytest.fixture
def started(world):
    """An active English space on a translated programme, where both accepted the contract
    and the coachee completed the first module and answered in it."""
    programme, modules = make_programme()
    french = french_translation(programme)
    space = ClientSpaceFactory(
        coach=world.coach,
        coachee=UserFactory(),
        organisation=world.org,
        programme=programme,
        status="active",
    )
    assert space.language == "en"
    for user in (space.coach, space.coachee):
        accept_contract(user, space)
    module = modules[0]
    ModuleProgress.objects.create(space=space, module=module, completed_at=timezone.now())
    answer = Answer(space=space, module=module, block_id=uuid.uuid4(), kind="reflection")
    answer.text = "What I learnt."
    answer.save()
    world.started, world.programme, world.french, world.module = space, programme, french, module
    world.answer = answer
    return world


def test_a_started_space_changed_to_french_follows_the_translation_with_its_work(started):
    space = started.started
    space.language = "fr"
    space.save()
    space.refresh_from_db()
    assert space.programme_id == started.french.pk
    french_module = started.module.get_translation(started.french.locale)
    progress = ModuleProgress.objects.get(space=space)
    assert progress.module_id == french_module.pk and progress.completed_at is not None
    answer = Answer.objects.get(pk=started.answer.pk)
    assert answer.module_id == french_module.pk
    assert answer.text == "What I learnt."  # still decrypts: the ciphertext is bound to the row
    # Reports still count the completed module.
    from wagtail_coaching.reporting import queries

    assert queries.final_report(space.pk).modules_completed == 1


def test_after_the_change_everyone_accepts_the_contract_in_the_new_language(client, started):
    space = started.started
    space.language = "fr"
    space.save()
    for user in (space.coachee, space.coach):
        client.force_login(user)
        response = client.get(space.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(
            reverse("wagtail_coaching:contract", kwargs={"public_id": space.public_id})
        )
        page = client.get(response["Location"]).content.decode()
        assert "Contrat de coaching" in page
    contract = contracts.applicable_contract(space)
    assert contract.language == "fr"
    client.force_login(space.coachee)
    url = reverse("wagtail_coaching:contract", kwargs={"public_id": space.public_id})
    client.post(url, {"sha256": contract.sha256, "accept": "on", "next": "/"})
    assert client.get(space.get_absolute_url()).status_code == 200
    # The English acceptance stays on record beside the French one.
    languages = set(
        contracts.ContractAcceptance.objects.filter(space=space, user=space.coachee).values_list(
            "language", flat=True
        )
    )
    assert languages == {"en", "fr"}


def test_the_admin_changes_a_started_spaces_language_and_says_what_follows(client, started):
    space = started.started
    client.force_login(started.staff)
    url = f"/admin/wagtail_coaching/clientspace/edit/{space.pk}/"
    page = client.get(url).content.decode()
    assert "everyone accepts the contract in the new language" in page
    data = {
        "coachee": space.coachee.pk,
        "coach": space.coach.pk,
        "organisation": space.organisation.pk,
        "programme": space.programme.pk,
        "language": "fr",
        "status": "active",
        "start_date": space.start_date.isoformat(),
        "planned_sessions": 6,
    }
    assert client.post(url, data).status_code == 302
    space.refresh_from_db()
    assert (space.language, space.programme_id) == ("fr", started.french.pk)


def test_a_closed_space_keeps_its_language(started):
    space = started.started
    space.status = "closed"
    space.end_date = space.start_date
    space.save()
    space.language = "fr"
    with pytest.raises(ValidationError) as raised:
        space.full_clean()
    assert "keeps the language" in str(raised.value)


def test_work_already_in_the_translation_is_never_overwritten(started):
    space = started.started
    french_module = started.module.get_translation(started.french.locale)
    ModuleProgress.objects.create(space=space, module=french_module)
    space.language = "fr"
    space.save()
    assert set(ModuleProgress.objects.filter(space=space).values_list("module_id", flat=True)) == {
        started.module.pk,
        french_module.pk,
    }
    assert ModulePage.objects.filter(pk=started.module.pk).exists()
    assert ClientSpace.objects.get(pk=space.pk).programme_id == started.french.pk


# --- Dates, hours and sizes in messages -------------------------------------------------------


def test_planning_refusals_write_dates_and_times_as_the_reader_does(world):
    past = timezone.now() - datetime.timedelta(days=2)
    local = timezone.localtime(past)
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        planning.check_plannable(world.space, past)
    message = raised.value.messages[0]
    assert local.date().isoformat() not in message
    with translation.override("fr"):
        assert formats.date_format(local, "DATE_FORMAT") in message
        assert formats.time_format(local, "TIME_FORMAT") in message
