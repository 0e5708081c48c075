"""Encryption at rest of a client space's content: AES-256-GCM under a per-space data key.

How it works, and what a caller may rely on:

* Each space gets a random 256-bit **data key** the first time something of it is encrypted.
  The data key is stored only *wrapped* (AES-256-GCM) by a **master key** from the setting
  ``WAGTAIL_COACHING_MASTER_KEYS``, a mapping ``{key_id: base64 of 32 random bytes}``. The
  *first* entry is the current master key and wraps new data keys; every entry can unwrap, so
  keys rotate without downtime: put the new key first, deploy, run
  ``manage.py coaching_rewrap_keys``, then remove the old key. Master keys are never derived
  from ``SECRET_KEY`` and never stored in the database.
* Every ciphertext is bound by associated data to its space, model, row and field
  (:func:`content_aad`), so a ciphertext copied to another row or field does not decrypt.
* Decryption **fails closed**: a wrong or missing key, a tampered or moved ciphertext, or an
  erased space raise :class:`DecryptionError` (or its subclass :class:`SpaceErased`); the
  stored bytes are never returned.
* Wrapped data keys live in their own store (:mod:`.keystore`): a database alias of their
  own when one is configured, else the content database. Erasing a space
  (:func:`destroy_space_key`) destroys its wrapped data key there, so its content is
  unreadable in the live database and in every copy of the content database; a copy of the
  *key* database taken before the erasure can still unwrap it, which is why that database's
  backups are kept no longer than the erasure delay. Deleting a space deletes its key.
* What has no space may own a key of its own in the same store (see :class:`DataKey`): a
  trial request encrypts its outcome so. Every function below taking a ``space`` takes such
  a key owner as well.

Reusing it for another model (e.g. a coachee's reflections)::

    from wagtail_coaching.crypto import EncryptedContent, EncryptedText

    class Reflection(EncryptedContent):          # adds a ``uid`` UUID used in the AAD
        space = models.ForeignKey(ClientSpace, on_delete=models.CASCADE)
        answer_encrypted = models.BinaryField(editable=False)
        answer = EncryptedText("answer_encrypted")   # read/write plain text

    r = Reflection(space=space); r.answer = "..."; r.save(); r.answer  # -> "..."

Or, without the mixin, call :func:`encrypt_for_space` / :func:`decrypt_for_space` with an AAD
built by :func:`content_aad`.

Files of any size go through :func:`encrypt_stream` / :func:`decrypt_stream` in constant
memory: a streaming AES-256-GCM format (marker ``WCS1``) whose chunks each carry their
counter and a "final" flag in their nonce and associated data, so chunks cannot be
reordered, dropped, duplicated or cut off at the end without decryption failing.
"""

import json
import os
import uuid
from types import SimpleNamespace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.spaces.keys import (
    SETTING,
    CryptoError,
    parse_key_ring,
)
from wagtail_coaching.spaces.keystore import is_separate, key_database
from wagtail_coaching.spaces.models import ClientSpace

TOKEN_PREFIX = b"WCG1"  # format marker: AES-256-GCM, 12-byte nonce, then ciphertext+tag
NONCE_BYTES = 12
TAG_BYTES = 16
# Streaming format: "WCS1", the plaintext chunk size (4 bytes, big-endian) and a random salt;
# then chunks of ciphertext+tag, the last one flagged final (it may be empty).
STREAM_PREFIX = b"WCS1"
STREAM_CHUNK_BYTES = 64 * 1024
STREAM_MAX_CHUNK_BYTES = 16 * 1024 * 1024
SALT_BYTES = 32
STREAM_HEADER_BYTES = len(STREAM_PREFIX) + 4 + SALT_BYTES
_CACHE_ATTR = "_wagtail_coaching_data_key"


class DecryptionError(CryptoError):
    """Content could not be decrypted: wrong key, tampered or moved ciphertext. Fail closed."""


class SpaceErased(DecryptionError):
    """The space's data key was destroyed: its content can never be read again."""


