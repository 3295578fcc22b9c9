"""Every resident-site string is in Polish: the .po files that `make messages` extracts have no
entry left empty or marked fuzzy (gettext ignores a fuzzy entry, so the page shows English),
and the compiled .mo files say the same as them."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "firstcontact"
CATALOGUES = sorted(SRC.glob("*/locale/pl/LC_MESSAGES/django.po"))
# One entry: optional comments and flags, then msgid ... msgstr (or msgstr[n]) lines.
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(text: str):
    for block in text.split("\n\n"):
        if "msgid" not in block:
            continue
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(STRING.findall(block.split("msgid ", 1)[1].split("\nmsg", 1)[0]))
        strings = re.findall(
            r"^msgstr(?:\[\d\])? ((?:\"(?:[^\"\\]|\\.)*\"\n?)+)", block + "\n", re.M
        )
        yield msgid, flags, ["".join(STRING.findall(s)) for s in strings]


def test_there_are_resident_catalogues():
    names = {p.parts[-5] for p in CATALOGUES}
    assert {"portal", "directory"} <= names


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_string_has_its_polish(catalogue):
    untranslated = [
        msgid
        for msgid, flags, strings in entries(catalogue.read_text(encoding="utf-8"))
        if msgid and ("fuzzy" in flags or not all(strings))
    ]
    assert not untranslated, f"{catalogue.relative_to(SRC)} lacks Polish for: {untranslated}"
    compiled = gettext.GNUTranslations(catalogue.with_suffix(".mo").open("rb"))
    stale = [
        msgid
        for msgid, flags, strings in entries(catalogue.read_text(encoding="utf-8"))
        if msgid and len(strings) == 1 and compiled.gettext(unescape(msgid)) != unescape(strings[0])
    ]
    assert not stale, f"compile {catalogue.relative_to(SRC)} again (make messages): {stale}"


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)
