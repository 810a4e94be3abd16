"""French is the interface language: every message is translated and the compiled catalogues are current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["accounts", "offers", "calendars", "alerts", "stats", "portal", "config", "templates", "locale"]
CATALOGUES = sorted(p for d in SOURCE_DIRS for p in (ROOT / d).glob("**/locale/fr/LC_MESSAGES/django.po")) + [
    ROOT / "locale/fr/LC_MESSAGES/django.po"
]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    expected = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    assert compiled == expected, f"{po_path.with_suffix('.mo')} is out of date: run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is installed by `make test`")
def test_every_source_message_is_in_a_catalogue(tmp_path):
    for name in SOURCE_DIRS + ["manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(tmp_path)},
    )
    for po_path in tmp_path.glob("**/locale/fr/LC_MESSAGES/django.po"):
        untranslated = [entry.msgid for entry in polib.pofile(str(po_path)).untranslated_entries()]
        assert not untranslated, f"new messages in {po_path.relative_to(tmp_path)}: run `make messages` and translate"