def key_ring():
    return parse_key_ring(getattr(settings, SETTING, None))


def current_master_key():
    return key_ring()[0]


def _master_key(key_id):
    for ring_id, key in key_ring():
        if ring_id == key_id:
            return key
    raise DecryptionError(
        f"The master key {key_id!r} that wraps this space's data key is not in {SETTING}."
    )


# --- Per-space data keys -------------------------------------------------------------------


class DataKey(models.Model):
    """The wrapped data key of one space, in the key store (:mod:`.keystore`). Never shown
    anywhere, never exported. No foreign key: the key store may be another database, so
    the space is named by its public id (also bound into the wrapping).

    Another *key owner* may hold a key here too: any object with a ``public_id`` (UUID) and
    a ``key_scope`` naming its kind, such as a trial request (whose coach's outcome has no
    space to be encrypted under). Its row is found by that public id, and the scope is bound
    into the wrapping, so a key never unwraps as another kind's."""

    space_public_id = models.UUIDField(_("client space"), unique=True)
    master_key_id = models.CharField(_("master key id"), max_length=64)
    wrapped_key = models.BinaryField(_("wrapped data key"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("space data key")
        verbose_name_plural = _("space data keys")

    def __str__(self):
        return f"DataKey({self.space_public_id}, {self.master_key_id})"


def _keys():
    """The data keys, read and written in the key store whether or not its router is set."""
    return DataKey.objects.using(key_database())


def _key_of(space):
    return _keys().filter(space_public_id=space.public_id)


# A space's key is wrapped under this scope; another key owner names its own ``key_scope``,
# one of KEY_SCOPES (the kinds of owner the store holds: rewrap_all tries each).
SPACE_KEY_SCOPE = "datakey"
TRIAL_KEY_SCOPE = "trialkey"
KEY_SCOPES = (SPACE_KEY_SCOPE, TRIAL_KEY_SCOPE)


def _scope(owner):
    return getattr(owner, "key_scope", SPACE_KEY_SCOPE)


def _wrap_aad(space):
    return f"wagtail_coaching|{_scope(space)}|{space.public_id}".encode()


def _wrap(space, data_key):
    key_id, master = current_master_key()
    nonce = os.urandom(NONCE_BYTES)
    return key_id, nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(space))


def _unwrap(space, row):
    if row.wrapped_key is None:
        raise SpaceErased("This client space was erased; its content cannot be read.")
    blob = bytes(row.wrapped_key)
    try:
        return AESGCM(_master_key(row.master_key_id)).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], _wrap_aad(space)
        )
    except InvalidTag:
        raise DecryptionError(
            f"The data key of this space does not unwrap with master key "
            f"{row.master_key_id!r}: the key in {SETTING} is not the one that wrapped it."
        ) from None


# The wrapped key's columns, read beside the space by with_data_key().
_ANNOTATED = ("_wc_key_master_id", "_wc_key_wrapped")


def with_data_key(queryset):
    """``queryset`` whose spaces carry their wrapped data key, read in the same query.

    Only when the key store is the content's database (one database, the default): a
    separate key store cannot be joined, and :func:`data_key_for` reads the key there.
    Decided when called, never at import, so a site's settings are the ones in force."""
    if is_separate():
        return queryset
    key = DataKey.objects.filter(space_public_id=OuterRef("public_id"))
    return queryset.annotate(
        _wc_key_master_id=Subquery(key.values("master_key_id")[:1]),
        _wc_key_wrapped=Subquery(key.values("wrapped_key")[:1]),
    )


def _annotated_key(space):
    """The key row read beside ``space`` by :func:`with_data_key`, or None if there was none
    (then the key store is asked: a space with no key yet, or a separate key store)."""
    master_key_id = getattr(space, "_wc_key_master_id", None)
    if master_key_id is None:
        return None
    return DataKey(
        space_public_id=space.public_id,
        master_key_id=master_key_id,
        wrapped_key=getattr(space, "_wc_key_wrapped", None),
    )


