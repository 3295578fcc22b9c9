"""What Open311 shows the public (docs/access.md, "Public"): only public services' requests,
descriptions only where a resident gave them for publication, the place to the street (or
the point, where the service says so), never a name, email, phone, UPRN or house number; a
client with a key sees its own requests' ids and no other client's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from firstcontact.catalogue.models import PublicLocation, Service, ServiceKind
from firstcontact.customers.services import create_customer
from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.images import JPEG
from tests.open311.conftest import errors_of, make_client, run_queued, xml

BASE = "/open311/v2"
NORTH_POINT = {"lat": "51.512345", "long": "-1.587654"}


def listing(client, jurisdiction="wessex", fmt="json", **params):
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": jurisdiction, **params})
    assert response.status_code == 200, response.content
    return response.json() if fmt == "json" else response


def by_id(items):
    return {item["service_request_id"]: item for item in items}


def post_pothole(client, key, **extra):
    data = {
        "jurisdiction_id": "wessex",
        "api_key": key,
        "service_code": "pothole",
        **NORTH_POINT,
        "attribute[depth]": "deep",
        "description": "Hole by the bus stop",
        **extra,
    }
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def desk_raise(partnership, service, user=None, channel="phone", **kwargs):
    return raise_request(
        user=user or partnership.hub_adviser,
        service=service,
        channel=channel,
        location=kwargs.pop(
            "location",
            clean_location(
                postcode="WX1 2AB",
                address="Flat 2, 14a Mill Lane, Northby, WX1 2AB",
                latitude=51.512345,
                longitude=-1.587654,
            ),
        ),
        **kwargs,
    )


def test_only_public_services_requests_are_listed(client, keys, partnership):
    pothole = post_pothole(client, keys.county)
    caller = create_customer(
        user=None,
        partner=partnership.police,
        given_name="Ada",
        family_name="Secretname",
        phones=["0113 496 0999"],
    )
    asb = desk_raise(
        partnership,
        partnership.asb,
        user=partnership.police_officer,
        description="Suspected drug dealing from a car outside number 14",
        customer=caller,
    )
    assert by_id(listing(client)).keys() == {pothole}
    # The police list nothing: antisocial behaviour is never public.
    assert listing(client, "police") == []
    assert b"drug" not in listing(client, "police", "xml").content
    ref = asb.formatted_reference
    for url in (f"{BASE}/requests/{ref}.json", f"{BASE}/tokens/{ref}.json"):
        assert client.get(url, {"jurisdiction_id": "police"}).status_code == 404
    assert listing(client, "police", service_request_id=ref) == []
    feed = client.get(
        f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "police", "api_key": keys.police}
    ).json()
    assert feed == []


def test_a_service_made_private_disappears_from_the_list(client, keys, partnership):
    post_pothole(client, keys.county)
    assert len(listing(client)) == 1
    partnership.pothole.requests_public = partnership.pothole.open311_reportable = False
    partnership.pothole.save()
    assert listing(client) == []


def test_description_only_where_given_for_publication(client, keys, partnership):
    own = post_pothole(client, keys.county, description="Hole by the bus stop, cars swerving")
    staff = desk_raise(
        partnership,
        partnership.pothole,
        attributes={"depth": "deep"},
        description="Mrs Jones at 14 Mill Lane says her son tripped",
    )
    marked = desk_raise(
        partnership,
        partnership.pothole,
        attributes={"depth": "deep"},
        description="Pothole in the cycle lane",
        description_public=True,
    )
    assert ServiceRequest.objects.get(reference=own.replace("-", "")).description_public
    assert not staff.description_public and marked.description_public
    items = by_id(listing(client))
    assert items[own]["description"] == "Hole by the bus stop, cars swerving"
    # Staff's words are internal unless marked public: the service's name instead.
    assert items[staff.formatted_reference]["description"] == "Pothole"
    assert items[marked.formatted_reference]["description"] == "Pothole in the cycle lane"
    assert b"Jones" not in listing(client, fmt="xml").content


def test_a_resident_report_on_the_web_is_public_only_for_a_public_service(partnership):
    location = clean_location(postcode="WX1 2AB")
    web = raise_request(
        user=None,
        service=partnership.missed_bin,
        channel="web",
        location=location,
        description="Blue bin missed",
    )
    phoned = raise_request(
        user=None,
        service=partnership.missed_bin,
        channel="phone",
        location=location,
        description="Blue bin missed",
    )
    private = raise_request(
        user=None,
        service=partnership.asb,
        channel="web",
        location=location,
        description="Noise from number 3",
    )
    # Marking a private service's description public does nothing either.
    forced = desk_raise(partnership, partnership.asb, description="x", description_public=True)
    assert web.description_public
    assert not phoned.description_public and not private.description_public
    assert not forced.description_public


def test_the_place_is_given_to_the_street_with_the_services_precision(client, partnership):
    pothole = desk_raise(partnership, partnership.pothole, attributes={"depth": "deep"})
    bin_request = desk_raise(
        partnership,
        partnership.missed_bin,
        location=clean_location(
            postcode="WX1 2AB",
            address="Rose Cottage, 7 Church Lane, Northby",
            uprn="100012345678",
            latitude=51.512345,
            longitude=-1.587654,
        ),
    )
    items = by_id(listing(client))
    shown = items[pothole.formatted_reference]
    assert shown["address"] == "Mill Lane, Northby"
    assert shown["zipcode"] == "WX1" and shown["address_id"] is None
    # Potholes show their point.
    assert (shown["lat"], shown["long"]) == (51.512345, -1.587654)
    north = by_id(listing(client, "north"))[bin_request.formatted_reference]
    assert north["address"] == "Church Lane, Northby"
    assert north["zipcode"] == "WX1" and north["address_id"] is None
    # Missed bins (outside a home) only to about 100 m.
    assert (north["lat"], north["long"]) == (51.512, -1.588)
    text = listing(client, "north", "xml").content
    for private in (b"Rose Cottage", b"100012345678", b"WX1 2AB", b"51.512345"):
        assert private not in text


def test_no_name_email_or_phone_ever(client, keys):
    reference = post_pothole(
        client,
        keys.county,
        email="ada.secretname@example.org",
        first_name="Ada",
        last_name="Secretname",
        phone="01134960999",
        address_string="12 Station Road, Northby, WX1 2AB",
    )
    for fmt in ("xml", "json"):
        body = listing(client, fmt=fmt, api_key=keys.county)
        content = body.content if fmt == "xml" else str(body).encode()
        for private in (b"Secretname", b"ada.secretname", b"4960999", b"12 Station"):
            assert private not in content
    detail = client.get(f"{BASE}/requests/{reference}.json", {"jurisdiction_id": "wessex"})
    assert detail.json()[0]["address"] == "Station Road, Northby"


def test_a_waiting_report_is_listed_as_the_public_may_see_it(client, keys, queued_tasks):
    reference = post_pothole(
        client, keys.county, address_string="Flat 1, 3 Quay Street, Northby WX1 2AB"
    )
    item = by_id(listing(client))[reference]
    assert item["address"] == "Quay Street, Northby" and item["zipcode"] == "WX1"
    assert item["address_id"] is None and item["description"] == "Hole by the bus stop"
    run_queued(queued_tasks)
    assert by_id(listing(client))[reference]["address"] == "Quay Street, Northby"


def test_each_client_sees_only_its_own_ids(client, keys, partnership):
    other_client, other_key = make_client(partnership.county, name="Another app")
    mine = post_pothole(client, keys.county, **{"attribute[fixmystreet_id]": "fms-1"})
    theirs = post_pothole(client, other_key, **{"attribute[fixmystreet_id]": "other-9"})

    def feed(key):
        response = client.get(
            f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "wessex", "api_key": key}
        )
        assert response.status_code == 200
        return {u["service_request_id"]: u["fixmystreet_id"] for u in response.json()}

    assert feed(keys.county) == {mine: "fms-1", theirs: None}
    assert feed(other_key) == {mine: None, theirs: "other-9"}
    # GET requests: with a key, the client's own ids; without, none at all.
    ids = {
        r["service_request_id"]: r["client_request_id"]
        for r in listing(client, api_key=keys.county)
    }
    assert ids == {mine: "fms-1", theirs: None}
    assert all("client_request_id" not in r for r in listing(client))
    assert b"other-9" not in listing(client, fmt="xml", api_key=keys.county).content
    detail = client.get(
        f"{BASE}/requests/{theirs}.json", {"jurisdiction_id": "wessex", "api_key": other_key}
    )
    assert detail.json()[0]["client_request_id"] == "other-9"
    # A key that is not valid is refused rather than ignored.
    response = client.get(
        f"{BASE}/requests.xml", {"jurisdiction_id": "wessex", "api_key": "fc311_nope"}
    )
    assert response.status_code == 403 and errors_of(response)[0].startswith("api_key:")


def test_services_list_only_what_a_client_may_report(client, keys, partnership):
    application = Service.objects.create(
        code="blue-badge", name="Blue Badge application", kind=ServiceKind.APPLICATION
    )
    partnership.county.deliveries.create(service=application)
    codes = [
        s.findtext("service_code")
        for s in xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "wessex"})).findall(
            "service"
        )
    ]
    assert codes == ["pothole"]
    assert (
        client.get(f"{BASE}/services/blue-badge.xml", {"jurisdiction_id": "wessex"}).status_code
        == 404
    )
    response = client.post(
        f"{BASE}/requests.json",
        {
            "jurisdiction_id": "wessex",
            "api_key": keys.county,
            "service_code": "blue-badge",
            **NORTH_POINT,
        },
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        "service_code: 'Blue Badge application' cannot be reported through Open311; "
        "see services.xml for what can."
    ]
    assert ServiceRequest.objects.count() == 0


def test_reportable_needs_public_requests_and_a_fault(partnership):
    service = Service(code="x", name="X", kind=ServiceKind.FAULT_REPORT, open311_reportable=True)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "open311_reportable" in error.value.message_dict
    service.kind, service.requests_public = ServiceKind.APPLICATION, True
    with pytest.raises(ValidationError):
        service.full_clean()
    service.kind = ServiceKind.FAULT_REPORT
    service.full_clean()
    assert service.public_location == PublicLocation.STREET


def test_photos_only_of_public_requests(client, keys, partnership):
    post_pothole(client, keys.county, photo1=SimpleUploadedFile("a.jpg", JPEG))
    photo = RequestPhoto.objects.get()
    assert client.get(f"{BASE}/photos/{photo.pk}.jpg").status_code == 200
    partnership.pothole.requests_public = partnership.pothole.open311_reportable = False
    partnership.pothole.save()
    assert client.get(f"{BASE}/photos/{photo.pk}.jpg").status_code == 404


def test_desk_checkbox_marks_a_description_public(client, partnership):
    client.force_login(partnership.hub_adviser)
    client.post("/desk/contact/start/", {"channel": "phone", "partner": partnership.county.pk})
    page = client.get("/desk/raise/pothole/").content.decode()
    assert 'name="description_public"' in page
    assert 'name="description_public"' not in client.get("/desk/raise/asb/").content.decode()
    data = {
        "attr_depth": "deep",
        "postcode": "WX2 1AA",
        "address": "Outside 4 Mill Lane",
        "channel": "phone",
    }
    client.post("/desk/raise/pothole/", {**data, "description": "Caller's own words"})
    client.post(
        "/desk/raise/pothole/",
        # The first is offered as already reported nearby: this is another problem.
        {
            **data,
            "description": "Deep hole in the cycle lane",
            "description_public": "on",
            "nearby": "new",
        },
    )
    descriptions = sorted(r["description"] for r in listing(client))
    assert descriptions == ["Deep hole in the cycle lane", "Pothole"]


def test_a_photo_sent_with_gps_is_published_without_it(client, keys, settings):
    from tests.images import metadata_of, phone_jpeg, size_of

    reference = post_pothole(
        client, keys.county, photo1=SimpleUploadedFile("IMG_0001.jpg", phone_jpeg())
    )
    photo = RequestPhoto.objects.get()
    stored = (settings.MEDIA_ROOT / photo.file.name).read_bytes()
    assert metadata_of(stored)["gps"] == {}
    url = by_id(listing(client))[reference]["media_url"]
    served = client.get(url.removeprefix("http://testserver"))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    data = b"".join(served.streaming_content)
    assert metadata_of(data) == {"exif": {}, "gps": {}, "info": {}}
    assert size_of(data) == (40, 60)  # turned the right way up, and it decodes
