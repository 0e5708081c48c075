"""Every person in their own language: contracts, e-mails, invitations, PDFs and reports."""

import datetime
import io
from datetime import UTC

import icalendar
import pytest
from django.core import mail
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale

from wagtail_coaching.programmes.pages import ModulePage, ProgrammePage
from wagtail_coaching.reporting import queries
from wagtail_coaching.sessions import planning
from wagtail_coaching.spaces import contracts
from wagtail_coaching.spaces.contracts import ContractAcceptance, ContractTemplate
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.preferences import set_user_language, user_language

from .factories import ClientSpaceFactory, CoachFactory, UserFactory
from .programmes import make_programme
from .tasks import committed

pytestmark = pytest.mark.django_db


def french_translation(programme):
    """``programme`` and its modules translated into French, as simple_translation does."""
    french, _created = Locale.objects.get_or_create(language_code="fr")
    action = CopyPageForTranslationAction(
        programme, french, copy_parents=True, include_subtree=True
    )
    translated = ProgrammePage.objects.get(pk=action.execute(skip_permission_checks=True).pk)
    translated.title = "Diriger avec assurance"
    translated.save_revision().publish()
    for module in ModulePage.objects.child_of(translated):
        module.save_revision().publish()
    return ProgrammePage.objects.get(pk=translated.pk)


def contract_url(space):
    return reverse("wagtail_coaching:contract", kwargs={"public_id": space.public_id})


# --- A language per person ----------------------------------------------------------------


def test_the_language_switcher_stores_a_logged_in_users_language(client):
    lucas = UserFactory(username="lucas")
    client.force_login(lucas)
    response = client.post(
        reverse("wagtail_coaching:set_language"), {"language": "fr", "next": "/"}
    )
    assert response.status_code == 302
    assert user_language(lucas) == "fr"
    assert client.cookies["django_language"].value == "fr"
    # An unknown language changes nothing.
    client.post(reverse("wagtail_coaching:set_language"), {"language": "xx", "next": "/"})
    assert user_language(lucas) == "fr"


