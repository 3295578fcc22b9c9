"""docs/access.md for service requests: who reads them (own, hub, referred while the referral
is open, shared with a consent naming the partner) and who acts on them (the responsible
partner's caseworkers, team leaders and managers; leaders for complaint escalation)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from tests.conftest import make_user

from firstcontact.customers.models import Consent
from firstcontact.customers.selectors import visible_customers
from firstcontact.customers.services import create_customer, record_consent, withdraw_consent
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import Referral
from firstcontact.servicerequests.permissions import may_act_on_request, relation
from firstcontact.servicerequests.referrals import respond_to_referral
from firstcontact.servicerequests.selectors import request_updates, visible_requests
from firstcontact.servicerequests.services import (
    add_update,
    assign_request,
    change_status,
    clean_location,
    raise_request,
    refer_request,
)


@pytest.fixture
def county_case(partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Ada",
        family_name="Lovelock",
        phones=["0113 496 0999"],
    )
    request = raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        attributes={"depth": "deep"},
        customer=customer,
    )
    add_update(user=partnership.highways_officer, request=request, text="Crew notes", public=False)
    return customer, request


def reads(user, request) -> bool:
    return visible_requests(user).filter(pk=request.pk).exists()


def test_own_and_hub_read_others_do_not(partnership, county_case):
    p = partnership
    customer, request = county_case
    assert relation(p.highways_officer, request) == "own"
    assert relation(p.hub_adviser, request) == "hub"
    for outsider in [p.hub_caseworker, p.south_caseworker, p.police_officer, p.admin]:
        assert not reads(outsider, request), outsider
        assert not visible_customers(outsider).filter(pk=customer.pk).exists(), outsider
        assert relation(outsider, request) == "none"


@pytest.mark.parametrize(
    ("state", "reads_it"),
    [("sent", True), ("accepted", True), ("declined", False), ("completed", False)],
)
def test_a_referral_gives_access_only_while_open(partnership, county_case, state, reads_it):
    p = partnership
    customer, request = county_case
    consent = record_consent(
        user=p.highways_officer,
        customer=customer,
        purpose="share_with_partners",
        recipient=p.police,
    )
    referral = refer_request(
        user=p.highways_officer, request=request, to_partner=p.police, reason="Needles"
    )
    assert referral.consent == consent
    Referral.objects.filter(pk=referral.pk).update(state=state)
    officer = make_user("police-2", p.police, "caseworker", p.asb_team)
    assert reads(officer, request) is reads_it
    # The referred request's customer (identity) goes with it, and only while it is open.
    assert visible_customers(officer).filter(pk=customer.pk).exists() is reads_it
    if reads_it:
        assert relation(officer, request) == "referred"
        # Referred partners read internal notes, and never work the request itself.
        assert "Crew notes" in [u.text for u in request_updates(officer, request)]
        for action in ["close", "assign", "note", "refer", "complaint_escalate"]:
            assert not may_act_on_request(officer, request, action)
        with pytest.raises(PermissionDenied):
            assign_request(user=officer, request=request, assignee=officer)


def test_declining_a_referral_ends_the_decliners_access(partnership, county_case):
    p = partnership
    customer, request = county_case
    record_consent(user=None, customer=customer, purpose="share_with_partners", recipient=p.police)
    referral = refer_request(
        user=p.highways_officer, request=request, to_partner=p.police, reason="Needles"
    )
    assert reads(p.police_officer, request)
    respond_to_referral(
        user=p.police_officer, referral=referral, state="declined", outcome="Not ours"
    )
    officer = make_user("police-3", p.police, "caseworker")
    assert not reads(officer, request)
    with pytest.raises(ValidationError):
        respond_to_referral(user=officer, referral=referral, state="completed")
    referral.refresh_from_db()
    assert referral.state == "declined"


def test_only_the_receiving_partners_officers_answer_a_referral(partnership, county_case):
    p = partnership
    _customer, request = county_case
    request.customer = None
    request.save()
    referral = refer_request(
        user=p.highways_officer, request=request, to_partner=p.police, reason="Needles"
    )
    police_adviser = make_user("police-adviser", p.police, "adviser")
    for user in [police_adviser, p.highways_officer, p.hub_adviser]:
        with pytest.raises(PermissionDenied):
            respond_to_referral(user=user, referral=referral, state="accepted")
    respond_to_referral(user=p.police_officer, referral=referral, state="accepted")


def test_shared_needs_an_agreement_and_a_consent_naming_the_partner(partnership, county_case):
    p = partnership
    customer, request = county_case
    DataSharingAgreement.objects.create(
        provider=p.county,
        recipient=p.south,
        categories=["identity", "service_requests"],
        purpose="Two-tier",
        starts="2020-01-01",
    )
    assert not reads(p.south_caseworker, request)
    # A consent that names nobody lets nobody see it; one naming another partner, not them.
    Consent.objects.create(
        customer=customer, purpose="share_with_partners", given_at=timezone.now()
    )
    record_consent(user=None, customer=customer, purpose="share_with_partners", recipient=p.police)
    assert not reads(make_user("south-2", p.south, "caseworker"), request)
    consent = record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=p.south
    )
    officer = make_user("south-3", p.south, "caseworker")
    assert reads(officer, request)
    assert relation(officer, request) == "shared"
    # Shared readers see the public timeline only, and never act.
    texts = [u.text for u in request_updates(officer, request)]
    assert "Crew notes" not in texts and texts
    with pytest.raises(PermissionDenied):
        change_status(user=officer, request=request, status="closed", outcome="fixed")
    # Withdrawn: gone at once.
    withdraw_consent(user=p.highways_officer, consent=consent)
    assert not reads(make_user("south-4", p.south, "caseworker"), request)


@pytest.mark.parametrize("role", ["adviser", "dpo", "partnership_admin"])
def test_roles_that_never_work_requests(partnership, county_case, role):
    p = partnership
    _customer, request = county_case
    user = make_user(f"county-{role}", p.county, role)
    for action in ["acknowledge", "assign", "hold", "public", "note", "close", "refer"]:
        assert not may_act_on_request(user, request, action), action
    with pytest.raises(PermissionDenied):
        change_status(user=user, request=request, status="acknowledged")


def test_hub_staff_in_any_role_never_change_a_clients_request(partnership, county_case):
    p = partnership
    _customer, request = county_case
    hub_manager = make_user("hub-manager", p.north, "manager")
    for user in [p.hub_adviser, hub_manager]:
        assert reads(user, request)
        with pytest.raises(PermissionDenied):
            change_status(user=user, request=request, status="closed", outcome="fixed")
    request.refresh_from_db()
    assert request.status == "open"


def test_consents_are_recorded_only_by_staff_who_read_the_customer(partnership, county_case):
    p = partnership
    customer, _request = county_case
    with pytest.raises(PermissionDenied):
        record_consent(
            user=p.south_caseworker,
            customer=customer,
            purpose="share_with_partners",
            recipient=p.south,
        )
    with pytest.raises(ValidationError):
        record_consent(user=p.highways_officer, customer=customer, purpose="share_with_partners")
    assert not Consent.objects.filter(customer=customer).exists()
    consent = record_consent(user=p.highways_officer, customer=customer, purpose="surveys")
    with pytest.raises(PermissionDenied):
        withdraw_consent(user=p.south_caseworker, consent=consent)
