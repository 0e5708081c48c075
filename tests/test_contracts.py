"""The contract gate: nothing of a space before the contract that applies is accepted."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from wagtail_coaching.spaces import contracts
from wagtail_coaching.spaces.audit import AccessAction, AccessEvent
from wagtail_coaching.spaces.contracts import ContractAcceptance, ContractTemplate

from .conftest import accept_contract
from .programmes import make_programme
from .test_matrix import EXPECTED

pytestmark = pytest.mark.django_db

# Every URL of a space; the calendar pages, a coach's availability, what's new, the language
# switcher and the second factor's pages are the user's own, and trials come before any space
# exists (their guest has no account).
OWN = {
    "my_coaching",
    "contract",
    "calendar_settings",
    "calendar_feed",
    "set_language",
    "availability",
    "notifications",
    "second_factor_setup",
    "second_factor_verify",
    "second_factor_recovery_codes",
}
GATED = sorted(name for name in set(EXPECTED) - OWN if not name.startswith("trial_"))


def contract_url(space):
    return reverse("wagtail_coaching:contract", kwargs={"public_id": space.public_id})


@pytest.mark.parametrize("url_name", GATED)
def test_every_space_url_sends_a_participant_to_the_contract_first(client, space_content, url_name):
    world = space_content
    newer = ContractTemplate.objects.create(title="Contract v2", body="New terms.")
    assert contracts.applicable_contract(world.space) == newer
    client.force_login(world.coachee)
    url = reverse(f"wagtail_coaching:{url_name}", kwargs=EXPECTED[url_name][0](world))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(contract_url(world.space) + "?next=")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_accepting_records_user_version_hash_and_time(client, world):
    client.force_login(world.coachee)
    response = client.get(world.space.get_absolute_url())
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    contract = contracts.applicable_contract(world.space)
    body = page.content.decode()
    assert "Professional secrecy" in body and world.coach.get_full_name() in body
    assert world.coachee.get_full_name() in body  # the parties are named

    # Not ticking the box: a clear message, nothing recorded.
    response = client.post(contract_url(world.space), {"sha256": contract.sha256})
    assert "Tick the box to accept the contract." in response.content.decode()
    assert not ContractAcceptance.objects.exists()

    response = client.post(
        contract_url(world.space),
        {"sha256": contract.sha256, "accept": "on", "next": world.space.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == world.space.get_absolute_url()
    acceptance = ContractAcceptance.objects.get()
    assert (acceptance.user, acceptance.space, acceptance.version) == (
        world.coachee,
        world.space,
        contract.version,
    )
    assert acceptance.text_sha256 == hashlib.sha256(contract.body.encode()).hexdigest()
    assert acceptance.accepted_at is not None
    assert client.get(world.space.get_absolute_url()).status_code == 200
    actions = list(AccessEvent.objects.filter(space=world.space).values_list("action", flat=True))
    assert AccessAction.CONTRACT_ACCEPTED in actions and AccessAction.ENTER in actions


def test_a_text_changed_while_reading_is_not_accepted(client, world):
    client.force_login(world.coachee)
    contract = contracts.applicable_contract(world.space)
    response = client.post(
        contract_url(world.space), {"sha256": "0" * 64, "accept": "on"}, follow=True
    )
    assert "The contract changed while you were reading it." in response.content.decode()
    assert not ContractAcceptance.objects.filter(contract=contract).exists()


def test_offsite_next_is_ignored(client, world):
    client.force_login(world.coachee)
    contract = contracts.applicable_contract(world.space)
    response = client.post(
        contract_url(world.space),
        {"sha256": contract.sha256, "accept": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == world.space.get_absolute_url()


def test_programme_beats_organisation_beats_default(world):
    default = ContractTemplate.objects.create(title="Default", body="d")
    assert contracts.applicable_contract(world.space) == default
    org = ContractTemplate.objects.create(title="Acme", body="o", organisation=world.org)
    assert contracts.applicable_contract(world.space) == org
    assert contracts.applicable_contract(world.other_space) == default
    programme, _modules = make_programme(title="Leadership", modules=1)
    world.space.programme = programme
    world.space.save()
    prog = ContractTemplate.objects.create(title="Leadership", body="p", programme=programme)
    assert contracts.applicable_contract(world.space) == prog
    org_v2 = ContractTemplate.objects.create(title="Acme v2", body="o2", organisation=world.org)
    assert org_v2.version == 2
    assert contracts.applicable_contract(world.other_space) == default


def _state(space, user):
    from wagtail_coaching.spaces.models import ClientSpace

    annotated = contracts.with_contract_state(ClientSpace.objects.filter(pk=space.pk), user).get()
    return annotated.contract_accepted


def test_the_gate_query_decides_as_the_contract_rules_do(world):
    """with_contract_state (the gate's one query) agrees with applicable_contract and
    current_acceptance through every scope and version change."""

    def agrees(space, user):
        accepted = contracts.current_acceptance(user, space) is not None
        assert _state(space, user) is accepted

    assert _state(world.space, world.coachee) is False  # no contract at all yet
    default = ContractTemplate.objects.create(title="Default", body="d")
    agrees(world.space, world.coachee)
    accept_contract(world.coachee, world.space)
    assert contracts.applicable_contract(world.space) == default
    assert _state(world.space, world.coachee) is True
    assert _state(world.space, world.coach) is False
    org = ContractTemplate.objects.create(title="Acme", body="o", organisation=world.org)
    assert contracts.applicable_contract(world.space) == org
    assert _state(world.space, world.coachee) is False  # a newer scope: to be accepted again
    agrees(world.space, world.coachee)
    accept_contract(world.coachee, world.space)
    assert _state(world.space, world.coachee) is True
    agrees(world.other_space, world.other_coachee)
    programme, _modules = make_programme(title="Leadership", modules=1)
    world.space.programme = programme
    world.space.save()
    ContractTemplate.objects.create(title="Leadership", body="p1", programme=programme)
    prog_v2 = ContractTemplate.objects.create(title="Leadership", body="p", programme=programme)
    ContractTemplate.objects.create(title="Acme v2", body="o2", organisation=world.org)
    assert contracts.applicable_contract(world.space) == prog_v2
    assert _state(world.space, world.coachee) is False
    agrees(world.space, world.coachee)
    accept_contract(world.coachee, world.space)
    assert _state(world.space, world.coachee) is True
    agrees(world.other_space, world.other_coachee)
    assert contracts.applicable_contract(world.other_space) == default


def test_an_accepted_version_cannot_be_rewritten(world):
    accept_contract(world.coachee, world.space)
    contract = contracts.applicable_contract(world.space)
    contract.body += " And one more thing."
    with pytest.raises(ValidationError, match="already accepted"):
        contract.full_clean()


def test_contract_pdf_escapes_user_strings(client, world):
    world.coachee.first_name = "<font color=\"[[[__import__('os')]]]\">Eve</font> & co"
    world.coachee.save()
    accept_contract(world.coachee, world.space)
    accept_contract(world.coach, world.space)
    client.force_login(world.coachee)
    response = client.get(
        reverse("wagtail_coaching:contract_pdf", kwargs={"public_id": world.space.public_id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    acceptance = contracts.current_acceptance(world.coachee, world.space)
    assert "Coaching contract" in text
    assert "Professional secrecy" in text
    assert acceptance.text_sha256 in text.replace("\n", "")
    assert '<font color="[[[' in text  # shown literally, never interpreted


@pytest.mark.parametrize("scope", ["default", "organisation", "programme"])
def test_a_version_number_is_unique_in_its_scope_on_every_database(world, scope):
    from django.db import IntegrityError, transaction

    fields = {}
    if scope == "organisation":
        fields["organisation"] = world.org
    elif scope == "programme":
        fields["programme"], _modules = make_programme(modules=1)
    first = ContractTemplate.objects.create(title="v1", body="a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractTemplate.objects.bulk_create(
            [ContractTemplate(title="dup", body="b", version=first.version, **fields)]
        )
    # Another scope numbers its own versions from 1.
    other = ContractTemplate.objects.create(title="other", body="c", organisation=world.other_org)
    assert (first.version, other.version) == (1, 1)


def test_the_rule_reads_a_space_as_a_form_holds_it_before_saving(world):
    """The admin form asks about a space before saving it: the rule reads the instance's own
    values, not the row in the database."""
    default = ContractTemplate.objects.create(title="Default", body="d")
    programme, _modules = make_programme(title="Leadership", modules=1)
    for_programme = ContractTemplate.objects.create(
        title="Leadership", body="p", programme=programme
    )
    world.space.programme = programme  # not saved
    assert contracts.applicable_contract(world.space) == for_programme
    assert contracts.contract_available(world.space)
    world.space.refresh_from_db()
    assert contracts.applicable_contract(world.space) == default
    assert _state(world.space, world.coachee) is False
