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


# Roles by what they do (docs/access.md, "Roles"). Staff roles work the desk and case work;
# work roles act on service requests; lead roles also escalate complaints and send final
# responses.
STAFF_ROLES = frozenset({Role.ADVISER, Role.CASEWORKER, Role.TEAM_LEADER, Role.MANAGER})
WORK_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEADER, Role.MANAGER})
LEAD_ROLES = frozenset({Role.TEAM_LEADER, Role.MANAGER})


def member_partner_ids(user: User) -> set[int]:
    """Partners the user works for directly (in any role)."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("partner_id", flat=True))


# Roles that read no case work or customer records (docs/access.md, Roles): a partnership
# administrator configures; a directory editor keeps the directory of services.
NO_CASE_WORK = frozenset({Role.PARTNERSHIP_ADMIN, Role.DIRECTORY_EDITOR})


def acting_roles(user: User) -> dict[int, frozenset[str]]:
    """partner id → the roles in which the user acts for that partner (docs/access.md).

    Their own memberships (a partnership administrator's or directory editor's membership
    reads no case work, so it is left out), and the clients of each hub agreement in force
    that names the role of one of their memberships of the hub (and, where the agreement names
    teams, that membership's team): acting for the client in that role. Cached on the user
    object for the request, since every selector asks.
    """
    cached = getattr(user, "_fc_acting_roles", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return {}
    roles: dict[int, set[str]] = {}
    memberships = list(
        Membership.objects.filter(user=user)
        .exclude(role__in=NO_CASE_WORK)
        .values_list("partner_id", "role", "team_id")
    )
    for partner_id, role, _team in memberships:
        roles.setdefault(partner_id, set()).add(role)
    if memberships:
        agreements = (
            HubAgreement.objects.in_force()
            .filter(hub_id__in={m[0] for m in memberships})
            .prefetch_related("acting_teams")
        )
        for agreement in agreements:
            teams = {t.pk for t in agreement.acting_teams.all()}
            named = set(agreement.acting_roles or [])
            for partner_id, role, team in memberships:
                if partner_id != agreement.hub_id or role not in named:
                    continue
                if teams and team not in teams:
                    continue
                roles.setdefault(agreement.client_id, set()).add(role)
    result = {pk: frozenset(r) for pk, r in roles.items()}
    user._fc_acting_roles = result
    return result


def acting_partner_ids(user: User) -> set[int]:
    """Partners the user acts for: their own (not as partnership administrator alone), and
    the clients of hub agreements that name their role (and team) at the hub."""
    return set(acting_roles(user))


def roles_at(user: User, partner_id: int | None) -> frozenset[str]:
    """The user's own roles as a member of the partner (not through a hub agreement)."""
    if partner_id is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_fc_own_roles", None)
    if cached is None:
        cached = {}
        for pk, role in Membership.objects.filter(user=user).values_list("partner_id", "role"):
            cached.setdefault(pk, set()).add(role)
        cached = {pk: frozenset(r) for pk, r in cached.items()}
        user._fc_own_roles = cached
    return cached.get(partner_id, frozenset())


def partner_ids_with_role(user: User, roles: frozenset[str] | set[str]) -> set[int]:
    """Partners the user is a member of in one of `roles` (own memberships only)."""
    if not user.is_authenticated:
        return set()
    roles_at(user, 0)  # fills the cache
    return {pk for pk, held in user._fc_own_roles.items() if held & set(roles)}


def own_partner_ids(user: User) -> set[int]:
    """Partners the user is a member of in a role that reads case work (any but partnership
    administrator and directory editor)."""
    return partner_ids_with_role(user, set(Role.values) - NO_CASE_WORK)


def acts_in_role(user: User, roles: frozenset[str] | set[str]) -> set[int]:
    """Partners the user acts for (own or through a hub) in one of `roles`."""
    return {pk for pk, held in acting_roles(user).items() if held & set(roles)}


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
