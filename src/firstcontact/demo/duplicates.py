"""Possible duplicates for the data steward's queue (/steward/): records of the demo that
share an email address or a phone number (the resident site made a new record for each
submission before issue 15), as the duplicate search would have found them. The pairs are
scored simply here; the linkage app's matcher scores the real ones."""

from __future__ import annotations

import itertools

from django.db.models import Count
from django.db.models.functions import Lower

from firstcontact.customers.models import (
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerLink,
    CustomerPhone,
)
from firstcontact.demo.partnership import COUNTY
from firstcontact.linkage.models import CandidatePair, PairSource

# How many pairs the demo queue starts with.
DEMO_PAIRS = 12


def _level(a: str, b: str) -> str:
    a, b = (a or "").strip().lower(), (b or "").strip().lower()
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if a[:3] == b[:3]:
        return "typo"
    return "different"


def _compare(left: Customer, right: Customer, on: str) -> dict[str, str]:
    dob = "missing"
    if left.date_of_birth and right.date_of_birth:
        dob = "exact" if left.date_of_birth == right.date_of_birth else "different"
    postcodes = [{a.postcode for a in c.addresses.all()} for c in (left, right)]
    return {
        "given_name": _level(left.given_name, right.given_name),
        "family_name": _level(left.family_name, right.family_name),
        "date_of_birth": dob,
        "postcode": "missing"
        if not all(postcodes)
        else ("exact" if postcodes[0] & postcodes[1] else "different"),
        on: "exact",
    }


# Rough Fellegi–Sunter weights (log2 m/u) per comparison level, for the demo's order only.
WEIGHTS = {"exact": 6.0, "typo": 3.0, "missing": 0.0, "different": -4.0}


# People the county's desk entered a second time, with a slip in the first name (the county's
# data steward finds them in the queue, whatever the demo's size).
ENTERED_TWICE = 4
SLIPS = {"a": "e", "e": "a", "i": "y", "y": "i", "o": "u", "n": "m", "r": "t"}


def _slip(name: str) -> str:
    for i in range(len(name) - 1, 0, -1):
        if name[i].lower() in SLIPS:
            return name[:i] + SLIPS[name[i].lower()] + name[i + 1 :]
    return name + "e"


def _enter_twice(partner_slug: str, count: int) -> None:
    """A second record of a few of the partner's people, as a busy desk makes them: the
    first name mistyped, the same date of birth and address, no email."""
    people = (
        Customer.objects.filter(
            partner__slug=partner_slug,
            kind="person",
            date_of_birth__isnull=False,
            addresses__isnull=False,
        )
        .distinct()
        .order_by("pk")[:count]
    )
    for person in people:
        address = person.addresses.order_by("-is_current", "pk").first()
        twin = Customer.objects.create(
            partner=person.partner,
            title=person.title,
            given_name=_slip(person.given_name),
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            preferred_language=person.preferred_language,
        )
        CustomerAddress.objects.create(
            customer=twin,
            line1=address.line1,
            line2=address.line2,
            town=address.town,
            postcode=address.postcode,
            uprn=address.uprn,
        )


def create_duplicate_pairs_demo(limit: int = DEMO_PAIRS) -> list[CandidatePair]:
    _enter_twice(COUNTY, ENTERED_TWICE)
    linked = {
        frozenset(p) for p in CustomerLink.objects.values_list("from_customer", "to_customer")
    }
    groups: list[tuple[str, list[int]]] = []
    emails = (
        CustomerEmail.objects.annotate(lower=Lower("address"))
        .values("lower")
        .annotate(n=Count("customer", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "lower")[:limit]
    )
    for row in emails:
        ids = CustomerEmail.objects.filter(address__lower=row["lower"]).values_list(
            "customer_id", flat=True
        )
        groups.append(("email", sorted(set(ids))))
    phones = (
        CustomerPhone.objects.values("number")
        .annotate(n=Count("customer", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "number")[:limit]
    )
    for row in phones:
        ids = CustomerPhone.objects.filter(number=row["number"]).values_list(
            "customer_id", flat=True
        )
        groups.append(("phone", sorted(set(ids))))
    # Records of one partner with the same name and date of birth.
    twins = (
        Customer.objects.filter(kind="person", date_of_birth__isnull=False)
        .values("partner", "search_family", "date_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "search_family")[:limit]
    )
    for row in twins:
        ids = Customer.objects.filter(
            partner=row["partner"],
            search_family=row["search_family"],
            date_of_birth=row["date_of_birth"],
        ).values_list("pk", flat=True)
        groups.insert(0, ("date_of_birth", sorted(ids)))
    pairs: dict[tuple[int, int], CandidatePair] = {}
    customers = Customer.objects.select_related("partner").prefetch_related("addresses")
    for on, ids in groups:
        records = customers.in_bulk(ids)
        for a, b in itertools.combinations(ids, 2):
            if len(pairs) >= limit:
                break
            if (a, b) in pairs or frozenset((a, b)) in linked:
                continue
            left, right = records[a], records[b]
            comparison = _compare(left, right, on)
            weight = sum(WEIGHTS[level] for level in comparison.values())
            pairs[(a, b)] = CandidatePair(
                left=left,
                right=right,
                weight=weight,
                probability=round(1 / (1 + 2 ** -(weight - 10)), 4),
                comparison=comparison,
                cross_partner=left.partner_id != right.partner_id,
                source={"email": PairSource.FRONT_DOOR}.get(on, PairSource.BATCH),
            )
    made = list(pairs.values())
    CandidatePair.objects.bulk_create(made, ignore_conflicts=True)
    return made
