"""Documents of client spaces: checking uploads, storing them encrypted, serving them.

* Files go through Django's storage API into a *private* storage: the ``STORAGES`` alias
  named by ``WAGTAIL_COACHING_STORAGE`` if the site defines it (an S3-compatible backend
  works unchanged), else a ``FileSystemStorage`` in ``WAGTAIL_COACHING_PRIVATE_ROOT`` (by
  default a ``coaching-private`` folder beside, never inside, ``MEDIA_ROOT``) without a URL.
* An upload is checked on its content, not its name: the sniffed type must be allowed and
  agree with the extension, and an Office document (docx, xlsx, pptx, odt, ods, odp) must
  have that format's real structure (:func:`check_zip_structure`): any ZIP is not one.
  Names with path parts, control or formatting characters are refused. Nothing is half
  saved: no row without its file, no file without its row.
* Files are served only by :func:`document_response`, after the views' lock and gate.
"""

import codecs
import re
import unicodedata
import zipfile
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces.preferences import show_number

# extension -> (MIME type sent on download, filetype extensions accepted for its content)
KNOWN_TYPES = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpg": ("image/jpeg", {"jpg"}),
    "jpeg": ("image/jpeg", {"jpg"}),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {"docx", "zip"},
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "zip"}),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        {"pptx", "zip"},
    ),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt", "zip"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods", "zip"}),
    "odp": ("application/vnd.oasis.opendocument.presentation", {"odp", "zip"}),
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
    "md": ("text/markdown; charset=utf-8", None),
}
TEXT_TYPES = {ext for ext, (_mime, kinds) in KNOWN_TYPES.items() if kinds is None}

# Office Open XML: extension -> (its main part, the content type [Content_Types].xml gives it).
# Macro-enabled variants (docm, xlsm, pptm) declare another content type and are refused.
OOXML_MAIN_PARTS = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
# OpenDocument: its first entry, "mimetype", holds exactly the MIME type of KNOWN_TYPES.
ODF_TYPES = {"odt", "ods", "odp"}
# The few small parts read to check a structure (nothing else is decompressed).
MAX_PART_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 150
HEAD_BYTES = 8192  # what content sniffing reads
FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class UploadError(Exception):
    """An upload was refused; ``str(error)`` is a message for the person who sent it."""


# --- Storage -------------------------------------------------------------------------------


def private_root():
    root = get_setting("PRIVATE_ROOT")
    if root:
        return Path(root)
    return Path(settings.MEDIA_ROOT or ".").resolve().parent / "coaching-private"


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder of files that have no URL: they are served by the app's views only."""

    def url(self, name):
        raise NotImplementedError("Space documents have no URL; use the download view.")


def private_storage():
    """The storage of space documents (never the site's default, public media storage)."""
    alias = get_setting("STORAGE")
    try:
        return storages[alias]
    except InvalidStorageError:
        return PrivateFileSystemStorage(location=private_root())


# --- Checking an upload --------------------------------------------------------------------


def allowed_extensions():
    return [ext.lower().lstrip(".") for ext in get_setting("DOCUMENT_TYPES")]


