"""The words for where a pin was put on the report map ("Pin placed on the map near Mill
Lane, WX2 1AA"), so a screen reader announces a place, not raw coordinates (issue 18).

From public data the site already has: the nearest postcode centroid (directory.Postcode,
the ONS Postcode Directory or the demo's gazetteer) within NEAREST_POSTCODE_M, and a street:
that of the nearest directory location within NEAREST_STREET_M, else of a directory
address in that postcode (numbers and building names taken off: open311.places.street_only).
Never a customer's address or a request's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from firstcontact.directory.geo import bounding_box, haversine_m
from firstcontact.directory.models import Address, Location, Postcode
from firstcontact.open311.places import street_only
from firstcontact.partners.geography import validate_coordinates

NEAREST_POSTCODE_M = 800
NEAREST_STREET_M = 150
CANDIDATES = 200


def _nearest(queryset, lat: float, lng: float, metres: float):
    south, north, west, east = bounding_box(lat, lng, metres)
    best, best_distance = None, metres
    for row in queryset.filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )[:CANDIDATES]:
        distance = haversine_m(lat, lng, row.latitude, row.longitude)
        if distance <= best_distance:
            best, best_distance = row, distance
    return best


def _street(lat: float, lng: float, postcode: str) -> str:
    location = _nearest(
        Location.objects.filter(latitude__isnull=False, longitude__isnull=False),
        lat,
        lng,
        NEAREST_STREET_M,
    )
    addresses = Address.objects.none()
    if location is not None:
        addresses = Address.objects.filter(location=location)
    if not addresses.exists() and postcode:
        addresses = Address.objects.filter(postal_code__iexact=postcode)
    for address in addresses[:5]:
        street = street_only(address.address_1).split(",")[0].strip()
        if street:
            return street
    return ""


def describe_pin(latitude: object, longitude: object) -> str:
    """What to announce for a pin at this point (the plain words where nothing is known)."""
    plain = _("Pin placed on the map")
    try:
        lat, lng = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return plain
    if lat != lat or lng != lng or validate_coordinates(lat, lng):
        return plain
    found = _nearest(Postcode.objects.filter(terminated__isnull=True), lat, lng, NEAREST_POSTCODE_M)
    postcode = found.postcode if found is not None else ""
    street = _street(lat, lng, postcode)
    if street and postcode:
        return _("Pin placed on the map near %(street)s, %(postcode)s") % {
            "street": street,
            "postcode": postcode,
        }
    if street or postcode:
        return _("Pin placed on the map near %(place)s") % {"place": street or postcode}
    return plain
