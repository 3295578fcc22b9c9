"""Tell us once from the desk: the adviser chooses who to tell, asks the shared questions once,
reads each partner's name for consent, and raises one bundle with one acknowledgement; partners
the adviser does not act for are told too, and the confirmation is for that session alone."""

from __future__ import annotations

import pytest
from django.test import Client

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Consent, ConsentPurpose, Customer
from firstcontact.lifeevents.models import Bundle
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.models import ServiceRequest
from tests.portal.fixtures import build_portal_data


@pytest.fixture
def portal(partnership):
    return build_portal_data(partnership)


def form_data(portal, page_partners, **overrides):
    data = {
        "customer": "",
        "postcode": "WX2 1AA",
        "items": [str(i.pk) for i in portal.bereavement_items.values()],
        "attr_deceased_name": "Pat Example",
        "attr_date_of_death_day": "30",
        "attr_date_of_death_month": "11",
        "attr_date_of_death_year": "2026",
        "address": "4 Mill Lane",
        "given_name": "Harriet",
        "family_name": "Ambleside",
        "email": "harriet@example.org",
        "phone": "",
        "consent": [str(p.pk) for p in page_partners],
        "channel": "phone",
    }
    data.update(overrides)
    return data


def test_the_desk_tells_every_partner_once(client, portal, resident):
    client.force_login(portal.hub_adviser)
    client.post("/desk/contact/start/", {"channel": "phone", "partner": portal.county.pk})
    contact = Contact.objects.get()
    url = f"/desk/tell-us-once/bereavement/?customer={resident.pk}"
    page = client.get(url).content.decode()
    # The customer's postcode chose the partners; each is named for consent.
    assert "WX2 1AA" in page
    for name in ["North Wessex District Council", "Wessex County Council", "Wessex Police"]:
        assert name in page
    # Shared questions once: the name of the person who died appears once as a question.
    assert page.count("Full name of the person who died") == 1
    partners = [portal.north, portal.county, portal.police]
    response = client.post(url, form_data(portal, partners, customer=str(resident.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    bundle = Bundle.objects.get()
    assert response["Location"] == f"/desk/tell-us-once/done/{bundle.reference}/"
    requests = list(ServiceRequest.objects.filter(bundle_item__bundle=bundle))
    assert len(requests) == 5
    assert {r.responsible_partner for r in requests} == set(partners)
    assert all(r.raised_by == portal.hub_adviser and r.contact == contact for r in requests)
    assert all(
        r.attributes.get("date_of_death") == "2026-11-30T00:00:00"
        for r in requests
        if "date_of_death" in r.attributes
    )
    # The customer the adviser found is the county's record; the others are new, and each
    # record names each other partner in its own consent.
    county_requests = [r for r in requests if r.responsible_partner == portal.county]
    assert all(r.customer == resident for r in county_requests)
    assert Customer.objects.filter(family_name="Ambleside").count() == 3
    for record in Customer.objects.filter(family_name="Ambleside"):
        recipients = set(
            Consent.objects.current()
            .filter(customer=record, purpose=ConsentPurpose.SHARE_WITH_PARTNERS)
            .values_list("recipient", flat=True)
        )
        assert recipients == {p.pk for p in partners} - {record.partner_id}
    # One acknowledgement for the whole bundle.
    assert Notification.objects.count() == 1
    done = client.get(response["Location"]).content.decode()
    assert bundle.formatted_reference in done
    for request in requests:
        assert request.formatted_reference in done


def test_a_partner_without_consent_is_not_told(client, portal, resident):
    client.force_login(portal.hub_adviser)
    url = "/desk/tell-us-once/bereavement/"
    response = client.post(url, form_data(portal, [portal.north, portal.county]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "has not agreed to us telling Wessex Police" in page
    assert not Bundle.objects.exists() and not ServiceRequest.objects.exists()
    # Untick the police's service and the rest go.
    firearms = portal.bereavement_items["tuo-firearms-death"]
    items = [str(i.pk) for i in portal.bereavement_items.values() if i != firearms]
    response = client.post(url, form_data(portal, [portal.north, portal.county], items=items))
    assert response.status_code == 302
    assert ServiceRequest.objects.count() == 4


def test_shared_answers_are_checked_and_nothing_is_raised_on_an_error(client, portal):
    client.force_login(portal.hub_adviser)
    partners = [portal.north, portal.county, portal.police]
    response = client.post(
        "/desk/tell-us-once/bereavement/",
        form_data(portal, partners, attr_deceased_name="", email=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Give an email address or phone number" in page
    assert not ServiceRequest.objects.exists()


def test_the_postcode_comes_first_without_a_customer(client, portal):
    client.force_login(portal.hub_adviser)
    page = client.get("/desk/tell-us-once/bereavement/").content.decode()
    assert "Postcode of the address" in page
    bad = client.get("/desk/tell-us-once/bereavement/", {"postcode": "nowhere"})
    assert "Enter a full postcode" in bad.content.decode()
    south = client.get("/desk/tell-us-once/bereavement/", {"postcode": "WX3 1AA"})
    assert "South Wessex District Council" in south.content.decode()


def test_raising_the_life_event_service_goes_to_tell_us_once(client, portal, resident):
    client.force_login(portal.hub_adviser)
    response = client.get(f"/desk/raise/tuo-council-tax-death/?customer={resident.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tell-us-once/bereavement/?customer={resident.pk}"
    assert "Tell us about a death" in client.get("/desk/tell-us-once/").content.decode()


def test_the_confirmation_is_for_the_session_that_raised_it(client, portal):
    client.force_login(portal.hub_adviser)
    partners = [portal.north, portal.county, portal.police]
    client.post("/desk/tell-us-once/bereavement/", form_data(portal, partners))
    bundle = Bundle.objects.get()
    assert client.get(f"/desk/tell-us-once/done/{bundle.reference}/").status_code == 200
    other = Client()
    other.force_login(portal.hub_adviser)
    assert other.get(f"/desk/tell-us-once/done/{bundle.reference}/").status_code == 404
    assert other.get("/desk/tell-us-once/done/nonsense/").status_code == 404
