"""Reads of the directory. It is public data (anyone may read it: docs/access.md), except the
entries of catalogue services that are for staff only, which never leave these functions."""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from dataclasses import dataclass
from functools import reduce

from django.db.models import Prefetch, Q, QuerySet

from firstcontact.directory.geo import bounding_box, haversine_m
from firstcontact.directory.models import (
    Attribute,
    Location,
    Organization,
    Postcode,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from firstcontact.partners.geography import normalise_outward_code, normalise_postcode

# Extent types a postcode search reads (ServiceArea's docstring).
POSTCODE_DISTRICTS = "postcode_districts"
GEOJSON = "geojson"


def _private_entries() -> QuerySet:
    """The ids of the directory entries of private catalogue services (a few): found from
    the private catalogue services, by the unique index of the entries' link to them."""
    from firstcontact.catalogue.models import Service as CatalogueService

    private = CatalogueService.objects.filter(private=True).values("pk")
    return Service.objects.filter(catalogue_service__in=private).values("pk")


def services() -> QuerySet[Service]:
    """Every service the public may see: not the entries of private catalogue services.

    By id rather than a join: the few private entries are read once, and a page of the API
    in id order then steps through the primary key's index alone."""
    return Service.objects.exclude(pk__in=_private_entries())


def services_at_locations() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.exclude(service_id__in=_private_entries())


def organizations() -> QuerySet[Organization]:
    return Organization.objects.all()


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.all()


def taxonomy_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy")


def service_prefetches(prefix: str = "") -> list:
    """Everything a fully nested service shows, fetched in a fixed number of queries."""
    p = prefix
    return [
        f"{p}schedules",
        f"{p}service_areas",
        f"{p}languages",
        f"{p}funding",
        f"{p}cost_options",
        f"{p}phones__languages",
        f"{p}contacts__phones__languages",
        Prefetch(
            f"{p}at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "schedules",
                "location__addresses",
                "location__accessibility",
                "location__phones__languages",
            ),
        ),
        f"{p}organization__identifiers",
    ]


def full_services(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.select_related("organization", "catalogue_service").prefetch_related(
        *service_prefetches()
    )


def attributes_for(entity: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Attribute]]:
    """The attributes (taxonomy terms) linked to each record, by its id."""
    found: dict[uuid.UUID, list[Attribute]] = {i: [] for i in ids}
    rows = Attribute.objects.filter(link_entity=entity, link_id__in=ids).select_related(
        "taxonomy_term__taxonomy"
    )
    for attribute in rows:
        found[attribute.link_id].append(attribute)
    return found


# Above this many organisations (or catalogue services) matching a word, a subquery instead
# of their ids in the statement.
MAX_IDS_INLINE = 1_000


def _ids_matching(queryset: QuerySet, word: str, fields: tuple[str, ...]) -> list | QuerySet:
    """The ids of the records with the word in one of the fields (empty: none), or a
    subquery of them when there are many."""
    matching = queryset.filter(
        reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields))
    ).values_list("pk", flat=True)
    ids = list(matching[: MAX_IDS_INLINE + 1])
    return ids if len(ids) <= MAX_IDS_INLINE else matching


def search_services(queryset: QuerySet[Service], text: str, prefix: str = "") -> QuerySet:
    """Each word in the name, description or keywords of the service (or the catalogue
    service it shows), or in its organisation's name.

    The organisations and catalogue services that match are found first, so that the
    service's own test is on its own row: PostgreSQL's trigram indexes (migration 0004) and
    its statistics then apply, and a search by place tests only the services in the box."""
    from firstcontact.catalogue.models import Service as CatalogueService

    p = prefix
    for word in text.split()[:10]:
        catalogue = _ids_matching(
            CatalogueService.objects.all(), word, ("name", "description", "keywords")
        )
        organizations = _ids_matching(Organization.objects.all(), word, ("name",))
        test = Q(**{f"{p}name__icontains": word}) | Q(**{f"{p}description__icontains": word})
        if not isinstance(catalogue, list) or catalogue:
            test |= Q(**{f"{p}catalogue_service__in": catalogue})
        if not isinstance(organizations, list) or organizations:
            test |= Q(**{f"{p}organization__in": organizations})
        queryset = queryset.filter(test)
    return queryset


def linked_to_term(entity: str, term_id: uuid.UUID) -> QuerySet:
    return Attribute.objects.filter(link_entity=entity, taxonomy_term_id=term_id).values("link_id")


def linked_to_taxonomy(entity: str, taxonomy_id: uuid.UUID) -> QuerySet:
    return Attribute.objects.filter(
        link_entity=entity, taxonomy_term__taxonomy_id=taxonomy_id
    ).values("link_id")


@dataclass(frozen=True)
class Centroid:
    postcode: str
    latitude: float
    longitude: float


def centroid(postcode: str) -> Centroid | None:
    """The centroid of a full postcode, None when it is not one or not loaded."""
    normal = normalise_postcode(postcode)
    if normal is None:
        return None
    row = Postcode.objects.filter(postcode=normal).values_list("latitude", "longitude").first()
    return Centroid(normal, *row) if row else None


def locations_near(latitude: float, longitude: float, metres: float) -> dict[uuid.UUID, float]:
    """Places within `metres` of a point, with their distance: a bounding box in SQL (the
    latitude, longitude index), then the exact great-circle distance."""
    south, north, west, east = bounding_box(latitude, longitude, metres)
    rows = Location.objects.filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    ).values_list("id", "latitude", "longitude")
    near = {}
    for location_id, lat, lon in rows.iterator(chunk_size=5000):
        distance = haversine_m(latitude, longitude, lat, lon)
        if distance <= metres:
            near[location_id] = distance
    return near


def services_covering(postcode: str, point: Centroid | None = None) -> list[uuid.UUID]:
    """Services whose service area covers a postcode: a list of its postcode district, or a
    GeoJSON boundary around its centroid (`point`, when the caller has it already)."""
    outward = normalise_outward_code(postcode)
    found: set[uuid.UUID] = set()
    if outward is None:
        return []
    listed = ServiceArea.objects.filter(
        extent_type=POSTCODE_DISTRICTS, extent__icontains=outward
    ).values_list("service_id", "extent")
    for service_id, extent in listed:
        codes = {normalise_outward_code(c) for c in extent.replace(";", ",").split(",")}
        if outward in codes:
            found.add(service_id)
    point = point or centroid(postcode)
    if point is not None:
        from shapely.geometry import Point, shape

        here = Point(point.longitude, point.latitude)
        for service_id, extent in ServiceArea.objects.filter(extent_type=GEOJSON).values_list(
            "service_id", "extent"
        ):
            try:
                geometry = shape(json.loads(extent))
            except (ValueError, TypeError, KeyError, AttributeError):
                continue  # an extent that is not GeoJSON covers nothing
            if geometry.covers(here):
                found.add(service_id)
    return sorted(found)


def modified_since(queryset: QuerySet, moment: dt.datetime, field: str = "last_modified"):
    return queryset.filter(**{f"{field}__gte": moment})
