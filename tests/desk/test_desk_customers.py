"""The single view of a customer, creating a customer inline, and data boundaries."""

import datetime as dt

import pytest

from firstcontact.catalogue.models import ProactivePrompt, Service, ServiceKind
from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.models import Customer, CustomerLink
from firstcontact.customers.services import create_customer, record_consent
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.desk.conftest import raise_pothole


def test_single_view_shows_identity_requests_contacts_and_is_audited(client, partnership, resident):
    resident.accessibility_needs = "Large print"
    resident.preferred_language = "cy"
    resident.save()
    record_consent(
        user=None, customer=resident, purpose="share_with_partners", recipient=partnership.police
    )
    request = raise_pothole(partnership, resident)
    contact = start_contact(
        user=partnership.hub_adviser, channel="phone", partner=partnership.county, customer=resident
    )
    end_contact(contact=contact, outcome="request_raised", reasons=[partnership.pothole])
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    for text in [
        "Harriet Ambleside",
        "0113 496 0456",
        "harriet@example.org",
        "4 Mill Lane",
        "Large print",
        "cy",
        "Share my records with partners",
        request.formatted_reference,
        "Service request raised: Pothole",
        "Open requests (1)",
    ]:
        assert text in page, text
    assert AuditEvent.objects.filter(
        user=partnership.hub_adviser,
        action="view",
        customer_id=resident.pk,
        detail="single view",
    ).exists()


def test_single_view_counts_records_withheld_by_sharing_rules(client, partnership, resident):
    # The south district holds a missed-bin request and a contact about the same person:
    # no data-sharing agreement lets the hub see them.
    raise_request(
        user=partnership.south_caseworker,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 1AA"),
        customer=None,
    )
    south_record = create_customer(
        user=None,
        partner=partnership.south,
        family_name="Ambleside",
        given_name="Harriet",
        emails=["h2@example.org"],
    )
    CustomerLink.objects.create(from_customer=resident, to_customer=south_record)
    south_request = raise_request(
        user=partnership.south_caseworker,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 1AA"),
    )
    south_request.customer = resident
    south_request.save()
    contact = start_contact(
        user=partnership.south_caseworker,
        channel="phone",
        partner=partnership.south,
        customer=resident,
    )
    end_contact(contact=contact, outcome="resolved")
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    withheld = page.split('id="withheld">')[1].split("</div>")[0]
    assert "3 records" in withheld
    assert "1 request," in withheld and "1 contact," in withheld and "1 linked record" in withheld
    assert "Missed bin collection" not in page
    # The south's own caseworker cannot open the county's record at all.
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/desk/customers/{resident.pk}/").status_code == 404


def test_single_view_timeline_is_newest_first_and_can_show_everything(
    client, partnership, resident
):
    base = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(35):
        c = start_contact(
            user=partnership.hub_adviser,
            channel="phone",
            partner=partnership.county,
            customer=resident,
            started_at=base + dt.timedelta(days=i),
        )
        end_contact(contact=c, outcome="resolved", ended_at=c.started_at)
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    timeline = page.split('id="timeline-heading"')[1]
    assert timeline.index("5 Apr 2026") < timeline.index("4 Apr 2026")
    assert ">2 Mar 2026" not in timeline
    assert "Show the whole timeline" in page
    page = client.get(f"/desk/customers/{resident.pk}/?timeline=all").content.decode()
    assert ">2 Mar 2026" in page.split('id="timeline-heading"')[1]


@pytest.fixture
def benefits(partnership):
    check = Service.objects.create(
        code="benefits-check",
        name="Benefits check",
        kind=ServiceKind.INFORMATION,
        adviser_script="Offer it.",
    )
    ctr = Service.objects.create(
        code="ctr", name="Council tax reduction", kind=ServiceKind.APPLICATION
    )
    ProactivePrompt.objects.create(
        name="Pension age, no CTR",
        offer_service=check,
        min_age=66,
        unless_has_request_for=ctr,
        message="Offer a benefits check.",
    )
    return check, ctr


