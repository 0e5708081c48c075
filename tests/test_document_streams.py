"""Documents in constant memory: the streaming AES-GCM format, and documents read, served and
exported piece by piece; documents stored in the former whole-file format stay readable."""

import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from wagtail_coaching.privacy.export import build_export
from wagtail_coaching.spaces import crypto, documents, uploads
from wagtail_coaching.spaces.content import SpaceDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]

CHUNK = 16  # tiny chunks, so a few bytes make many of them
AAD = b"space|document|file"


def seal(space, data, chunk_size=CHUNK, pieces=7):
    parts = [data[i : i + pieces] for i in range(0, len(data), pieces)] or [b""]
    return b"".join(crypto.encrypt_stream(space, parts, AAD, chunk_size=chunk_size))


def open_(space, blob, aad=AAD):
    return b"".join(crypto.decrypt_stream(space, io.BytesIO(blob).read, aad))


def split(blob, chunk_size=CHUNK):
    """The header and the ciphertext chunks of a stream."""
    header, rest = blob[: crypto.STREAM_HEADER_BYTES], blob[crypto.STREAM_HEADER_BYTES :]
    block = chunk_size + crypto.TAG_BYTES
    return header, [rest[i : i + block] for i in range(0, len(rest), block)]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * CHUNK + 3])
