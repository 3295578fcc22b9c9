"""Reads about partners and staff: who acts for whom, and whose area holds a place."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from firstcontact.partners.geography import Location, boundary_contains
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


def partners_covering(location: Location) -> QuerySet[Partner]:
    """Partners any of whose areas contain the location (by point first, else by postcode)."""
    matching: set[int] = set()
    outward = location.outward_code
    for area in PartnerArea.objects.all().only("partner_id", "postcode_districts", "boundary"):
        if location.has_point and area.boundary:
            if boundary_contains(area.boundary, location.latitude, location.longitude):
                matching.add(area.partner_id)
        elif outward and outward in (area.postcode_districts or []):
            matching.add(area.partner_id)
    return Partner.objects.filter(pk__in=matching)
