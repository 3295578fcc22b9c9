"""The front door: which customer record a resident's own submission (the resident site,
Open311, tell us once) belongs to.

One rule for every channel, so the front door stops making a new record each time someone
writes in:

- a record of the receiving partner (or, failing that, one it may read by sharing: an
  identity data-sharing agreement and the customer's consent naming it, docs/access.md)
  holding the same email address or phone number, proven by its owner (`verified_at` set: a
  one-time code, or staff who called it back), and whose last name does not say it is
  someone else, gets the submission;
- otherwise a new record is made, and any record it may duplicate (the same email or phone,
  not proven; or the same name at the same postcode) is queued for the data steward
  (linkage `queue_pair`, source "front_door"). Nothing is ever merged or linked silently.

Typing someone's address proves nothing about the person typing it, so joining a record never
adds the submitter's other details to it, nor shows them anything of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from firstcontact.customers.contact_points import clean_email, clean_phone, clean_postcode
from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import (
    Channel,
    Consent,
    ConsentPurpose,
    Customer,
    CustomerEmail,
    CustomerKind,
    CustomerPhone,
)
from firstcontact.customers.services import create_customer, record_consent
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import AuditEvent, DataCategory, DataSharingAgreement
from firstcontact.privacy.services import record_audit_event

logger = logging.getLogger(__name__)

# At most this many possible duplicates are queued for one new record: a common shared
# address (a family's, an office's) should not flood the steward's queue.
MAX_QUEUED = 5


@dataclass
class FrontDoorMatch:
    """What the front door decided: `customer` the record used; `created` whether it is
    new; `queued` the ids of records queued with it for the steward."""

    customer: Customer
    created: bool
    queued: list[int] = field(default_factory=list)


def clean_or_blank(value: str, cleaner) -> str:
    """`value` cleaned by `cleaner` (contact_points' clean_email, clean_phone, ...), or ""
    when it is blank or not valid: a look-up by it then finds nothing, and nothing fails."""
    try:
        return cleaner(value) if value and value.strip() else ""
    except ValueError:
        return ""


def _name_fits(customer: Customer, family_name: str) -> bool:
    """The submission's last name (if given) does not say it is someone else."""
    wanted = normalise_name(family_name)
    return not wanted or customer.kind != CustomerKind.PERSON or customer.search_family == wanted


def readable_by_partner(partner: Partner) -> Q:
    """Records `partner` may read (docs/access.md): its own, and those another partner shares
    with it, by a data-sharing agreement in force covering identity and the customer's current
    consent to sharing that names it (for identity, or no category)."""
    providers = [
        provider
        for provider, categories in DataSharingAgreement.objects.in_force()
        .filter(recipient=partner)
        .values_list("provider_id", "categories")
        if DataCategory.IDENTITY in (categories or [])
    ]
    readable = Q(partner=partner)
    if providers:
        consent = Consent.objects.current().filter(
            Q(data_category="") | Q(data_category=DataCategory.IDENTITY),
            customer=OuterRef("pk"),
            purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
            recipient=partner,
        )
        readable |= Q(partner_id__in=providers) & Exists(consent)
    return readable


def verified_customer(
    partner: Partner,
    *,
    email: str = "",
    phone: str = "",
    family_name: str = "",
    shared: bool = False,
) -> Customer | None:
    """The partner's record whose verified email or phone matches (the most recently proven
    first), if its last name fits. Deceased records never take new submissions. `shared`: a
    record another partner shares with it (readable_by_partner) will do when it has none of
    its own."""
    email, phone = clean_or_blank(email, clean_email), clean_or_blank(phone, clean_phone)
    proven = Q(pk__in=[])
    if email:
        proven |= Q(
            pk__in=CustomerEmail.objects.filter(
                address__lower=email.lower(), verified_at__isnull=False
            ).values("customer_id")
        )
    if phone:
        proven |= Q(
            pk__in=CustomerPhone.objects.filter(number=phone, verified_at__isnull=False).values(
                "customer_id"
            )
        )
    scope = readable_by_partner(partner) if shared else Q(partner=partner)
    for customer in (
        Customer.objects.filter(proven, scope, deceased=False)
        .select_related("partner")
        .annotate(theirs=Case(When(partner=partner, then=Value(0)), default=Value(1)))
        .order_by("theirs", "-updated_at", "-pk")[:5]
    ):
        if _name_fits(customer, family_name):
            return customer
    return None


def possible_duplicates(
    customer: Customer, *, addresses: Iterable[Mapping[str, str]] = (), limit: int = MAX_QUEUED
) -> list[Customer]:
    """Records (any partner's) that may be the same person as `customer`: the same email or
    phone (verified or not), or a close name (the same last name, first names that agree) at
    one of its or `addresses`' postcodes. At most `limit`, the newest first."""
    emails = [e.lower() for e in customer.emails.values_list("address", flat=True)]
    phones = list(customer.phones.values_list("number", flat=True))
    same = Q(pk__in=[])
    if emails:
        same |= Q(pk__in=CustomerEmail.objects.filter(address__lower__in=emails).values("customer"))
    if phones:
        same |= Q(pk__in=CustomerPhone.objects.filter(number__in=phones).values("customer"))
    postcodes = {clean_or_blank(a.get("postcode", ""), clean_postcode) for a in addresses} - {""}
    postcodes |= set(customer.addresses.values_list("postcode", flat=True))
    found = list(
        Customer.objects.filter(same, merged_into__isnull=True)
        .exclude(pk=customer.pk)
        .distinct()
        .order_by("-pk")[:limit]
    )
    if customer.kind == CustomerKind.PERSON and postcodes and customer.search_family:
        # A close name at the same postcode: the same last name, and first names that agree
        # ("J" or "Jo" for "John", or one not given); "Jane" and "John" are two people.
        given = customer.search_given
        for other in (
            Customer.objects.filter(
                search_family=customer.search_family,
                addresses__postcode__in=postcodes,
                merged_into__isnull=True,
            )
            .exclude(pk__in=[customer.pk, *(c.pk for c in found)])
            .distinct()
            .order_by("-pk")[: limit * 4]
        ):
            theirs = other.search_given
            if not given or not theirs or given.startswith(theirs) or theirs.startswith(given):
                found.append(other)
    return found[:limit]


def queue_for_steward(customer: Customer, others: Iterable[Customer], *, source: str) -> list[int]:
    """Queue each pair (customer, other) for the data steward's review."""
    from firstcontact.linkage.services import queue_pair

    queued = []
    for other in others:
        queue_pair(customer, other, source=source)
        queued.append(other.pk)
    return queued


def _add_update_consents(
    customer: Customer, consents: Iterable[str], how: str, channel: str, user
) -> None:
    """The resident asked for updates this way: keep that on the record they joined (once)."""
    current = set(customer.consents.current().values_list("purpose", flat=True))
    for purpose in dict.fromkeys(consents):
        if purpose in current or purpose == ConsentPurpose.SHARE_WITH_PARTNERS:
            continue
        record_consent(
            user=user,
            customer=customer,
            purpose=purpose,
            how=how,
            channel=channel if channel in Channel.values else "",
        )


def customer_for_submission(
    *,
    partner: Partner,
    channel: str,
    given_name: str = "",
    family_name: str = "",
    email: str = "",
    phone: str = "",
    addresses: Iterable[Mapping[str, str]] = (),
    preferred_channel: str = "",
    preferred_language: str = "en",
    consents: Iterable[str] = (),
    consent_how: str = "",
    user=None,
    exclude: Iterable[int] = (),
    shared: bool = True,
    actor=None,
) -> FrontDoorMatch:
    """The record of `partner` a resident's submission belongs to (see the module's rule).

    Call inside the submission's transaction. A new record is made with create_customer (its
    ValidationError passes up: a name and a contact point are needed). `exclude`: record ids
    never queued with it (the other partners' records made in the same tell-us-once bundle,
    already linked as the same person). `user` None: the resident; else the member of staff
    telling us for them (the desk's tell us once). `shared` False: only the partner's own
    records (tell us once: each partner told keeps its own record of the informant).
    `actor`: the member of staff named in the audit trail when `user` is None (the desk's
    tell us once, which makes records for partners the adviser does not act for).
    """
    addresses = list(addresses)
    consents = list(consents)
    found = verified_customer(
        partner, email=email, phone=phone, family_name=family_name, shared=shared
    )
    if found is not None:
        _add_update_consents(found, consents, consent_how, channel, user)
        record_audit_event(
            user=user or actor,
            action=AuditEvent.Action.UPDATE,
            object_type="customer",
            object_id=found.pk,
            customer_id=found.pk,
            detail=f"{channel} submission joined this record (verified email or phone)",
        )
        return FrontDoorMatch(customer=found, created=False)
    customer = create_customer(
        user=user,
        partner=partner,
        given_name=given_name,
        family_name=family_name,
        emails=[email] if email else [],
        phones=[phone] if phone else [],
        addresses=addresses,
        preferred_channel=preferred_channel,
        preferred_language=preferred_language,
        consents=consents,
        consent_how=consent_how,
    )
    skip = set(exclude)
    others = [c for c in possible_duplicates(customer, addresses=addresses) if c.pk not in skip]
    queued = queue_for_steward(customer, others, source="front_door") if others else []
    if queued:
        logger.info("Front door: customer %s queued with %s for review", customer.pk, queued)
    return FrontDoorMatch(customer=customer, created=True, queued=queued)


def verify_contact_point(*, email: str = "", phone: str = "") -> int:
    """The resident proved they hold this email address or phone number (a one-time code):
    mark it verified on every record holding it, each audited. Returns how many changed."""
    now = timezone.now()
    if email:
        points = CustomerEmail.objects.filter(address__lower=email.lower())
        what = "email address"
    elif phone:
        points = CustomerPhone.objects.filter(number=phone)
        what = "phone number"
    else:
        return 0
    points = points.filter(verified_at__isnull=True)
    customer_ids = sorted(set(points.values_list("customer_id", flat=True)))
    count = points.update(verified_at=now)
    for customer_id in customer_ids:
        record_audit_event(
            user=None,
            action=AuditEvent.Action.UPDATE,
            object_type="customer",
            object_id=customer_id,
            customer_id=customer_id,
            detail=f"{what} verified by the resident (one-time code on the web)",
        )
    return count


def customers_holding(*, email: str = "", phone: str = ""):
    """Every record (any partner's) holding this email address or phone number."""
    if email:
        return Customer.objects.filter(
            pk__in=CustomerEmail.objects.filter(address__lower=email.lower()).values("customer")
        )
    if phone:
        return Customer.objects.filter(
            pk__in=CustomerPhone.objects.filter(number=phone).values("customer")
        )
    return Customer.objects.none()


def resident_consents(*, email: str = "", phone: str = ""):
    """The consents (current and withdrawn) of every record holding the contact point."""
    return (
        Consent.objects.filter(customer__in=customers_holding(email=email, phone=phone))
        .select_related("customer__partner", "recipient")
        .order_by("withdrawn_at", "-given_at", "-pk")
    )
