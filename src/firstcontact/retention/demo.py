"""The demo's retention and erasure: the partnership's default schedule, a housing
provider's own rule for its messages, a legal hold on a county customer with a claim, and two
erasure requests (one open, one refused because of that claim), so the admin's retention
pages, `apply_retention --dry-run` and /dpo/erasure/ have something real to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.customers.models import Customer, CustomerKind, CustomerLink
from firstcontact.retention.defaults import create_default_rules
from firstcontact.retention.models import (
    ErasureRequest,
    ErasureStatus,
    LegalHold,
    RefusalReason,
    RetentionRule,
)
from firstcontact.servicerequests.models import ServiceRequest, Status

COUNTY, HOUSING = "wessex-county", "egdon-homes"


def create_retention_demo(partnership) -> None:
    create_default_rules(RetentionRule)
    housing = partnership.partners.get(HOUSING)
    if housing is not None:
        RetentionRule.objects.get_or_create(
            partner=housing,
            kind="notifications",
            defaults={
                "amount": 6,
                "unit": "months",
                "action": "delete",
                "notes": "Repair appointment messages: 6 months (tenancy records policy).",
            },
        )
    county = partnership.partners.get(COUNTY)
    if county is None:
        return
    # County people with a closed request, not linked to another record (the subject access
    # demo uses a linked person).
    linked = CustomerLink.objects.values("from_customer_id")
    people = list(
        Customer.objects.filter(
            partner=county,
            kind=CustomerKind.PERSON,
            service_requests__status=Status.CLOSED,
            service_requests__responsible_partner=county,
        )
        .exclude(pk__in=linked)
        .distinct()
        .order_by("pk")[:2]
    )
    if len(people) < 2:
        return
    claimant, asker = people
    dpo = partnership.users.get("dpo")
    admin = partnership.users.get("admin")
    today = timezone.localdate()
    request = (
        ServiceRequest.objects.filter(customer=claimant, status=Status.CLOSED)
        .order_by("pk")
        .first()
    )
    LegalHold.objects.create(
        service_request=request,
        reason="Insurance claim CLM-2026-0147: the resident says they were hurt; keep the "
        "report, photos and timeline until the claim is settled.",
        placed_by=admin,
        placed_at=timezone.now() - dt.timedelta(days=20),
    )
    refused = ErasureRequest(
        partner=county,
        customer=claimant,
        received_on=today - dt.timedelta(days=15),
        requester="The person, by email",
        recorded_by=dpo,
        assessed_by=dpo,
        assessed_at=timezone.now() - dt.timedelta(days=12),
        status=ErasureStatus.REFUSED,
        refusal_reason=RefusalReason.LEGAL_HOLD,
        notes="Their insurance claim about the same report is open: the report is held until "
        "it is settled. Told them so, and of their right to complain to the ICO.",
        decided_by=dpo,
        decided_at=timezone.now() - dt.timedelta(days=10),
    )
    refused.save()
    ErasureRequest(
        partner=county,
        customer=asker,
        received_on=today - dt.timedelta(days=3),
        requester="The person, at the Casterbridge one-stop shop",
        recorded_by=dpo,
    ).save()
