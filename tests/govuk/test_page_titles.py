"""The base template prefixes "Error: " to the title of a page whose `form` has errors (GOV.UK's
error pattern); a page adding it again read "Error: Error: …" to screen-reader users."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "firstcontact"
TITLE = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def test_no_page_says_error_twice_in_its_title():
    doubled = []
    for template in SRC.rglob("templates/**/*.html"):
        for title in TITLE.findall(template.read_text(encoding="utf-8")):
            if re.search(r"{%\s*if form\.errors\s*%}", title):
                doubled.append(str(template.relative_to(SRC)))
    assert not doubled, f"these titles repeat the base template's 'Error: ': {doubled}"
