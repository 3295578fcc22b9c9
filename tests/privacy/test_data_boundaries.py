"""A partner's staff see their own partner's records, and another partner's only through a
data-sharing agreement in force *and* the customer's consent. Every view is audited."""

import datetime as dt

import pytest
from django.http import Http404

from firstcontact.contacts.selectors import visible_contacts
from firstcontact.contacts.services import start_contact
from firstcontact.customers.selectors import get_customer, search_customers, visible_customers
from firstcontact.customers.services import create_customer, record_consent, withdraw_consent
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement
from firstcontact.servicerequests.selectors import get_request, visible_requests
from firstcontact.servicerequests.services import clean_location, raise_request


@pytest.fixture
def south_resident(partnership):
    """A customer held by South Wessex, with a missed-bin request and a contact."""
    customer = create_customer(
        user=partnership.south_caseworker,
        partner=partnership.south,
        given_name="Beatrice",
        family_name="Hallworth",
        phones=["0114 496 0777"],
    )
    request = raise_request(
        user=partnership.south_caseworker,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 4AB"),
        customer=customer,
    )
    start_contact(
        user=partnership.south_caseworker,
        channel="phone",
        partner=partnership.south,
        customer=customer,
    )
    return customer, request


def share(provider, recipient, categories, *, ends=None):
    return DataSharingAgreement.objects.create(
        provider=provider,
        recipient=recipient,
        categories=categories,
        purpose="Joined-up help for residents",
        starts=dt.date(2020, 1, 1),
        ends=ends,
    )


def last_audit_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def can_see(user, customer, request):
    return (
        visible_customers(user).filter(pk=customer.pk).exists(),
        visible_requests(user).filter(pk=request.pk).exists(),
        visible_contacts(user).filter(customer=customer).exists(),
    )


def test_own_partner_sees_its_records(partnership, south_resident):
    customer, request = south_resident
    assert can_see(partnership.south_caseworker, customer, request) == (True, True, True)


def test_other_partner_sees_nothing_without_an_agreement(partnership, south_resident):
    customer, request = south_resident
    record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.police
    )
    officer = partnership.police_officer
    assert can_see(officer, customer, request) == (False, False, False)
    with pytest.raises(Http404):
        get_customer(officer, customer.pk)
    with pytest.raises(Http404):
        get_request(officer, request.reference)
    assert search_customers(officer, "Beatrice Hallworth") == []
    assert search_customers(officer, "0114 496 0777") == []


def test_agreement_without_consent_is_not_enough(partnership, south_resident):
    customer, request = south_resident
    share(partnership.south, partnership.police, ["identity", "service_requests", "contacts"])
    assert can_see(partnership.police_officer, customer, request) == (False, False, False)


def test_agreement_and_consent_open_exactly_the_agreed_categories(partnership, south_resident):
    customer, request = south_resident
    share(partnership.south, partnership.police, ["identity", "service_requests"])
    record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.police
    )
    assert can_see(partnership.police_officer, customer, request) == (True, True, False)
    assert get_customer(partnership.police_officer, customer.pk) == customer
    assert (
        search_customers(partnership.police_officer, "Beatrice Hallworth")[0].customer == customer
    )


def test_consent_for_another_partner_or_withdrawn_consent_closes_the_door(
    partnership, south_resident
):
    customer, request = south_resident
    share(partnership.south, partnership.police, ["identity"])
    consent = record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.county
    )
    assert not visible_customers(partnership.police_officer).filter(pk=customer.pk).exists()
    withdraw_consent(user=None, consent=consent)
    # A consent names its recipients (a consent with no recipient names nobody).
    to_police = record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.police
    )
    assert visible_customers(partnership.police_officer).filter(pk=customer.pk).exists()
    withdraw_consent(user=None, consent=to_police)
    assert not visible_customers(partnership.police_officer).filter(pk=customer.pk).exists()


def test_expired_agreement_no_longer_shares(partnership, south_resident):
    customer, request = south_resident
    share(partnership.south, partnership.police, ["identity"], ends=dt.date(2021, 1, 1))
    record_consent(
        user=None, customer=customer, purpose="share_with_partners", recipient=partnership.police
    )
    assert not visible_customers(partnership.police_officer).filter(pk=customer.pk).exists()


def test_hub_acts_for_its_clients_but_not_for_others(partnership):
    county_customer = create_customer(
        user=None, partner=partnership.county, family_name="Countyperson", emails=["c@example.org"]
    )
    south_customer = create_customer(
        user=None, partner=partnership.south, family_name="Southperson", emails=["s@example.org"]
    )
    visible = set(visible_customers(partnership.hub_adviser))
    assert county_customer in visible  # the hub's agreement with the county
    assert south_customer not in visible


def test_every_customer_view_is_audited(partnership, south_resident):
    customer, request = south_resident
    before = last_audit_pk()  # the trail is append-only: look at what comes after
    get_customer(partnership.south_caseworker, customer.pk, purpose="single view")
    get_request(partnership.south_caseworker, request.reference)
    events = list(
        AuditEvent.objects.filter(pk__gt=before)
        .order_by("at", "pk")
        .values_list("user__username", "action", "object_type", "customer_id")
    )
    assert events == [
        ("south-caseworker", "view", "customer", customer.pk),
        ("south-caseworker", "view", "service_request", customer.pk),
    ]


def test_a_refused_view_leaves_no_trace_of_data_but_nothing_is_shown(partnership, south_resident):
    customer, _ = south_resident
    before = last_audit_pk()
    with pytest.raises(Http404):
        get_customer(partnership.police_officer, customer.pk)
    assert not AuditEvent.objects.filter(pk__gt=before, action="view").exists()
