"""Reads of service requests, scoped to the acting user's partners, referrals and sharing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from firstcontact.customers.selectors import (
    CustomerMatch,
    record_search,
    search_customers,
    sharing_scope,
    visible_customers,
)
from firstcontact.partners.selectors import own_partner_ids
from firstcontact.privacy.models import AuditEvent, DataCategory
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import (
    Referral,
    RequestAttachment,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
    Status,
)
from firstcontact.servicerequests.permissions import OPEN_REFERRAL_STATES, relation
from firstcontact.servicerequests.references import (
    ReferenceError,
    looks_like_reference,
    parse_reference,
)

User = AbstractBaseUser | AnonymousUser


def visible_requests(user: User) -> QuerySet[ServiceRequest]:
    """Requests the user may read (docs/access.md): held by a partner they act for (own or
    hub), referred to a partner they are a member of while the referral is open (sent or
    accepted), or shared by a data-sharing agreement and the customer's consent that names
    a partner the user acts for."""
    scope = sharing_scope(
        user,
        DataCategory.SERVICE_REQUESTS,
        partner_field="responsible_partner",
        customer_field="customer",
    )
    members = own_partner_ids(user)
    if members:
        referred = Referral.objects.filter(
            request=OuterRef("pk"), to_partner_id__in=members, state__in=OPEN_REFERRAL_STATES
        )
        scope |= Q(Exists(referred))
    return ServiceRequest.objects.filter(scope)


def get_request(user: User, reference: str) -> ServiceRequest:
    """One request by reference for staff; audited when it is about a customer."""
    try:
        reference = parse_reference(reference)
    except ReferenceError as exc:
        raise Http404(str(exc)) from exc
    request = (
        visible_requests(user)
        .select_related("service", "responsible_partner", "team", "assignee", "customer")
        .filter(reference=reference)
        .first()
    )
    if request is None:
        raise Http404("No request with that reference that you may see.")
    if request.customer_id:
        record_audit_event(
            user=user,
            action=AuditEvent.Action.VIEW,
            object_type="service_request",
            object_id=request.reference,
            customer_id=request.customer_id,
        )
    return request


def shows_internal_updates(user: User, request: ServiceRequest) -> bool:
    """Whether the user reads the request's internal notes: own, hub and referred readers
    do; those who read it through a data-sharing agreement see only its public updates."""
    return relation(user, request) in {"own", "hub", "referred"}


def request_updates(user: User, request: ServiceRequest) -> list[RequestUpdate]:
    """The request's timeline as the user may read it (public updates only for `shared`)."""
    updates = request.updates.select_related("author")
    if not shows_internal_updates(user, request):
        updates = updates.filter(public=True)
    return list(updates)


def find_customers(user: User, query: str, *, limit: int = 20) -> list[CustomerMatch]:
    """The adviser's one search box: a request reference finds its customer; anything else
    is a customer search by name, phone, email, postcode or UPRN. Every search is audited
    with what was typed and the customers it found."""
    if looks_like_reference(query):
        try:
            reference = parse_reference(query)
        except ReferenceError:
            reference = None
        if reference:
            request = (
                visible_requests(user)
                .filter(reference=reference, customer__isnull=False)
                .select_related("customer", "customer__partner")
                .first()
            )
            if (
                request is not None
                and request.customer is not None
                and visible_customers(user).filter(pk=request.customer_id).exists()
            ):
                record_search(user, query, [request.customer_id], purpose="by request reference")
                return [CustomerMatch(request.customer, 100.0, "reference")]
    # Anything else (a reference that finds nobody too) is searched, and audited, as terms.
    return search_customers(user, query, limit=limit)


@dataclass(frozen=True)
class SLACounts:
    open: int
    due_today: int
    overdue: int


def sla_counts(requests: QuerySet[ServiceRequest], now: dt.datetime | None = None) -> SLACounts:
    """Open requests, those due before the end of today and those already past due.

    On-hold requests are not counted as due or overdue: their clock is stopped.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    running = Q(sla_due_at__isnull=False) & ~Q(status=Status.ON_HOLD)
    counts = requests.exclude(status=Status.CLOSED).aggregate(
        open=Count("pk"),
        due_today=Count("pk", filter=running & Q(sla_due_at__gte=now, sla_due_at__lt=end_of_day)),
        overdue=Count("pk", filter=running & Q(sla_due_at__lt=now)),
    )
    return SLACounts(**counts)


def _readable_file(user: User, queryset, pk: int, kind: str):
    """A request's photo or attachment for staff (docs/access.md: own, hub and referred
    readers; not those who read the request through a data-sharing agreement), audited when
    the request is about a customer; Http404 otherwise, as for a record that does not exist."""
    found = (
        queryset.filter(pk=pk, request__in=visible_requests(user))
        .select_related("request", "request__responsible_partner")
        .first()
    )
    if found is None or not shows_internal_updates(user, found.request):
        raise Http404("No such file that you may see.")
    if found.request.customer_id:
        record_audit_event(
            user=user,
            action=AuditEvent.Action.VIEW,
            object_type=kind,
            object_id=str(found.pk),
            customer_id=found.request.customer_id,
            detail=f"of request {found.request.reference}",
        )
    return found


def get_photo(user: User, pk: int) -> RequestPhoto:
    return _readable_file(user, RequestPhoto.objects.all(), pk, "request_photo")


def get_attachment(user: User, pk: int) -> RequestAttachment:
    return _readable_file(user, RequestAttachment.objects.all(), pk, "request_attachment")


def request_files(user: User, request: ServiceRequest) -> tuple[list, list]:
    """(photos, attachments) of a request the user reads, or two empty lists for a reader
    through a data-sharing agreement, who sees only its public updates."""
    if not shows_internal_updates(user, request):
        return [], []
    return list(request.photos.all()), list(request.attachments.select_related("uploaded_by"))
