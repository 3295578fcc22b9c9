"""Reads about partners and staff: who acts for whom, and whose area holds a place."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from shapely.geometry import Point
from shapely.prepared import PreparedGeometry, prep

from firstcontact.caching import TTLCache
from firstcontact.partners.geography import Location, parse_boundary
from firstcontact.partners.models import HubAgreement, Membership, Partner, PartnerArea, Role

User = AbstractBaseUser | AnonymousUser


def member_partner_ids(user: User) -> set[int]:
    """Partners the user works for directly."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("partner_id", flat=True))


def acting_partner_ids(user: User) -> set[int]:
    """Partners the user may act for: their own, and clients of a hub they work in.

    Cached on the user object for the request, since every selector asks.
    """
    cached = getattr(user, "_fc_acting_partner_ids", None)
    if cached is not None:
        return cached
    own = member_partner_ids(user)
    clients = set(
        HubAgreement.objects.in_force().filter(hub_id__in=own).values_list("client_id", flat=True)
    )
    result = own | clients
    if user.is_authenticated:
        user._fc_acting_partner_ids = result
    return result


def has_role(user: User, *roles: str, partner: Partner | None = None) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, role__in=roles)
    if partner is not None:
        memberships = memberships.filter(partner=partner)
    return memberships.exists()


def is_partnership_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or has_role(user, Role.PARTNERSHIP_ADMIN)
    )


# Which areas hold a place is asked for every report (Open311, the resident site, the desk),
# so each process keeps the areas with their boundaries parsed and prepared. A change saved
# in this process (an area, or a partner: the demo loader bulk-creates areas after saving its
# partners) clears it at once; a change made by another process, or by a bulk write, shows
# within AREA_CACHE_SECONDS.
AREA_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class _Area:
    partner_id: int
    postcode_districts: frozenset[str]
    has_boundary: bool
    # None for a boundary that does not parse (the admin refuses those): it holds nothing.
    prepared: PreparedGeometry | None


_area_cache: TTLCache[tuple[_Area, ...]] = TTLCache(lambda: AREA_CACHE_SECONDS)


def _load_areas() -> tuple[_Area, ...]:
    areas = []
    rows = PartnerArea.objects.order_by("pk").values_list(
        "partner_id", "postcode_districts", "boundary"
    )
    for partner_id, districts, boundary in rows:
        prepared = None
        if boundary:
            try:
                geometry = parse_boundary(boundary)
            except ValueError:
                geometry = None
            if geometry is not None:
                prepared = prep(geometry)
                # GEOS builds a prepared polygon's point index on first use, and that is not
                # thread-safe: build it now, before threads share it.
                prepared.covers(geometry.representative_point())
        areas.append(
            _Area(
                partner_id=partner_id,
                postcode_districts=frozenset(str(d) for d in districts or []),
                has_boundary=bool(boundary),
                prepared=prepared,
            )
        )
    return tuple(areas)


def _areas() -> tuple[_Area, ...]:
    return _area_cache.get_or_load("areas", _load_areas)


def clear_area_cache(**_kwargs: object) -> None:
    """Forget the prepared areas (on any change to an area or a partner)."""
    _area_cache.clear()


for _model in (PartnerArea, Partner):
    post_save.connect(clear_area_cache, sender=_model, dispatch_uid=f"areas-{_model.__name__}")
    post_delete.connect(clear_area_cache, sender=_model, dispatch_uid=f"areas-{_model.__name__}")


def partner_ids_covering(location: Location) -> set[int]:
    """Ids of partners any of whose areas contain the location (by point first, else by
    postcode). No query while the prepared areas are cached."""
    matching: set[int] = set()
    outward = location.outward_code
    point = Point(location.longitude, location.latitude) if location.has_point else None
    for area in _areas():
        if point is not None and area.has_boundary:
            # GeoJSON is (longitude, latitude).
            if area.prepared is not None and area.prepared.covers(point):
                matching.add(area.partner_id)
        elif outward and outward in area.postcode_districts:
            matching.add(area.partner_id)
    return matching


def partners_covering(location: Location) -> QuerySet[Partner]:
    """Partners any of whose areas contain the location (by point first, else by postcode)."""
    return Partner.objects.filter(pk__in=partner_ids_covering(location))
