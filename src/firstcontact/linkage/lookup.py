"""The desk's "this person may already be on record": the existing customers an adviser may
read who are likely the person about to be added.

Candidates come from index look-ups only (an email whatever its case, a phone, a UPRN, and the
given and family names each within a typo, as a nickname, or swapped), always within
customers.selectors.visible_customers(user): nothing the adviser may not read is looked at,
scored or shown. Each candidate is then scored by the matcher (linkage.engine) and shown if
its match weight reaches DESK_THRESHOLD, best first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q

from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.customers.front_door import clean_or_blank
from firstcontact.customers.matching import normalise_name, one_typo_away
from firstcontact.customers.models import (
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerPhone,
)

# The name look-up's lookups: a set of names sent as one parameter (see their docstrings).
from firstcontact.customers.selectors import _AlsoOneOf, _OneOf, record_search, visible_customers
from firstcontact.linkage import engine
from firstcontact.linkage.batch import records_by_id
from firstcontact.linkage.nicknames import formal_names, nickname_forms
from firstcontact.linkage.services import current_model
from firstcontact.partners.geography import normalise_postcode

# Lower than the batch's threshold: at the desk a false alarm costs a glance, a missed
# duplicate a second record.
DESK_THRESHOLD = 4.0
# Candidates scored at most (the look-ups are each capped at this).
MAX_CANDIDATES = 50

# What an adviser is told matched, by field and level.
REASONS = {
    ("given_name", "exact"): "first name",
    ("given_name", "nickname"): "first name (a short form)",
    ("given_name", "typo"): "first name (spelt differently)",
    ("family_name", "exact"): "last name",
    ("family_name", "typo"): "last name (spelt differently)",
    ("date_of_birth", "exact"): "date of birth",
    ("date_of_birth", "close"): "date of birth (one part differs)",
    ("email", "exact"): "email address",
    ("phone", "exact"): "phone number",
    ("address", "uprn"): "address (UPRN)",
    ("address", "postcode"): "postcode",
}


@dataclass(frozen=True)
class LikelyMatch:
    customer: Customer
    weight: float
    probability: float
    comparison: dict[str, str]

    @property
    def reasons(self) -> list[str]:
        return [REASONS[item] for item in self.comparison.items() if item in REASONS]

    @property
    def score(self) -> float:
        """The match probability as a percentage (0–100)."""
        return round(100 * self.probability, 1)


def _given_forms(given: str) -> set[str]:
    if not given:
        return set()
    return one_typo_away(given) | nickname_forms(given) | formal_names(given)


def candidate_ids(
    user: AbstractBaseUser | AnonymousUser, record: engine.Record, *, limit: int = MAX_CANDIDATES
) -> list[int]:
    """Ids of visible customers who share an email, phone or UPRN with `record`, whose names
    are each within a typo (or a short form) of its names, either way round, or who share its
    last name and date of birth. Each look-up is an index search; the hundreds of spellings a
    typo away go to the database as one parameter (customers.selectors' name look-up)."""
    scope = visible_customers(user)
    looks: list = []
    contact = Q()
    if record.emails:
        emails = CustomerEmail.objects.filter(address__lower__in=list(record.emails))
        contact |= Q(pk__in=emails.values("customer_id"))
    if record.phones:
        phones = CustomerPhone.objects.filter(number__in=list(record.phones))
        contact |= Q(pk__in=phones.values("customer_id"))
    if record.uprns:
        places = CustomerAddress.objects.filter(uprn__in=list(record.uprns))
        contact |= Q(pk__in=places.values("customer_id"))
    if contact:
        looks.append(scope.filter(contact))
    if record.family:
        families = one_typo_away(record.family)
        if record.given:
            givens = _given_forms(record.given)
            looks.append(
                scope.filter(_OneOf(F("search_family"), families)).filter(
                    _AlsoOneOf(F("search_given"), givens)
                )
            )
            looks.append(  # the names the other way round
                scope.filter(_OneOf(F("search_family"), givens)).filter(
                    _AlsoOneOf(F("search_given"), families)
                )
            )
        else:
            looks.append(scope.filter(_OneOf(F("search_family"), families)))
        if record.dob:
            # The same date of birth and last name, whatever the first name.
            looks.append(scope.filter(search_family=record.family, date_of_birth=record.dob))
    ids: list[int] = []
    for look in looks:
        for pk in look.values_list("pk", flat=True)[:limit]:
            if pk not in ids:
                ids.append(pk)
    return ids[:limit]


def record_from_details(
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    email: str = "",
    phone: str = "",
    postcode: str = "",
    uprn: str = "",
    town: str = "",
) -> engine.Record:
    """A matcher record of details typed at the desk (not yet a customer)."""
    email = clean_or_blank(email, clean_email).lower()
    phone = clean_or_blank(phone, clean_phone)
    postcode = normalise_postcode(postcode) or ""
    uprn = str(int(uprn)) if uprn and uprn.strip().isdigit() else ""
    return engine.Record(
        id=0,
        given=normalise_name(given_name),
        family=normalise_name(family_name),
        dob=date_of_birth.isoformat() if date_of_birth else "",
        emails=(email,) if email else (),
        phones=(phone,) if phone else (),
        postcodes=(postcode,) if postcode else (),
        uprns=(uprn,) if uprn else (),
        towns=(town.strip().lower(),) if town.strip() else (),
    )


def likely_matches(
    user: AbstractBaseUser | AnonymousUser,
    *,
    limit: int = 5,
    threshold: float = DESK_THRESHOLD,
    audit: bool = True,
    **details,
) -> list[LikelyMatch]:
    """The visible customers most likely to be the person described by `details` (see
    record_from_details), best first. Audited as a search (what was typed is not stored,
    only the ids shown), as the adviser is shown who they are."""
    record = record_from_details(**details)
    if not (record.family or record.emails or record.phones or record.uprns):
        return []
    ids = candidate_ids(user, record)
    if not ids:
        return []
    model = current_model()
    scored = []
    for candidate in records_by_id(ids):
        levels = engine.compare(record, candidate)
        weight = model.pair_weight(record, candidate, levels)
        if weight >= threshold:
            scored.append((weight, candidate.id, levels))
    scored.sort(key=lambda s: (-s[0], s[1]))
    shown = scored[:limit]
    # The ids came from the adviser's scope: read just the records shown.
    customers = Customer.objects.select_related("partner").in_bulk([s[1] for s in shown])
    matches = [
        LikelyMatch(customers[pk], weight, model.probability(weight), engine.level_names(levels))
        for weight, pk, levels in shown
    ]
    if audit and matches:
        record_search(
            user,
            "possible duplicate of a new customer",
            [m.customer.pk for m in matches],
            purpose="duplicate check",
        )
    return matches
