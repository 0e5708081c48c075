"""Encrypt the coach's trial outcome under a data key of the trial's own (in the key store);
the clear column is dropped.

Existing outcomes are encrypted in place (the site's ``WAGTAIL_COACHING_MASTER_KEYS`` must be
set when there are any). Reversible: migrating back decrypts them into a clear column again.
"""

from types import SimpleNamespace

from django.db import migrations, models

# As in wagtail_coaching.trials.models.TrialRequest: its key scope, and the label and field
# bound into each ciphertext (the historical model has neither).
KEY_SCOPE = "trialkey"
LABEL = "wagtail_coaching.trialrequest"


def _each_trial(apps, **filters):
    from wagtail_coaching.spaces import crypto

    model = apps.get_model("wagtail_coaching", "TrialRequest")
    for trial in model.objects.filter(**filters).iterator(chunk_size=500):
        owner = SimpleNamespace(public_id=trial.public_id, key_scope=KEY_SCOPE)
        yield trial, owner, crypto.content_aad(owner, LABEL, trial.public_id, "outcome"), crypto


def encrypt(apps, schema_editor):
    for trial, owner, aad, crypto in _each_trial(apps, outcome__gt=""):
        trial.outcome_encrypted = crypto.encrypt_for_space(owner, trial.outcome, aad)
        trial.save(update_fields=["outcome_encrypted"])


def decrypt(apps, schema_editor):
    for trial, owner, aad, crypto in _each_trial(apps, outcome_encrypted__isnull=False):
        trial.outcome = crypto.decrypt_for_space(owner, trial.outcome_encrypted, aad).decode()
        trial.save(update_fields=["outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_coaching", "0012_merge_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="trialrequest",
            name="outcome_encrypted",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(
            model_name="trialrequest",
            name="outcome",
        ),
    ]
