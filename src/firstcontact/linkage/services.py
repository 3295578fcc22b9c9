"""Record linkage for the rest of the platform: score a pair of customers, queue it for the data
steward. The matcher itself is linkage.engine (plain functions over engine.Record)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from firstcontact.customers.models import Customer
from firstcontact.linkage import engine
from firstcontact.linkage.models import CandidatePair, MatchModel, PairSource, PairStatus
from firstcontact.partners.geography import normalise_postcode


def record_of(customer: Customer) -> engine.Record:
    """The matcher's view of a customer (its phones, emails and current addresses read through
    prefetches where the caller made them)."""
    addresses = [a for a in customer.addresses.all() if a.is_current]
    postcodes = tuple(p for p in (normalise_postcode(a.postcode) for a in addresses) if p)
    return engine.Record(
        id=customer.pk,
        given=customer.search_given,
        family=customer.search_family,
        dob=customer.date_of_birth.isoformat() if customer.date_of_birth else "",
        emails=tuple(sorted({e.address.lower() for e in customer.emails.all()})),
        phones=tuple(sorted({p.number for p in customer.phones.all()})),
        postcodes=postcodes,
        uprns=tuple(a.uprn for a in addresses if a.uprn),
        towns=tuple(t for t in (a.town.strip().lower() for a in addresses) if t),
        partner_id=customer.partner_id,
    )


# The newest stored model, parsed once per process: (its id, the model).
_parsed: dict[str, tuple[int, engine.Model]] = {}


def current_model() -> engine.Model:
    """The newest estimated model, or the engine's documented priors. One small query (its
    id); its parameters are read and parsed only when a newer one is stored."""
    newest = MatchModel.objects.order_by("-trained_at", "-pk").values_list("pk", flat=True).first()
    if newest is None:
        return engine.DEFAULT_MODEL
    cached = _parsed.get("model")
    if cached is not None and cached[0] == newest:
        return cached[1]
    parameters = MatchModel.objects.filter(pk=newest).values_list("parameters", flat=True).first()
    try:
        model = engine.Model.from_dict(parameters)
    except (KeyError, TypeError, ValueError):  # an older shape of parameters
        model = engine.DEFAULT_MODEL
    _parsed["model"] = (newest, model)
    return model


def save_model(model: engine.Model, *, records: int) -> MatchModel:
    return MatchModel.objects.create(records=records, parameters=model.as_dict())


def score_records(
    a: engine.Record, b: engine.Record, model: engine.Model | None = None
) -> tuple[float, float, dict[str, str]]:
    model = model or current_model()
    levels = engine.compare(a, b)
    weight = model.pair_weight(a, b, levels)
    return weight, model.probability(weight), engine.level_names(levels)


def score_pair(
    a: Customer, b: Customer, *, model: engine.Model | None = None
) -> tuple[float, float, dict[str, str]]:
    """(match weight, match probability, comparison level per field) for two customers."""
    return score_records(record_of(a), record_of(b), model)


# A pair decided by the steward (or linked, or merged) is never asked about again.
DECIDED = (PairStatus.SAME, PairStatus.NOT_SAME, PairStatus.LINKED, PairStatus.MERGED)


def decided_pairs(ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """(left, right) of every decided pair (among `ids` if given)."""
    pairs = CandidatePair.objects.filter(status__in=DECIDED)
    if ids is not None:
        ids = list(ids)
        pairs = pairs.filter(left_id__in=ids)
    return set(pairs.values_list("left_id", "right_id"))


def store_pair(
    left_id: int,
    right_id: int,
    *,
    weight: float,
    probability: float,
    comparison: dict[str, Any],
    cross_partner: bool,
    source: str,
    by: AbstractBaseUser | None = None,
    status: str = PairStatus.PENDING,
) -> CandidatePair | None:
    """Create or refresh the pair (left_id < right_id). None if it was already decided."""
    if left_id > right_id:
        left_id, right_id = right_id, left_id
    values = {
        "weight": weight,
        "probability": probability,
        "comparison": comparison,
        "cross_partner": cross_partner,
    }
    for _ in range(2):  # a second try if another process created it meanwhile
        existing = (
            CandidatePair.objects.select_for_update()
            .filter(left_id=left_id, right_id=right_id)
            .first()
        )
        if existing is not None:
            if existing.status in DECIDED:
                return None
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            return existing
        try:
            with transaction.atomic():
                return CandidatePair.objects.create(
                    left_id=left_id,
                    right_id=right_id,
                    source=source,
                    status=status,
                    found_by=by if by is not None and by.is_authenticated else None,
                    **values,
                )
        except IntegrityError:
            continue
    return None


@transaction.atomic
def queue_pair(
    a: Customer, b: Customer, *, source: str, by: AbstractBaseUser | None = None
) -> CandidatePair | None:
    """Score two customers and queue them for the data steward's review (pending).

    The pair is stored once, the lower id on the left. A pair already decided ("same", "not
    the same", linked or merged) is never asked about again: None then, as for a customer
    paired with itself. A pending pair is re-scored and returned.
    """
    if a.pk is None or b.pk is None or a.pk == b.pk:
        return None
    if source not in PairSource.values:
        raise ValueError(f"Unknown pair source {source!r}.")
    left, right = (a, b) if a.pk < b.pk else (b, a)
    if CandidatePair.objects.filter(left=left, right=right, status__in=DECIDED).exists():
        return None
    weight, probability, comparison = score_pair(left, right)
    return store_pair(
        left.pk,
        right.pk,
        weight=weight,
        probability=probability,
        comparison=comparison,
        cross_partner=left.partner_id != right.partner_id,
        source=source,
        by=by,
    )
