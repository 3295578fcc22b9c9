"""Placeholders in canned replies, filled by a plain lookup: `{name}` is replaced by the
request's value for `name` in one pass, so nothing the officer or resident wrote is ever
evaluated (no str.format, whose attribute and index lookups would reach into objects)."""

from __future__ import annotations

import re

from django.utils import timezone

from firstcontact.customers.selectors import visible_customers

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")

PLACEHOLDERS: dict[str, str] = {
    "reference": "the request's reference, as the resident quotes it",
    "service": "the service's name",
    "customer_first_name": "the customer's first name (left out when there is none)",
    "due_date": "the day the service standard is due",
    "team": "the team working the request",
    "partner": "the partner responsible",
}


def unknown_placeholders(text: str) -> list[str]:
    """Every `{word}` in the text that is not a known placeholder, in order, once each."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def readable_customer_ids(user, requests) -> set[int]:
    """Which of these requests' customers the user may read, in one query (for values_for
    over many requests, as a bulk action fills a reply for each)."""
    ids = {r.customer_id for r in requests if r.customer_id}
    if not ids:
        return set()
    return set(visible_customers(user).filter(pk__in=ids).values_list("pk", flat=True))


def values_for(user, request, readable: set[int] | None = None) -> dict[str, str]:
    """The placeholders' values for one request, as the user may see them: the customer's
    first name only where the user may read the customer. `readable` (readable_customer_ids,
    worked out once for many requests) answers that without a query."""
    first_name = ""
    if request.customer_id and (
        request.customer_id in readable
        if readable is not None
        else visible_customers(user).filter(pk=request.customer_id).exists()
    ):
        first_name = request.customer.given_name or ""
    due = ""
    if request.sla_due_at:
        due = timezone.localtime(request.sla_due_at).strftime("%-d %B %Y")
    return {
        "reference": request.formatted_reference,
        "service": request.service.name,
        "customer_first_name": first_name,
        "due_date": due,
        "team": request.team.name if request.team_id else request.responsible_partner.name,
        "partner": request.responsible_partner.name,
    }


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each known placeholder replaced (unknown ones are left as typed: a
    reply is checked when saved, so there are none). An empty value before punctuation takes
    its space with it ("Hello {customer_first_name}," becomes "Hello,")."""

    def one(match: re.Match) -> str:
        space, name = match.group(1), match.group(2)
        if name not in values:
            return match.group(0)
        value = values[name]
        following = match.string[match.end() : match.end() + 1]
        if not value and following in {",", ".", ";", ":", "!", "?"}:
            return ""
        return space + value

    return _WITH_SPACE.sub(one, text or "")


_WITH_SPACE = re.compile(r"( ?)\{([^{}\s]{1,40})\}")
