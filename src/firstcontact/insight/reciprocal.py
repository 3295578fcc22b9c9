"""Reciprocal reporting (issue 17, item 3): a police or council community-safety officer raises
a request for the other agency from a place on the hotspot map or from one of their own
requests. The request is raised by servicerequests.services.raise_request like any other (the
service and the place route it to the partner that deals with it there), with no customer,
and a ReciprocalRequest links it to the place and the request it came from.

Who sees what (docs/access.md, "Reading records"):
- the other partner reads the raised request as its own, and sees who raised it from where
  (the originating request's reference only if it reads that request too);
- staff acting for the raising partner follow its progress: reference, service, partner,
  status, due date and closing date: what public tracking gives anyone holding the reference
  of a request made without contact details. Its notes and updates stay the other partner's,
  unless the user reads the raised request anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from firstcontact.catalogue.models import Service, ServiceDelivery
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.customers.models import Channel
from firstcontact.insight.hotspots import Square
from firstcontact.insight.models import ReciprocalRequest
from firstcontact.insight.scoping import can_view_places, community_safety_service_ids
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.permissions import may_raise_requests
from firstcontact.servicerequests.selectors import get_request, visible_requests
from firstcontact.servicerequests.services import raise_request


def may_raise_for_other_agency(user) -> bool:
    """Community-safety staff who may raise requests: caseworkers of a community-safety team,
    team leaders and managers (not a partnership administrator alone: it does no case work)."""
    return bool(user.is_authenticated and can_view_places(user) and may_raise_requests(user))


def originating_request(user, reference: str) -> ServiceRequest:
    """The user's own request to raise from: 404 unless they read it (audited as a view, as
    any request page is), 403 unless they act for the partner holding it and it is a
    community-safety request."""
    origin = get_request(user, reference)
    if origin.responsible_partner_id not in acting_partner_ids(user):
        raise PermissionDenied(
            f"Only staff acting for {origin.responsible_partner.name} raise requests for "
            "other agencies from this request."
        )
    if origin.service_id not in community_safety_service_ids():
        raise PermissionDenied(
            "Requests for other agencies are raised from community-safety requests only."
        )
    return origin


def other_agency_options(
    location: Location, from_partner_ids: set[int]
) -> list[tuple[Service, ServiceDelivery]]:
    """The community-safety services that the place routes to a partner other than the
    raising one(s), each with the delivery that would take it."""
    services = (
        Service.objects.active()
        .filter(pk__in=community_safety_service_ids())
        .prefetch_related("deliveries__partner", "deliveries__team")
        .order_by("name")
    )
    options = []
    for service in services:
        try:
            delivery = resolve_delivery(service, location)
        except ValidationError:
            continue  # nobody takes it there
        if delivery.partner_id not in from_partner_ids:
            options.append((service, delivery))
    return options


def raise_for_other_agency(
    *,
    user,
    service: Service,
    location: Location,
    description: str,
    from_partner: Partner,
    origin: ServiceRequest | None = None,
    place: str = "",
    attributes: dict | None = None,
) -> ServiceRequest:
    """Raise the request for the other partner and link it to where it came from, in one
    transaction. ValidationError (field-named) when the place routes the service back to the
    raising partner, or anything raise_request refuses."""
    if not may_raise_for_other_agency(user):
        raise PermissionDenied("Only community-safety staff raise requests for other agencies.")
    if from_partner.pk not in acting_partner_ids(user):
        raise PermissionDenied(f"You do not act for {from_partner.name}.")
    if origin is not None and origin.responsible_partner_id != from_partner.pk:
        raise PermissionDenied("Raise it for the partner holding the request it comes from.")
    if service.pk not in community_safety_service_ids():
        raise ValidationError({"service": "Choose a community-safety problem from the list."})
    delivery = resolve_delivery(service, location)
    if delivery.partner_id == from_partner.pk:
        raise ValidationError(
            {"service": f"{from_partner.name} deals with “{service.name}” here itself."}
        )
    if not place and location.latitude is not None and location.longitude is not None:
        place = square_of(location.latitude, location.longitude).key
    with transaction.atomic():
        raised = raise_request(
            user=user,
            service=service,
            channel=origin.channel if origin is not None else Channel.FACE_TO_FACE,
            location=location,
            description=description,
            description_public=False,
            attributes=attributes or {},
        )
        ReciprocalRequest.objects.create(
            raised=raised, origin=origin, place=place, from_partner=from_partner, raised_by=user
        )
    return raised


def square_of(latitude: float, longitude: float) -> Square:
    from firstcontact.insight.hotspots import CELL_LAT, CELL_LON

    return Square(int(latitude // CELL_LAT), int(longitude // CELL_LON))


# --- Progress, as each side may see it -------------------------------------------------------


@dataclass(frozen=True)
class RaisedRow:
    """A request raised for another agency, as the user may see it."""

    link: ReciprocalRequest
    readable: bool  # the user reads the raised request itself (a link to it)

    @property
    def request(self) -> ServiceRequest:
        return self.link.raised


def raised_rows(user, links: QuerySet[ReciprocalRequest]) -> list[RaisedRow]:
    """The links whose progress the user follows: those raised for a partner the user acts
    for, and those whose raised request the user reads."""
    acting = acting_partner_ids(user)
    links = links.select_related(
        "raised__service", "raised__responsible_partner", "from_partner", "raised_by"
    )
    readable = set(
        visible_requests(user)
        .filter(pk__in=[link.raised_id for link in links])
        .values_list("pk", flat=True)
    )
    return [
        RaisedRow(link, link.raised_id in readable)
        for link in links
        if link.raised_id in readable or link.from_partner_id in acting
    ]


def raised_from_request(user, origin: ServiceRequest) -> list[RaisedRow]:
    return raised_rows(user, ReciprocalRequest.objects.filter(origin=origin))


def raised_at_place(user, place: str) -> list[RaisedRow]:
    return raised_rows(user, ReciprocalRequest.objects.filter(place=place))


@dataclass(frozen=True)
class Source:
    """Where a raised request came from, for a reader of the raised request."""

    link: ReciprocalRequest
    origin_readable: bool
    square: Square | None


def source_of(user, raised: ServiceRequest) -> Source | None:
    link = (
        ReciprocalRequest.objects.filter(raised=raised)
        .select_related("from_partner", "raised_by", "origin")
        .first()
    )
    if link is None:
        return None
    readable = (
        link.origin_id is not None and visible_requests(user).filter(pk=link.origin_id).exists()
    )
    return Source(link, readable, Square.parse(link.place) if link.place else None)