def test_round_trip_of_every_size(world, size):
    data = os.urandom(size)
    blob = seal(world.space, data)
    assert blob.startswith(crypto.STREAM_PREFIX)
    assert open_(world.space, blob) == data
    # Exactly one more chunk than full chunks (the final one, possibly empty), 16-byte tags.
    chunks = max(1, -(-size // CHUNK))
    assert len(blob) == crypto.STREAM_HEADER_BYTES + size + chunks * crypto.TAG_BYTES


def test_chunks_cannot_be_reordered_dropped_duplicated_or_cut(world):
    data = b"".join(bytes([i]) * CHUNK for i in range(4)) + b"end"
    header, chunks = split(seal(world.space, data))
    assert len(chunks) == 5
    forgeries = {
        "reordered": [chunks[1], chunks[0], *chunks[2:]],
        "dropped": [chunks[0], *chunks[2:]],
        "duplicated": [chunks[0], chunks[0], *chunks[1:]],
        "final dropped (truncated)": chunks[:-1],
        "cut inside the final chunk": [*chunks[:-1], chunks[-1][:-1]],
        "appended after the final": [*chunks, chunks[-1]],
        "only the header": [],
    }
    for what, forged in forgeries.items():
        with pytest.raises(crypto.DecryptionError):
            open_(world.space, header + b"".join(forged))
            pytest.fail(what)
    flipped = bytearray(header + b"".join(chunks))
    flipped[-5] ^= 1
    with pytest.raises(crypto.DecryptionError):
        open_(world.space, bytes(flipped))


def test_the_header_the_aad_and_the_key_are_bound(world):
    blob = seal(world.space, b"x" * 40)
    with pytest.raises(crypto.DecryptionError):  # another row or field
        open_(world.space, blob, aad=b"space|document|other")
    crypto.encrypt_for_space(world.other_space, "init", b"x")  # give it a data key
    with pytest.raises(crypto.DecryptionError):  # another space's key
        open_(world.other_space, blob)
    header, chunks = split(blob)
    tampered = bytearray(header)
    tampered[len(crypto.STREAM_PREFIX) + 3] ^= 1  # another chunk size
    with pytest.raises(crypto.DecryptionError):
        open_(world.space, bytes(tampered) + b"".join(chunks))
    # Two encryptions of the same bytes share nothing (a random salt, a key per file).
    assert seal(world.space, b"x" * 40) != blob
    with pytest.raises(crypto.DecryptionError):
        open_(world.space, b"WCG1" + blob[4:])


def test_a_document_of_many_chunks_is_stored_served_and_exported(client, world):
    text = "".join(f"Line {i}: les données restent chiffrées.\n" for i in range(12_000))
    data = text.encode("utf-8")  # ~550 kB: nine chunks of 64 KiB
    document = documents.store_document(
        world.space, world.coachee, SimpleUploadedFile("journal.txt", data, "text/plain")
    )
    assert document.size == len(data)
    with uploads.private_storage().open(document.storage_name, "rb") as handle:
        stored = handle.read()
    assert stored.startswith(crypto.STREAM_PREFIX) and b"Line 1" not in stored
    assert len(stored) < len(data) + 1024  # a 16-byte tag per chunk, not a copy per chunk
    pieces = list(documents.document_chunks(document))
    assert len(pieces) == -(-len(data) // crypto.STREAM_CHUNK_BYTES)
    assert b"".join(pieces) == data

    client.force_login(world.coach)
    response = client.get(
        reverse(
            "wagtail_coaching:document_download",
            kwargs={"public_id": world.space.public_id, "document_uid": document.uid},
        )
    )
    assert response.streaming and response["Content-Length"] == str(len(data))
    assert b"".join(response.streaming_content) == data

    handle, _size = build_export(world.space, world.coach)
    with zipfile.ZipFile(handle) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("journal.txt")]
        assert archive.read(name) == data


def test_a_text_file_is_checked_to_its_end(world):
    # The content check reads the whole file piece by piece: a NUL or broken UTF-8 far past
    # the sniffed head is still refused, and nothing is stored.
    clean = b"a" * (3 * crypto.STREAM_CHUNK_BYTES)
    for tail, message in ((b"\x00", "not a text file"), (b"\xff\xfe", "UTF-8")):
        with pytest.raises(uploads.UploadError, match=message):
            documents.store_document(
                world.space, world.coachee, SimpleUploadedFile("notes.txt", clean + tail)
            )
    # A multi-byte character split across two pieces is fine.
    split_char = b"a" * (crypto.STREAM_CHUNK_BYTES - 1) + "é".encode() + b"z"
    document = documents.store_document(
        world.space, world.coachee, SimpleUploadedFile("notes.txt", split_char)
    )
    assert documents.read_document(document) == split_char
    assert SpaceDocument.objects.filter(space=world.space).count() == 1


def test_the_size_limit_is_enforced_while_reading(world, settings):
    settings.WAGTAIL_COACHING_DOCUMENT_MAX_SIZE = 100

    class Unsized(io.BytesIO):  # a stream that does not say its size up front
        name = "big.txt"

    with pytest.raises(uploads.UploadError, match="larger than"):
        documents.store_document(world.space, world.coachee, Unsized(b"a" * 101))


def test_the_default_limit_is_200_mb():
    assert uploads.get_setting("DOCUMENT_MAX_SIZE") == 200 * 1024 * 1024


def test_documents_stored_in_the_former_whole_file_format_stay_readable(client, world):
    # Before the streaming format, a document was one AES-GCM token (marker WCG1).
    data = b"%PDF-1.4\n% stored by an earlier version\n"
    document = SpaceDocument(space=world.space, uploaded_by=world.coachee, size=len(data))
    document.content_type = "application/pdf"
    document.name = "earlier.pdf"
    token = crypto.encrypt_for_space(world.space, data, documents.file_aad(document))
    assert token.startswith(crypto.TOKEN_PREFIX)
    storage = uploads.private_storage()
    document.storage_name = storage.save(
        f"spaces/{world.space.public_id}/{document.uid.hex}.bin", ContentFile(token)
    )
    document.save()
    assert documents.read_document(document) == data
    client.force_login(world.coachee)
    url = reverse(
        "wagtail_coaching:document_download",
        kwargs={"public_id": world.space.public_id, "document_uid": document.uid},
    )
    assert b"".join(client.get(url).streaming_content) == data
    with override_settings(WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD="django"):
        handle, _size = build_export(world.space, world.coachee)
    with zipfile.ZipFile(handle) as archive:
        assert data in [archive.read(n) for n in archive.namelist() if n.endswith(".pdf")]
