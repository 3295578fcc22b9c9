"""The URL configuration, walked, and docs/access.md's "Pages" table, parsed."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ACCESS_MD = Path(__file__).resolve().parents[2] / "docs" / "access.md"

KINDS = {
    "customer",
    "request",
    "callback",
    "referral",
    "notification",
    "bundle",
    "photo",
    "token",
    "service",
    "conversation",
    "attachment",
    "file",  # a file kept with a service request (servicerequests.RequestAttachment)
    "pair",  # two customer records that may be one person (linkage.CandidatePair)
    "merge",  # one record merged into another (customers.CustomerMerge)
}
# The roles a "who" cell may name: partners.models.Role, and `community_safety` (a caseworker
# whose team delivers a community-safety service: docs/access.md, "Roles").
ROLES = {
    "adviser",
    "caseworker",
    "team_leader",
    "manager",
    "partnership_admin",
    "dpo",
    "partnership_dpo",
    "directory_editor",
    "data_steward",
    "community_safety",
}
NEEDS = {"read", "act", "public", "dpo", "browser"}
OTHERWISE = {"404", "403", "redirect"}
METHODS = {"GET", "POST"}


@dataclass(frozen=True)
class Page:
    """One URL pattern: `key` is its namespaced name, or its pattern when it has none."""

    key: str
    name: str | None
    route: str
    params: tuple[str, ...]
    regex: re.Pattern


@dataclass(frozen=True)
class Rule:
    page: str
    methods: tuple[str, ...]
    who: str  # "anyone", "staff", or roles joined by ", "
    kind: str | None
    needs: str | None
    otherwise: str | None
    query: str

    @property
    def roles(self) -> frozenset[str] | None:
        if self.who in {"anyone", "staff"}:
            return None
        return frozenset(r.strip() for r in self.who.split(","))

    def matches(self, key: str) -> bool:
        return fnmatch.fnmatchcase(key, self.page) if "*" in self.page else key == self.page


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def _route_text(pattern) -> str:
    return str(pattern)


def walk_urls() -> list[Page]:
    """Every URL pattern, through every include (the admin site's and Open311's too)."""
    pages: list[Page] = []

    def walk(patterns, prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(
                    entry.url_patterns,
                    prefix + _route_text(entry.pattern),
                    ns,
                    params + _params(entry.pattern),
                )
            elif isinstance(entry, URLPattern):
                route = prefix + _route_text(entry.pattern)
                key = f"{namespace}{entry.name}" if entry.name else f"{namespace}{route}"
                pages.append(
                    Page(
                        key=key,
                        name=f"{namespace}{entry.name}" if entry.name else None,
                        route=route,
                        params=params + _params(entry.pattern),
                        regex=entry.pattern.regex,
                    )
                )

    walk(get_resolver().url_patterns, "", "", ())
    return pages


def _cell(text: str) -> str:
    text = text.strip()
    if text.startswith("`") and text.endswith("`"):
        text = text[1:-1]
    return text


def parse_rules(markdown: str | None = None) -> list[Rule]:
    """The rows of the "Pages" table, checked: a bad cell fails with the row quoted."""
    markdown = ACCESS_MD.read_text() if markdown is None else markdown
    section = markdown.split("\n## Pages", 1)
    assert len(section) == 2, "docs/access.md has no '## Pages' section"
    body = section[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    assert len(rows) > 2, "docs/access.md's Pages section has no table"
    header = [_cell(c) for c in rows[0].strip("|").split("|")]
    assert header == ["page", "method", "who", "object", "needs", "otherwise", "query"], header
    rules = []
    for line in rows[2:]:
        cells = [_cell(c) for c in line.strip().strip("|").split("|")]
        assert len(cells) == 7, f"Pages row with {len(cells)} cells, not 7: {line}"
        page, method, who, kind, needs, otherwise, query = cells
        methods = tuple(m.strip() for m in method.split(","))
        assert set(methods) <= METHODS, f"Unknown method in: {line}"
        kind = None if kind in {"–", "-", ""} else kind
        needs = None if needs in {"–", "-", ""} else needs
        otherwise = None if otherwise in {"–", "-", ""} else otherwise
        assert kind is None or kind in KINDS, f"Unknown object kind {kind!r} in: {line}"
        assert needs is None or needs in NEEDS, f"Unknown need {needs!r} in: {line}"
        assert otherwise is None or otherwise in OTHERWISE, f"Unknown answer in: {line}"
        if who not in {"anyone", "staff"}:
            unknown = {r.strip() for r in who.split(",")} - ROLES
            assert not unknown, f"Unknown role {sorted(unknown)} in: {line}"
        assert (kind is None) == (needs is None) or kind in {"service", "token"}, (
            f"An object needs a relation and a relation an object: {line}"
        )
        rules.append(Rule(page, methods, who, kind, needs, otherwise, query))
    return rules


def rule_for(page: Page, rules: list[Rule]) -> Rule | None:
    return next((rule for rule in rules if rule.matches(page.key)), None)


def rules_for(page: Page, rules: list[Rule]) -> list[Rule]:
    """The first row matching the page and the rows after it with the same page cell (one
    row per method where GET and POST differ); a method already given is not given again."""
    first = rule_for(page, rules)
    if first is None:
        return []
    chosen, methods = [], set()
    for rule in rules:
        if rule.page == first.page:
            fresh = tuple(m for m in rule.methods if m not in methods)
            if fresh:
                methods |= set(fresh)
                chosen.append(rule if fresh == rule.methods else replace(rule, methods=fresh))
    return chosen
