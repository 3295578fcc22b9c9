"""Which partner and team is responsible for a service at a place (two-tier routing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from firstcontact.catalogue.models import Service, ServiceDelivery, Tier
from firstcontact.partners.geography import Location
from firstcontact.partners.models import PartnerKind
from firstcontact.partners.selectors import partner_ids_covering

# The order in which partner kinds are preferred when more than one covering partner delivers
# the service, by the tier the service belongs to.
_PREFERENCE = {
    Tier.COUNTY: [PartnerKind.COUNTY, PartnerKind.UNITARY, PartnerKind.DISTRICT],
    Tier.DISTRICT: [PartnerKind.DISTRICT, PartnerKind.UNITARY, PartnerKind.COUNTY],
    Tier.ALL: [PartnerKind.DISTRICT, PartnerKind.UNITARY, PartnerKind.COUNTY],
}


def resolve_delivery(service: Service, location: Location | None) -> ServiceDelivery:
    """The delivery (partner and team) responsible for `service` at `location`.

    Raises ValidationError with a field-named message when nobody can take it.
    """
    if "deliveries" in getattr(service, "_prefetched_objects_cache", {}):
        # Prefetched by the caller (with their partners and teams): no query.
        deliveries = list(service.deliveries.all())
    else:
        deliveries = list(service.deliveries.select_related("partner", "team"))
    if not deliveries:
        raise ValidationError({"service_code": f"No partner currently delivers “{service.name}”."})
    if location is None or location.is_empty:
        if len(deliveries) == 1:
            return deliveries[0]
        raise ValidationError(
            {
                "location": f"Give a location: “{service.name}” is provided by different "
                "councils in different places."
            }
        )
    covering = partner_ids_covering(location)
    if not covering:
        raise ValidationError(
            {
                "location": "This location is outside the partnership's area. Contact the council "
                "for that area instead."
            }
        )
    candidates = [d for d in deliveries if d.partner_id in covering]
    if not candidates:
        raise ValidationError(
            {"location": f"No partner provides “{service.name}” at this location."}
        )
    order = _PREFERENCE[Tier(service.tier)]

    def rank(delivery: ServiceDelivery) -> tuple[int, str]:
        kind = delivery.partner.kind
        return (order.index(kind) if kind in order else len(order), delivery.partner.name)

    return min(candidates, key=rank)
