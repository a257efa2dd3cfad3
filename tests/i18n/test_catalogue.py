"""
The Welsh catalogue is complete as machinery: every string marked for translation in the code
and templates is in it (translated or waiting for a translator), and the compiled catalogue the
site reads is the one in the .po file. `make messages` brings both up to date.
"""

import gettext
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "smartplace" / "locale" / "cy" / "LC_MESSAGES"


def _catalogue():
    with open(LOCALE / "django.po", "rb") as handle:
        return read_po(handle)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_every_marked_string_is_in_the_welsh_catalogue(tmp_path):
    """pybabel finds no string that the catalogue lacks (else: run `make messages`)."""
    pot = tmp_path / "django.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg",
         "-k", "gettext_lazy", "-k", "ngettext_lazy:1,2", "-k", "pgettext_lazy:1c,2",
         "-k", "pgettext:1c,2", "--no-location", "--project=smartplace", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=300)
    with open(pot, "rb") as handle:
        extracted = {_key(m) for m in read_po(handle) if m.id}
    catalogued = {_key(m) for m in _catalogue() if m.id}
    missing = sorted(extracted - catalogued)
    assert not missing, (f"{len(missing)} strings are not in the Welsh catalogue; run "
                         "`make messages`:\n" + "\n".join(missing[:40]))


def test_the_compiled_catalogue_matches_the_po_file():
    """Every translation in django.po (not marked fuzzy) is what the compiled .mo gives."""
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [m.id for m in _catalogue()
             if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
             and (compiled.pgettext(m.context, m.id) if m.context
                  else compiled.gettext(m.id)) != m.string]
    assert not stale, "django.mo is older than django.po; run `make messages`:\n" + "\n".join(
        stale[:20])
