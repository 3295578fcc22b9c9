"""Proactive prompts: "also offer" suggestions for a customer, from the catalogue's rules.

A rule (catalogue.ProactivePrompt) applies when the customer's age is within its bounds (a
rule with an age bound never applies to a customer whose date of birth is unknown), and they
have no request, among those the adviser may see, for the rule's `unless_has_request_for`
service (nor for the offered service itself) within its look-back period.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from firstcontact.catalogue.models import ProactivePrompt
from firstcontact.customers.models import Customer

User = AbstractBaseUser | AnonymousUser


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def prompts_for(
    user: User, customer: Customer, *, today: dt.date | None = None
) -> list[ProactivePrompt]:
    from firstcontact.servicerequests.selectors import visible_requests

    today = today or timezone.localdate()
    now = timezone.now()
    rules = ProactivePrompt.objects.filter(active=True, offer_service__active=True).select_related(
        "offer_service", "unless_has_request_for"
    )
    rules = list(rules)
    if not rules:
        return []
    age = age_on(customer.date_of_birth, today) if customer.date_of_birth else None
    # Which services the customer asked for recently, as far as this adviser may see.
    longest = max(rule.lookback_days for rule in rules)
    recent = list(
        visible_requests(user)
        .filter(customer=customer, created_at__gte=now - dt.timedelta(days=longest))
        .values_list("service_id", "created_at")
    )
    shown = []
    for rule in rules:
        if rule.min_age is not None or rule.max_age is not None:
            if age is None:
                continue
            if rule.min_age is not None and age < rule.min_age:
                continue
            if rule.max_age is not None and age > rule.max_age:
                continue
        since = now - dt.timedelta(days=rule.lookback_days)
        blocking = {rule.offer_service_id, rule.unless_has_request_for_id} - {None}
        if any(service in blocking and at >= since for service, at in recent):
            continue
        shown.append(rule)
    return shown
