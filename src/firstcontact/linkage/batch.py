"""The duplicate search over every customer (`firstcontact find_duplicates`).

Reads each person's names, date of birth, emails, phones and current addresses in four
queries (no model instances), runs the matcher (linkage.engine.link), and writes the pairs
at or above the threshold as CandidatePairs for the data steward (source "batch"). A pair
within one partner at or above the auto-link weight is linked at once (status "linked" and a
customers.CustomerLink); across partners, never: the steward decides. Pairs already decided
are left as they are, pending ones re-scored: running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from firstcontact.customers.models import (
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerLink,
    CustomerPhone,
)
from firstcontact.linkage import engine
from firstcontact.linkage.models import CandidatePair, PairSource, PairStatus
from firstcontact.linkage.services import DECIDED, current_model, save_model
from firstcontact.partners.geography import normalise_postcode

# Fewer customers than this: too few to estimate m and u from; the stored (or default) model.
MIN_TO_TRAIN = 1000
WRITE_BATCH = 2000


@dataclass
class Report:
    customers: int = 0
    compared: int = 0
    above_threshold: int = 0
    queued: int = 0
    refreshed: int = 0
    linked: int = 0
    already_decided: int = 0
    trained: bool = False
    threshold: float = 0.0
    auto_link: float = 0.0


def _records(people, *, chunk: int = 20_000) -> list[engine.Record]:
    """Matcher records of the customers in `people` (a queryset), in id order: four queries
    of values, no model instances."""
    rows = people.order_by("pk").values_list(
        "pk", "partner_id", "search_given", "search_family", "date_of_birth"
    )
    emails: dict[int, list[str]] = {}
    for customer_id, address in (
        CustomerEmail.objects.filter(customer__in=people)
        .values_list("customer_id", "address")
        .iterator(chunk_size=chunk)
    ):
        emails.setdefault(customer_id, []).append(address.lower())
    phones: dict[int, list[str]] = {}
    for customer_id, number in (
        CustomerPhone.objects.filter(customer__in=people)
        .values_list("customer_id", "number")
        .iterator(chunk_size=chunk)
    ):
        phones.setdefault(customer_id, []).append(number)
    places: dict[int, tuple[list[str], list[str], list[str]]] = {}
    for customer_id, postcode, uprn, town in (
        CustomerAddress.objects.filter(customer__in=people, is_current=True)
        .values_list("customer_id", "postcode", "uprn", "town")
        .iterator(chunk_size=chunk)
    ):
        postcodes, uprns, towns = places.setdefault(customer_id, ([], [], []))
        if normal := normalise_postcode(postcode):
            postcodes.append(normal)
        if uprn:
            uprns.append(uprn)
        if town.strip():
            towns.append(town.strip().lower())
    records = []
    for pk, partner_id, given, family, born in rows.iterator(chunk_size=chunk):
        postcodes, uprns, towns = places.get(pk, ((), (), ()))
        records.append(
            engine.Record(
                id=pk,
                given=given,
                family=family,
                dob=born.isoformat() if born else "",
                emails=tuple(sorted(set(emails.get(pk, ())))),
                phones=tuple(sorted(set(phones.get(pk, ())))),
                postcodes=tuple(postcodes),
                uprns=tuple(uprns),
                towns=tuple(towns),
                partner_id=partner_id,
            )
        )
    return records


def load_records(partner_ids: list[int] | None = None) -> list[engine.Record]:
    """Every person (of these partners, if given) as a matcher record, by id."""
    people = Customer.objects.filter(kind="person")
    if partner_ids is not None:
        people = people.filter(partner_id__in=partner_ids)
    return _records(people)


def records_by_id(ids: list[int]) -> list[engine.Record]:
    """These people as matcher records (the caller has checked the user may read them)."""
    return _records(Customer.objects.filter(kind="person", pk__in=ids))


def find_duplicates(
    *,
    partner_id: int | None = None,
    threshold: float | None = None,
    auto_link: float | None = None,
    train: bool = True,
    stage: Callable[[str, int], Any] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Report:
    """Match every person; store the pairs at or above the `threshold` weight (by default,
    that of engine.DEFAULT_PROBABILITY; only those with a record of `partner_id`'s, if given:
    within that partner and across partners). Link within a partner at `auto_link` (by
    default engine.auto_link_weight)."""
    report = Report()
    if stage:
        stage("reading customers", 0)
    records = load_records()
    report.customers = len(records)
    model = None
    if train and len(records) >= MIN_TO_TRAIN:
        report.trained = True
    else:
        model = current_model()
    result = engine.link(records, threshold=threshold, model=model, stage=stage, progress=progress)
    report.compared = len(result.pairs)
    threshold = result.threshold
    auto_link = engine.auto_link_weight(result.model) if auto_link is None else auto_link
    auto_link = max(auto_link, threshold)
    report.threshold, report.auto_link = threshold, auto_link
    if report.trained:
        save_model(result.model, records=len(records))
    above = result.weights >= threshold
    chosen = []
    for (i, j), weight, probability, levels in zip(
        result.pairs[above].tolist(),
        result.weights[above].tolist(),
        result.probabilities[above].tolist(),
        result.levels[above].tolist(),
        strict=True,
    ):
        a, b = records[i], records[j]
        if partner_id is not None and partner_id not in (a.partner_id, b.partner_id):
            continue
        left, right = (a, b) if a.id < b.id else (b, a)
        chosen.append((left, right, weight, probability, engine.level_names(levels)))
    report.above_threshold = len(chosen)
    if stage:
        stage("writing pairs", len(chosen))
    for start in range(0, len(chosen), WRITE_BATCH):
        batch = chosen[start : start + WRITE_BATCH]
        _write(batch, auto_link=auto_link, report=report)
        if progress:
            progress(len(batch))
    return report


@transaction.atomic
def _write(batch: list[tuple], *, auto_link: float, report: Report) -> None:
    existing = {
        (p.left_id, p.right_id): p
        for p in CandidatePair.objects.select_for_update().filter(
            left_id__in={left.id for left, *_ in batch}
        )
    }
    new, refreshed, links = [], [], []
    for left, right, weight, probability, comparison in batch:
        pair = existing.get((left.id, right.id))
        same_partner = left.partner_id == right.partner_id
        if pair is not None:
            if pair.status in DECIDED:
                report.already_decided += 1
                continue
            pair.weight, pair.probability, pair.comparison = weight, probability, comparison
            refreshed.append(pair)
            continue
        linked = same_partner and weight >= auto_link
        new.append(
            CandidatePair(
                left_id=left.id,
                right_id=right.id,
                weight=weight,
                probability=probability,
                comparison=comparison,
                cross_partner=not same_partner,
                source=PairSource.BATCH,
                status=PairStatus.LINKED if linked else PairStatus.PENDING,
                note="Linked automatically by the duplicate search." if linked else "",
                decided_at=timezone.now() if linked else None,
            )
        )
        if linked:
            links.append(CustomerLink(from_customer_id=left.id, to_customer_id=right.id))
    CandidatePair.objects.bulk_create(new, ignore_conflicts=True)
    CandidatePair.objects.bulk_update(refreshed, ["weight", "probability", "comparison"])
    CustomerLink.objects.bulk_create(links, ignore_conflicts=True)
    report.queued += sum(1 for p in new if p.status == PairStatus.PENDING)
    report.linked += len(links)
    report.refreshed += len(refreshed)