def test_also_offer_prompts_follow_the_catalogue_rules(client, partnership, resident, benefits):
    client.force_login(partnership.hub_adviser)
    assert "Also offer" not in client.get(f"/desk/customers/{resident.pk}/").content.decode()
    resident.date_of_birth = dt.date(1950, 5, 1)
    resident.save()
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    assert "Also offer" in page and "Offer a benefits check." in page


def test_prompt_is_skipped_when_the_customer_already_claimed(partnership, resident, benefits):
    from firstcontact.catalogue.models import ServiceDelivery
    from firstcontact.customers.prompts import prompts_for

    check, ctr = benefits
    resident.date_of_birth = dt.date(1950, 5, 1)
    ServiceDelivery.objects.create(service=ctr, partner=partnership.county)
    assert [p.offer_service for p in prompts_for(partnership.hub_adviser, resident)] == [check]
    raise_request(user=partnership.hub_adviser, service=ctr, channel="phone", customer=resident)
    assert prompts_for(partnership.hub_adviser, resident) == []
    # Too young for the rule, and unknown age never matches an age rule.
    resident.date_of_birth = dt.date(1990, 1, 1)
    assert prompts_for(partnership.police_officer, resident) == []


def test_create_customer_inline_warns_about_likely_duplicates(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/customers/new/?name=Hariet+Ambleside").content.decode()
    assert 'value="Ambleside"' in page
    data = {
        "given_name": "Harriet",
        "family_name": "Ambelside",
        "phone": "0113 496 0001",
        "partner": partnership.county.pk,
    }
    page = client.post("/desk/customers/new/", data).content.decode()
    assert "This person may already be on record" in page
    assert f"/desk/customers/{resident.pk}/" in page
    assert Customer.objects.count() == 1
    response = client.post(
        "/desk/customers/new/",
        {**data, "confirm_new": "on", "share_with": [partnership.police.pk]},
    )
    assert response.status_code == 302
    created = Customer.objects.exclude(pk=resident.pk).get()
    assert created.family_name == "Ambelside"
    assert created.phones.get().number == "+441134960001"
    consent = created.consents.get()
    assert (consent.purpose, consent.recipient) == ("share_with_partners", partnership.police)


def test_create_customer_shows_field_errors(client, partnership):
    client.force_login(partnership.hub_adviser)
    page = client.post(
        "/desk/customers/new/",
        {"family_name": "New", "phone": "12", "partner": partnership.north.pk},
    ).content.decode()
    assert "There is a problem" in page
    assert "is not a valid phone number" in page or "is not a phone number" in page
    assert Customer.objects.count() == 0


def test_customer_cannot_be_created_for_a_partner_not_acted_for(client, partnership):
    client.force_login(partnership.hub_adviser)
    page = client.post(
        "/desk/customers/new/",
        {"family_name": "New", "phone": "0113 496 0001", "partner": partnership.police.pk},
    ).content.decode()
    assert "There is a problem" in page
    assert Customer.objects.count() == 0


def test_search_answers_htmx_with_just_the_results(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    response = client.get(
        "/desk/",
        {"q": "Hariet Amblesid"},
        headers={"HX-Request": "true", "HX-Target": "search-results"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="search-results"')
    assert "Harriet Ambleside" in page
    assert "<html" not in page


def test_search_by_reference_finds_the_customer(client, partnership, resident):
    request = raise_pothole(partnership, resident)
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/", {"q": request.formatted_reference}).content.decode()
    assert f"/desk/customers/{resident.pk}/" in page and ">reference<" in page
    client.force_login(partnership.south_caseworker)
    page = client.get("/desk/", {"q": request.formatted_reference}).content.decode()
    assert f"/desk/customers/{resident.pk}/" not in page and "0 results" in page
