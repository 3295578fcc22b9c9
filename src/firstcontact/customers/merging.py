"""Merging two records of one person, and undoing it (docs/access.md, "data_steward").

A merge moves every row that points at the merged record to the surviving one, found from
Django's model meta (every foreign key to Customer, so a new model is not forgotten: one with
no entry in POLICY makes the merge refuse, and a test fails). The merged record stays as an
inactive tombstone (`merged_into`, `merged_at`), left out of search and the selectors. A
CustomerMerge row keeps who, when, the ids of every row moved, duplicates dropped (whole) and
the merged record's former fields, so `unmerge` puts both records back exactly within
UNMERGE_DAYS. Audit events stay where they are (the trail is append-only); the DPO's audit
search and subject access export follow the merge to them (privacy.selectors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from firstcontact.customers.models import (
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerLink,
    CustomerMerge,
    CustomerPhone,
)
from firstcontact.partners.geography import normalise_postcode
from firstcontact.privacy.models import AuditEvent, DataCategory, DataSharingAgreement
from firstcontact.privacy.services import record_audit_event

UNMERGE_DAYS = 30

# What a merge does with the rows of each foreign key to Customer ("app.Model.field").
MOVE = "move"  # point it at the survivor
DEDUPE = "dedupe"  # move it, unless the survivor has an equal one (then drop it, kept whole)
LINK = "link"  # a link between records: moved, or dropped if it would duplicate or self-link
ONE = "one"  # a one-to-one: moved if the survivor has none, else left on the tombstone
STAY = "stay"  # left where it is, said why below

POLICY: dict[str, str] = {
    "contacts.Contact.customer": MOVE,
    "contacts.Callback.customer": MOVE,
    "servicerequests.ServiceRequest.customer": MOVE,  # referrals, notifications follow it
    "inbox.Conversation.customer": MOVE,
    "servicerequests.RequestSupporter.customer": MOVE,  # "reported by N people"
    "customers.Consent.customer": MOVE,
    "privacy.SubjectAccessRequest.customer": MOVE,
    "retention.LegalHold.customer": MOVE,
    "retention.ErasureRequest.customer": MOVE,
    "customers.CustomerPhone.customer": DEDUPE,
    "customers.CustomerEmail.customer": DEDUPE,
    "customers.CustomerAddress.customer": DEDUPE,
    "customers.CustomerLink.from_customer": LINK,
    "customers.CustomerLink.to_customer": LINK,
    # An imported record's id in the partner's other system: one per record.
    "customers.SourceRecord.customer": ONE,
    # The record's own edit history, numbered by its versions: it stays with it (and is in
    # the subject access export, which follows the merge).
    "customers.CustomerChange.customer": STAY,
    # Merges themselves, and tombstones merged into the merged record (a chain stays one).
    "customers.Customer.merged_into": STAY,
    "customers.CustomerMerge.survivor": STAY,
    "customers.CustomerMerge.merged": STAY,
    # Other pairs with the merged record stay with the tombstone and leave the queue; the
    # duplicate search finds the survivor's anew (and unmerge brings them back).
    "linkage.CandidatePair.left": STAY,
    "linkage.CandidatePair.right": STAY,
}


class MergeRefused(Exception):
    """A merge or unmerge that may not happen; `reason` says why, in words for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def customer_foreign_keys() -> list[tuple[str, type[models.Model], models.Field]]:
    """Every concrete foreign key (or one-to-one) to Customer: ("app.Model.field", model,
    field)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is Customer:
                found.append((f"{model._meta.label}.{field.name}", model, field))
    return found


def unhandled_foreign_keys() -> list[str]:
    """Foreign keys to Customer that POLICY does not say what to do with."""
    return [key for key, _, _ in customer_foreign_keys() if key not in POLICY]


# --- whether a merge is allowed ---------------------------------------------------------


def identity_agreement(provider_id: int, recipient_id: int) -> DataSharingAgreement | None:
    """A data-sharing agreement in force letting `provider` share identity data with
    `recipient`."""
    for agreement in DataSharingAgreement.objects.in_force().filter(
        provider_id=provider_id, recipient_id=recipient_id
    ):
        if DataCategory.IDENTITY in (agreement.categories or []):
            return agreement
    return None


def merge_refusal(survivor: Customer, merged: Customer) -> str:
    """Why these two records may not be merged (survivor kept), or "" if they may.

    Across partners the merged record's identity data becomes the survivor's holder's, so a
    data-sharing agreement in force from the merged record's partner to the survivor's must
    cover identity data."""
    if survivor.pk == merged.pk:
        return "A record cannot be merged into itself."
    if merged.merged_into_id or survivor.merged_into_id:
        return "One of these records has already been merged into another."
    if survivor.partner_id != merged.partner_id and not identity_agreement(
        merged.partner_id, survivor.partner_id
    ):
        return (
            f"These records are held by different partners, and no data-sharing agreement in "
            f"force lets {merged.partner} share identity data with {survivor.partner}. Mark "
            f"them as the same person instead (a link), or keep {merged.partner}'s record."
        )
    return ""


# --- merge ------------------------------------------------------------------------------


def _username(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else ""


def _lock(*pks: int) -> dict[int, Customer]:
    """Lock the records' rows, in id order (two merges of one pair wait, never deadlock),
    and read them afresh."""
    locked = Customer.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {c.pk: c for c in locked}


def _phone_key(row: CustomerPhone) -> tuple:
    return (row.number,)


def _email_key(row: CustomerEmail) -> tuple:
    return (row.address.strip().lower(),)


def _address_key(row: CustomerAddress) -> tuple:
    return (
        " ".join(row.line1.lower().replace(",", " ").split()),
        normalise_postcode(row.postcode) or row.postcode.upper().replace(" ", ""),
        row.uprn,
    )


DEDUPE_KEYS: dict[type[models.Model], Callable[[models.Model], tuple]] = {
    CustomerPhone: _phone_key,
    CustomerEmail: _email_key,
    CustomerAddress: _address_key,
}


@dataclass
class _Plan:
    moved: dict[str, list[int]]
    dropped: list[str]
    changed: dict[str, dict[str, object]]

    def note_change(self, key: str, pk: int, old: object) -> None:
        value = old.isoformat() if isinstance(old, dt.datetime) else old
        self.changed.setdefault(key, {}).setdefault(str(pk), value)


def _drop(plan: _Plan, rows: list[models.Model]) -> None:
    if rows:
        plan.dropped.append(serializers.serialize("json", rows))
        for row in rows:
            row.delete()


def _dedupe(plan: _Plan, key: str, model, field, survivor: Customer, merged: Customer) -> None:
    keyer = DEDUPE_KEYS[model]
    theirs = {keyer(r): r for r in model.objects.filter(**{field.name: survivor})}
    move, drop = [], []
    for row in model.objects.filter(**{field.name: merged}).order_by("pk"):
        twin = theirs.get(keyer(row))
        if twin is None:
            move.append(row.pk)
            theirs[keyer(row)] = row
            continue
        # The survivor's copy keeps a proof of the number or address the merged one had.
        if getattr(row, "verified_at", None) and not twin.verified_at:
            plan.note_change(f"{model._meta.label}.verified_at", twin.pk, None)
            model.objects.filter(pk=twin.pk).update(verified_at=row.verified_at)
        drop.append(row)
    _drop(plan, drop)
    # One current address: the survivor's stays current if it has one.
    if (
        model is CustomerAddress
        and move
        and CustomerAddress.objects.filter(customer=survivor, is_current=True).exists()
    ):
        demoted = CustomerAddress.objects.filter(pk__in=move, is_current=True)
        for pk in demoted.values_list("pk", flat=True):
            plan.note_change("customers.CustomerAddress.is_current", pk, True)
        CustomerAddress.objects.filter(pk__in=move).update(is_current=False)
    model.objects.filter(pk__in=move).update(**{field.name: survivor})
    plan.moved[key] = move


def _relink(plan: _Plan, key: str, field, survivor: Customer, merged: Customer) -> None:
    other_end = "to_customer_id" if field.name == "from_customer" else "from_customer_id"
    move, drop = [], []
    for link in CustomerLink.objects.filter(**{field.name: merged}).order_by("pk"):
        other = getattr(link, other_end)
        duplicate = CustomerLink.objects.filter(
            Q(from_customer=survivor, to_customer_id=other)
            | Q(from_customer_id=other, to_customer=survivor)
        ).exists()
        if other == survivor.pk or duplicate:
            drop.append(link)
        else:
            move.append(link.pk)
            CustomerLink.objects.filter(pk=link.pk).update(**{field.name: survivor})
    _drop(plan, drop)
    plan.moved[key] = move


def merge_customers(
    survivor: Customer,
    merged: Customer,
    *,
    by: AbstractBaseUser | None,
    pair=None,
) -> CustomerMerge:
    """Merge `merged` into `survivor`: everything linked to it moves (see POLICY), it stays
    as a tombstone, and the merge is recorded and audited. MergeRefused when it may not
    happen (merge_refusal), including when another merge of either record got there first:
    both rows are locked, so two stewards merging one pair at once end with one merge."""
    missing = unhandled_foreign_keys()
    if missing:
        raise MergeRefused(
            "The merge does not know what to do with " + ", ".join(missing) + "; nothing changed."
        )
    with transaction.atomic():
        locked = _lock(survivor.pk, merged.pk)
        if len(locked) < 2:
            raise MergeRefused("One of these records no longer exists.")
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        refusal = merge_refusal(survivor, merged)
        if refusal:
            raise MergeRefused(refusal)
        if pair is not None:
            # Another steward may have decided the pair since this one's page was loaded.
            status = (
                type(pair)
                .objects.select_for_update()
                .filter(pk=pair.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status not in {"pending", "same"}:
                raise MergeRefused("This pair was decided by someone else meanwhile.")
        former = serializers.serialize("python", [merged])[0]["fields"]
        plan = _Plan(moved={}, dropped=[], changed={})
        for key, model, field in customer_foreign_keys():
            policy = POLICY[key]
            if policy == MOVE:
                ids = list(
                    model.objects.filter(**{field.name: merged})
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                model.objects.filter(pk__in=ids).update(**{field.name: survivor})
                plan.moved[key] = ids
            elif policy == DEDUPE:
                _dedupe(plan, key, model, field, survivor, merged)
            elif policy == LINK:
                _relink(plan, key, field, survivor, merged)
            elif policy == ONE and not model.objects.filter(**{field.name: survivor}).exists():
                ids = list(
                    model.objects.filter(**{field.name: merged}).values_list("pk", flat=True)
                )
                model.objects.filter(pk__in=ids).update(**{field.name: survivor})
                plan.moved[key] = ids
        now = timezone.now()
        Customer.objects.filter(pk=merged.pk).update(merged_into=survivor, merged_at=now)
        merge = CustomerMerge.objects.create(
            survivor=survivor,
            merged=merged,
            merged_at=now,
            merged_by=by,
            merged_by_name=_username(by),
            pair=pair,
            cross_partner=survivor.partner_id != merged.partner_id,
            moved={k: v for k, v in plan.moved.items() if v},
            dropped=plan.dropped,
            changed=plan.changed,
            former=_jsonable(former),
        )
        if pair is not None:
            _decide_pair(pair, "merged", by, now)
        for customer, detail in [
            (survivor, f"merged customer {merged.pk} into this record (merge {merge.pk})"),
            (merged, f"merged into customer {survivor.pk} (merge {merge.pk})"),
        ]:
            record_audit_event(
                user=by,
                action=AuditEvent.Action.UPDATE,
                object_type="customer",
                object_id=customer.pk,
                customer_id=customer.pk,
                detail=detail,
            )
    return merge


def _jsonable(fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        out[name] = value
    return out


def _decide_pair(pair, status: str, by, now) -> None:
    type(pair).objects.filter(pk=pair.pk).update(status=status, decided_by=by, decided_at=now)


# --- unmerge ----------------------------------------------------------------------------


def unmerge_refusal(merge: CustomerMerge, *, now: dt.datetime | None = None) -> str:
    """Why this merge may not be undone now, or ""."""
    now = now or timezone.now()
    if merge.undone_at:
        return "This merge has already been undone."
    if now - merge.merged_at > dt.timedelta(days=UNMERGE_DAYS):
        return (
            f"This merge was made on {timezone.localtime(merge.merged_at):%-d %B %Y}, more than "
            f"{UNMERGE_DAYS} days ago: it can no longer be undone. Edit the record instead."
        )
    if not merge.former:
        return "The records were anonymised (erasure or retention): the merge cannot be undone."
    return ""


def unmerge(merge: CustomerMerge, *, by: AbstractBaseUser | None) -> CustomerMerge:
    """Undo a merge within UNMERGE_DAYS: the rows it moved go back (those since erased stay
    gone), the duplicates it dropped come back, the values it changed are put back, and the
    merged record's fields are restored. Rows added to the survivor since stay with it."""
    with transaction.atomic():
        merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
        locked = _lock(merge.survivor_id, merge.merged_id)
        refusal = unmerge_refusal(merge)
        if refusal:
            raise MergeRefused(refusal)
        survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
        if survivor.merged_into_id:
            raise MergeRefused(
                f"The surviving record has since been merged into customer "
                f"{survivor.merged_into_id}: undo that merge first."
            )
        fields = {key: field for key, _, field in customer_foreign_keys()}
        models_by_key = {key: model for key, model, _ in customer_foreign_keys()}
        for key, ids in merge.moved.items():
            if key in models_by_key:
                models_by_key[key].objects.filter(
                    pk__in=ids, **{fields[key].name: survivor}
                ).update(**{fields[key].name: merged})
        for key, values in merge.changed.items():
            label, _, field_name = key.rpartition(".")
            model = apps.get_model(label)
            for pk, value in values.items():
                model.objects.filter(pk=int(pk)).update(**{field_name: value})
        for batch in merge.dropped:
            for restored in serializers.deserialize("json", batch):
                restored.save()
        # The tombstone's fields as they were (merged_into and merged_at empty again).
        for restored in serializers.deserialize(
            "python", [{"model": "customers.customer", "pk": merged.pk, "fields": merge.former}]
        ):
            restored.save()
        now = timezone.now()
        CustomerMerge.objects.filter(pk=merge.pk).update(undone_at=now, undone_by=by)
        if merge.pair_id:
            _decide_pair(merge.pair, "pending", None, None)
        for customer, detail in [
            (survivor, f"undid merge {merge.pk}: customer {merged.pk} is a record again"),
            (merged, f"undid merge {merge.pk} into customer {survivor.pk}"),
        ]:
            record_audit_event(
                user=by,
                action=AuditEvent.Action.UPDATE,
                object_type="customer",
                object_id=customer.pk,
                customer_id=customer.pk,
                detail=detail,
            )
    merge.refresh_from_db()
    return merge


# --- linking across partners ------------------------------------------------------------


def link_customers(left: Customer, right: Customer, *, by, pair=None) -> CustomerLink:
    """Mark two partners' records as the same person (a CustomerLink, as tell us once makes):
    each partner keeps its own record and reads the other's only as far as sharing allows."""
    with transaction.atomic():
        link = CustomerLink.objects.filter(
            Q(from_customer=left, to_customer=right) | Q(from_customer=right, to_customer=left)
        ).first()
        if link is None:
            link = CustomerLink.objects.create(from_customer=left, to_customer=right, linked_by=by)
        if pair is not None:
            _decide_pair(pair, "same", by, timezone.now())
        for customer, other in [(left, right), (right, left)]:
            record_audit_event(
                user=by,
                action=AuditEvent.Action.UPDATE,
                object_type="customer",
                object_id=customer.pk,
                customer_id=customer.pk,
                detail=f"linked to customer {other.pk} as the same person",
            )
    return link