def test_the_switcher_still_works_for_visitors(client):
    response = client.post(reverse("wagtail_coaching:set_language"), {"language": "fr"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "fr"


def test_the_preferences_page_chooses_the_language(client):
    lucas = UserFactory(username="lucas")
    client.force_login(lucas)
    url = reverse("wagtail_coaching:calendar_settings")
    assert 'name="language"' in client.get(url).content.decode()
    response = client.post(url, {"action": "language", "language": "fr"}, follow=True)
    assert user_language(lucas) == "fr"
    assert "Langue enregistrée." in response.content.decode()
    response = client.post(url, {"action": "language", "language": "klingon"})
    assert response.status_code == 200
    assert user_language(lucas) == "fr"


def test_an_invitation_reaches_each_person_in_their_own_language(
    world, django_capture_on_commit_callbacks
):
    """Planned by a coach whose screen is English, to a French coachee: both are checked."""
    set_user_language(world.coach, "en")
    set_user_language(world.coachee, "fr")
    world.space.language = "en"
    world.space.save()
    starts_at = datetime.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    with translation.override("en"), committed(django_capture_on_commit_callbacks):
        planning.plan_session(world.space, starts_at, 60, by=world.coach)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {world.coach.email, world.coachee.email}

    french = by_address[world.coachee.email]
    assert french.subject.startswith("Séance de coaching le ")
    assert "30 mars 2027" in french.subject and "10:00" in french.subject
    assert "Bonjour" in french.body
    english = by_address[world.coach.email]
    assert english.subject.startswith("Coaching session on ")
    assert "March 30, 2027" in english.subject
    assert "Hello" in english.body

    def summary(message):
        part = message.attachments[0]
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        return str(next(iter(calendar.walk("VEVENT")))["SUMMARY"])

    assert summary(french).startswith("Séance de coaching : ")
    assert summary(english).startswith("Coaching session: ")


def test_the_calendar_feed_speaks_its_owners_language(client, world):
    from wagtail_coaching.spaces.preferences import rotate_calendar_token

    from .factories import CoachingSessionFactory

    CoachingSessionFactory(space=world.space)
    set_user_language(world.coachee, "fr")
    token = rotate_calendar_token(world.coachee)
    with translation.override("en"):
        response = client.get(reverse("wagtail_coaching:calendar_feed", kwargs={"token": token}))
    assert "Séance de coaching" in response.content.decode()


# --- A language per space, and the contract in it -------------------------------------------


@pytest.fixture
def lucas_world(world):
    """Lucas reads French and follows the French translation of a programme."""
    programme, _modules = make_programme()
    french = french_translation(programme)
    lucas = UserFactory(username="lucas", first_name="Lucas", last_name="Bernard")
    set_user_language(lucas, "fr")
    space = ClientSpaceFactory(
        coachee=lucas, coach=world.coach, organisation=world.org, programme=french
    )
    world.lucas, world.lucas_space, world.programme, world.french = lucas, space, programme, french
    return world


def test_a_space_speaks_its_programmes_language(lucas_world):
    assert lucas_world.lucas_space.language == "fr"
    space = ClientSpaceFactory(coachee=UserFactory(), coach=lucas_world.coach)
    assert space.language == "en"  # no programme, no preference: the site's language


def test_a_french_space_follows_the_programmes_french_translation(lucas_world):
    space = ClientSpaceFactory(
        coachee=UserFactory(), coach=lucas_world.coach, programme=lucas_world.programme
    )
    assert space.programme_id == lucas_world.programme.pk and space.language == "en"
    space.language = "fr"
    space.save()
    assert space.programme_id == lucas_world.french.pk


def test_without_a_programme_the_space_takes_the_coachees_language(world):
    coachee = UserFactory()
    set_user_language(coachee, "fr")
    assert ClientSpaceFactory(coachee=coachee, coach=world.coach).language == "fr"


def test_lucas_sees_and_accepts_the_french_contract(client, lucas_world):
    ContractTemplate.objects.create(title="Coaching contract", body="English terms.")
    client.force_login(lucas_world.lucas)
    space = lucas_world.lucas_space
    with translation.override("fr"):
        page = client.get(contract_url(space))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Contrat de coaching" in body and "Secret professionnel" in body
    assert "English terms." not in body
    assert 'lang="fr"' in body
    contract = contracts.applicable_contract(space)
    assert contract.language == "fr"

    response = client.post(
        contract_url(space), {"sha256": contract.sha256, "accept": "on", "next": "/"}
    )
    assert response.status_code == 302
    acceptance = ContractAcceptance.objects.get(user=lucas_world.lucas, space=space)
    assert acceptance.language == "fr"
    assert acceptance.version == contract.version
    assert acceptance.text_sha256 == contracts.text_sha256(contract.body)

    # His PDF is in French, named in French, and dated the French way.
    with translation.override("en"):
        response = client.get(
            reverse("wagtail_coaching:contract_pdf", kwargs={"public_id": space.public_id})
        )
    assert response.status_code == 200
    assert "contrat-v1.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Contrat de coaching" in text and "Accepté par Lucas Bernard le" in text


def test_the_coach_reading_english_is_still_shown_the_spaces_french_contract(client, lucas_world):
    client.force_login(lucas_world.coach)
    with translation.override("en"):
        body = client.get(contract_url(lucas_world.lucas_space)).content.decode()
    assert "Contrat de coaching" in body
    assert "This space's contract is written in French" in body


def test_contract_versions_are_numbered_per_language(world):
    english = ContractTemplate.objects.create(title="Contract", body="Terms.", language="en")
    french = ContractTemplate.objects.create(title="Contrat", body="Termes.", language="fr")
    newer = ContractTemplate.objects.create(title="Contrat", body="Termes 2.", language="fr")
    assert (english.version, french.version, newer.version) == (1, 1, 2)
    assert contracts.applicable_contract(world.space) == english


@override_settings(LANGUAGES=[("en", "English"), ("fr", "French"), ("de", "German")])
def test_no_contract_in_the_spaces_language_closes_the_space_and_blocks_activation(client, world):
    space = ClientSpaceFactory(coach=world.coach, status="planned", language="de")
    assert not contracts.contract_available(space)
    client.force_login(space.coachee)
    response = client.get(space.get_absolute_url(), follow=True)
    assert response.status_code == 503
    assert "not yet written in German" in response.content.decode()

    # The admin refuses to make it active, and says what to do.
    client.force_login(world.staff)
    url = f"/admin/wagtail_coaching/clientspace/edit/{space.pk}/"
    data = {
        "coachee": space.coachee.pk,
        "coach": space.coach.pk,
        "organisation": space.organisation.pk,
        "language": "de",
        "status": "active",
        "start_date": "2027-01-04",
        "planned_sessions": 6,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "There is no contract in German" in response.content.decode()
    assert ClientSpace.objects.get(pk=space.pk).status == "planned"

    # The system check sees the missing default contract.
    ids = {message.id for message in run_checks(databases=["default"])}
    assert "wagtail_coaching.W080" in ids

    ContractTemplate.objects.create(title="Vertrag", body="Bedingungen.", language="de")
    assert client.post(url, data).status_code == 302
    assert ClientSpace.objects.get(pk=space.pk).status == "active"
    ids = {message.id for message in run_checks(databases=["default"])}
    assert "wagtail_coaching.W080" not in ids
    assert contracts.applicable_contract(space).title == "Vertrag"


# --- Wagtail's i18n: translations are one programme -------------------------------------------


def test_a_programme_and_its_french_translation_count_as_one_programme(lucas_world):
    english_space = ClientSpaceFactory(
        coachee=UserFactory(),
        coach=CoachFactory(),
        organisation=lucas_world.org,
        programme=lucas_world.programme,
    )
    rows = ClientSpace.objects.filter(pk__in=[english_space.pk, lucas_world.lucas_space.pk])
    with translation.override("en"):
        groups = queries.programme_groups(rows)
    assert len(groups) == 1
    assert groups[0].totals.spaces == 2
    assert groups[0].title == lucas_world.programme.title
    with translation.override("fr"):
        assert queries.programme_groups(rows)[0].title == "Diriger avec assurance"


def test_translating_a_programme_links_its_steps_to_the_translated_modules(lucas_world):
    french = lucas_world.french
    linked = [step.value["module"] for step in french.steps if step.value.get("module")]
    assert linked and all(french.is_own_module(module) for module in linked)
    french.full_clean()  # an editor can save the translation


# --- Dates by the reader's locale ---------------------------------------------------------------


def test_trial_invitation_subjects_use_the_readers_date_format(
    world, django_capture_on_commit_callbacks
):
    from wagtail_coaching.trials import rules
    from wagtail_coaching.trials.models import TrialRequest

    trial = TrialRequest.objects.create(
        name="Nina Prospect",
        email="nina@example.com",
        organisation_name="Initech",
        role="HR",
        kind="trial",
        language="fr",
        consented_at=datetime.datetime(2027, 1, 1, tzinfo=UTC),
    )
    set_user_language(world.coach, "en")
    trial.coach = world.coach
    trial.starts_at = datetime.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    trial.duration_minutes = 30
    trial.status = "scheduled"
    trial.guest_token_hash = rules.hash_guest_token(rules.guest_token("seed"))
    trial.save()
    with committed(django_capture_on_commit_callbacks):
        rules.send_invitations(trial, "seed")
    by_address = {message.to[0]: message.subject for message in mail.outbox}
    assert by_address["nina@example.com"] == "Séance d'essai le 30 mars 2027 10:00"
    assert by_address[world.coach.email].startswith("Coaching trial on March 30, 2027")


def test_pdf_file_names_follow_the_readers_language(client, world):
    from .conftest import accept_contract

    accept_contract(world.coachee, world.space)
    client.force_login(world.coachee)
    url = reverse("wagtail_coaching:space_report_pdf", kwargs={"public_id": world.space.public_id})
    with translation.override("fr"):
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    # The space is still open: its report is a progress report, not the final one.
    assert 'filename="rapport-avancement-' in french["Content-Disposition"]
    assert 'filename="progress-report-' in english["Content-Disposition"]
