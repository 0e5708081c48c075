"""Encryption at rest: round trip, binding, rotation, failing closed, erasure."""

import base64

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from wagtail_coaching.spaces import crypto, keys
from wagtail_coaching.spaces.content import Note
from wagtail_coaching.spaces.keys import parse_key_ring, parse_key_ring_env

pytestmark = pytest.mark.django_db

KEY_A = {"a": keys.generate_master_key()}
KEY_B = {"b": keys.generate_master_key()}


def fresh(space):
    """The same space without the data key cached on the instance."""
    return type(space).objects.get(pk=space.pk)


def test_round_trip_and_ciphertext_is_not_plaintext(world):
    token = crypto.encrypt_for_space(world.space, "Über sensitive 🙂", b"aad")
    assert b"sensitive" not in token and token.startswith(crypto.TOKEN_PREFIX)
    assert (
        crypto.decrypt_for_space(fresh(world.space), token, b"aad") == "Über sensitive 🙂".encode()
    )
    # A fresh nonce each time: the same text never gives the same ciphertext.
    assert crypto.encrypt_for_space(world.space, "x", b"aad") != crypto.encrypt_for_space(
        world.space, "x", b"aad"
    )


def test_ciphertext_is_bound_to_its_row_field_and_space(world):
    token = crypto.encrypt_for_space(world.space, "secret", b"row-1|body")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_for_space(world.space, token, b"row-2|body")
    crypto.encrypt_for_space(world.other_space, "init", b"x")  # give it a data key
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_for_space(world.other_space, token, b"row-1|body")


def test_moving_a_note_ciphertext_to_another_note_fails_closed(world):
    first = Note(space=world.space, author=world.coachee)
    first.body = "first secret"
    first.save()
    second = Note(space=world.space, author=world.coachee)
    second.body = "second"
    second.save()
    Note.objects.filter(pk=second.pk).update(body_encrypted=first.body_encrypted)
    moved = Note.objects.get(pk=second.pk)
    with pytest.raises(crypto.DecryptionError):
        moved.body  # noqa: B018


def test_tampered_and_foreign_values_fail_closed(world):
    token = bytearray(crypto.encrypt_for_space(world.space, "secret", b"a"))
    token[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_for_space(world.space, bytes(token), b"a")
    with pytest.raises(crypto.DecryptionError, match="not a wagtail-coaching ciphertext"):
        crypto.decrypt_for_space(world.space, b"plain text stored before encryption", b"a")


def test_key_rotation_without_downtime_then_rewrap(world):
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=KEY_A):
        token = crypto.encrypt_for_space(world.space, "rotate me", b"aad")
    # New key first, old key still listed: old data keys unwrap, new ones use B.
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=KEY_B | KEY_A):
        assert crypto.decrypt_for_space(fresh(world.space), token, b"aad") == b"rotate me"
        crypto.encrypt_for_space(world.other_space, "new", b"aad")
        assert (
            crypto.DataKey.objects.get(space_public_id=world.other_space.public_id).master_key_id
            == "b"
        )
        call_command("coaching_rewrap_keys", stdout=(out := __import__("io").StringIO()))
        assert "Re-wrapped 1 data key(s) with master key 'b'; 0 left" in out.getvalue()
    assert crypto.DataKey.objects.get(space_public_id=world.space.public_id).master_key_id == "b"
    # The old key can go now.
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=KEY_B):
        assert crypto.decrypt_for_space(fresh(world.space), token, b"aad") == b"rotate me"


def test_wrong_or_missing_master_key_fails_closed(world):
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=KEY_A):
        token = crypto.encrypt_for_space(world.space, "secret", b"aad")
    wrong = {"a": keys.generate_master_key()}
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=wrong):
        with pytest.raises(crypto.DecryptionError, match="does not unwrap"):
            crypto.decrypt_for_space(fresh(world.space), token, b"aad")
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=KEY_B):
        with pytest.raises(crypto.DecryptionError, match="'a'.*not in"):
            crypto.decrypt_for_space(fresh(world.space), token, b"aad")


def test_keys_do_not_depend_on_secret_key(world):
    token = crypto.encrypt_for_space(world.space, "secret", b"aad")
    with override_settings(SECRET_KEY="something else entirely"):
        assert crypto.decrypt_for_space(fresh(world.space), token, b"aad") == b"secret"


def test_erased_space_is_unreadable(world):
    token = crypto.encrypt_for_space(world.space, "secret", b"aad")
    crypto.destroy_space_key(world.space)
    with pytest.raises(crypto.SpaceErased):
        crypto.decrypt_for_space(fresh(world.space), token, b"aad")
    assert crypto.is_erased(world.space)


def test_wrapped_key_in_the_database_is_not_the_data_key(world):
    data_key = crypto.data_key_for(world.space)
    row = crypto.DataKey.objects.get(space_public_id=world.space.public_id)
    assert data_key not in bytes(row.wrapped_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped_key FROM wagtail_coaching_datakey")
        for (value,) in cursor.fetchall():
            assert data_key not in bytes(value)


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "is not set"),
        ({}, "non-empty dict"),
        ("abc", "non-empty dict"),
        ({"bad id!": keys.generate_master_key()}, "key id"),
        ({"k": "not base64 !!"}, "base64"),
        ({"k": base64.urlsafe_b64encode(b"short").decode()}, "32"),
    ],
)
def test_malformed_key_rings_are_refused(value, message):
    with pytest.raises(keys.KeyRingError, match=message):
        parse_key_ring(value)
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=value):
        errors = [
            m for m in run_checks(include_deployment_checks=True) if m.id == "wagtail_coaching.E020"
        ]
    assert len(errors) == 1 and errors[0].hint


@pytest.mark.parametrize("value", [None, {}, ""])
def test_a_missing_key_ring_lets_migrate_run_but_fails_the_deployment_check(value):
    """``migrate`` and ``collectstatic`` run without secrets (a build step); plain ``check``
    warns, ``check --deploy`` fails."""
    with override_settings(WAGTAIL_COACHING_MASTER_KEYS=value):
        plain = {m.id for m in run_checks()}
        deploy = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "wagtail_coaching.W021" in plain and "wagtail_coaching.E020" not in plain
    assert "wagtail_coaching.E020" in deploy


def test_key_ring_from_the_environment_keeps_the_order():
    a, b = keys.generate_master_key(), keys.generate_master_key()
    ring = parse_key_ring(parse_key_ring_env(f" new:{b} , old:{a}"))
    assert [key_id for key_id, _key in ring] == ["new", "old"]
