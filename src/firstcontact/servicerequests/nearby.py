"""Already reported nearby: before a new fault report is raised, the open requests of the same
service within FIRSTCONTACT["NEARBY_METRES"] of the place (or at the same postcode when the
place has no point), so the resident or adviser can add to one instead of raising a
duplicate. Whoever is added becomes a supporter (models.RequestSupporter): told of the
request's public updates, and counted for staff as "reported by N people".

What is shown is public information only (the service, the street, the status and the date):
never the reporter, never a private description. The resident site offers only requests of
services whose requests are public (their references are public through Open311 too); the
desk offers those and the requests the adviser may read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.directory.geo import bounding_box, haversine_m
from firstcontact.notify.services import notify_customer_of_request
from firstcontact.open311.places import street_only
from firstcontact.partners.geography import Location
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import (
    RequestSupporter,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)

DEFAULT_METRES = 50
MAX_SHOWN = 5


def nearby_metres() -> int:
    return int(settings.FIRSTCONTACT.get("NEARBY_METRES", DEFAULT_METRES))


@dataclass(frozen=True)
class Nearby:
    """An open request near the new report, as anyone may be told of it."""

    request: ServiceRequest
    distance_m: int | None  # None: matched by postcode
    street: str
    status_label: str
    reported_on: dt.date
    readable: bool = False  # the desk user reads it in full (a link to it)

    @property
    def reference(self) -> str:
        return self.request.formatted_reference

    @property
    def reported_by(self) -> int:
        """Whoever raised it and those added to it since."""
        return 1 + getattr(self.request, "supporter_count", 0)


def _candidates(service: Service) -> QuerySet[ServiceRequest]:
    # Requests raised in a tell-us-once bundle tell of a death or a move: never offered.
    return (
        ServiceRequest.objects.filter(service=service, bundle_item__isnull=True)
        .exclude(status=Status.CLOSED)
        .select_related("service")
        .annotate(supporter_count=Count("supporters"))
    )


def nearby_requests(
    service: Service,
    location: Location,
    *,
    readable: QuerySet[ServiceRequest] | None = None,
    metres: int | None = None,
) -> list[Nearby]:
    """Open requests of `service` near `location`, nearest first (at most MAX_SHOWN).

    Without `readable` (the resident site): only if the service's requests are public.
    `readable`: requests the desk user may read; offered even where the service's requests
    are not public, and marked `readable` so the page may link to them."""
    if service.kind != ServiceKind.FAULT_REPORT or location is None:
        return []
    metres = metres or nearby_metres()
    candidates = _candidates(service)
    if not service.requests_public:
        if readable is None:
            return []
        candidates = candidates.filter(pk__in=readable.values("pk"))
    found: list[tuple[float, ServiceRequest]] = []
    if location.latitude is not None and location.longitude is not None:
        south, north, west, east = bounding_box(location.latitude, location.longitude, metres)
        for request in candidates.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )[:200]:
            distance = haversine_m(
                location.latitude, location.longitude, request.latitude, request.longitude
            )
            if distance <= metres:
                found.append((distance, request))
    elif location.postcode:
        found = [(-1.0, r) for r in candidates.filter(postcode=location.postcode)[:MAX_SHOWN]]
    found.sort(key=lambda pair: (pair[0], -pair[1].created_at.timestamp()))
    found = found[:MAX_SHOWN]
    readable_ids = (
        set(readable.filter(pk__in=[r.pk for _d, r in found]).values_list("pk", flat=True))
        if readable is not None
        else set()
    )
    return [
        Nearby(
            request=request,
            distance_m=None if distance < 0 else round(distance),
            street=street_only(request.address),
            status_label=Status(request.status).label,
            reported_on=timezone.localtime(request.created_at).date(),
            readable=request.pk in readable_ids,
        )
        for distance, request in found
    ]


def offered(
    service: Service,
    location: Location,
    reference: str,
    *,
    readable: QuerySet[ServiceRequest] | None = None,
) -> ServiceRequest | None:
    """The request with this reference if it is (still) one of those offered here, else None:
    a form cannot add anyone to a request it was not offered."""
    for near in nearby_requests(service, location, readable=readable):
        if near.request.reference == reference:
            return near.request
    return None


def add_supporter(
    *,
    request: ServiceRequest,
    channel: str,
    customer: Customer | None = None,
    contact: Contact | None = None,
    user: AbstractBaseUser | None = None,
    at: dt.datetime | None = None,
) -> RequestSupporter:
    """Record that someone else reported the same problem: a supporter of `request`, told of
    its public updates (when they gave contact details), on its timeline for staff. The
    request's version is not bumped: an officer working on it is not interrupted."""
    now = at or timezone.now()
    with transaction.atomic():
        current = (
            ServiceRequest.objects.select_for_update().select_related("service").get(pk=request.pk)
        )
        if current.status == Status.CLOSED:
            raise ValidationError(
                {"nearby": "That report has just been closed. Report the problem as new."}
            )
        supporter = RequestSupporter.objects.create(
            request=current,
            customer=customer,
            contact=contact,
            channel=channel,
            created_at=now,
            added_by=user if user is not None and user.is_authenticated else None,
        )
        count = current.supporters.count()
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=supporter.added_by,
            kind=UpdateKind.SUPPORTER,
            status=current.status,
            public=False,
            text=f"Someone else reported the same problem ({channel}); "
            f"reported by {count + 1} people in all.",
        )
        if customer is not None:
            record_audit_event(
                user=supporter.added_by,
                action=AuditEvent.Action.CREATE,
                object_type="request_supporter",
                object_id=current.reference,
                customer_id=customer.pk,
            )
            reference = current.formatted_reference
            notify_customer_of_request(
                current,
                customer=customer,
                subject=f"Your report {reference}: {current.service.name}",
                body=f"Thank you. Someone had already reported this problem, so we have added "
                f"your report to theirs. We will tell you when it is updated.\n\n"
                f"The reference is {reference}. Quote it if you contact us.",
            )
    return supporter


def supporter_customers(request: ServiceRequest) -> list[Customer]:
    """The customers to tell of the request's public updates besides its own."""
    return [
        s.customer
        for s in request.supporters.filter(customer__isnull=False)
        .exclude(customer_id=request.customer_id)
        .select_related("customer")
        if s.customer is not None
    ]


def reported_by(request: ServiceRequest) -> int:
    """How many people reported it: whoever raised it and its supporters."""
    return 1 + request.supporters.count()
