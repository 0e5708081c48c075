"""Every string a person reads exists in French, and the shipped catalogs are up to date."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {
    "wagtail_coaching": ROOT / "wagtail_coaching",
    "sandbox": ROOT / "sandbox",
}


def read_po(path):
    """{msgid: msgstr} of a .po file (singular messages; the header is skipped)."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in current:
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = ({}, None) if not line else (current, key)
            continue
        if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _, literal = line.partition(" ")
            key = "msgstr" if key.startswith("msgstr") else key
            current[key] = current.get(key, "") + ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    entries.pop("", None)
    return entries


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_french_catalog_is_complete_and_compiled(name):
    locale_dir = CATALOGS[name] / "locale"
    messages = read_po(locale_dir / "fr" / "LC_MESSAGES" / "django.po")
    assert messages
    untranslated = [msgid for msgid, msgstr in messages.items() if not msgstr]
    assert untranslated == []
    compiled = gettext.translation("django", localedir=locale_dir, languages=["fr"])
    stale = [msgid for msgid, msgstr in messages.items() if compiled.gettext(msgid) != msgstr]
    assert stale == [], "run msgfmt (django-admin compilemessages) after editing the .po"


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_every_source_string_is_in_the_catalog(name, tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("xgettext is missing: apt-get install gettext")
    copy = tmp_path / name
    shutil.copytree(CATALOGS[name], copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env=env,
    )
    extracted = read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    shipped = read_po(CATALOGS[name] / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(extracted) - set(shipped))
    assert missing == [], "run makemessages -l fr and translate the new strings"
