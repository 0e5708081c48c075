"""Office documents are checked for their real structure (issue 16, finding 11).

The attack: any ZIP archive, renamed ``.docx``, was accepted as a Word document. Now a docx,
xlsx or pptx needs the parts and declared content types of Office Open XML (and no macros),
and an odt, ods or odp the ``mimetype`` entry and content of OpenDocument.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from wagtail_coaching.spaces import uploads
from wagtail_coaching.spaces.content import SpaceDocument

from .test_space_content import storage_names, upload

pytestmark = pytest.mark.django_db

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/{part}" ContentType="{content_type}"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="{part}"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""


def ooxml(ext, *, content_type=None, extra=()):
    """A minimal Office Open XML package of type ``ext``, as Office writes its skeleton."""
    part, declared = uploads.OOXML_MAIN_PARTS[ext]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(part=part, content_type=content_type or declared),
        )
        archive.writestr("_rels/.rels", RELS.format(part=part))
        archive.writestr(part, "<?xml version='1.0'?><document/>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def opendocument(ext, mimetype=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), mimetype or uploads.KNOWN_TYPES[ext][0]
        )  # stored first, uncompressed, as the format requires
        archive.writestr("content.xml", "<?xml version='1.0'?><office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def real_xlsx():
    """A workbook written by openpyxl, the way a real spreadsheet program writes one."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Quarterly goals"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    return buffer.getvalue()


@override_settings(WAGTAIL_COACHING_DOCUMENT_TYPES=["docx", "xlsx", "pptx", "odt", "ods", "odp"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.docx", ooxml("docx")),
        ("figures.xlsx", real_xlsx()),
        ("deck.pptx", ooxml("pptx")),
        ("letter.odt", opendocument("odt")),
        ("sheet.ods", opendocument("ods")),
        ("slides.odp", opendocument("odp")),
    ],
)
def test_real_office_documents_are_accepted(name, data):
    assert (
        uploads.check_upload(SimpleUploadedFile(name, data))[1]
        == uploads.KNOWN_TYPES[name.rsplit(".", 1)[1]][0]
    )


DOCM_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


@override_settings(WAGTAIL_COACHING_DOCUMENT_TYPES=["docx", "xlsx", "pptx", "odt"])
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("any.docx", plain_zip(), "not a real .docx document"),
        ("any.xlsx", plain_zip(), "not a real .xlsx document"),
        ("any.odt", plain_zip(), "not a real .odt document"),
        # Another Office format: the sniffer or the structure check refuses it.
        ("sheet.docx", real_xlsx(), "does not match its name|not a real .docx"),
        ("deck.xlsx", ooxml("pptx"), "does not match its name|not a real .xlsx"),
        ("macro.docx", ooxml("docx", content_type=DOCM_TYPE), "not a real .docx document"),
        ("macro2.docx", ooxml("docx", extra=[("word/vbaProject.bin", b"\0")]), "macros"),
        ("cut.docx", ooxml("docx")[:-40], "not a real .docx document"),
        ("wrong.odt", opendocument("odt", mimetype="application/zip"), "not a real .odt"),
    ],
)
def test_a_zip_that_is_not_the_document_it_claims_is_refused(name, data, message):
    with pytest.raises(uploads.UploadError, match=message):
        uploads.check_upload(SimpleUploadedFile(name, data))[1]


@override_settings(WAGTAIL_COACHING_DOCUMENT_TYPES=["docx"])
def test_a_renamed_zip_upload_gets_a_clear_message_and_saves_nothing(client, space_content):
    world = space_content
    client.force_login(world.coachee)
    before_rows, before_files = SpaceDocument.objects.count(), storage_names()
    response = upload(client, world, "minutes.docx", plain_zip())
    assert response.status_code == 400
    assert "This file is not a real .docx document" in response.content.decode()
    assert SpaceDocument.objects.count() == before_rows
    assert storage_names() == before_files
