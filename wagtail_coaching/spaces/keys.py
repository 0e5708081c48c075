"""The master key ring setting, readable without Django's app registry (settings use it)."""

import base64
import binascii
import os
import re

SETTING = "WAGTAIL_COACHING_MASTER_KEYS"
KEY_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class CryptoError(Exception):
    """Base class of every error of the encryption layer."""


class KeyRingError(CryptoError):
    """``WAGTAIL_COACHING_MASTER_KEYS`` is missing or malformed."""


def parse_key_ring(value):
    """``[(key_id, key_bytes), ...]`` from the setting's value, current key first.

    Raises :class:`KeyRingError` with a message saying what is wrong.
    """
    if value is None:
        raise KeyRingError(f"{SETTING} is not set.")
    if not isinstance(value, dict) or not value:
        raise KeyRingError(f"{SETTING} must be a non-empty dict {{key_id: base64_key}}.")
    ring = []
    for key_id, encoded in value.items():
        if not isinstance(key_id, str) or not KEY_ID_RE.match(key_id):
            raise KeyRingError(
                f"{SETTING}: key id {key_id!r} must be 1-64 characters of letters, digits, "
                "'.', '_' or '-'."
            )
        try:
            key = base64.urlsafe_b64decode(_pad(encoded))
        except (binascii.Error, TypeError, ValueError, AttributeError):
            raise KeyRingError(f"{SETTING}: key {key_id!r} is not valid base64.") from None
        if len(key) != 32:
            raise KeyRingError(
                f"{SETTING}: key {key_id!r} decodes to {len(key)} bytes; AES-256 needs 32."
            )
        ring.append((key_id, key))
    return ring


def parse_key_ring_env(text):
    """The setting's value from an environment string ``"id1:base64,id2:base64"``."""
    ring = {}
    for item in (text or "").split(","):
        if item.strip():
            key_id, _sep, key = item.strip().partition(":")
            ring[key_id.strip()] = key.strip()
    return ring


def generate_master_key():
    """A new master key, base64 (urlsafe) encoded, for the setting."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _pad(encoded):
    encoded = encoded.strip()
    return encoded + "=" * (-len(encoded) % 4)
