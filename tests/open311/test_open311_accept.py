"""Accept-then-process: a POST is answered once the report is stored; the task worker raises
it. Until then the report is listed as open under the id its client was given."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.open311.models import Open311Submission
from firstcontact.open311.tasks import process_report
from firstcontact.partners.geography import Location
from firstcontact.partners.models import PartnerArea
from firstcontact.partners.selectors import partner_ids_covering
from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest
from tests.conftest import NORTH_BOX, SOUTH_BOX
from tests.images import PNG, size_of
from tests.open311.conftest import SCHEMA_DIR, errors_of, run_queued, xml

BASE = "/open311/v2"
NORTH_POINT = {"lat": "51.5", "long": "-1.5"}


def pothole(key, **extra):
    return {
        "jurisdiction_id": "wessex",
        "api_key": key,
        "service_code": "pothole",
        **NORTH_POINT,
        "attribute[depth]": "deep",
        "description": "A big hole by the bus stop",
        **extra,
    }


def post(client, data, fmt="json"):
    response = client.post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == 200, response.content
    if fmt == "json":
        return response.json()[0]
    item = xml(response).find("request")
    return {child.tag: child.text for child in item}


def get_request(client, reference, jurisdiction="wessex", fmt="json"):
    response = client.get(f"{BASE}/requests/{reference}.{fmt}", {"jurisdiction_id": jurisdiction})
    assert response.status_code == 200, response.content
    return response.json()[0]


@pytest.fixture
def schema(request):
    """validate(instance, schema) against the GeoReport v2 schemas, or nothing without them."""
    if SCHEMA_DIR.is_dir():
        return request.getfixturevalue("georeport").validate
    return lambda instance, name: None


def feed(client, key, jurisdiction="wessex"):
    response = client.get(
        f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": jurisdiction, "api_key": key}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_report_is_answered_at_once_and_raised_by_its_task(
    client, keys, partnership, queued_tasks, schema, django_capture_on_commit_callbacks
):
    answer = post(
        client,
        pothole(
            keys.county,
            email="sam@example.org",
            first_name="Sam",
            last_name="Jones",
            **{"attribute[fixmystreet_id]": "77"},
        ),
    )
    reference = answer["service_request_id"]
    assert answer["service_notice"].startswith("Passed to Wessex County Council. We aim to")
    # Stored and queued, nothing raised yet.
    assert not ServiceRequest.objects.exists()
    assert not Customer.objects.exists() and not Contact.objects.exists()
    submission = Open311Submission.objects.get()
    assert submission.is_pending and submission.reference == reference.replace("-", "")
    assert [r.task.name for r in queued_tasks.results] == ["process_report"]

    # Meanwhile the report reads as an open request, in both formats and in the listing.
    pending = get_request(client, reference)
    schema([pending], "requests.json")
    assert pending["status"] == "open"
    assert (pending["service_code"], pending["agency_responsible"]) == (
        "pothole",
        "Wessex County Council",
    )
    assert pending["description"] == "A big hole by the bus stop"
    assert (pending["lat"], pending["long"]) == (51.5, -1.5)
    assert pending["expected_datetime"] is not None
    as_xml = client.get(f"{BASE}/requests/{reference}.xml", {"jurisdiction_id": "wessex"})
    assert xml(as_xml).findtext("request/status") == "open"
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex"}).json()
    assert [r["service_request_id"] for r in listed] == [reference]
    token = client.get(f"{BASE}/tokens/{reference}.json", {"jurisdiction_id": "wessex"})
    assert token.json() == [{"service_request_id": reference, "token": reference}]
    # No personal data while it waits, as after.
    assert b"sam@example.org" not in as_xml.content and b"Jones" not in as_xml.content

    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued(queued_tasks)[0] == "raised"
    sr = ServiceRequest.objects.get()
    assert sr.formatted_reference == reference
    assert sr.responsible_partner == partnership.county and sr.channel == "open311"
    assert sr.attributes == {"depth": "deep"}
    assert sr.customer.family_name == "Jones" and sr.contact.customer == sr.customer
    # The due date the client was told is the request's.
    raised = get_request(client, reference)
    assert raised["expected_datetime"] == pending["expected_datetime"]
    assert raised["requested_datetime"] == pending["requested_datetime"]
    submission.refresh_from_db()
    assert submission.service_request == sr and submission.processed_at is not None
    assert submission.report == {}  # the resident's details now live on their record only
    assert [u["status"] for u in feed(client, keys.county)] == ["OPEN"]
    # Running the task again changes nothing.
    assert process_report.call(submission.pk) == "nothing to do"
    assert ServiceRequest.objects.count() == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_retry_while_pending_gets_the_same_id_and_stores_nothing(client, keys, queued_tasks, fmt):
    data = pothole(keys.county, **{"attribute[fixmystreet_id]": "555"}, email="a@example.org")
    first = post(client, data, fmt)["service_request_id"]
    again = post(client, data, fmt)
    assert again["service_request_id"] == first
    assert "Wessex County Council" in again["service_notice"]
    assert Open311Submission.objects.count() == len(queued_tasks.results) == 1
    run_queued(queued_tasks)
    assert post(client, data, fmt)["service_request_id"] == first
    assert ServiceRequest.objects.count() == Open311Submission.objects.count() == 1
    assert queued_tasks.results == []


def test_a_place_outside_every_area_by_the_time_it_is_processed_is_not_councils_responsibility(
    client, keys, partnership, queued_tasks, django_capture_on_commit_callbacks
):
    reference = post(client, pothole(keys.county, email="sam@example.org", last_name="Jones"))[
        "service_request_id"
    ]
    # The partnership's areas change before the worker gets to the report.
    PartnerArea.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued(queued_tasks) == ["closed: not_our_responsibility"]
    sr = ServiceRequest.objects.get()
    assert sr.formatted_reference == reference and sr.status == "closed"
    assert sr.responsible_partner == partnership.county  # who received it
    shown = get_request(client, reference)
    assert shown["status"] == "closed"
    assert shown["status_notes"].startswith("Not our responsibility. This location is outside")
    assert [u["status"] for u in feed(client, keys.county)] == [
        "OPEN",
        "NOT_COUNCILS_RESPONSIBILITY",
    ]
    # The resident is told too (by the notification task queued when it was recorded).
    run_queued(queued_tasks)
    assert ["sam@example.org"] in [m.to for m in mail.outbox]
    assert any("outside the partnership" in m.body for m in mail.outbox)
    assert ServiceRequest.objects.count() == 1


def test_a_report_rerouted_when_processed_is_an_internal_referral(
    client, keys, partnership, queued_tasks
):
    data = {
        "jurisdiction_id": "north",
        "api_key": keys.north,
        "service_code": "missed-bin",
        **NORTH_POINT,
    }
    answer = post(client, data)
    assert "North Wessex" in answer["service_notice"]
    reference = answer["service_request_id"]
    assert get_request(client, reference, "north")["agency_responsible"] == (
        "North Wessex District Council"
    )
    # The district boundary moves before the report is processed: the place is South's now.
    north_area = partnership.north.areas.get()
    north_area.boundary = {"type": "Polygon", "coordinates": SOUTH_BOX}
    north_area.save()
    south_area = partnership.south.areas.get()
    south_area.boundary = {"type": "Polygon", "coordinates": NORTH_BOX}
    south_area.save()
    run_queued(queued_tasks)
    assert ServiceRequest.objects.get().responsible_partner == partnership.south
    assert get_request(client, reference, "north")["agency_responsible"] == (
        "South Wessex District Council"
    )
    assert [u["status"] for u in feed(client, keys.north, "north")] == ["INTERNAL_REFERRAL"]
    assert [u["status"] for u in feed(client, keys.south, "south")] == ["OPEN"]


def test_the_listing_merges_waiting_and_raised_reports(client, keys, queued_tasks, schema):
    older = post(client, pothole(keys.county))["service_request_id"]
    run_queued(queued_tasks)
    newer = post(client, pothole(keys.county))["service_request_id"]

    def listing(**params):
        response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex", **params})
        assert response.status_code == 200, response.content
        schema(response.json(), "requests.json")
        return [r["service_request_id"] for r in response.json()]

    assert listing() == [newer, older]
    assert listing(status="open") == [newer, older]
    assert listing(status="closed") == []
    assert listing(service_code="missed-bin") == []
    assert listing(service_request_id=f"{older},{newer}") == [newer, older]
    assert listing(end_date=(dt.datetime(2020, 1, 1)).isoformat()) == []
    # Other jurisdictions see neither.
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "police"}).json() == []
    response = client.get(f"{BASE}/requests/{newer}.json", {"jurisdiction_id": "police"})
    assert response.status_code == 404


def test_an_update_on_a_waiting_report_raises_it_first(client, keys, queued_tasks):
    reference = post(client, pothole(keys.county))["service_request_id"]
    response = client.post(
        f"{BASE}/servicerequestupdates.json",
        {
            "jurisdiction_id": "wessex",
            "api_key": keys.county,
            "service_request_id": reference,
            "update_id": "u-1",
            "description": "It is getting bigger",
        },
    )
    assert response.status_code == 200, response.content
    sr = ServiceRequest.objects.get()
    assert sr.formatted_reference == reference
    assert sr.updates.filter(text="It is getting bigger").exists()
    # Its queued task then finds nothing to do.
    assert run_queued(queued_tasks) == ["nothing to do"]


def test_photos_of_a_waiting_report_are_attached_when_it_is_raised(
    client, keys, queued_tasks, settings
):
    reference = post(client, pothole(keys.county, photo1=SimpleUploadedFile("a.png", PNG)))[
        "service_request_id"
    ]
    assert RequestPhoto.objects.count() == 0
    assert get_request(client, reference)["media_url"] is None
    run_queued(queued_tasks)
    photo = RequestPhoto.objects.get()
    assert photo.request.formatted_reference == reference and photo.content_type == "image/png"
    assert size_of((settings.MEDIA_ROOT / photo.file.name).read_bytes()) == size_of(PNG)
    url = get_request(client, reference)["media_url"]
    assert url == f"http://testserver/open311/v2/photos/{photo.pk}.png"
    assert client.get(f"/open311/v2/photos/{photo.pk}.png").status_code == 200


def test_reports_left_waiting_are_raised_by_the_command(client, keys, queued_tasks, capsys):
    references = {post(client, pothole(keys.county))["service_request_id"] for _ in range(3)}
    queued_tasks.results.clear()  # the tasks were lost (a worker outage, say)
    call_command("open311_process")
    assert "3 raised; 0 failed" in capsys.readouterr().out
    assert {sr.formatted_reference for sr in ServiceRequest.objects.all()} == references
    call_command("open311_process")
    assert "processed: none; 0 failed" in capsys.readouterr().out


def test_an_area_change_applies_to_the_next_report_at_once(client, keys, partnership):
    """Areas are cached in the process; a saved change clears them."""
    far = {"lat": "53.5", "long": "-1.5"}
    response = client.post(f"{BASE}/requests.json", pothole(keys.county, **far))
    assert response.status_code == 400 and errors_of(response)[0].startswith("location:")
    county_area = partnership.county.areas.get()
    county_area.boundary = {
        "type": "Polygon",
        "coordinates": [[[-2.0, 50.0], [-1.0, 50.0], [-1.0, 54.0], [-2.0, 54.0], [-2.0, 50.0]]],
    }
    county_area.save()
    assert client.post(f"{BASE}/requests.json", pothole(keys.county, **far)).status_code == 200
    county_area.delete()
    response = client.post(f"{BASE}/requests.json", pothole(keys.county, **far))
    assert response.status_code == 400 and errors_of(response)[0].startswith("location:")


def test_area_cache_follows_saves_deletes_and_partners(partnership):
    point = Location(latitude=51.5, longitude=-1.5)
    postcode = Location(postcode="WX3 1AA")
    county, north, south = partnership.county, partnership.north, partnership.south
    assert partner_ids_covering(point) >= {county.pk, north.pk}
    assert south.pk not in partner_ids_covering(point)
    assert south.pk in partner_ids_covering(postcode)
    area = south.areas.get()
    area.postcode_districts = ["WX4"]
    area.save()
    assert south.pk not in partner_ids_covering(postcode)
    PartnerArea.objects.create(
        partner=south, name="Enclave", boundary={"type": "Polygon", "coordinates": NORTH_BOX}
    )
    assert south.pk in partner_ids_covering(point)
    north.areas.all().delete()
    assert north.pk not in partner_ids_covering(point)


def test_area_changes_not_signalled_show_after_the_cache_time(partnership, monkeypatch):
    from firstcontact.partners import selectors

    point = Location(latitude=51.5, longitude=-1.5)
    assert partnership.north.pk in partner_ids_covering(point)
    PartnerArea.objects.filter(partner=partnership.north).update(boundary=None)  # no signal
    monkeypatch.setattr(selectors, "AREA_CACHE_SECONDS", 0.0)
    assert partnership.north.pk not in partner_ids_covering(point)


def test_catalogue_and_key_changes_apply_at_once(client, keys, partnership):
    data = pothole(keys.county)
    assert client.post(f"{BASE}/requests.json", data).status_code == 200
    width = partnership.pothole.attributes.get(code="width_cm")
    width.required = True
    width.save()
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 400
    assert errors_of(response)[0].startswith("attribute[width_cm]:")
    partnership.pothole.active = False
    partnership.pothole.save()
    response = client.post(f"{BASE}/requests.json", {**data, "attribute[width_cm]": "30"})
    assert errors_of(response) == ["service_code: No service 'pothole'."]
    keys.county_client.active = False
    keys.county_client.save()
    assert client.post(f"{BASE}/requests.json", data).status_code == 403
