"""Open311 POST at the front door (customers.front_door): a report with a verified email or
phone joins the county's record, named or not; an unverified one without a name stays
anonymous; a deceased record never takes a report."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from firstcontact.customers.models import Customer, CustomerEmail, CustomerPhone
from firstcontact.customers.services import create_customer
from firstcontact.linkage.models import CandidatePair
from firstcontact.open311.services import Report, match_or_create_customer
from firstcontact.servicerequests.models import ServiceRequest
from tests.open311.test_open311_requests import post, pothole


def _sam(partner, *, verified=True, **extra):
    sam = create_customer(
        user=None,
        partner=partner,
        given_name="Sam",
        family_name="Jones",
        emails=["sam@example.org"],
        phones=["0113 496 0123"],
        **extra,
    )
    if verified:
        CustomerEmail.objects.filter(customer=sam).update(verified_at=timezone.now())
        CustomerPhone.objects.filter(customer=sam).update(verified_at=timezone.now())
    return sam


def test_a_verified_email_joins_even_without_a_name(client, keys, partnership):
    sam = _sam(partnership.county)
    assert post(client, pothole(keys.county, email="SAM@example.org"), "json").status_code == 200
    assert ServiceRequest.objects.get().customer == sam
    assert Customer.objects.count() == 1


def test_a_verified_phone_joins(client, keys, partnership):
    sam = _sam(partnership.county)
    post(client, pothole(keys.county, phone="+441134960123", last_name="Jones"), "json")
    assert ServiceRequest.objects.get().customer == sam


def test_an_unverified_email_without_a_name_stays_anonymous(client, keys, partnership):
    _sam(partnership.county, verified=False)
    post(client, pothole(keys.county, email="sam@example.org"), "json")
    assert ServiceRequest.objects.get().customer is None
    assert Customer.objects.count() == 1 and not CandidatePair.objects.exists()


def test_a_deceased_record_never_takes_a_report(client, keys, partnership):
    sam = _sam(partnership.county)
    Customer.objects.filter(pk=sam.pk).update(deceased=True)
    post(client, pothole(keys.county, email="sam@example.org", last_name="Jones"), "json")
    request = ServiceRequest.objects.get()
    assert request.customer != sam
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {sam.pk, request.customer_id}


def test_a_named_report_looks_for_the_proven_record_once(partnership):
    sam = _sam(partnership.county)
    report = Report(service=None, location=None, email="sam@example.org", last_name="Jones")
    with CaptureQueriesContext(connection) as queries:
        assert match_or_create_customer(partnership.county, report) == sam
    # The front door's verified lookup (ordered by "theirs") runs once, not twice.
    assert sum('"theirs"' in q["sql"] for q in queries.captured_queries) == 1
