"""The staff map of requests (/work/map/): the requests the user may read, never more, as a
table (the page without JavaScript) whose rows carry their points for the map, filtered by
service, status, team, service standard and when raised."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import clean_location, raise_request


def pothole_at(partnership, lat, lng, *, address="Mill Lane, Northby", at=None):
    return raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(latitude=lat, longitude=lng, address=address),
        attributes={"depth": "deep"},
        created_at=at,
    )


def missed_bin(partnership):
    return raise_request(
        user=None,
        service=partnership.missed_bin,
        channel="web",
        location=clean_location(postcode="WX3 1AA", address="3 South Road"),
    )


def page(client, **query):
    response = client.get("/work/map/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_map_lists_the_requests_the_officer_reads_with_their_points(client, partnership):
    pothole = pothole_at(partnership, 51.5, -1.5)
    south = missed_bin(partnership)
    client.force_login(partnership.highways_officer)
    html = page(client)
    assert pothole.formatted_reference in html
    assert 'data-lat="51.500000" data-lng="-1.500000"' in html
    assert f'data-href="/work/requests/{pothole.reference}/"' in html
    assert south.formatted_reference not in html  # South Wessex's: not the county's to read
    # Without JavaScript the table is the page; the map panel is shown only by the script.
    assert 'id="fc-work-map-panel" class="fc-map-panel" hidden' in html
    assert "desk/work_map.js" in html and "leaflet/leaflet.js" in html
    assert "1 request" in html


def test_another_partners_officer_sees_none_of_them_and_a_hub_adviser_reads_them(
    client, partnership
):
    pothole = pothole_at(partnership, 51.5, -1.5)
    client.force_login(partnership.south_caseworker)
    assert pothole.formatted_reference not in page(client)
    client.force_login(partnership.hub_adviser)  # acts for the county through the hub
    assert pothole.formatted_reference in page(client)


def test_filters_by_service_status_standard_and_period(client, partnership):
    recent = pothole_at(partnership, 51.5, -1.5)
    old = pothole_at(partnership, 51.6, -1.4, at=timezone.now() - dt.timedelta(days=60))
    client.force_login(partnership.highways_officer)
    # By default: not closed, raised in the last 30 days.
    html = page(client)
    assert recent.formatted_reference in html and old.formatted_reference not in html
    html = page(client, period="90")
    assert recent.formatted_reference in html and old.formatted_reference in html
    # Overdue: the old one is long past its 5 working days.
    html = page(client, period="", sla="overdue")
    assert old.formatted_reference in html and recent.formatted_reference not in html
    html = page(client, period="", service=str(partnership.missed_bin.pk))
    assert "No requests you may read match these filters." in html
    ServiceRequest.objects.filter(pk=recent.pk).update(
        status="closed", outcome="fixed", closed_at=timezone.now()
    )
    assert recent.formatted_reference not in page(client)
    assert recent.formatted_reference in page(client, status="closed")
    html = page(client, team=str(partnership.highways.pk), status="any", period="")
    assert recent.formatted_reference in html and old.formatted_reference in html


def test_a_request_without_a_point_is_listed_but_not_pinned(client, partnership):
    sr = raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA", address="Outside 4 Mill Lane"),
        attributes={"depth": "deep"},
    )
    client.force_login(partnership.highways_officer)
    html = page(client)
    assert sr.formatted_reference in html and "(no point on the map)" in html
    assert "data-lat=" not in html
    assert "0 with a point on the map" in html


def test_bad_filters_are_errors_not_failures_and_signed_out_users_sign_in(client, partnership):
    client.force_login(partnership.highways_officer)
    html = page(client, service="nonsense", period="forever", team="999999")
    assert "There is a problem" in html
    client.logout()
    response = client.get("/work/map/")
    assert response.status_code == 302 and "/login" in response["Location"]
