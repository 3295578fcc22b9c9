"""Already reported nearby (resident site): before a new fault report is raised, open reports
of the same service within 50 m are offered, showing public information only (the service,
street, status and date); "add my report to it" makes the resident a supporter of that
request, told of its updates, instead of raising a duplicate. No JavaScript: it is a page of
the journey."""

from __future__ import annotations

from firstcontact.customers.services import create_customer
from firstcontact.notify.models import Notification
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.models import (
    RequestSupporter,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.services import change_status, raise_request
from tests.portal.fixtures import NORTH_POINT
from tests.portal.test_portal_track import track

BASE = "/report/pothole"
NEAR = {"latitude": f"{NORTH_POINT[0] + 0.0002:.6f}", "longitude": f"{NORTH_POINT[1]:.6f}"}
FAR = {"latitude": f"{NORTH_POINT[0] + 0.002:.6f}", "longitude": f"{NORTH_POINT[1]:.6f}"}


def existing_pothole(portal, *, public=True):
    portal.pothole.requests_public = public
    portal.pothole.save()
    first = create_customer(
        user=None,
        partner=portal.county,
        given_name="Ada",
        family_name="Firstreporter",
        emails=["ada@example.org"],
    )
    return raise_request(
        user=None,
        service=portal.pothole,
        channel="web",
        location=Location(
            latitude=NORTH_POINT[0], longitude=NORTH_POINT[1], address="12 High Street, Wexbury"
        ),
        attributes={"depth": "deep"},
        description="Private words about my neighbour",
        customer=first,
    )


def test_a_report_near_an_open_one_offers_it_with_public_information_only(client, portal):
    existing = existing_pothole(portal)
    response = client.post(f"{BASE}/location/", NEAR)
    assert response["Location"] == f"{BASE}/nearby/"
    html = client.get(f"{BASE}/nearby/").content.decode()
    assert "Is it one of these?" in html
    assert "Pothole, High Street, Wexbury · Received · reported" in html
    assert f'value="{existing.formatted_reference}"' in html
    assert "12 High Street" not in html  # the house number is not given away
    assert "Private words" not in html and "Firstreporter" not in html
    assert "ada@example.org" not in html


def test_adding_to_it_makes_the_resident_a_supporter_told_of_its_updates(client, portal):
    existing = existing_pothole(portal)
    client.post(f"{BASE}/location/", NEAR)
    response = client.post(f"{BASE}/nearby/", {"choice": existing.formatted_reference})
    # Its questions and details are not asked again: straight to contact details.
    assert response["Location"] == f"{BASE}/contact/"
    client.post(
        f"{BASE}/contact/",
        {"full_name": "Sam Second", "email": "sam.second@example.org", "phone": ""},
    )
    check = client.get(f"{BASE}/check/").content.decode()
    assert f"Add my report to {existing.formatted_reference}" in check
    done = client.post(f"{BASE}/check/")
    assert done.status_code == 200
    assert "Report added" in done.content.decode()
    assert existing.formatted_reference in done.content.decode()
    assert ServiceRequest.objects.count() == 1  # no duplicate
    supporter = RequestSupporter.objects.get(request=existing)
    assert supporter.customer.family_name == "Second" and supporter.channel == "web"
    assert existing.updates.filter(kind=UpdateKind.SUPPORTER, public=False).exists()
    assert Notification.objects.filter(recipient="sam.second@example.org").count() == 1

    # A public update on the request reaches its reporter and the supporter.
    change_status(
        user=portal.highways_officer,
        request=existing,
        status="in_progress",
        text="A crew is on its way.",
    )
    for email in ("ada@example.org", "sam.second@example.org"):
        assert Notification.objects.filter(
            recipient=email, body__contains="A crew is on its way."
        ).exists()
    # The supporter tracks it with their own email address.
    tracked = track(client, existing.formatted_reference, "sam.second@example.org")
    assert "A crew is on its way." in tracked.content.decode()


def test_a_different_problem_is_reported_as_new(client, portal):
    existing_pothole(portal)
    client.post(f"{BASE}/location/", NEAR)
    response = client.post(f"{BASE}/nearby/", {"choice": "new"})
    assert response["Location"] == f"{BASE}/question-depth/"
    # Back from the first question leads to the nearby page.
    assert f'href="{BASE}/nearby/"' in client.get(f"{BASE}/question-depth/").content.decode()


def test_nothing_is_offered_far_away_closed_or_for_a_private_service(client, portal):
    existing = existing_pothole(portal)
    assert client.post(f"{BASE}/location/", FAR)["Location"] == f"{BASE}/question-depth/"
    # Nothing nearby: back from the first question goes to the place, not an empty page.
    assert f'href="{BASE}/location/"' in client.get(f"{BASE}/question-depth/").content.decode()
    ServiceRequest.objects.filter(pk=existing.pk).update(
        status=Status.CLOSED, outcome="fixed", closed_at=existing.created_at
    )
    assert client.post(f"{BASE}/location/", NEAR)["Location"] == f"{BASE}/question-depth/"
    ServiceRequest.objects.all().delete()
    existing_pothole(portal, public=False)
    assert client.post(f"{BASE}/location/", NEAR)["Location"] == f"{BASE}/question-depth/"


def test_choosing_nothing_is_an_error(client, portal):
    existing_pothole(portal)
    client.post(f"{BASE}/location/", NEAR)
    response = client.post(f"{BASE}/nearby/", {"choice": "ABCD-EFGH"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_a_report_closed_meanwhile_is_not_added_to(client, portal):
    existing = existing_pothole(portal)
    client.post(f"{BASE}/location/", NEAR)
    client.post(f"{BASE}/nearby/", {"choice": existing.formatted_reference})
    client.post(f"{BASE}/contact/", {"full_name": "", "email": "", "phone": ""})
    change_status(user=portal.highways_officer, request=existing, status="closed", outcome="fixed")
    response = client.post(f"{BASE}/check/")
    assert response.status_code == 400
    assert "That report has just been closed" in response.content.decode()
    assert not RequestSupporter.objects.exists()
