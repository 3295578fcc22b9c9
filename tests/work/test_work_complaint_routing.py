"""Complaints go to whoever delivers the service complained about (a complaint about roads to
the county, not the complainant's district), are linked to the request they are about, say
what they are about in the response letter, and show the resident the complaint's own
outcome ("partly upheld"), not "Closed · Fixed"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
from firstcontact.partners.models import Team
from firstcontact.servicerequests.complaints import draft_response, respond_to_complaint
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.desk.conftest import raise_pothole


@pytest.fixture
def complaints(partnership):
    service = Service.objects.create(
        code="complaint",
        name="Complaint",
        kind=ServiceKind.COMPLAINT,
        tier=Tier.ALL,
        sla_policy=partnership.five_days,
    )
    relations = Team.objects.create(partner=partnership.county, name="Customer relations")
    ServiceDelivery.objects.create(service=service, partner=partnership.county, team=relations)
    ServiceDelivery.objects.create(service=service, partner=partnership.north)
    ServiceDelivery.objects.create(service=service, partner=partnership.south)
    return service, relations


def complain(partnership, service, customer=None, **kwargs):
    return raise_request(
        user=partnership.hub_adviser,
        service=service,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),  # the north district
        customer=customer,
        description="Nobody fixed it",
        **kwargs,
    )


def test_a_complaint_about_roads_goes_to_the_county_not_the_district(partnership, complaints):
    service, relations = complaints
    request = complain(partnership, service, about_service=partnership.pothole)
    assert request.responsible_partner == partnership.county
    assert request.team == relations  # the county's complaints team
    assert request.complaint.about_service == partnership.pothole
    # Without saying what it is about it goes where the resident lives, as before.
    plain = complain(partnership, service)
    assert plain.responsible_partner == partnership.north


def test_a_complaint_about_bins_goes_to_the_district_and_its_bins_team(partnership, complaints):
    service, _ = complaints
    request = complain(partnership, service, about_service=partnership.missed_bin)
    assert request.responsible_partner == partnership.north
    # The north has no complaints team: the team that delivers the service answers.
    assert request.team == partnership.north_waste


def test_a_complaint_about_a_request_goes_to_its_partner_and_is_linked(
    partnership, complaints, resident
):
    service, _ = complaints
    pothole = raise_pothole(partnership, customer=resident)
    request = complain(partnership, service, customer=resident, about_request=pothole)
    assert request.responsible_partner == partnership.county
    assert request.complaint.about_request == pothole
    assert request.complaint.about_service == partnership.pothole
    assert list(pothole.complaints_about.all()) == [request.complaint]


def test_the_letter_says_what_the_complaint_is_about(partnership, complaints, resident):
    service, _ = complaints
    pothole = raise_pothole(partnership, customer=resident)
    request = complain(partnership, service, customer=resident, about_request=pothole)
    letter = draft_response(request)
    assert "about complaint" not in letter
    assert f"about your request {pothole.formatted_reference} about “Pothole”" in letter
    other = complain(partnership, service, about_service=partnership.pothole)
    assert "about “Pothole”." in draft_response(other)


def test_the_resident_sees_the_complaints_own_outcome(
    client, partnership, complaints, resident, django_capture_on_commit_callbacks
):
    service, _ = complaints
    request = complain(partnership, service, customer=resident, about_service=partnership.pothole)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        respond_to_complaint(
            user=partnership.highways_officer,
            request=request,
            decision="partly_upheld",
            letter="Dear Harriet, we have looked into it.",
        )
    assert "Outcome: Your complaint is partly upheld." in mail.outbox[-1].body
    assert "Fixed" not in mail.outbox[-1].body
    page = client.post(
        reverse("portal:track"),
        {"reference": request.formatted_reference, "contact": "harriet@example.org"},
    ).content.decode()
    assert "Complaint partly upheld" in page
    assert "Fixed" not in page
    client.force_login(partnership.highways_officer)
    staff = client.get(reverse("desk:work_request", args=[request.reference])).content.decode()
    assert "complaint partly upheld" in staff


def test_the_desk_raises_a_complaint_about_a_service_and_a_request(
    client, partnership, complaints, resident
):
    service, _ = complaints
    pothole = raise_pothole(partnership, customer=resident)
    client.force_login(partnership.hub_adviser)
    url = reverse("desk:raise_form", args=["complaint"])
    form = client.get(url).content.decode()
    assert "Which service is the complaint about?" in form and "Pothole" in form
    data = {"postcode": "WX2 1AA", "channel": "phone", "description": "Still not fixed"}
    response = client.post(url, {**data, "about_service": ""})
    assert "Choose the service the complaint is about." in response.content.decode()
    response = client.post(url, {**data, "about_service": "pothole", "about_reference": "ABCD"})
    assert response.status_code == 200
    response = client.post(
        url,
        {**data, "about_service": "missed-bin", "about_reference": pothole.formatted_reference},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = ServiceRequest.objects.get(service=service).complaint
    assert complaint.about_request == pothole
    assert complaint.request.responsible_partner == partnership.county
    # A reference the adviser may not read is refused, not linked.
    client.force_login(partnership.south_caseworker)
    response = client.post(
        url,
        {**data, "about_service": "pothole", "about_reference": pothole.formatted_reference},
    )
    assert "No request with that reference that you may see." in response.content.decode()
