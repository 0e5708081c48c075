"""A coachee's position on a scale, the items they ticked, and a goal's progress and status
(with their history) are space content: encrypted under the space's key, exported, and no
clear copy left in the database — migrating an existing database encrypts them in place."""

import json
import zipfile

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail_coaching.privacy import export
from wagtail_coaching.programmes.answers import CONFLICT, SAVED, UNCHANGED, save_answer
from wagtail_coaching.programmes.progress import Answer
from wagtail_coaching.spaces import content, crypto

from .programmes import block_ids

pytestmark = pytest.mark.django_db

TICKED = "CANARY-ticked-item-71c4"
CLEAR_COLUMNS = {
    Answer: {"value", "items"},
    content.Goal: {"progress", "status"},
    content.GoalChange: {"progress", "status"},
}
ENCRYPTED_COLUMNS = {
    Answer: ["value_encrypted", "items_encrypted"],
    content.Goal: ["progress_encrypted", "status_encrypted"],
    content.GoalChange: ["progress_encrypted", "status_encrypted"],
}


@pytest.fixture
def chosen(programme_world):
    w = programme_world
    w.scale = Answer.objects.create(
        space=w.space,
        module=w.module,
        block_id=block_ids(w.module, "scale")[0],
        kind="scale",
        value=7,
        updated_by=w.coachee,
    )
    w.checklist = Answer.objects.create(
        space=w.space,
        module=w.module,
        block_id=block_ids(w.module, "checklist")[0],
        kind="checklist",
        items=[TICKED],
        updated_by=w.coachee,
    )
    # The constructor takes them too, whatever the order of its arguments.
    w.goal = content.Goal(progress=65, status="achieved", space=w.space, created_by=w.coachee)
    w.goal.title = "Delegate"
    w.goal.save()
    content.record_goal_change(w.goal, w.coachee)
    return w


def raw(model, columns):
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table}")  # noqa: S608 (names are ours)
        return cursor.fetchall()


def test_no_clear_column_is_left(chosen):
    with connection.cursor() as cursor:
        for model, clear in CLEAR_COLUMNS.items():
            table = model._meta.db_table
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            assert not clear & columns, table
            assert set(ENCRYPTED_COLUMNS[model]) <= columns


def test_the_stored_bytes_are_ciphertexts_without_the_values(chosen):
    seen = 0
    for model, columns in ENCRYPTED_COLUMNS.items():
        for row in raw(model, columns):
            for value in row:
                if value is None:
                    continue  # a reflection has no value nor items
                stored = bytes(value)
                assert stored.startswith(crypto.TOKEN_PREFIX)
                assert TICKED.encode() not in stored and b"achieved" not in stored
                seen += 1
    assert seen == 6  # a scale value, ticked items, a goal's and its history's two values


def test_values_read_back_for_the_participants(chosen):
    w = chosen
    scale = Answer.objects.get(pk=w.scale.pk)
    checklist = Answer.objects.get(pk=w.checklist.pk)
    assert (scale.value, checklist.items, checklist.value) == (7, [TICKED], None)
    goal = content.Goal.objects.get(pk=w.goal.pk)
    assert (goal.progress, goal.status, str(goal.get_status_display())) == (
        65,
        "achieved",
        "Achieved",
    )
    change = goal.changes.get()
    assert (change.progress, change.status) == (65, "achieved")


def test_a_value_moved_to_another_row_or_space_does_not_decrypt(chosen):
    w = chosen
    Answer.objects.filter(pk=w.checklist.pk).update(value_encrypted=w.scale.value_encrypted)
    with pytest.raises(crypto.DecryptionError):
        Answer.objects.get(pk=w.checklist.pk).value  # noqa: B018
    content.Goal.objects.filter(pk=w.goal.pk).update(space=w.other_space)
    with pytest.raises(crypto.DecryptionError):
        content.Goal.objects.get(pk=w.goal.pk).progress  # noqa: B018


