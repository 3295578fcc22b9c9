"""Reads for the Open311 endpoints, scoped to one jurisdiction (partner), with no personal
data: requests the partner is responsible for or that were posted to it, reports accepted
but not yet raised, and public updates with GeoReport / mySociety statuses."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from firstcontact.catalogue.models import Service
from firstcontact.open311.models import Open311Submission
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
    """Services the partner delivers that residents may ask for, in a stable order."""
    return (
        Service.objects.public()
        .filter(deliveries__partner=partner)
        .distinct()
        .order_by("group", "name", "code")
    )


def requests_in_scope(partner: Partner) -> QuerySet[ServiceRequest]:
    posted_here = Open311Submission.objects.filter(service_request=OuterRef("pk"), partner=partner)
    return ServiceRequest.objects.filter(Q(responsible_partner=partner) | Q(Exists(posted_here)))


def pending_reports(partner: Partner) -> QuerySet[Open311Submission]:
    """Reports accepted (posted here, or routed here when accepted) and not yet raised as
    service requests: listed as open requests until the background task raises them."""
    return (
        Open311Submission.objects.filter(service_request__isnull=True)
        .filter(Q(partner=partner) | Q(responsible_partner=partner))
        .select_related("service__sla_policy", "responsible_partner")
    )


def requests_for_listing(partner: Partner) -> QuerySet[ServiceRequest]:
    latest_note = (
        RequestUpdate.objects.filter(request=OuterRef("pk"), public=True)
        .exclude(kind=UpdateKind.CREATED)
        .order_by("-created_at", "-pk")
        .values("text")[:1]
    )
    return (
        requests_in_scope(partner)
        .select_related("service", "responsible_partner")
        .annotate(status_notes=Subquery(latest_note))
        .prefetch_related(
            Prefetch(
                "open311_submissions",
                queryset=Open311Submission.objects.only("pk", "service_request_id", "media_urls"),
            ),
            Prefetch("photos", queryset=RequestPhoto.objects.only("pk", "request_id", "file")),
        )
    )


def public_updates(partner: Partner) -> QuerySet[RequestUpdate]:
    posted_here = Open311Submission.objects.filter(
        service_request=OuterRef("request_id"), partner=partner
    )
    client_id = (
        Open311Submission.objects.filter(service_request=OuterRef("request_id"), partner=partner)
        .exclude(client_request_id="")
        .values("client_request_id")[:1]
    )
    return (
        RequestUpdate.objects.filter(public=True)
        .filter(Q(request__responsible_partner=partner) | Q(Exists(posted_here)))
        .select_related("request")
        .annotate(client_request_id=Subquery(client_id))
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
