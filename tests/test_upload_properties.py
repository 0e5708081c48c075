"""Property-based tests of uploads: whatever the name, size and content, never a 500 and
never an orphan (a stored file without its row, or a row without its file)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wagtail_coaching.spaces import documents, uploads
from wagtail_coaching.spaces.content import SpaceDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]

MAX = 4096
HEADS = {
    "pdf": b"%PDF-1.7\n",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "zip": b"PK\x03\x04",
    "exe": b"MZ\x90\x00",
    "text": b"",
}
extensions = st.sampled_from(["pdf", "png", "jpg", "txt", "csv", "docx", "exe", "html", "", "PDF"])
names = st.builds(
    lambda stem, ext: f"{stem}.{ext}" if ext else stem,
    st.text(min_size=0, max_size=40),
    extensions,
)
contents = st.builds(
    lambda head, body: HEADS[head] + body,
    st.sampled_from(sorted(HEADS)),
    st.binary(max_size=MAX + 64) | st.text(max_size=200).map(lambda t: t.encode("utf-8")),
)


def files_of(space):
    storage = uploads.private_storage()
    folder = f"spaces/{space.public_id}"
    try:
        return {f"{folder}/{name}" for name in storage.listdir(folder)[1]}
    except FileNotFoundError:
        return set()


def assert_no_orphans(space):
    rows = set(SpaceDocument.objects.filter(space=space).values_list("storage_name", flat=True))
    assert rows == files_of(space)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, data=contents)
def test_uploads_over_http_never_fail_badly(client, world, name, data):
    client.force_login(world.coachee)
    url = reverse("wagtail_coaching:documents", kwargs={"public_id": world.space.public_id})
    with override_settings(WAGTAIL_COACHING_DOCUMENT_MAX_SIZE=MAX):
        response = client.post(url, {"file": SimpleUploadedFile(name or "x", data)})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert b'role="alert"' in response.content
    assert_no_orphans(world.space)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.text(max_size=200), data=contents)
def test_the_checker_refuses_or_stores_cleanly_any_raw_name(world, name, data):
    # Straight to the function, without Django's own clean-up of upload names.
    with override_settings(WAGTAIL_COACHING_DOCUMENT_MAX_SIZE=MAX):
        try:
            document = documents.store_document(world.space, world.coachee, _named(name, data))
        except uploads.UploadError as error:
            assert str(error)
        else:
            assert document.name == uploads.clean_filename(name)
            assert not any(sep in document.name for sep in ("/", "\\", "\x00"))
            assert 0 < document.size <= MAX
            assert documents.read_document(document) == data
    assert_no_orphans(world.space)


def _named(name, data):
    upload = SimpleUploadedFile("placeholder", data)
    upload._name = name  # bypasses UploadedFile's own name clean-up on purpose
    return upload
