"""django-otp-webauthn's strings in French: the passkey buttons and messages its script
writes, and the answers of its views, for a French user (the library ships no French)."""

import json
import re
from pathlib import Path

import django_otp_webauthn
import pytest
from django.utils import translation
from django_otp_webauthn import exceptions

import wagtail_coaching

LIBRARY_SCRIPTS = Path(django_otp_webauthn.__file__).parent / "static" / "django_otp_webauthn"
OUR_JS_CATALOG = (
    Path(wagtail_coaching.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "djangojs.po"
)


def library_js_strings():
    found = set()
    for script in LIBRARY_SCRIPTS.glob("*.js"):
        found |= set(re.findall(r'gettext\("((?:[^"\\]|\\.)*)"\)', script.read_text()))
    return found


def translated(po_text):
    """{msgid: msgstr} of a .po file's single-line and wrapped entries."""
    entries = {}
    for block in po_text.split("\n\n"):
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0].split("msgid", 1)[-1]))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[-1]))
        if "msgid" in block and msgid:
            entries[msgid] = msgstr
    return entries


def test_every_string_of_the_library_script_has_its_french():
    strings = library_js_strings()
    assert len(strings) >= 20  # the two scripts' buttons and messages were read
    ours = translated(OUR_JS_CATALOG.read_text())
    missing = sorted(s for s in strings if not ours.get(s))
    assert missing == []


@pytest.mark.django_db
def test_the_passkey_catalog_a_french_user_loads_is_french(client):
    client.cookies["django_language"] = "fr"
    response = client.get("/webauthn/jsi18n/", headers={"accept-language": "fr"})
    assert response.status_code == 200
    body = response.content.decode()
    for french in ("Enregistrement…", "Vérification annulée ou non autorisée."):
        # The catalog is JavaScript, its strings escaped as JSON.
        assert json.dumps(french)[1:-1] in body


def test_the_library_answers_in_french():
    with translation.override("fr"):
        assert str(exceptions.CredentialNotFound().detail) == (
            "La clé d’accès que vous avez essayée est introuvable. A-t-elle été supprimée ?"
        )
    with translation.override("en"):
        assert str(exceptions.CredentialNotFound().detail).startswith("The Passkey you tried")
