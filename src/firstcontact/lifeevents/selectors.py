"""Reads of life events and bundles for the resident site."""

from __future__ import annotations

from django.db.models import QuerySet

from firstcontact.lifeevents.models import Bundle, LifeEvent
from firstcontact.servicerequests.models import ServiceRequest


def public_life_events() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.active().filter(items__service__active=True).distinct()


def bundle_by_reference(reference: str) -> Bundle | None:
    """The bundle with this stored-form reference (see references.parse_reference)."""
    return Bundle.objects.select_related("life_event").filter(reference=reference).first()


def bundle_requests(bundle: Bundle) -> list[ServiceRequest]:
    """The bundle's requests in order, with what a resident's page shows of them."""
    return [
        item.request
        for item in bundle.items.select_related(
            "request__service", "request__responsible_partner"
        ).order_by("order", "pk")
    ]


def bundle_customer_ids(bundle: Bundle) -> set[int]:
    return set(
        bundle.items.filter(request__customer__isnull=False).values_list(
            "request__customer_id", flat=True
        )
    )
