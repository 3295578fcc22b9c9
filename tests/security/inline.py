"""Finding what a Content-Security-Policy without 'unsafe-inline' blocks, in template source
and in rendered pages: <script> without src= or a nonce, on...= event handler attributes,
javascript: URLs, <style> without a nonce and style= attributes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The nonce as a template writes it: {% csp_nonce_attr %} or nonce="{{ csp_nonce }}".
TEMPLATE_NONCE = re.compile(r"{%\s*csp_nonce_attr\s*%}|nonce=[\"']?{{\s*csp_nonce\s*}}")
# A start tag in template source (template tags inside it are fine: {% ... %} has no ">").
START_TAG = re.compile(
    r"<(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:{[%{#].*?[%}#]}|[^>])*)>", re.DOTALL
)
EVENT_HANDLER = re.compile(r"(?:^|[\s\"'])on[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?:^|[\s\"'])style\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE)
# Types a browser does not run: data blocks such as Django's json_script.
DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


# Comments (kept to the same number of lines, so line numbers stay right).
# {# #} is one line only: Django prints a {# that spans lines as it is.
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#[^\n]*?#}|<!--.*?-->", re.DOTALL)


def source_problems(text: str) -> list[str]:
    """What in a template's (or a Python string's) source would break under the policy."""
    text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    problems = []
    for match in START_TAG.finditer(text):
        name, attrs = match["name"].lower(), match["attrs"]
        line = text.count("\n", 0, match.start()) + 1
        snippet = match.group(0)[:80]
        if name == "script":
            type_match = re.search(r"type=[\"']?([^\"'\s>]+)", attrs)
            is_data = type_match and type_match.group(1).lower() in DATA_TYPES
            if not is_data and "src=" not in attrs and not TEMPLATE_NONCE.search(attrs):
                problems.append(f"line {line}: inline <script> without the nonce: {snippet}")
        if name == "style" and not TEMPLATE_NONCE.search(attrs):
            problems.append(f"line {line}: <style> without the nonce: {snippet}")
        if EVENT_HANDLER.search(attrs):
            problems.append(f"line {line}: inline event handler: {snippet}")
        if STYLE_ATTRIBUTE.search(attrs):
            problems.append(f"line {line}: style= attribute: {snippet}")
        if JAVASCRIPT_URL.search(attrs):
            problems.append(f"line {line}: javascript: URL: {snippet}")
    return problems


class _PageParser(HTMLParser):
    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.scripts = 0
        self.nonced = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:80]}>"
        if tag == "script":
            self.scripts += 1
            is_data = (values.get("type") or "").lower() in DATA_TYPES
            if values.get("nonce") is not None:
                self.nonced += 1
                if values["nonce"] != self.nonce:
                    self.problems.append(f"nonce not the header's: {where}")
            elif not is_data and not values.get("src"):
                self.problems.append(f"inline script without the nonce: {where}")
        if tag == "style" and values.get("nonce") != self.nonce:
            self.problems.append(f"<style> without the nonce: {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"inline event handler: {where}")
            if name == "style":
                self.problems.append(f"style= attribute: {where}")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL: {where}")


def page_problems(html: str, nonce: str | None) -> tuple[list[str], int]:
    """Problems in a rendered page under a policy with this nonce, and how many scripts
    carried a nonce."""
    parser = _PageParser(nonce)
    parser.feed(html)
    return parser.problems, parser.nonced
