"""No inline script can slip into a page: every template under src/ (and every HTML string in
Python under src/) is read for what the Content-Security-Policy would block. Only the nonce
lets an inline <script> run; a new one without it fails here before it fails in a browser."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.inline import source_problems

SRC = Path(__file__).resolve().parents[2] / "src"
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)
PYTHON = sorted(SRC.rglob("*.py"))
# Python files whose HTML is never served (so no policy applies), and why.
NOT_SERVED = {
    # The subject access export's summary.html is a file in the ZIP, opened from disk.
    "firstcontact/privacy/sar.py",
    # A demo email's hostile HTML, as a resident's mail client might send it: stored as the
    # raw message and shown only after nh3 has removed the script (the example's point).
    "firstcontact/demo/inbox.py",
}


def test_the_scan_finds_the_templates():
    names = {p.relative_to(SRC).as_posix() for p in TEMPLATES}
    assert "firstcontact/templates/base.html" in names
    assert "firstcontact/desk/templates/desk/staff_base.html" in names
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_template_has_no_inline_script_or_handler(path):
    problems = source_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(SRC)}:\n" + "\n".join(problems)


def python_strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Each string literal (an f-string with "{}" for its fields) and its line."""
    inside_fstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside_fstrings.add(id(value))
                is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
                parts.append(value.value if is_text else "{}")
            yield node.lineno, "".join(parts)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings  # ast.walk visits an f-string before its parts
        ):
            yield node.lineno, node.value


def python_problems(text: str) -> list[str]:
    problems = []
    for line, string in python_strings(ast.parse(text)):
        if "<" in string:
            found = source_problems(string)
            problems += [f"line {line}: {problem.split(': ', 1)[1]}" for problem in found]
    return problems


def test_python_generated_html_has_no_inline_script_or_handler():
    problems = [
        f"{path.relative_to(SRC)} {problem}"
        for path in PYTHON
        if path.relative_to(SRC).as_posix() not in NOT_SERVED
        for problem in python_problems(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


def test_the_python_scan_reads_html_in_strings():
    code = 'html = format_html(\'<a href="{}" onclick="go()">{}</a>\', url, text)\n'
    assert python_problems(code) == ['line 1: inline event handler: <a href="{}" onclick="go()">']
    assert python_problems('svg = f\'<rect x="{x}" fill="{colour}"/>\'\n') == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        '<button onclick="go()">Go</button>',
        '<a href="javascript:go()">Go</a>',
        '<div style="color: red">',
        "<style>p { color: red }</style>",
        '<p class="{% if x %}a{% endif %}" onmouseover="go()">',
    ],
)
def test_the_scan_catches_what_the_policy_blocks(html):
    assert source_problems(html)


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'desk/desk.js' %}\" defer></script>",
        "<script {% csp_nonce_attr %}>document.body.className += ' js-enabled';</script>",
        '<script nonce="{{ csp_nonce }}">x()</script>',
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<meta name="htmx-config" content=\'{"allowEval": false}\'>',
        '<p class="online-form">Done online = yes</p>',
    ],
)
def test_the_scan_lets_through_what_the_policy_allows(html):
    assert not source_problems(html)
