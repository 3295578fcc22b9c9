"""The issue's "done when" on the demo partnership: the anonymous Open311 list of every
jurisdiction shows no care, benefit, housing, police or life-event request, only street
faults, with no name, email, phone, house number or full postcode; the updates feed (with a
key) the same."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.demo.catalogue import PUBLIC_REQUESTS
from firstcontact.lifeevents.models import BundleItem
from firstcontact.partners.models import Partner, PartnerKind
from firstcontact.servicerequests.models import ServiceRequest
from tests.open311.conftest import make_client

BASE = "/open311/v2"
PEOPLE = 120
# A house number, a flat, or a full postcode in an address.
HOUSE = re.compile(r"\d|\bflat\b|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}", re.I)


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", people=PEOPLE, calls=False, no_progress=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo, db):
    return None


def test_the_demo_marks_street_faults_public_and_nothing_else(demo):
    public = set(Service.objects.filter(requests_public=True).values_list("code", flat=True))
    assert public == set(PUBLIC_REQUESTS)
    assert set(Service.objects.open311_reportable().values_list("code", flat=True)) == public
    assert set(Service.objects.filter(requests_public=True).values_list("kind", flat=True)) == {
        ServiceKind.FAULT_REPORT
    }
    for code in ("care-needs-assessment", "housing-benefit", "homelessness", "asb", "bereavement"):
        assert code not in public
    # And the demo's requests say whose words may be published.
    assert ServiceRequest.objects.filter(description_public=True).exists()
    assert not ServiceRequest.objects.filter(
        description_public=True, service__requests_public=False
    ).exists()


def test_no_jurisdictions_anonymous_list_shows_anything_private(client, demo):
    listed_total = 0
    for partner in Partner.objects.order_by("slug"):
        response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": partner.slug})
        assert response.status_code == 200, (partner.slug, response.content[:200])
        items = response.json()
        listed_total += len(items)
        if partner.kind in {PartnerKind.POLICE, PartnerKind.NHS, PartnerKind.HOUSING}:
            # The police, the NHS trust and the housing association have no public services.
            assert items == [], partner.slug
        references = [i["service_request_id"].replace("-", "") for i in items]
        requests = ServiceRequest.objects.filter(reference__in=references).select_related("service")
        assert requests.count() == len(items)
        assert {sr.service.code for sr in requests} <= set(PUBLIC_REQUESTS), partner.slug
        assert not BundleItem.objects.filter(request__in=requests).exists()
        by_reference = {sr.formatted_reference: sr for sr in requests}
        for item in items:
            sr = by_reference[item["service_request_id"]]
            assert item["description"] in (
                sr.service.name,
                sr.description if sr.description_public else sr.service.name,
            )
            assert not HOUSE.search(item["address"] or ""), item["address"]
            assert item["address_id"] is None
            assert item["zipcode"] is None or " " not in item["zipcode"]
        body = response.content.decode()
        assert "@" not in body
        # Nobody's name: the customers of the listed requests are not named anywhere.
        for sr in requests.filter(customer__isnull=False).select_related("customer")[:50]:
            assert sr.customer.family_name not in body
    assert listed_total > 0
    # The list is a choice: the same partners hold many requests that are not public.
    assert ServiceRequest.objects.exclude(service__code__in=PUBLIC_REQUESTS).count() > 10
    assert ServiceRequest.objects.filter(responsible_partner__kind=PartnerKind.POLICE).exists()


def test_no_jurisdictions_updates_feed_shows_anything_private(client, demo):
    for partner in Partner.objects.order_by("slug"):
        _client, key = make_client(partner, name=f"Feed test {partner.slug}")
        response = client.get(
            f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": partner.slug, "api_key": key}
        )
        assert response.status_code == 200, partner.slug
        references = {u["service_request_id"].replace("-", "") for u in response.json()}
        codes = set(
            ServiceRequest.objects.filter(reference__in=references).values_list(
                "service__code", flat=True
            )
        )
        assert codes <= set(PUBLIC_REQUESTS), (partner.slug, codes - set(PUBLIC_REQUESTS))
        # No client's ids (the demo's reports did not come from this client).
        assert all(u["fixmystreet_id"] is None for u in response.json())
