"""Reads for data protection officers, scoped to the partners their role covers.

A partner's data protection officer (Role.DATA_PROTECTION_OFFICER) covers that partner's
records; the partnership's (Role.PARTNERSHIP_DPO) covers every partner's (docs/access.md,
"audit trail, subject access, erasure"). Coverage is by membership alone: hub agreements and
data-sharing agreements give a DPO nothing more.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    looks_like_phone,
    looks_like_uprn,
)
from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import Customer, CustomerLink
from firstcontact.partners.geography import normalise_postcode
from firstcontact.partners.models import Membership, Partner, Role
from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest
from firstcontact.privacy.services import record_audit_event

User = AbstractBaseUser | AnonymousUser

DPO_ROLES = (Role.DATA_PROTECTION_OFFICER, Role.PARTNERSHIP_DPO)
# Open requests due within this many days are tagged "due soon".
DUE_SOON_DAYS = 7


def dpo_partner_ids(user: User) -> frozenset[int]:
    """The partners whose records the user covers as a data protection officer (none for
    anyone else). Cached on the user object for the request."""
    cached = getattr(user, "_fc_dpo_partner_ids", None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    roles = dict(
        Membership.objects.filter(user=user, role__in=DPO_ROLES).values_list("partner_id", "role")
    )
    if Role.PARTNERSHIP_DPO in roles.values():
        result = frozenset(Partner.objects.values_list("pk", flat=True))
    else:
        result = frozenset(roles)
    user._fc_dpo_partner_ids = result
    return result


def is_dpo(user: User) -> bool:
    return bool(dpo_partner_ids(user))


def covered_partners(user: User) -> QuerySet[Partner]:
    return Partner.objects.filter(pk__in=dpo_partner_ids(user))


def covered_customers(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(partner_id__in=dpo_partner_ids(user))


def get_covered_customer(user: User, pk: object, *, purpose: str = "data protection") -> Customer:
    """One customer record the DPO covers, for display (audited); 404 otherwise."""
    from firstcontact.customers.selectors import audited_customer

    try:
        pk = int(str(pk))
    except ValueError:
        raise Http404("No customer record with that number.") from None
    return audited_customer(
        user,
        covered_customers(user),
        pk,
        purpose=purpose,
        missing="No customer record with that number that you cover.",
        prefetch=("phones", "emails", "addresses"),
    )


def search_people(user: User, query: str, *, limit: int = 50) -> list[Customer]:
    """Customer records matching a name (typos allowed), phone, email, postcode, UPRN or
    record number, among the partners the DPO covers. Audited with the terms and the ids
    found (the customers app's name search, on the DPO's scope rather than the desk's)."""
    from firstcontact.customers.selectors import _search_by_name

    query = (query or "").strip()[:200]
    scope = covered_customers(user)
    found: list[Customer] = []
    if not query or not dpo_partner_ids(user):
        return found
    if "@" in query:
        try:
            email = clean_email(query)
        except ValueError:
            email = query
        found = list(scope.filter(emails__address__lower=email.lower()).distinct()[:limit])
    elif re.fullmatch(r"#?\d{1,9}", query):
        # A record number (as shown on the DPO's pages), else a UPRN of the same digits.
        found = list(scope.filter(pk=int(query.lstrip("#"))))
        if not found and looks_like_uprn(query):
            found = list(scope.filter(addresses__uprn=str(int(query))).distinct()[:limit])
    elif looks_like_phone(query):
        try:
            number = clean_phone(query)
        except ValueError:
            number = None
        if number:
            found = list(scope.filter(phones__number=number).distinct()[:limit])
    elif postcode := normalise_postcode(query):
        found = list(scope.filter(addresses__postcode=postcode).distinct()[:limit])
    elif looks_like_uprn(query):
        found = list(scope.filter(addresses__uprn=str(int(query))).distinct()[:limit])
    elif re.search(r"[^\W\d_]", query) and (name := normalise_name(query)):
        found = [match.customer for match in _search_by_name(scope, name, limit)]
    ids = [c.pk for c in found]
    record_audit_event(
        user=user,
        action=AuditEvent.Action.SEARCH,
        object_type="customer",
        object_id="-",
        detail=f"DPO search {query!r}: {len(ids)} result(s) " + " ".join(map(str, ids)),
    )
    if found:
        by_pk = {c.pk: c for c in scope.select_related("partner").filter(pk__in=ids)}
        found = [by_pk[pk] for pk in ids if pk in by_pk]
    return found


def linked_customer_ids(customer_ids: set[int]) -> set[int]:
    """The records linked (by CustomerLink, at any partner, transitively) to these, and
    those merged into them or they into (customers.merging: a survivor's audit trail and
    subject access export include its merged records')."""
    seen = set(customer_ids)
    frontier = set(customer_ids)
    while frontier:
        links = CustomerLink.objects.filter(
            Q(from_customer_id__in=frontier) | Q(to_customer_id__in=frontier)
        ).values_list("from_customer_id", "to_customer_id")
        merges = Customer.objects.filter(
            Q(pk__in=frontier, merged_into__isnull=False) | Q(merged_into_id__in=frontier)
        ).values_list("pk", "merged_into_id")
        new = {pk for pair in [*links, *merges] for pk in pair} - seen
        seen |= new
        frontier = new
    return seen


@dataclass(frozen=True)
class Candidate:
    customer: Customer
    reasons: tuple[str, ...]


def possible_matches(user: User, customer: Customer) -> list[Candidate]:
    """Other covered records, not linked, sharing an email, a phone, or a date of birth with
    the same family name: for the DPO to tick into an export if they are the same person."""
    linked = linked_customer_ids({customer.pk})
    scope = covered_customers(user).exclude(pk__in=linked)
    reasons: dict[int, list[str]] = {}
    emails = [e.address.lower() for e in customer.emails.all()]
    phones = [p.number for p in customer.phones.all()]
    checks = []
    if emails:
        checks.append(("same email", Q(emails__address__lower__in=emails)))
    if phones:
        checks.append(("same phone", Q(phones__number__in=phones)))
    if customer.date_of_birth and customer.search_family:
        checks.append(
            (
                "same date of birth and family name",
                Q(date_of_birth=customer.date_of_birth, search_family=customer.search_family),
            )
        )
    for reason, condition in checks:
        for pk in scope.filter(condition).values_list("pk", flat=True).distinct()[:50]:
            reasons.setdefault(pk, []).append(reason)
    customers = scope.select_related("partner").in_bulk(list(reasons))
    return [
        Candidate(customers[pk], tuple(dict.fromkeys(reasons[pk])))
        for pk in sorted(customers, key=lambda pk: (customers[pk].partner.name, pk))
    ]


def covered_linked_records(user: User, customer: Customer) -> list[Customer]:
    """The record and those linked to it that the DPO covers."""
    ids = linked_customer_ids({customer.pk})
    return list(
        covered_customers(user)
        .filter(pk__in=ids)
        .select_related("partner")
        .order_by("partner__name", "pk")
    )


# Subject access requests.


def subject_access_requests(user: User) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(partner_id__in=dpo_partner_ids(user)).select_related(
        "partner", "logged_by"
    )


def get_subject_access_request(user: User, pk: int) -> SubjectAccessRequest:
    sar = subject_access_requests(user).filter(pk=pk).first()
    if sar is None:
        raise Http404("No subject access request with that number that you cover.")
    return sar


def deadline_tag(sar: SubjectAccessRequest, today: dt.date | None = None) -> str:
    """ "overdue", "due soon" or "" for an open request; "" once it is closed."""
    if sar.status != SubjectAccessRequest.Status.OPEN:
        return ""
    today = today or timezone.localdate()
    if sar.due_on < today:
        return "overdue"
    if sar.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due soon"
    return ""


# The audit trail.


def visible_audit_events(user: User) -> QuerySet[AuditEvent]:
    """Audit rows the DPO may read: all for the partnership's DPO; for a partner's DPO, rows
    about that partner's customer records, and rows about no customer (searches, sign-ins)
    made by that partner's own staff."""
    partner_ids = dpo_partner_ids(user)
    if not partner_ids:
        return AuditEvent.objects.none()
    if partner_ids == frozenset(Partner.objects.values_list("pk", flat=True)):
        return AuditEvent.objects.all()
    customers = Customer.objects.filter(partner_id__in=partner_ids).values("pk")
    staff = Membership.objects.filter(partner_id__in=partner_ids).values("user_id")
    return AuditEvent.objects.filter(
        Q(customer_id__in=customers) | Q(customer_id__isnull=True, user_id__in=staff)
    )


def known_username(username: str) -> bool:
    """Whether a login of that name exists, or ever appeared in the audit trail."""
    User = get_user_model()
    return (
        User.objects.filter(**{User.USERNAME_FIELD: username}).exists()
        or AuditEvent.objects.filter(username=username).exists()
    )


def search_audit_events(
    user: User,
    *,
    customer_ids: set[int] | None = None,
    username: str = "",
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    actions: list[str] | None = None,
) -> QuerySet[AuditEvent]:
    """The DPO's audit search, newest first: about these customer records, by this user,
    between these dates (inclusive, local days), of these actions."""
    events = visible_audit_events(user)
    if customer_ids is not None:
        events = events.filter(customer_id__in=customer_ids)
    if username:
        events = events.filter(username=username)
    zone = timezone.get_current_timezone()
    if starts:
        events = events.filter(at__gte=dt.datetime.combine(starts, dt.time.min, tzinfo=zone))
    if ends:
        next_day = ends + dt.timedelta(days=1)
        events = events.filter(at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
    if actions:
        events = events.filter(action__in=actions)
    return events.order_by("-at", "-pk")