def test_saving_compares_the_decrypted_values(chosen):
    w = chosen
    common = dict(
        space=w.space,
        module=w.module,
        block_id=w.scale.block_id,
        kind="scale",
        user=w.coachee,
    )
    assert save_answer(content={"value": 7}, seen_version=1, **common)[0] == UNCHANGED
    assert save_answer(content={"value": 3}, seen_version=1, **common)[0] == SAVED
    outcome, stored = save_answer(content={"value": 5}, seen_version=1, **common)
    assert (outcome, stored.value) == (CONFLICT, 3)
    assert Answer.objects.get(pk=w.scale.pk).value == 3


def test_the_export_holds_the_decrypted_values(chosen):
    w = chosen
    handle, _size = export.build_export(w.space, w.coachee)
    payload = json.loads(zipfile.ZipFile(handle).read("space.json"))
    by_kind = {a["kind"]: a for a in payload["answers"]}
    assert by_kind["scale"]["value"] == 7
    assert by_kind["checklist"]["items"] == [TICKED]
    (goal,) = payload["goals"]
    assert (goal["progress"], goal["status"]) == (65, "achieved")
    assert [(h["progress"], h["status"]) for h in goal["history"]] == [(65, "achieved")]


def test_the_goal_pages_show_status_and_progress(client, chosen):
    w = chosen
    client.force_login(w.coachee)
    page = client.get(
        reverse(
            "wagtail_coaching:goal",
            kwargs={"public_id": w.space.public_id, "goal_uid": w.goal.uid},
        )
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Achieved" in html and 'value="65"' in html


MIGRATION = "0010_encrypt_answers_and_goal_progress"
BEFORE = "0009_merge_conversations_booking"


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverts(programme_world):
    w = programme_world
    executor = MigrationExecutor(connection)
    app = "wagtail_coaching"
    try:
        executor.migrate([(app, BEFORE)])
        old = executor.loader.project_state([(app, BEFORE)]).apps
        OldAnswer = old.get_model(app, "Answer")
        OldGoal = old.get_model(app, "Goal")
        OldChange = old.get_model(app, "GoalChange")
        common = dict(space_id=w.space.pk, module_id=w.module.pk, updated_by_id=w.coachee.pk)
        scale = OldAnswer.objects.create(
            block_id=block_ids(w.module, "scale")[0], kind="scale", value=4, **common
        )
        ticked = OldAnswer.objects.create(
            block_id=block_ids(w.module, "checklist")[0], kind="checklist", items=[TICKED], **common
        )
        goal = OldGoal.objects.create(
            space_id=w.space.pk,
            created_by_id=w.coachee.pk,
            title_encrypted=b"",
            progress=40,
            status="dropped",
        )
        OldChange.objects.create(goal=goal, title_encrypted=b"", progress=40, status="dropped")

        executor = MigrationExecutor(connection)
        executor.migrate([(app, MIGRATION)])
        assert Answer.objects.get(pk=scale.pk).value == 4
        assert Answer.objects.get(pk=ticked.pk).items == [TICKED]
        new_goal = content.Goal.objects.get(pk=goal.pk)
        assert (new_goal.progress, new_goal.status) == (40, "dropped")
        assert [(c.progress, c.status) for c in new_goal.changes.all()] == [(40, "dropped")]
        for model, columns in ENCRYPTED_COLUMNS.items():
            for row in raw(model, columns):
                for value in row:
                    if value is not None:
                        assert bytes(value).startswith(crypto.TOKEN_PREFIX)
                        assert TICKED.encode() not in bytes(value)

        executor = MigrationExecutor(connection)
        executor.migrate([(app, BEFORE)])
        old = executor.loader.project_state([(app, BEFORE)]).apps
        assert old.get_model(app, "Answer").objects.get(pk=scale.pk).value == 4
        assert old.get_model(app, "Answer").objects.get(pk=ticked.pk).items == [TICKED]
        back = old.get_model(app, "Goal").objects.get(pk=goal.pk)
        assert (back.progress, back.status) == (40, "dropped")
        change = old.get_model(app, "GoalChange").objects.get(goal_id=goal.pk)
        assert (change.progress, change.status) == (40, "dropped")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes(app))