def data_key_for(space, create=True):
    """The space's unwrapped data key (cached on the instance for this request).

    A space read through :func:`with_data_key` (as the gate reads the pages showing content,
    with the space and the lock in one query) costs no query here when the key store is the
    content's database."""
    cached = getattr(space, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    row = _annotated_key(space)
    if row is None:
        row = _key_of(space).first()
    if row is None:
        if not create:
            raise DecryptionError("This client space has no data key yet.")
        data_key = AESGCM.generate_key(bit_length=256)
        key_id, wrapped = _wrap(space, data_key)
        try:
            with transaction.atomic(using=key_database()):
                _keys().create(
                    space_public_id=space.public_id, master_key_id=key_id, wrapped_key=wrapped
                )
        except IntegrityError:  # created concurrently: use theirs
            row = _key_of(space).get()
            data_key = _unwrap(space, row)
    else:
        data_key = _unwrap(space, row)
    setattr(space, _CACHE_ATTR, data_key)
    return data_key


def _unwrap_any(row):
    """``(owner, data key)`` of ``row`` without its owner at hand: the wrapping binds only the
    owner's public id and scope, so each scope the store holds is tried (a wrong one fails)."""
    for scope in KEY_SCOPES:
        owner = SimpleNamespace(public_id=row.space_public_id, key_scope=scope)
        try:
            return owner, _unwrap(owner, row)
        except DecryptionError:
            continue
    raise DecryptionError(
        f"The data key {row.space_public_id} does not unwrap with master key "
        f"{row.master_key_id!r} under any key scope."
    )


def rewrap_all(batch_size=500):
    """Re-wrap every live data key wrapped by a key other than the current one.

    Returns the number of keys re-wrapped. Content is untouched (data keys do not change).
    """
    key_id, _master = current_master_key()
    count = 0
    stale = _keys().exclude(master_key_id=key_id).exclude(wrapped_key=None)
    for row in stale.iterator(chunk_size=batch_size):
        with transaction.atomic(using=key_database()):
            locked = _keys().select_for_update().get(pk=row.pk)
            if locked.wrapped_key is None or locked.master_key_id == key_id:
                continue
            space, data_key = _unwrap_any(locked)
            locked.master_key_id, locked.wrapped_key = _wrap(space, data_key)
            locked.save(using=key_database(), update_fields=["master_key_id", "wrapped_key"])
            count += 1
    return count


def stale_key_count():
    """How many live data keys are wrapped by a master key other than the current one."""
    key_id, _master = current_master_key()
    return _keys().exclude(master_key_id=key_id).exclude(wrapped_key=None).count()


def destroy_space_key(space):
    """Destroy the space's data key in the key store: everything encrypted under it becomes
    unreadable. The row stays, empty, as the mark that the space was erased."""
    _key_of(space).update(wrapped_key=None, destroyed_at=timezone.now())
    _keys().get_or_create(
        space_public_id=space.public_id,
        defaults={"master_key_id": "-", "wrapped_key": None, "destroyed_at": timezone.now()},
    )
    for attr in (_CACHE_ATTR, *_ANNOTATED):
        if hasattr(space, attr):
            delattr(space, attr)


def is_erased(space):
    return _key_of(space).filter(wrapped_key=None).exists()


def delete_key(owner):
    """Delete the data key of ``owner`` (a space, or another key owner) from the key store:
    for a row that is deleted (no foreign key cascades across stores)."""
    _key_of(owner).delete()


@receiver(post_delete, sender=ClientSpace)
def forget_space_key(sender, instance, **kwargs):
    """A deleted space's key goes too (there is no foreign key to cascade across stores)."""
    delete_key(instance)


# --- Encrypting and decrypting -------------------------------------------------------------


def content_aad(space, label, row_uid, field):
    """Associated data binding a ciphertext to a space, a model, a row and a field."""
    return f"wagtail_coaching|{space.public_id}|{label}|{row_uid}|{field}".encode()


def encrypt_for_space(space, plaintext, aad):
    """Encrypt ``plaintext`` (bytes or str) under ``space``'s data key; returns bytes."""
    if isinstance(plaintext, str):
        plaintext = plaintext.encode("utf-8")
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    nonce = os.urandom(NONCE_BYTES)
    return TOKEN_PREFIX + nonce + AESGCM(data_key_for(space)).encrypt(nonce, plaintext, aad)


def decrypt_for_space(space, token, aad):
    """The plaintext bytes of ``token``; raises :class:`DecryptionError`, never returns it."""
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    token = bytes(token) if token is not None else b""
    if not token.startswith(TOKEN_PREFIX) or len(token) < len(TOKEN_PREFIX) + NONCE_BYTES + 16:
        raise DecryptionError("The stored value is not a wagtail-coaching ciphertext.")
    data_key = data_key_for(space, create=False)
    body = token[len(TOKEN_PREFIX) :]
    try:
        return AESGCM(data_key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError(
            "A ciphertext of this space failed authentication: it was altered, moved to "
            "another row or field, or encrypted under another key."
        ) from None


# --- Streaming encryption of files ---------------------------------------------------------


def _stream_cipher(space, salt, aad, create):
    # A key of its own for every file (HKDF of the space's data key with a random salt), so
    # the counter nonces below never repeat under one key.
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"wagtail_coaching|stream|" + aad,
    ).derive(data_key_for(space, create=create))
    return AESGCM(key)


def _chunk_nonce(index, final):
    return index.to_bytes(NONCE_BYTES - 1, "big") + (b"\x01" if final else b"\x00")


def _chunk_aad(header, index, final):
    return header + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def encrypt_stream(space, chunks, aad, chunk_size=STREAM_CHUNK_BYTES):
    """Yield the ciphertext of the plaintext byte strings ``chunks`` (any sizes), in memory
    bounded by ``chunk_size``. The output starts with the ``WCS1`` marker."""
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    salt = os.urandom(SALT_BYTES)
    header = STREAM_PREFIX + chunk_size.to_bytes(4, "big") + salt
    cipher = _stream_cipher(space, salt, aad, create=True)
    yield header
    buffer = bytearray()
    index = 0
    for piece in chunks:
        buffer += piece
        while len(buffer) > chunk_size:
            plain = bytes(buffer[:chunk_size])
            del buffer[:chunk_size]
            yield cipher.encrypt(
                _chunk_nonce(index, False), plain, _chunk_aad(header, index, False)
            )
            index += 1
    yield cipher.encrypt(_chunk_nonce(index, True), bytes(buffer), _chunk_aad(header, index, True))


def _read_exactly(read, size):
    """Up to ``size`` bytes from ``read``, fewer only at the end of the stream."""
    parts, missing = [], size
    while missing:
        part = read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def is_stream(head):
    """Whether ``head`` (the first bytes of a stored file) starts the streaming format."""
    return bytes(head[: len(STREAM_PREFIX)]) == STREAM_PREFIX


def decrypt_stream(space, read, aad):
    """Yield the plaintext of the ``WCS1`` stream read by ``read(size)``, chunk by chunk.

    Every chunk is authenticated before it is yielded. A wrong key, an altered, reordered,
    dropped, duplicated or appended chunk, or a stream cut short raises
    :class:`DecryptionError` (possibly after earlier, authentic chunks were yielded).
    """
    if isinstance(aad, str):
        aad = aad.encode("utf-8")
    header = _read_exactly(read, STREAM_HEADER_BYTES)
    if len(header) < STREAM_HEADER_BYTES or not is_stream(header):
        raise DecryptionError("The stored file is not a wagtail-coaching encrypted stream.")
    chunk_size = int.from_bytes(header[len(STREAM_PREFIX) : len(STREAM_PREFIX) + 4], "big")
    if not 0 < chunk_size <= STREAM_MAX_CHUNK_BYTES:
        raise DecryptionError("The stored file's header is damaged.")
    cipher = _stream_cipher(space, header[-SALT_BYTES:], aad, create=False)
    block = chunk_size + TAG_BYTES
    current = _read_exactly(read, block)
    index = 0
    while True:
        following = _read_exactly(read, block) if len(current) == block else b""
        final = not following
        try:
            yield cipher.decrypt(
                _chunk_nonce(index, final), current, _chunk_aad(header, index, final)
            )
        except InvalidTag:
            raise DecryptionError(
                "A chunk of an encrypted file failed authentication: the file was altered, "
                "cut short, moved, or encrypted under another key."
            ) from None
        if final:
            return
        current = following
        index += 1


# --- A reusable model mixin ----------------------------------------------------------------


class EncryptedContent(models.Model):
    """Abstract base for content encrypted under its space's data key.

    Gives each row a random ``uid`` (known before the row is saved, used in the AAD and in
    URLs). Subclasses name their space in :attr:`encryption_space` (default ``self.space``).
    """

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        # Never the content: only what it is and its random id.
        return f"{self._meta.verbose_name} {self.uid}"

    @property
    def encryption_space(self):
        return self.space

    @property
    def encryption_label(self):
        return f"{self._meta.app_label}.{self._meta.model_name}"


class EncryptedText(property):
    """Descriptor: plain text in and out, ciphertext in the ``BinaryField`` named ``stored``.

    ``""`` and ``None`` are stored as ``None`` (nothing to hide). Reading raises
    :class:`DecryptionError` when the value cannot be decrypted. Encryption happens on
    assignment, so the row's space must be known first. Being a ``property`` to Django, it
    may be passed to the model's constructor (``Goal(space=..., progress=30)``): Django sets
    such arguments after the fields, so the space is there when they are encrypted.
    """

    def __init__(self, stored, default=""):
        super().__init__()
        self.stored = stored
        self.default = default

    def __set_name__(self, owner, name):
        self.name = name

    def _aad(self, instance):
        space = instance.encryption_space
        return space, content_aad(space, instance.encryption_label, instance.uid, self.name)

    def _is_empty(self, value):
        return value in (None, "")

    def _dump(self, value):
        return str(value)

    def _load(self, text):
        return text

    def _default(self):
        return self.default

    def _cache(self):
        return f"_wc_plain_{self.name}"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        token = getattr(instance, self.stored)
        if token is None:
            return self._default()
        # Decrypted once per stored value: a template reading it again costs nothing.
        cached = instance.__dict__.get(self._cache())
        if cached is not None and cached[0] is token:
            return self._load(cached[1])
        space, aad = self._aad(instance)
        text = decrypt_for_space(space, token, aad).decode("utf-8")
        instance.__dict__[self._cache()] = (token, text)
        return self._load(text)

    def __set__(self, instance, value):
        instance.__dict__.pop(self._cache(), None)
        if self._is_empty(value):
            setattr(instance, self.stored, None)
            return
        space, aad = self._aad(instance)
        setattr(instance, self.stored, encrypt_for_space(space, self._dump(value), aad))

    def __delete__(self, instance):
        instance.__dict__.pop(self._cache(), None)
        setattr(instance, self.stored, None)


class EncryptedInteger(EncryptedText):
    """An integer (or ``None``) encrypted like :class:`EncryptedText`; reads ``default``
    when nothing is stored."""

    def __init__(self, stored, default=None):
        super().__init__(stored, default=default)

    def _is_empty(self, value):
        return value is None or value == ""

    def _dump(self, value):
        return str(int(value))

    def _load(self, text):
        return int(text)


class EncryptedJSON(EncryptedText):
    """A JSON value encrypted like :class:`EncryptedText`. Only ``None`` is stored as
    ``None`` (an empty list is encrypted too, so "nothing ticked" is not visible either);
    reads a fresh copy of ``default`` when nothing is stored."""

    def __init__(self, stored, default=list):
        super().__init__(stored, default=default)

    def _is_empty(self, value):
        return value is None

    def _dump(self, value):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def _load(self, text):
        return json.loads(text)

    def _default(self):
        return self.default() if callable(self.default) else self.default
