"""Where a resident says something is, and who is responsible there, with messages that say
who to contact instead when none of the partnership's members can help."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from firstcontact.catalogue.models import Service, ServiceDelivery
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.partners.geography import Location, parse_boundary
from firstcontact.partners.models import Partner, PartnerArea
from firstcontact.partners.selectors import partners_covering
from firstcontact.servicerequests.services import clean_location

FIND_YOUR_COUNCIL = "https://www.gov.uk/find-local-council"


class PlaceProblem(ValidationError):
    """Nobody in the partnership can take this service here; `outside` when the place is
    outside every partner's area, `partners` those whose area it is in otherwise."""

    def __init__(self, message: str, *, outside: bool, partners: list[Partner] | None = None):
        super().__init__(message, code="outside" if outside else "not_here")
        self.outside = outside
        self.partners = partners or []


@dataclass(frozen=True)
class Place:
    location: Location
    delivery: ServiceDelivery


def location_from(
    *, latitude: str = "", longitude: str = "", postcode: str = "", address: str = ""
) -> Location:
    """A Location, or ValidationError {"pin"|"postcode"|"address": message} in the resident's
    language."""
    try:
        return clean_location(
            latitude=latitude or None,
            longitude=longitude or None,
            postcode=postcode,
            address=address,
        )
    except ValidationError as exc:
        errors = {}
        for field in exc.message_dict:
            if field == "lat":
                errors["pin"] = _(
                    "The pin is not on a real place. Put it on the map again, "
                    "or enter a postcode instead"
                )
            elif field == "postcode":
                errors["postcode"] = _("Enter a real postcode, like %(example)s") % {
                    "example": example_postcode()
                }
            elif field == "address":
                errors["address"] = _("Keep the address to 300 characters")
        raise ValidationError(errors) from exc


def responsible(service: Service, location: Location, *, site_name: str) -> Place:
    """The partner (and team) that takes `service` at `location`, or PlaceProblem."""
    covering = list(partners_covering(location))
    if not covering:
        raise PlaceProblem(
            _(
                "This place is outside the area %(site)s covers. Contact the council for that "
                "area instead: you can find it at www.gov.uk/find-local-council"
            )
            % {"site": site_name},
            outside=True,
        )
    try:
        delivery = resolve_delivery(service, location)
    except ValidationError:
        names = ", ".join(p.name for p in covering)
        raise PlaceProblem(
            _(
                "None of our partners provides “%(service)s” at this place. Contact "
                "%(partners)s for help"
            )
            % {"service": service.name, "partners": names},
            outside=False,
            partners=covering,
        ) from None
    return Place(location=location, delivery=delivery)


def example_postcode() -> str:
    """A postcode in the partnership's own area, for hints ("WX1 2AB")."""
    for districts in PartnerArea.objects.values_list("postcode_districts", flat=True):
        if districts:
            return f"{districts[0]} 2AB"
    return "SW1A 2AA"


def map_bounds() -> list[list[float]] | None:
    """[[south, west], [north, east]] around every partner's boundary, for the map."""
    south = west = 90.0
    north = east = -180.0
    found = False
    for boundary in PartnerArea.objects.filter(boundary__isnull=False).values_list(
        "boundary", flat=True
    ):
        try:
            minx, miny, maxx, maxy = parse_boundary(boundary).bounds
        except ValueError:
            continue
        found = True
        west, south = min(west, minx), min(south, miny)
        east, north = max(east, maxx), max(north, maxy)
    return [[south, west], [north, east]] if found else None


def map_tiles() -> dict:
    """The tile server and its attribution, for every map (no tiles when the URL is empty)."""
    return {
        "tiles": getattr(settings, "LEAFLET_TILE_URL", ""),
        "attribution": getattr(settings, "LEAFLET_TILE_ATTRIBUTION", ""),
    }


def map_config() -> dict:
    """A map of the partnership's area: its bounds as JSON ("" when no partner has a
    boundary) and the tiles."""
    bounds = map_bounds()
    return {"bounds": json.dumps(bounds) if bounds else "", **map_tiles()}
