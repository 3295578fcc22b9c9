"""servicerequestupdates: the public timeline with mySociety's extended statuses, and
residents' updates posted back, once per client update_id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from firstcontact.open311.models import Open311UpdateSubmission
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest, UpdateKind
from firstcontact.servicerequests.services import add_update, change_status, refer_request
from tests.open311.conftest import errors_of, xml

BASE = "/open311/v2"


def raise_pothole(client, key, **extra):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "jurisdiction_id": "wessex",
            "api_key": key,
            "service_code": "pothole",
            "lat": "51.5",
            "long": "-1.5",
            "attribute[depth]": "deep",
            **extra,
        },
    )
    assert response.status_code == 200, response.content
    reference = response.json()[0]["service_request_id"]
    return reference, ServiceRequest.objects.get(reference=reference.replace("-", ""))


def feed(client, key, fmt="json", **params):
    response = client.get(
        f"{BASE}/servicerequestupdates.{fmt}",
        {"jurisdiction_id": "wessex", "api_key": key, **params},
    )
    assert response.status_code == 200, response.content
    return response


def test_updates_feed_uses_extended_statuses(client, keys, partnership):
    officer = partnership.highways_officer
    reference, sr = raise_pothole(client, keys.county, **{"attribute[fixmystreet_id]": "4242"})
    other_ref, other = raise_pothole(client, keys.county)
    change_status(user=officer, request=sr, status="acknowledged", text="Looking at it.")
    change_status(user=officer, request=sr, status="in_progress", text="Crew sent.")
    change_status(user=officer, request=sr, status="on_hold", text="Waiting for parts.")
    add_update(user=officer, request=sr, text="Internal only", public=False)
    change_status(user=officer, request=sr, status="closed", outcome="fixed", text="Done.")
    for outcome, expected in [
        ("duplicate", "DUPLICATE"),
        ("not_our_responsibility", "NOT_COUNCILS_RESPONSIBILITY"),
        ("no_further_action", "NO_FURTHER_ACTION"),
        ("cancelled", "CLOSED"),
    ]:
        _, extra = raise_pothole(client, keys.county)
        change_status(user=officer, request=extra, status="closed", outcome=outcome)
        last = feed(client, keys.county).json()[-1]
        assert last["status"] == expected
    refer_request(
        user=officer,
        request=other,
        to_partner=partnership.police,
        reason="Drugs paraphernalia in the hole",
    )
    data = feed(client, keys.county).json()
    mine = [(u["status"], u["description"]) for u in data if u["service_request_id"] == reference]
    assert mine == [
        ("OPEN", "Your request about “Pothole” has been passed to Wessex County Council."),
        ("INVESTIGATING", "Looking at it."),
        ("IN_PROGRESS", "Crew sent."),
        ("ACTION_SCHEDULED", "Waiting for parts."),
        ("FIXED", "Done."),
    ]
    assert data[-1]["service_request_id"] == other_ref
    assert data[-1]["status"] == "INTERNAL_REFERRAL"
    assert {u["fixmystreet_id"] for u in data if u["service_request_id"] == reference} == {"4242"}
    ids = [u["update_id"] for u in data]
    assert len(ids) == len(set(ids))
    assert ids == [u["update_id"] for u in feed(client, keys.county).json()]  # stable
    public_ids = set(RequestUpdate.objects.filter(public=True).values_list("pk", flat=True))
    assert {int(i) for i in ids} == public_ids
    fixed = next(u for u in data if u["status"] == "FIXED")
    assert fixed["external_status_code"] == "closed:fixed"
    assert dt.datetime.fromisoformat(fixed["updated_datetime"]).tzinfo is not None


def test_updates_feed_xml(client, keys):
    reference, _ = raise_pothole(client, keys.county, **{"attribute[fixmystreet_id]": "77"})
    root = xml(feed(client, keys.county, "xml"))
    assert root.tag == "service_request_updates"
    update = root.find("request_update")
    assert [c.tag for c in update] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "external_status_code",
        "fixmystreet_id",
    ]
    assert update.findtext("service_request_id") == reference
    assert update.findtext("status") == "OPEN"
    assert update.findtext("fixmystreet_id") == "77"


def test_updates_feed_date_window(client, keys):
    raise_pothole(client, keys.county)
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    assert len(feed(client, keys.county, start_date=(now - hour).isoformat()).json()) == 1
    assert feed(client, keys.county, end_date=(now - hour).isoformat()).json() == []
    assert (
        feed(
            client,
            keys.county,
            start_date=(now + hour).isoformat(),
            end_date=(now + 2 * hour).isoformat(),
        ).json()
        == []
    )
    response = client.get(
        f"{BASE}/servicerequestupdates.xml",
        {
            "jurisdiction_id": "wessex",
            "api_key": keys.county,
            "start_date": "2020-01-01",
            "end_date": "2021-01-01",
        },
    )
    assert response.status_code == 400


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_updates_feed_needs_a_key_for_the_jurisdiction(client, keys, fmt):
    url = f"{BASE}/servicerequestupdates.{fmt}"
    assert client.get(url, {"jurisdiction_id": "wessex"}).status_code == 403
    response = client.get(url, {"jurisdiction_id": "wessex", "api_key": "fc311_wrong"})
    assert response.status_code == 403 and errors_of(response)
    assert client.get(url, {"jurisdiction_id": "wessex", "api_key": keys.north}).status_code == 403
    assert client.get(url, {"jurisdiction_id": "nowhere", "api_key": keys.north}).status_code == 404


def post_update(client, key, fmt="xml", **data):
    return client.post(
        f"{BASE}/servicerequestupdates.{fmt}", {"jurisdiction_id": "wessex", "api_key": key, **data}
    )


def test_post_update_goes_on_the_timeline_once(client, keys):
    reference, sr = raise_pothole(client, keys.county)
    data = {
        "service_request_id": reference,
        "update_id": "fms-update-1",
        "status": "OPEN",
        "updated_datetime": "2026-11-23T10:00:00Z",
        "description": "It is getting bigger",
        "email": "sam@example.org",
        "first_name": "Sam",
        "last_name": "Jones",
        "media_url": "https://example.org/u.jpg",
    }
    response = post_update(client, keys.county, **data)
    assert response.status_code == 200, response.content
    root = xml(response)
    assert root.tag == "service_request_updates"
    update_id = root.findtext("request_update/update_id")
    update = RequestUpdate.objects.get(pk=update_id)
    assert update.kind == UpdateKind.CUSTOMER and update.request == sr and not update.public
    assert update.author_name == "Sam Jones <sam@example.org>"
    assert update.text.startswith("It is getting bigger")
    assert "https://example.org/u.jpg" in update.text
    again = post_update(client, keys.county, "json", **data)
    assert again.json() == [{"update_id": update_id}]
    assert RequestUpdate.objects.filter(kind=UpdateKind.CUSTOMER).count() == 1
    assert Open311UpdateSubmission.objects.count() == 1
    sr.refresh_from_db()
    assert sr.version == 2
    # Not public, so not echoed back to the client in the feed.
    assert [u["status"] for u in feed(client, keys.county).json()] == ["OPEN"]


def test_post_update_errors(client, keys):
    reference, _ = raise_pothole(client, keys.county)
    response = post_update(
        client, keys.county, "json", updated_datetime="soon", email="nope", first_name="x" * 101
    )
    assert response.status_code == 400
    assert sorted(e.split(":")[0] for e in errors_of(response)) == [
        "description",
        "email",
        "first_name",
        "service_request_id",
        "updated_datetime",
    ]
    response = post_update(client, keys.county, service_request_id="ABCD-EFGH", description="hello")
    assert response.status_code == 404
    assert (
        post_update(client, "", service_request_id=reference, description="hi").status_code == 403
    )
    assert (
        post_update(client, keys.north, service_request_id=reference, description="hi").status_code
        == 403
    )
    # North cannot update the county's request with its own key and jurisdiction.
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        {
            "jurisdiction_id": "north",
            "api_key": keys.north,
            "service_request_id": reference,
            "description": "hi",
        },
    )
    assert response.status_code == 404
