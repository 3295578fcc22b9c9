"""The resident site's branding: the partnership's councils, never GOV.UK."""

from __future__ import annotations

from django.conf import settings

from firstcontact.partners.models import Partner, PartnerKind

TOP_TIERS = (PartnerKind.COUNTY, PartnerKind.UNITARY)


def site_name() -> str:
    """settings.FIRSTCONTACT["PARTNERSHIP_NAME"], else the county (or unitary) council's
    name, else the first partner's, else "FirstContact"."""
    configured = settings.FIRSTCONTACT.get("PARTNERSHIP_NAME", "")
    if configured:
        return configured
    top = (
        Partner.objects.filter(kind__in=TOP_TIERS, parent__isnull=True).order_by("name").first()
        or Partner.objects.order_by("name").first()
    )
    return top.name if top else "FirstContact"


def partners() -> list[Partner]:
    """The partnership's members, councils first, for the footer and contact pages."""
    order = {
        kind: i
        for i, kind in enumerate([PartnerKind.COUNTY, PartnerKind.UNITARY, PartnerKind.DISTRICT])
    }
    return sorted(Partner.objects.all(), key=lambda p: (order.get(p.kind, 9), p.name))
