"""Priority by answers: a service's rules (catalogue.PriorityRule) turn what the resident
answered into a priority and a service standard, so a pothole deeper than 10 cm near a school
is due in 24 hours, not the 5 working days of an ordinary one. Applied once, when a request is
raised (desk, resident site, Open311, tell us once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet

from firstcontact.catalogue.models import (
    Datatype,
    Priority,
    PriorityRule,
    Service,
    ServiceAttribute,
    SLAPolicy,
)


@dataclass(frozen=True)
class Decision:
    priority: int
    sla_policy: SLAPolicy | None
    reason: str  # the rule's name, or "" when no rule applied


def _number(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def holds(expected: object, answer: object) -> bool:
    """Whether one answer meets one condition (see PriorityRule)."""
    if answer in (None, "", []):
        return False
    if isinstance(expected, dict):
        number = _number(answer)
        if number is None:
            return False
        low, high = expected.get("min"), expected.get("max")
        if low is not None and number < Decimal(str(low)):
            return False
        return not (high is not None and number > Decimal(str(high)))
    wanted = {str(v) for v in expected} if isinstance(expected, list) else {str(expected)}
    given = {str(v) for v in answer} if isinstance(answer, list) else {str(answer)}
    return bool(wanted & given)


def matches(rule: PriorityRule, answers: Mapping[str, object]) -> bool:
    conditions = rule.conditions or {}
    return bool(conditions) and all(
        holds(expected, answers.get(code)) for code, expected in conditions.items()
    )


# The attribute a Prefetch of active_rules() fills on a service (to_attr).
ACTIVE_RULES = "active_priority_rules"


def active_rules() -> QuerySet[PriorityRule]:
    """Active priority rules in the order they are tried, with their service standards."""
    return (
        PriorityRule.objects.filter(active=True)
        .select_related("sla_policy")
        .order_by("order", "pk")
    )


def decide(service: Service, answers: Mapping[str, object]) -> Decision:
    """The priority and service standard for a request with these (cleaned) answers: the
    first active rule that matches, else normal priority and the service's own standard."""
    # Loaded with the service where a hot path caches it (open311.caches), else read now.
    rules = getattr(service, ACTIVE_RULES, None)
    if rules is None:
        rules = active_rules().filter(service=service)
    for rule in rules:
        if matches(rule, answers):
            return Decision(rule.priority, rule.sla_policy or service.sla_policy, rule.name)
    return Decision(Priority.NORMAL, service.sla_policy, "")


def condition_problems(conditions: object, attributes: Iterable[ServiceAttribute]) -> list[str]:
    """What is wrong with a rule's conditions for the service's questions (for the admin)."""
    if not isinstance(conditions, dict) or not conditions:
        return ['Give at least one condition, e.g. {"offensive": "yes"}.']
    by_code = {a.code: a for a in attributes}
    problems = []
    for code, expected in conditions.items():
        attribute = by_code.get(code)
        if attribute is None:
            problems.append(f"The service has no question “{code}”.")
            continue
        if isinstance(expected, dict):
            if attribute.datatype != Datatype.NUMBER:
                problems.append(f"“{code}”: min and max are for number questions only.")
            elif not set(expected) <= {"min", "max"} or not expected:
                problems.append(f'“{code}”: use {{"min": n}} and/or {{"max": n}}.')
            elif any(_number(v) is None for v in expected.values()):
                problems.append(f"“{code}”: min and max must be numbers.")
            continue
        values = expected if isinstance(expected, list) else [expected]
        if not values or not all(isinstance(v, str | int | float) for v in values):
            problems.append(f"“{code}”: give a value or a list of values.")
        elif attribute.is_list:
            keys = {str(v["key"]) for v in attribute.values or []}
            unknown = [str(v) for v in values if str(v) not in keys]
            if unknown:
                problems.append(f"“{code}” has no choice {', '.join(unknown)}.")
    return problems
