"""Shared-service agreements (issue 17, item 4): the hub's terms per client partner, with the
agreed standards and charging basis, shown to the staff of the hub and the client only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from tests.conftest import make_user

from firstcontact.insight.models import ChargingBasis, ServiceAgreement
from firstcontact.partners.models import HubAgreement


@pytest.fixture
def terms(partnership):
    agreement = HubAgreement.objects.get(reference="SLA-HUB-1")
    terms = ServiceAgreement.objects.create(
        agreement=agreement,
        service_level_seconds=30,
        service_level_target=0.85,
        abandonment_max=0.06,
        fcr_target=0.72,
        sla_target=0.93,
        charging_basis=ChargingBasis.FIXED_FEE,
        monthly_fee=Decimal("12500.00"),
    )
    terms.services.add(partnership.pothole)
    return terms


def test_the_client_sees_its_agreement_and_standards(client, partnership, terms):
    client.force_login(partnership.highways_lead)
    page = client.get("/insight/agreements/").content.decode()
    for text in [
        "SLA-HUB-1",
        "North Wessex District Council",
        partnership.pothole.name,
        "85% in 30 s",
        "6.0%",
        "72.0%",
        "93.0%",
        "£12,500.00 a month",
    ]:
        assert text in page, text
    csv = client.get("/insight/agreements/?format=csv&table=agreements").content.decode()
    assert "SLA-HUB-1" in csv and "0.0600" in csv


def test_a_partner_outside_the_agreement_does_not_see_it(client, partnership, terms):
    south_lead = make_user("south-lead", partnership.south, "team_leader")
    client.force_login(south_lead)
    assert "SLA-HUB-1" not in client.get("/insight/agreements/").content.decode()
    client.force_login(partnership.highways_officer)
    assert client.get("/insight/agreements/").status_code == 403


def test_a_fixed_fee_needs_its_amount(partnership, terms):
    terms.monthly_fee = None
    with pytest.raises(ValidationError) as excinfo:
        terms.full_clean()
    assert "monthly_fee" in excinfo.value.message_dict
