"""Encrypt answers' scale values and ticked items, and goals' progress and status (with
their history), under each space's data key; the clear columns are dropped.

Existing rows are encrypted in place (the site's ``WAGTAIL_COACHING_MASTER_KEYS`` must be
set when there are any). Reversible: migrating back decrypts into clear columns again.
"""

import json

from django.db import migrations, models

# (model, field, clear -> text, text -> clear): the order and encodings of the descriptors
# in wagtail_coaching.spaces.crypto (EncryptedInteger, EncryptedJSON, EncryptedText).
FIELDS = {
    "answer": [
        ("value", lambda v: None if v is None else str(int(v)), int),
        (
            "items",
            lambda v: None if v is None else json.dumps(v, separators=(",", ":"), sort_keys=True),
            json.loads,
        ),
    ],
    "goal": [("progress", lambda v: str(int(v)), int), ("status", str, str)],
    "goalchange": [("progress", lambda v: str(int(v)), int), ("status", str, str)],
}
DEFAULTS = {"value": None, "items": [], "progress": 0, "status": "open"}


def _each_row(apps):
    """Every row to convert, with its space (one instance per space, so that its data key is
    unwrapped once), the crypto module and the row's fields."""
    from wagtail_coaching.spaces import crypto

    spaces = {}
    for model_name, fields in FIELDS.items():
        model = apps.get_model("wagtail_coaching", model_name)
        if model_name == "goalchange":
            rows, space_of = model.objects.select_related("goal__space"), lambda r: r.goal.space
        else:
            rows, space_of = model.objects.select_related("space"), lambda r: r.space
        for row in rows.iterator(chunk_size=500):
            space = spaces.setdefault(space_of(row).pk, space_of(row))

            def aad(name, row=row, space=space, label=f"wagtail_coaching.{model_name}"):
                return crypto.content_aad(space, label, row.uid, name)

            yield row, space, aad, crypto, fields


def encrypt(apps, schema_editor):
    for row, space, aad, crypto, fields in _each_row(apps):
        for name, dump, _load in fields:
            text = dump(getattr(row, name))
            token = None if text is None else crypto.encrypt_for_space(space, text, aad(name))
            setattr(row, f"{name}_encrypted", token)
        row.save(update_fields=[f"{name}_encrypted" for name, *_ in fields])


def decrypt(apps, schema_editor):
    for row, space, aad, crypto, fields in _each_row(apps):
        for name, _dump, load in fields:
            token = getattr(row, f"{name}_encrypted")
            if token is None:
                setattr(row, name, DEFAULTS[name])
            else:
                plain = crypto.decrypt_for_space(space, token, aad(name)).decode("utf-8")
                setattr(row, name, load(plain))
        row.save(update_fields=[name for name, *_ in fields])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_coaching", "0009_merge_conversations_booking"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="items_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="answer",
            name="value_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goal",
            name="progress_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goal",
            name="status_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goalchange",
            name="progress_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="goalchange",
            name="status_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.RemoveConstraint(
            model_name="goal",
            name="wagtail_coaching_goal_progress_max_100",
        ),
        # Nullable first, so that migrating back can re-add the clear columns to full tables.
        migrations.AlterField(
            model_name="answer",
            name="items",
            field=models.JSONField(
                blank=True, default=list, null=True, verbose_name="ticked items"
            ),
        ),
        migrations.AlterField(
            model_name="goal",
            name="progress",
            field=models.PositiveSmallIntegerField(
                default=0, null=True, verbose_name="progress (%)"
            ),
        ),
        migrations.AlterField(
            model_name="goal",
            name="status",
            field=models.CharField(default="open", max_length=16, null=True, verbose_name="status"),
        ),
        migrations.AlterField(
            model_name="goalchange",
            name="progress",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="progress (%)"),
        ),
        migrations.AlterField(
            model_name="goalchange",
            name="status",
            field=models.CharField(max_length=16, null=True, verbose_name="status"),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.RemoveField(model_name="answer", name="items"),
        migrations.RemoveField(model_name="answer", name="value"),
        migrations.RemoveField(model_name="goal", name="progress"),
        migrations.RemoveField(model_name="goal", name="status"),
        migrations.RemoveField(model_name="goalchange", name="progress"),
        migrations.RemoveField(model_name="goalchange", name="status"),
    ]
