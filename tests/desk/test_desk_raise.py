"""Raising a request on a customer's behalf: the service's typed questions as a form,
eligibility questions, location by postcode or coordinates, and the reference to read out."""

import pytest

from firstcontact.catalogue.models import (
    Automated,
    Datatype,
    EligibilityQuestion,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    Tier,
)
from firstcontact.contacts.models import Contact
from firstcontact.servicerequests.models import ServiceRequest


def test_service_picker_searches_and_links_to_the_form(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/raise/", {"customer": resident.pk, "q": "pot"}).content.decode()
    assert f"/desk/raise/pothole/?customer={resident.pk}" in page
    assert "Missed bin" not in page
    partial = client.get(
        "/desk/raise/", {"q": "bin"}, headers={"HX-Request": "true", "HX-Target": "service-results"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="service-results"') and "Missed bin" in partial


def test_pothole_form_is_built_from_the_services_attributes(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/desk/raise/pothole/?customer={resident.pk}").content.decode()
    assert 'type="radio" value="shallow"' in page.replace('name="attr_depth" ', "")
    assert 'name="attr_hazards"' in page and 'type="checkbox"' in page
    assert 'name="attr_width_cm"' in page and 'inputmode="decimal"' in page
    # Location prefilled from the customer's current address.
    assert 'value="WX2 1AA"' in page and "4 Mill Lane" in page


def test_raising_a_pothole_for_the_county_from_the_hub(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    client.post("/desk/contact/start/", {"channel": "phone", "partner": partnership.county.pk})
    response = client.post(
        "/desk/raise/pothole/",
        {
            "customer": resident.pk,
            "attr_depth": "deep",
            "attr_hazards": ["kerb", "water"],
            "attr_width_cm": "40",
            "postcode": "WX2 1AA",
            "address": "Outside 4 Mill Lane",
            "description": "Deep hole",
            "channel": "phone",
        },
    )
    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/raise/done/{request.reference}/"
    assert request.responsible_partner == partnership.county
    assert request.team == partnership.highways
    assert request.customer == resident
    assert request.attributes == {"depth": "deep", "hazards": ["kerb", "water"], "width_cm": 40}
    assert request.contact == Contact.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert request.formatted_reference in page and "Read this reference to the customer" in page
    # Ending the contact now suggests "request raised".
    page = client.get("/desk/contact/end/").content.decode()
    assert 'value="request_raised" checked' in page


def test_bad_answers_are_shown_against_their_fields(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    page = client.post(
        "/desk/raise/pothole/",
        {
            "customer": resident.pk,
            "attr_width_cm": "wide",
            "postcode": "WX2 1AA",
            "channel": "phone",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "Answer “How deep is it?”." in page
    assert 'href="#id_attr_depth_0"' in page
    assert "Enter a number." in page and 'href="#id_attr_width_cm"' in page
    assert not ServiceRequest.objects.exists()


def test_location_by_coordinates_and_outside_the_area(client, partnership):
    client.force_login(partnership.hub_adviser)
    data = {"attr_depth": "shallow", "channel": "phone"}
    page = client.post("/desk/raise/pothole/", {**data, "latitude": "55", "longitude": "-1.5"})
    assert "outside the partnership" in page.content.decode()
    page = client.post("/desk/raise/pothole/", {**data, "latitude": "north", "longitude": "1"})
    assert "Give both latitude and longitude" in page.content.decode()
    response = client.post(
        "/desk/raise/pothole/", {**data, "latitude": "51.5", "longitude": "-1.5"}
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.latitude, request.longitude) == (51.5, -1.5)
    assert request.customer is None


@pytest.fixture
def permit(partnership):
    service = Service.objects.create(
        code="skip-permit",
        name="Skip permit",
        kind=ServiceKind.APPLICATION,
        tier=Tier.COUNTY,
    )
    ServiceDelivery.objects.create(
        service=service, partner=partnership.county, team=partnership.highways
    )
    EligibilityQuestion.objects.create(
        service=service,
        code="on-road",
        question="Will the skip be on the road?",
        not_eligible_message="A skip on private land needs no permit.",
    )
    specs = [
        ("company", Datatype.STRING, []),
        ("skips", Datatype.NUMBER, []),
        ("from", Datatype.DATETIME, []),
        ("notes", Datatype.TEXT, []),
        (
            "size",
            Datatype.SINGLEVALUELIST,
            [{"key": "s", "name": "Small"}, {"key": "l", "name": "Large"}],
        ),
        (
            "lights",
            Datatype.MULTIVALUELIST,
            [{"key": "front", "name": "Front"}, {"key": "back", "name": "Back"}],
        ),
    ]
    for order, (code, datatype, values) in enumerate(specs, start=1):
        ServiceAttribute.objects.create(
            service=service,
            code=code,
            description=f"Q {code}",
            datatype=datatype,
            values=values,
            order=order,
        )
    ServiceAttribute.objects.create(
        service=service,
        code="source",
        description="Source",
        datatype=Datatype.STRING,
        automated=Automated.SERVER_SET,
    )
    return service


def test_all_six_datatypes_and_eligibility(client, partnership, permit):
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/raise/skip-permit/").content.decode()
    assert "Will the skip be on the road?" in page
    assert 'type="datetime-local"' in page and "<textarea" in page
    assert 'name="attr_source"' not in page  # set by the server, not asked
    data = {
        "attr_company": "Skips R Us",
        "attr_skips": "2",
        "attr_from": "2026-12-01T08:00",
        "attr_notes": "Line one\nLine two",
        "attr_size": "l",
        "attr_lights": ["front", "back"],
        "postcode": "WX1 1AA",
        "channel": "phone",
    }
    page = client.post("/desk/raise/skip-permit/", {**data, "elig_on-road": "no"}).content.decode()
    assert "A skip on private land needs no permit." in page
    assert not ServiceRequest.objects.exists()
    page = client.post("/desk/raise/skip-permit/", data).content.decode()
    assert "Answer “Will the skip be on the road?”." in page
    response = client.post("/desk/raise/skip-permit/", {**data, "elig_on-road": "yes"})
    assert response.status_code == 302
    assert ServiceRequest.objects.get().attributes == {
        "company": "Skips R Us",
        "skips": 2,
        "from": "2026-12-01T08:00:00",
        "notes": "Line one\nLine two",
        "size": "l",
        "lights": ["front", "back"],
    }


def test_raising_for_another_partners_customer_is_404(client, partnership, resident):
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/desk/raise/?customer={resident.pk}").status_code == 404
    assert client.get(f"/desk/raise/pothole/?customer={resident.pk}").status_code == 404
    response = client.post(
        "/desk/raise/pothole/",
        {"customer": resident.pk, "attr_depth": "deep", "channel": "phone", "postcode": "WX3 1AA"},
    )
    assert response.status_code == 404
    assert not ServiceRequest.objects.exists()


def test_confirmation_page_is_scoped(client, partnership, resident):
    from tests.desk.conftest import raise_pothole

    request = raise_pothole(partnership, resident)
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/desk/raise/done/{request.reference}/").status_code == 404
