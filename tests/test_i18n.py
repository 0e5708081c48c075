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
    """{msgid: msgstr} of a .po file; the header is skipped.

    A plural entry gives its first form, or "" when any of its forms is empty; its
    ``msgid_plural`` is kept in ``PLURALS[msgid]``.
    """
    entries, current, key = {}, {}, None

    def close(current):
        if "msgid" not in current:
            return
        forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr[")]
        if forms:
            PLURALS[current["msgid"]] = current.get("msgid_plural", "")
            entries[current["msgid"]] = forms[0] if all(forms) else ""
        else:
            entries[current["msgid"]] = current.get("msgstr", "")

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            close(current)
            current, key = {}, None
            continue
        if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _, literal = line.partition(" ")
            current[key] = current.get(key, "") + ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    entries.pop("", None)
    return entries


PLURALS = {}


def compiled_text(compiled, msgid):
    if msgid in PLURALS:
        return compiled.ngettext(msgid, PLURALS[msgid], 1)
    return compiled.gettext(msgid)


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_french_catalog_is_complete_and_compiled(name):
    locale_dir = CATALOGS[name] / "locale"
    messages = read_po(locale_dir / "fr" / "LC_MESSAGES" / "django.po")
    assert messages
    untranslated = [msgid for msgid, msgstr in messages.items() if not msgstr]
    assert untranslated == []
    compiled = gettext.translation("django", localedir=locale_dir, languages=["fr"])
    stale = [
        msgid for msgid, msgstr in messages.items() if compiled_text(compiled, msgid) != msgstr
    ]
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
