"""Tell us once about a death: mark the person deceased on every record the partners hold of
them, so no partner keeps writing to them (notify sends nothing to a deceased customer).

Which records: those with the same first and last name, date of birth and an address at the
same postcode (or UPRN) as the place told, and every record linked to one of those as the
same person (CustomerLink). A weaker match (the name and the address without a date of birth
to compare, or the name and date of birth at another address) is not marked: it is queued for
the data steward beside a marked record, and noted in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import Customer, CustomerChange, CustomerKind, CustomerLink
from firstcontact.customers.services import record_values
from firstcontact.partners.geography import Location, normalise_postcode
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event

# Following links from the matched records stops after this many steps.
MAX_LINK_STEPS = 5


@dataclass
class DeathOutcome:
    marked: list[int] = field(default_factory=list)  # records marked deceased now
    already: list[int] = field(default_factory=list)  # records already marked
    for_review: list[int] = field(default_factory=list)  # weaker matches, not marked


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _split(full_name: str) -> tuple[str, str]:
    parts = normalise_name(full_name).split()
    return (" ".join(parts[:-1]), parts[-1]) if parts else ("", "")


def _given_agrees(told: str, held: str) -> bool:
    """ "pat" and "pat anne" agree (one's first names start the other's); "pat" and "sam"
    do not, nor does a first name missing on one side when the other has one."""
    if told == held:
        return True
    return bool(told and held) and (told.startswith(f"{held} ") or held.startswith(f"{told} "))


def _linked(ids: set[int]) -> set[int]:
    """`ids` and every record linked to one of them, however many links away (bounded)."""
    found = set(ids)
    frontier = set(ids)
    for _step in range(MAX_LINK_STEPS):
        if not frontier:
            break
        pairs = CustomerLink.objects.filter(
            Q(from_customer__in=frontier) | Q(to_customer__in=frontier)
        ).values_list("from_customer", "to_customer")
        new = {pk for pair in pairs for pk in pair} - found
        found |= new
        frontier = new
    return found


def matching_records(
    full_name: str, date_of_birth: dt.date | None, location: Location
) -> tuple[list[Customer], list[Customer]]:
    """(records that are the person, weaker matches) by name, date of birth and address."""
    given, family = _split(full_name)
    if not family:
        return [], []
    same_place = Q(pk__in=[])
    postcode = normalise_postcode(location.postcode or "")
    if postcode:
        same_place |= Q(addresses__postcode=postcode)
    if location.uprn:
        same_place |= Q(addresses__uprn=str(location.uprn))
    # A record merged into another is a tombstone: its survivor is the one to mark.
    named = Customer.objects.filter(
        kind=CustomerKind.PERSON, search_family=family, merged_into__isnull=True
    )
    at_place = set(named.filter(same_place).values_list("pk", flat=True))
    candidates = named.filter(
        Q(pk__in=at_place) | (Q(date_of_birth=date_of_birth) if date_of_birth else Q(pk__in=[]))
    ).distinct()
    strong, weak = [], []
    for customer in candidates.order_by("pk")[:200]:
        if not _given_agrees(given, customer.search_given):
            continue
        here = customer.pk in at_place
        same_birth = date_of_birth is not None and customer.date_of_birth == date_of_birth
        if here and same_birth:
            strong.append(customer)
        elif here and (date_of_birth is None or customer.date_of_birth is None) or same_birth:
            weak.append(customer)
    return strong, weak


def _mark(customer: Customer, date_of_death: dt.date | None, *, user, told_by: str) -> bool:
    """Mark one record deceased, with its history; False if it already was (and dated)."""
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.deceased and (current.date_of_death or not date_of_death):
        return False
    before = record_values(current)
    current.deceased = True
    if date_of_death and not current.date_of_death:
        current.date_of_death = date_of_death
    after = record_values(current)
    current.version += 1
    current.save()
    signed_in = user is not None and user.is_authenticated
    CustomerChange.objects.bulk_create(
        CustomerChange(
            customer=current,
            version=current.version,
            changed_at=timezone.now(),
            changed_by=user if signed_in else None,
            changed_by_name=told_by[:150],
            field=f,
            old_value=before[f],
            new_value=after[f],
        )
        for f in ("deceased", "date_of_death")
        if before[f] != after[f]
    )
    record_audit_event(
        user=user,
        action=AuditEvent.Action.UPDATE,
        object_type="customer",
        object_id=current.pk,
        customer_id=current.pk,
        detail=f"marked deceased: {told_by} (version {current.version})",
    )
    return True


def record_death(
    *,
    answers: Mapping[str, object],
    location: Location,
    told_by: str,
    user=None,
) -> DeathOutcome:
    """Mark the person the answers name (`deceased_name`, `date_of_death`,
    `deceased_date_of_birth`) deceased on every record of theirs (see the module). Call
    inside the bundle's transaction. `told_by`: the history's "changed by" (the bundle)."""
    from firstcontact.linkage.services import queue_pair

    outcome = DeathOutcome()
    name = str(answers.get("deceased_name") or "")
    born = _date(answers.get("deceased_date_of_birth"))
    died = _date(answers.get("date_of_death"))
    strong, weak = matching_records(name, born, location)
    ids = _linked({c.pk for c in strong})
    for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
        if _mark(customer, died, user=user, told_by=told_by):
            outcome.marked.append(customer.pk)
        else:
            outcome.already.append(customer.pk)
    anchor = strong[0] if strong else None
    for customer in weak:
        if customer.pk in ids:
            continue
        outcome.for_review.append(customer.pk)
        if anchor is not None:
            queue_pair(anchor, customer, source="front_door")
        record_audit_event(
            user=user,
            action=AuditEvent.Action.VIEW,
            object_type="customer",
            object_id=customer.pk,
            customer_id=customer.pk,
            detail=f"may be a person told of as deceased ({told_by}): not marked, for review",
        )
    return outcome
