"""The coach's trial outcome is encrypted at rest (issue 16, finding 10): under a data key of
the trial's own in the key store, read decrypted by the coach and staff, gone with the trial."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.spaces import crypto
from wagtail_coaching.spaces.content import Note
from wagtail_coaching.spaces.keys import generate_master_key
from wagtail_coaching.trials import rules
from wagtail_coaching.trials.models import TrialRequest

from .factories import CoachFactory
from .test_trials import admin_form, coach_url, make_trial, scheduled

pytestmark = pytest.mark.django_db

OUTCOME = "Wants to start in March; worried about the budget 6d1e"


def raw_row(trial):
    """The trial's row as the database holds it (every column)."""
    table = connection.ops.quote_name(TrialRequest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [trial.pk])
        return cursor.fetchone()


def holds_clear(row, text):
    for value in row:
        if isinstance(value, memoryview | bytes):
            value = bytes(value).decode("latin-1")
        if isinstance(value, str) and text in value:
            return True
    return False


def started_trial(coach):
    trial, _token = scheduled(coach, minutes_from_now=60)
    TrialRequest.objects.filter(pk=trial.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    trial.refresh_from_db()
    return trial


def test_the_database_row_holds_no_clear_outcome(client):
    coach = CoachFactory()
    trial = started_trial(coach)
    client.force_login(coach)
    response = client.post(coach_url(trial, "trial_outcome"), {"outcome": OUTCOME})
    assert response.status_code == 302
    row = raw_row(trial)
    assert not holds_clear(row, OUTCOME)
    assert not holds_clear(row, "budget")
    trial = TrialRequest.objects.get(pk=trial.pk)
    assert bytes(trial.outcome_encrypted).startswith(crypto.TOKEN_PREFIX)
    assert trial.outcome == OUTCOME
    assert "outcome" not in {field.name for field in TrialRequest._meta.concrete_fields}


def test_the_coach_reads_and_edits_the_outcome(client):
    coach = CoachFactory()
    trial = started_trial(coach)
    rules.record_outcome(trial, OUTCOME)
    client.force_login(coach)
    url = coach_url(trial, "trial_outcome")
    assert OUTCOME in client.get(url).content.decode()
    response = client.post(url, {"outcome": "Starts in April."})
    assert response.status_code == 302
    assert TrialRequest.objects.get(pk=trial.pk).outcome == "Starts in April."
    assert "Starts in April." in client.get(url).content.decode()


def test_staff_read_and_edit_it_in_the_admin(client, world):
    trial = started_trial(world.coach)
    rules.record_outcome(trial, OUTCOME)
    client.force_login(world.staff)
    inspect = client.get(rules.admin_url(trial, "inspect")).content.decode()
    assert OUTCOME in inspect and ">outcome</dt>" in inspect
    edit_url = rules.admin_url(trial, "edit")
    assert OUTCOME in client.get(edit_url).content.decode()
    response = client.post(edit_url, admin_form(trial, outcome="Call back in June."))
    assert response.status_code == 302
    client.get(response["Location"])  # its "updated" message names the trial
    trial = TrialRequest.objects.get(pk=trial.pk)
    assert trial.outcome == "Call back in June."
    assert not holds_clear(raw_row(trial), "Call back in June.")
    # The list's search does not reach it (it is no column any more).
    index = reverse("wagtail_coaching_trialrequest_modeladmin_index")
    assert trial.name not in client.get(index, {"q": "June"}).content.decode()


def test_the_outcome_is_bound_to_its_trial():
    first = make_trial(outcome=OUTCOME)
    second = make_trial(email="sam@initech.example")
    # A ciphertext copied onto another trial does not decrypt there.
    TrialRequest.objects.filter(pk=second.pk).update(outcome_encrypted=first.outcome_encrypted)
    with pytest.raises(crypto.DecryptionError):
        TrialRequest.objects.get(pk=second.pk).outcome  # noqa: B018


def test_deleting_the_trial_makes_the_outcome_unrecoverable():
    trial = make_trial(outcome=OUTCOME)
    copy = raw_row(trial)  # a backup of the content database, taken before
    stored = bytes(TrialRequest.objects.get(pk=trial.pk).outcome_encrypted)
    assert crypto.DataKey.objects.filter(space_public_id=trial.public_id).exists()
    trial.delete()
    assert not crypto.DataKey.objects.filter(space_public_id=trial.public_id).exists()
    assert stored in [bytes(v) for v in copy if isinstance(v, memoryview | bytes)]
    # The copy's ciphertext, read with the live key store: no key, nothing to read.
    revived = TrialRequest(public_id=trial.public_id, outcome_encrypted=stored)
    with pytest.raises(crypto.DecryptionError):
        revived.outcome  # noqa: B018


def test_a_trial_key_never_unwraps_as_a_space_key(world):
    """The key store holds spaces' and trials' keys side by side; the wrapping binds the kind."""
    trial = make_trial(outcome=OUTCOME)
    row = crypto.DataKey.objects.get(space_public_id=trial.public_id)
    pretender = type(world.space)(public_id=trial.public_id)
    with pytest.raises(crypto.DecryptionError):
        crypto._unwrap(pretender, row)


def test_rotating_the_master_key_rewraps_trial_keys_too(world):
    old_key, new_key = {"old": generate_master_key()}, {"new": generate_master_key()}
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=old_key):
        trial = make_trial(outcome=OUTCOME)
        crypto.encrypt_for_space(world.space, "a note", b"aad")
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=new_key | old_key):
        call_command("coaching_rewrap_keys", stdout=(out := io.StringIO()))
        assert "Re-wrapped 2 data key(s)" in out.getvalue()
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=new_key):
        assert TrialRequest.objects.get(pk=trial.pk).outcome == OUTCOME


def test_the_outcome_stays_with_the_trial_on_conversion(world):
    trial = started_trial(world.coach)
    rules.record_outcome(trial, OUTCOME)
    space, _invited = rules.convert(trial, organisation=world.org, invite=False)
    trial = TrialRequest.objects.get(pk=trial.pk)
    assert trial.converted_space == space
    assert trial.outcome == OUTCOME  # still staff's, under the trial's key
    assert not Note.objects.filter(space=space).exists()


MIGRATION = "0013_encrypt_trial_outcome"
BEFORE = "0012_merge_notifications"


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_outcomes_and_reverts():
    app = "wagtail_coaching"
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([(app, BEFORE)])
        old = executor.loader.project_state([(app, BEFORE)]).apps
        OldTrial = old.get_model(app, "TrialRequest")
        fields = dict(
            name="Pat Prospect",
            email="pat@initech.example",
            organisation_name="Initech",
            role="Head of people",
            preferred_slots="Tuesday",
            consented_at=timezone.now(),
        )
        written = OldTrial.objects.create(outcome=OUTCOME, **fields)
        blank = OldTrial.objects.create(outcome="", **{**fields, "email": "sam@initech.example"})

        executor = MigrationExecutor(connection)
        executor.migrate([(app, MIGRATION)])
        assert TrialRequest.objects.get(pk=written.pk).outcome == OUTCOME
        assert TrialRequest.objects.get(pk=blank.pk).outcome_encrypted is None
        assert not holds_clear(raw_row(written), OUTCOME)

        executor = MigrationExecutor(connection)
        executor.migrate([(app, BEFORE)])
        old = executor.loader.project_state([(app, BEFORE)]).apps
        assert old.get_model(app, "TrialRequest").objects.get(pk=written.pk).outcome == OUTCOME
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes(app))