def clean_filename(raw):
    """The name to keep for an uploaded file, or :class:`UploadError`."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise UploadError(_("The file has no name."))
    if any(unicodedata.category(char) in FORBIDDEN_CATEGORIES for char in name):
        raise UploadError(
            _("The file name contains control or invisible characters; rename the file.")
        )
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise UploadError(_("The file name contains a path; rename the file."))
    if len(name) > MAX_NAME_LENGTH:
        raise UploadError(
            _("The file name is longer than %(max)s characters; rename the file.")
            % {"max": MAX_NAME_LENGTH}
        )
    return name


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_type(name, head):
    """The MIME type for a file named ``name`` whose content starts with ``head``, and
    whether it is a text type (whose whole content :class:`_TextCheck` must then accept)."""
    ext = _extension(name)
    allowed = [e for e in allowed_extensions() if e in KNOWN_TYPES]
    if ext not in allowed:
        raise UploadError(
            _("Files of this type are not accepted. Accepted types: %(types)s.")
            % {"types": ", ".join(sorted(allowed))}
        )
    mime, kinds = KNOWN_TYPES[ext]
    sniffed = filetype.guess(head)
    if kinds is None:
        if sniffed is not None:
            raise UploadError(_not_text())
        return mime, True
    if sniffed is None or sniffed.extension not in kinds:
        raise UploadError(
            _("The content of this file does not match its name (.%(ext)s).") % {"ext": ext}
        )
    return mime, False


def _not_text():
    return _("This file is not a text file, whatever its name says.")


class _TextCheck:
    """Checks a text file piece by piece: UTF-8 throughout, no NUL byte."""

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, piece, final=False):
        if b"\x00" in piece:
            raise UploadError(_not_text())
        try:
            self.decoder.decode(piece, final)
        except UnicodeDecodeError:
            raise UploadError(_("This text file is not encoded in UTF-8.")) from None


def _part(archive, name):
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES or info.flag_bits & 0x1:
        raise ValueError(name)
    return archive.read(info)


def check_zip_structure(ext, source):
    """:class:`UploadError` unless ``source`` (a seekable file) is a real ``ext`` document: a
    readable ZIP with the parts and declared types of that format, and no macros. Only the
    few small parts named here are decompressed."""
    not_real = UploadError(
        _("This file is not a real .%(ext)s document: its structure is missing or damaged.")
        % {"ext": ext}
    )
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadError(
                    _("Documents with macros are not accepted; save it without macros.")
                )
            if ext in ODF_TYPES:
                first = archive.infolist()[0]
                expected = KNOWN_TYPES[ext][0].encode()
                if first.filename != "mimetype" or _part(archive, "mimetype") != expected:
                    raise not_real
                if "content.xml" not in names:
                    raise not_real
                return
            main_part, content_type = OOXML_MAIN_PARTS[ext]
            if main_part not in names or "_rels/.rels" not in names:
                raise not_real
            types = _part(archive, "[Content_Types].xml").decode("utf-8")
            if not re.search(rf"ContentType=[\"']{re.escape(content_type)}[\"']", types):
                raise not_real
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, UnicodeDecodeError, OSError):
        raise not_real from None


def upload_chunks(uploaded, chunk_size=64 * 1024):
    """The bytes of ``uploaded``, piece by piece, from its start."""
    uploaded.seek(0)
    while piece := uploaded.read(chunk_size):
        yield piece


def check_upload(uploaded):
    """``(clean name, MIME type, size in bytes)`` of an uploaded file, or
    :class:`UploadError`. Reads the file once, piece by piece (constant memory)."""

    name = clean_filename(getattr(uploaded, "name", ""))
    max_size = get_setting("DOCUMENT_MAX_SIZE")
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_size:
        raise UploadError(_too_large(max_size))
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    if not head:
        raise UploadError(_("The file is empty."))
    mime, is_text = _check_type(name, head)
    ext = _extension(name)
    if ext in OOXML_MAIN_PARTS or ext in ODF_TYPES:
        uploaded.seek(0)
        check_zip_structure(ext, uploaded)
    text = _TextCheck() if is_text else None
    total = 0
    for piece in upload_chunks(uploaded):
        total += len(piece)
        if total > max_size:
            raise UploadError(_too_large(max_size))
        if text:
            text.feed(piece)
    if text:
        text.feed(b"", final=True)
    return name, mime, total


def _too_large(max_size):
    megabytes = round(max_size / (1024 * 1024), 1)
    if megabytes == int(megabytes):
        megabytes = int(megabytes)
    return _("The file is larger than %(size)s MB.") % {"size": show_number(megabytes)}


# --- Storing -------------------------------------------------------------------------------


# --- Serving -------------------------------------------------------------------------------
