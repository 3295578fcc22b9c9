"""The resident site's front door (customers.front_door): a report or application joins the
receiving partner's record whose email or phone the resident proved; otherwise a new record,
queued for the data steward when it may be a duplicate, never merged."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.customers.models import Customer, CustomerEmail, CustomerPhone
from firstcontact.customers.services import create_customer, record_consent
from firstcontact.linkage.models import CandidatePair
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import ServiceRequest
from tests.portal import test_portal_apply as apply
from tests.portal.test_portal_report import BASE, walk_to_check


def _report(client, contact=None) -> ServiceRequest:
    walk_to_check(client, contact=contact)
    response = client.post(f"{BASE}/check/")
    assert response.status_code == 302, response.content.decode()[:2000]
    return ServiceRequest.objects.order_by("-pk").first()


def _sam(partner, *, verified: bool, family="Resident", **extra) -> Customer:
    sam = create_customer(
        user=None,
        partner=partner,
        given_name="Sam",
        family_name=family,
        emails=["Sam@Example.org"],
        **extra,
    )
    if verified:
        CustomerEmail.objects.filter(customer=sam).update(verified_at=timezone.now())
    return sam


def test_a_report_joins_the_record_whose_email_the_resident_proved(client, portal):
    sam = _sam(portal.county, verified=True)
    request = _report(client)
    assert request.responsible_partner == portal.county
    assert request.customer == sam
    assert Customer.objects.count() == 1
    assert not CandidatePair.objects.exists()
    # Again, and the resident's email-updates consent is kept once.
    _report(client)
    assert ServiceRequest.objects.filter(customer=sam).count() == 2
    assert sam.consents.filter(purpose="email_updates").count() == 1


def test_an_unproven_email_makes_a_new_record_queued_for_the_steward(client, portal):
    sam = _sam(portal.county, verified=False)
    request = _report(client)
    assert request.customer != sam and request.customer.partner == portal.county
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {sam.pk, request.customer_id}
    assert (pair.source, pair.status, pair.cross_partner) == ("front_door", "pending", False)
    assert not ServiceRequest.objects.filter(customer=sam).exists()


def test_a_proven_email_at_another_partner_is_not_joined_but_queued(client, portal):
    sam = _sam(portal.north, verified=True)
    request = _report(client)
    assert request.customer.partner == portal.county and request.customer != sam
    pair = CandidatePair.objects.get()
    assert pair.cross_partner and {pair.left_id, pair.right_id} == {sam.pk, request.customer_id}


def test_a_proven_email_on_a_record_shared_with_the_partner_is_joined(client, portal):
    """docs/access.md's `shared`: an identity agreement from north to the county and Sam's
    consent naming the county let the county read north's record, so the report joins it."""
    sam = _sam(portal.north, verified=True)
    DataSharingAgreement.objects.create(
        provider=portal.north,
        recipient=portal.county,
        purpose="Joined-up services",
        categories=["identity"],
        starts=dt.date(2020, 1, 1),
    )
    request = _report(client)
    assert request.customer != sam  # no consent yet: a record of the county's own
    record_consent(user=None, customer=sam, purpose="share_with_partners", recipient=portal.county)
    request = _report(client)
    assert request.customer == sam and request.responsible_partner == portal.county


def test_a_different_last_name_is_someone_else(client, portal):
    _sam(portal.county, verified=True, family="Other")
    request = _report(client)
    assert request.customer.family_name == "Resident"
    assert CandidatePair.objects.count() == 1  # the same email: for the steward to look at


def test_a_proven_phone_joins_too(client, portal):
    sam = create_customer(
        user=None, partner=portal.county, given_name="Sam", family_name="Resident",
        phones=["07700 900 982"],
    )  # fmt: skip
    CustomerPhone.objects.filter(customer=sam).update(verified_at=timezone.now())
    request = _report(
        client, contact={"full_name": "Sam Resident", "email": "", "phone": "07700900982"}
    )
    assert request.customer == sam


def test_an_application_with_a_close_name_at_the_same_address_is_queued(client, portal):
    known = create_customer(
        user=None,
        partner=portal.county,
        given_name="A",
        family_name="Applicant",
        addresses=[{"line1": "1 Mill Lane", "postcode": "WX1 2AB"}],
    )
    apply.walk_to_check(client)
    assert client.post(f"{apply.BASE}/check/").status_code == 302
    new = ServiceRequest.objects.get().customer
    assert new != known and new.given_name == "Alex"
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {known.pk, new.pk}


def test_an_application_by_another_first_name_at_the_address_is_not_queued(client, portal):
    create_customer(
        user=None,
        partner=portal.county,
        given_name="Jo",
        family_name="Applicant",
        addresses=[{"line1": "1 Mill Lane", "postcode": "WX1 2AB"}],
    )
    apply.walk_to_check(client)
    assert client.post(f"{apply.BASE}/check/").status_code == 302
    assert not CandidatePair.objects.exists()
