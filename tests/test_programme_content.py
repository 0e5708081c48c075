"""Answers and actions written in modules are space content: encrypted, exported, erased."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from wagtail_coaching.privacy import export
from wagtail_coaching.programmes.progress import Action, Answer, ModuleProgress
from wagtail_coaching.spaces import content, crypto
from wagtail_coaching.spaces.models import ClientSpace

from .programmes import block_ids, make_action, make_answer

pytestmark = pytest.mark.django_db

REFLECTION = "CANARY-reflection-2b9e"
ACTION = "CANARY-action-d41c"


@pytest.fixture
def answered(programme_world):
    w = programme_world
    block = block_ids(w.module, "reflection")[0]
    w.answer = make_answer(
        space=w.space, module=w.module, block_id=block, kind="reflection", text=REFLECTION
    )
    w.action = make_action(space=w.space, module=w.module, text=ACTION)
    ModuleProgress.objects.create(space=w.space, module=w.module, completed_at=timezone.now())
    return w


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (table names are ours)
        return cursor.fetchall()


def test_answer_and_action_text_is_encrypted_at_rest(answered):
    for model in (Answer, Action):
        dump = repr(raw_rows(model._meta.db_table)).encode()
        assert REFLECTION.encode() not in dump and ACTION.encode() not in dump
    answer = Answer.objects.get(pk=answered.answer.pk)
    action = Action.objects.get(pk=answered.action.pk)
    assert (answer.text, action.text) == (REFLECTION, ACTION)


def test_an_answer_moved_to_another_space_does_not_decrypt(answered):
    Answer.objects.filter(pk=answered.answer.pk).update(space=answered.other_space)
    with pytest.raises(crypto.DecryptionError):
        Answer.objects.get(pk=answered.answer.pk).text  # noqa: B018


def test_export_holds_the_coachees_answers_and_actions(answered):
    data = export.export_data(answered.space, answered.coachee)
    assert [a["text"] for a in data["answers"]] == [REFLECTION]
    assert [a["text"] for a in data["actions"]] == [ACTION]
    handle, _size = export.build_export(answered.space, answered.coachee)
    payload = json.loads(zipfile.ZipFile(handle).read("space.json"))
    assert payload["answers"][0]["text"] == REFLECTION


def test_erasure_removes_answers_and_actions_but_keeps_completion(answered):
    space = answered.space
    ClientSpace.objects.filter(pk=space.pk).update(
        status="closed", end_date=timezone.localdate() - datetime.timedelta(days=400)
    )
    call_command("coaching_erase_spaces", stdout=io.StringIO())
    assert not Answer.objects.filter(space=space).exists()
    assert not Action.objects.filter(space=space).exists()
    assert ModuleProgress.objects.filter(space=space, completed_at__isnull=False).count() == 1


def test_deleting_the_coachee_removes_their_answers_and_actions(answered):
    space = answered.space
    answered.coachee.delete()
    assert not Answer.objects.filter(space=space).exists()
    assert not Action.objects.filter(space=space).exists()
    assert ModuleProgress.objects.filter(space=space).count() == 1
    # The other space's content is untouched.
    other = make_action(space=answered.other_space, module=answered.module, text="Theirs")
    assert Action.objects.get(pk=other.pk).text == "Theirs"


def test_the_journey_lists_the_space_goals(client, answered):

    goal = content.Goal(space=answered.space, created_by=answered.coachee, progress=40)
    goal.title = "Delegate the weekly report"
    goal.save()
    client.force_login(answered.coach)
    from django.urls import reverse

    url = reverse("wagtail_coaching:space_journey", kwargs={"public_id": answered.space.public_id})
    body = client.get(url).content.decode()
    assert "Delegate the weekly report" in body
    assert 'value="40"' in body
