"""Reads for the Open311 endpoints, scoped to one jurisdiction (partner), with no personal
data: requests the partner is responsible for or that were posted to it, reports accepted
but not yet raised, and public updates with GeoReport / mySociety statuses.

What the public may see (docs/access.md, "Public"): only requests of services whose requests
are public (street faults), never one raised as part of a tell-us-once bundle (a life event);
a client with a key sees, besides, the ids it gave its own reports and no other client's.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from firstcontact.catalogue.models import Service
from firstcontact.open311.models import Open311Client, Open311Submission
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)


def jurisdiction_services(partner: Partner) -> QuerySet[Service]:
    """Services the partner delivers that a reporting client may send, in a stable order."""
    return (
        Service.objects.open311_reportable()
        .filter(deliveries__partner=partner)
        .distinct()
        .order_by("group", "name", "code")
    )


def requests_in_scope(partner: Partner) -> QuerySet[ServiceRequest]:
    posted_here = Open311Submission.objects.filter(service_request=OuterRef("pk"), partner=partner)
    return ServiceRequest.objects.filter(Q(responsible_partner=partner) | Q(Exists(posted_here)))


def public_requests(partner: Partner) -> QuerySet[ServiceRequest]:
    """The partner's requests the public may see: those of services whose requests are
    public, and none raised in a tell-us-once bundle (which tells of a death or a move)."""
    return requests_in_scope(partner).filter(
        service__requests_public=True, bundle_item__isnull=True
    )


def pending_reports(partner: Partner) -> QuerySet[Open311Submission]:
    """Reports accepted (posted here, or routed here when accepted) and not yet raised as
    service requests: listed as open requests until the background task raises them."""
    return (
        Open311Submission.objects.filter(service_request__isnull=True)
        .filter(Q(partner=partner) | Q(responsible_partner=partner))
        .select_related("service__sla_policy", "responsible_partner")
    )


def public_pending_reports(partner: Partner) -> QuerySet[Open311Submission]:
    return pending_reports(partner).filter(service__requests_public=True)


def _client_request_id(client: Open311Client | None, request_ref: str = "pk"):
    """The id `client` gave the request when it sent it (its own requests only), or NULL."""
    if client is None:
        return Value(None, output_field=CharField())
    return Subquery(
        Open311Submission.objects.filter(service_request=OuterRef(request_ref), client=client)
        .exclude(client_request_id="")
        .values("client_request_id")[:1]
    )


def requests_for_listing(
    partner: Partner, client: Open311Client | None = None
) -> QuerySet[ServiceRequest]:
    """Public requests with what the listing shows: the latest public note and, for a
    client with a key, its own id for each request it sent."""
    latest_note = (
        RequestUpdate.objects.filter(request=OuterRef("pk"), public=True)
        .exclude(kind=UpdateKind.CREATED)
        .order_by("-created_at", "-pk")
        .values("text")[:1]
    )
    return (
        public_requests(partner)
        .select_related("service", "responsible_partner")
        .annotate(status_notes=Subquery(latest_note), client_request_id=_client_request_id(client))
        .prefetch_related(
            Prefetch(
                "open311_submissions",
                queryset=Open311Submission.objects.only("pk", "service_request_id", "media_urls"),
            ),
            Prefetch("photos", queryset=RequestPhoto.objects.only("pk", "request_id", "file")),
        )
    )


def public_updates(partner: Partner, client: Open311Client | None) -> QuerySet[RequestUpdate]:
    """Public timeline entries of the partner's public requests; `client_request_id` is the
    id `client` gave the request, only where it sent it (never another client's)."""
    posted_here = Open311Submission.objects.filter(
        service_request=OuterRef("request_id"), partner=partner
    )
    return (
        RequestUpdate.objects.filter(public=True)
        .filter(Q(request__responsible_partner=partner) | Q(Exists(posted_here)))
        .filter(request__service__requests_public=True, request__bundle_item__isnull=True)
        .select_related("request")
        .annotate(client_request_id=_client_request_id(client, "request_id"))
        .order_by("created_at", "pk")
    )


def open311_status(status: str) -> str:
    return "closed" if status == Status.CLOSED else "open"


_BY_STATUS = {
    Status.OPEN: "OPEN",
    Status.ACKNOWLEDGED: "INVESTIGATING",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.ON_HOLD: "ACTION_SCHEDULED",
}
_BY_OUTCOME = {
    ClosureOutcome.FIXED: "FIXED",
    ClosureOutcome.DUPLICATE: "DUPLICATE",
    ClosureOutcome.NOT_OUR_RESPONSIBILITY: "NOT_COUNCILS_RESPONSIBILITY",
    ClosureOutcome.NO_FURTHER_ACTION: "NO_FURTHER_ACTION",
    ClosureOutcome.CANCELLED: "CLOSED",
}


def extended_status(update: RequestUpdate, partner: Partner) -> str:
    """mySociety's extended status of a timeline entry, as seen by `partner`'s feed.

    A request routed (when raised) to another partner than the one it was posted to, or
    referred on afterwards, is reported as INTERNAL_REFERRAL; closing it as not ours is
    NOT_COUNCILS_RESPONSIBILITY.
    """
    if update.kind == UpdateKind.REFERRAL:
        return "INTERNAL_REFERRAL"
    if update.kind == UpdateKind.CREATED and update.request.responsible_partner_id != partner.pk:
        return "INTERNAL_REFERRAL"
    if update.status == Status.CLOSED:
        return _BY_OUTCOME.get(update.outcome, "CLOSED")
    return _BY_STATUS.get(update.status, "OPEN")


def external_status_code(update: RequestUpdate) -> str:
    if update.kind == UpdateKind.REFERRAL:
        return "referral"
    if update.status == Status.CLOSED and update.outcome:
        return f"closed:{update.outcome}"
    return update.status
