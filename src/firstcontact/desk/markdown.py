"""Knowledge-base answers (Service.adviser_script) written in Markdown, rendered safely.

markdown-it-py with raw HTML switched off: any HTML in a script is shown as text, and links
with javascript:, vbscript:, file: or data: URLs are not made links. Elements get GOV.UK
Frontend's classes so the answer reads like the rest of the page.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "table_open": "govuk-table",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
# Headings inside an answer sit below the page's own h1/h2.
_HEADINGS = {"h1": ("h3", "govuk-heading-m"), "h2": ("h3", "govuk-heading-m")}
_HEADING_DEFAULT = ("h4", "govuk-heading-s")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" is CommonMark with tables and strikethrough, and html=False.
    return MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> SafeString:
    parser = _parser()
    tokens = parser.parse(text or "")
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            tag, css = _HEADINGS.get(token.tag, _HEADING_DEFAULT)
            token.tag = tag
            if token.type == "heading_open":
                token.attrSet("class", css)
        elif token.type in _CLASSES:
            token.attrSet("class", _CLASSES[token.type])
        if token.children:
            for child in token.children:
                if child.type == "link_open":
                    child.attrSet("class", "govuk-link")
    html = parser.renderer.render(tokens, parser.options, {})
    return mark_safe(html)  # noqa: S308 - markdown-it escapes text and drops raw HTML
