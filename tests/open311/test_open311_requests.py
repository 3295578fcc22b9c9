"""POST and GET requests: reports in, idempotent retries, keys, routing, photos, listing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import caches
from django.utils import timezone

from firstcontact.catalogue.models import Datatype, ServiceAttribute
from firstcontact.contacts.models import Contact, Outcome
from firstcontact.customers.models import Customer, CustomerEmail
from firstcontact.linkage.models import CandidatePair
from firstcontact.open311 import auth
from firstcontact.open311.models import Open311Submission
from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest
from firstcontact.servicerequests.services import change_status
from tests.images import JPEG, PNG, size_of
from tests.open311.conftest import SCHEMA_DIR, errors_of, make_client, xml

BASE = "/open311/v2"
NORTH_POINT = {"lat": "51.5", "long": "-1.5"}
SOUTH_POINT = {"lat": "50.5", "long": "-1.5"}


def pothole(key, **extra):
    data = {
        "jurisdiction_id": "wessex",
        "api_key": key,
        "service_code": "pothole",
        **NORTH_POINT,
        "attribute[depth]": "deep",
        "description": "A big hole by the bus stop",
    }
    data.update(extra)
    return data


def post(client, data, fmt="xml", **kwargs):
    return client.post(f"{BASE}/requests.{fmt}", data, **kwargs)


def test_post_request_xml_raises_a_request_and_an_open311_contact(
    client, keys, partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            pothole(
                keys.county,
                email="Sam@Example.org",
                first_name="Sam",
                last_name="Jones",
                phone="0113 496 0123",
                account_id="fms-77",
                device_id="phone-1",
            ),
        )
    assert response.status_code == 200, response.content
    root = xml(response)
    assert root.tag == "service_requests"
    item = root.find("request")
    reference = item.findtext("service_request_id")
    assert item.findtext("account_id") == "fms-77"
    assert "Wessex County Council" in item.findtext("service_notice")
    sr = ServiceRequest.objects.get()
    assert sr.formatted_reference == reference
    assert sr.channel == "open311"
    assert sr.responsible_partner == partnership.county
    assert sr.attributes == {"depth": "deep"}
    assert (sr.latitude, sr.longitude) == (51.5, -1.5)
    contact = Contact.objects.get()
    assert contact.channel == "open311" and contact.partner == partnership.county
    assert contact.outcome == Outcome.REQUEST_RAISED and contact.adviser is None
    assert list(contact.reasons.all()) == [partnership.pothole]
    assert sr.contact == contact and sr.customer == contact.customer
    customer = sr.customer
    assert (customer.given_name, customer.family_name) == ("Sam", "Jones")
    assert customer.partner == partnership.county
    assert customer.emails.get().address == "Sam@example.org"
    assert customer.phones.get().number == "+441134960123"
    submission = Open311Submission.objects.get()
    assert submission.partner == partnership.county and submission.account_id == "fms-77"
    assert mail.outbox and "Sam@example.org" in mail.outbox[0].to


def test_post_request_json_validates_against_the_swagger_definition(client, keys, georeport):
    response = post(client, pothole(keys.county, account_id="acc-1"), "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    georeport.validate(response.json(), "swagger:RequestResponse")


def test_post_request_form_encoded_with_both_multivalue_spellings(client, keys):
    from urllib.parse import urlencode

    body = urlencode(
        pothole(keys.county, **{"attribute[hazards]": "kerb", "attribute[hazards][]": ["water"]}),
        doseq=True,
    )
    response = client.post(
        f"{BASE}/requests.xml", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().attributes["hazards"] == ["kerb", "water"]


def test_post_request_json_matches_the_customer_by_verified_email(client, keys, partnership):
    """The front door (customers.front_door): an email the resident proved joins their record;
    one not proven makes a new record, queued for the steward, never merged."""
    first = post(client, pothole(keys.county, email="sam@example.org", last_name="Jones"), "json")
    second = post(client, pothole(keys.county, email="SAM@example.org", last_name="jones"), "json")
    assert first.status_code == second.status_code == 200
    a, b = first.json()[0], second.json()[0]
    assert a["service_request_id"] != b["service_request_id"]
    assert set(a) == {"service_request_id", "service_notice", "account_id"}
    assert Customer.objects.count() == 2
    pair = CandidatePair.objects.get()
    assert (pair.source, pair.status) == ("front_door", "pending")
    CustomerEmail.objects.filter(customer_id=pair.left_id).update(verified_at=timezone.now())
    post(client, pothole(keys.county, email="Sam@example.org", last_name="Jones"), "json")
    assert Customer.objects.count() == 2
    assert ServiceRequest.objects.filter(customer_id=pair.left_id).count() == 2
    post(client, pothole(keys.county, email="sam@example.org", last_name="Smith"), "json")
    assert Customer.objects.count() == 3  # same email, another person: a new record


def test_anonymous_report_without_contact_details(client, keys):
    response = post(client, pothole(keys.county), "json")
    assert response.status_code == 200
    assert ServiceRequest.objects.get().customer is None
    assert response.json()[0]["account_id"] is None


@pytest.mark.parametrize("spelling", ["attribute[hazards]", "attribute[hazards][]"])
def test_multivalue_attribute_in_both_spellings(client, keys, spelling):
    response = post(client, pothole(keys.county, **{spelling: ["kerb", "water"]}))
    assert response.status_code == 200, response.content
    assert ServiceRequest.objects.get().attributes["hazards"] == ["kerb", "water"]


def test_multivalue_spellings_can_be_mixed(client, keys):
    data = pothole(keys.county)
    data["attribute[hazards]"] = "kerb"
    data["attribute[hazards][]"] = "water"
    assert post(client, data).status_code == 200
    assert ServiceRequest.objects.get().attributes["hazards"] == ["kerb", "water"]


def test_unknown_attributes_are_ignored(client, keys):
    response = post(
        client, pothole(keys.county, **{"attribute[colour]": "red", "attribute[a[b]": "x"})
    )
    assert response.status_code == 200
    assert "colour" not in ServiceRequest.objects.get().attributes


def test_retry_with_the_same_fixmystreet_id_returns_the_same_request(client, keys):
    data = pothole(
        keys.county, **{"attribute[fixmystreet_id]": "12345"}, email="a@b.org", last_name="Lee"
    )
    first = xml(post(client, data)).findtext("request/service_request_id")
    again = xml(post(client, data)).findtext("request/service_request_id")
    as_json = post(client, data, "json").json()[0]["service_request_id"]
    assert first == again == as_json
    assert ServiceRequest.objects.count() == Contact.objects.count() == 1
    assert Customer.objects.count() == Open311Submission.objects.count() == 1
    # The same id from another client (another body) is another report.
    other_client, other_key = make_client(keys.county_client.partner, name="Other app")
    other = post(client, {**data, "api_key": other_key}).status_code
    assert other == 200 and ServiceRequest.objects.count() == 2


def test_retry_with_the_same_client_request_id_or_idempotency_key(client, keys):
    data = pothole(keys.county, client_request_id="app-1")
    assert post(client, data).status_code == 200
    assert post(client, data).status_code == 200
    assert ServiceRequest.objects.count() == 1
    headers = {"headers": {"Idempotency-Key": "k-9"}}
    ids = {
        xml(post(client, pothole(keys.county), **headers)).findtext(".//service_request_id")
        for _ in range(2)
    }
    assert len(ids) == 1 and ServiceRequest.objects.count() == 2


def test_declared_fixmystreet_attributes_are_received(client, keys, partnership):
    for code, datatype in [
        ("fixmystreet_id", Datatype.STRING),
        ("easting", Datatype.NUMBER),
        ("northing", Datatype.NUMBER),
        ("uprn", Datatype.STRING),
        ("closest_address", Datatype.STRING),
    ]:
        ServiceAttribute.objects.create(
            service=partnership.pothole,
            code=code,
            order=20,
            description=code,
            datatype=datatype,
            automated="server_set",
        )
    response = post(
        client,
        pothole(
            keys.county,
            **{
                "attribute[fixmystreet_id]": "99",
                "attribute[easting]": "445123",
                "attribute[northing]": "114321.5",
                "attribute[uprn]": "100012345678",
                "attribute[closest_address]": "1 High Street, Northtown, WX1 2AB",
            },
        ),
    )
    assert response.status_code == 200, response.content
    sr = ServiceRequest.objects.get()
    assert sr.attributes["fixmystreet_id"] == "99"
    assert sr.attributes["easting"] == 445123 and sr.attributes["northing"] == 114321.5
    assert sr.uprn == "100012345678"
    assert sr.address == "1 High Street, Northtown, WX1 2AB" and sr.postcode == "WX1 2AB"


def test_address_string_alone_is_a_location(client, keys, partnership):
    data = {
        "jurisdiction_id": "north",
        "api_key": keys.north,
        "service_code": "missed-bin",
        "address_string": "4 Mill Lane, Southby WX3 1AA",
        "description": "Blue bin",
    }
    response = post(client, data, "json")
    assert response.status_code == 200, response.content
    sr = ServiceRequest.objects.get()
    assert sr.postcode == "WX3 1AA" and sr.responsible_partner == partnership.south


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_missing_or_bad_api_key_is_403(client, keys, fmt):
    for key in ["", "nonsense", keys.county[:-2] + "xx", keys.north]:
        response = post(client, pothole(key), fmt)
        assert response.status_code == 403, key
        assert errors_of(response)[0].startswith("api_key:")
    keys.county_client.active = False
    keys.county_client.save()
    assert post(client, pothole(keys.county), fmt).status_code == 403
    assert ServiceRequest.objects.count() == 0


def test_unknown_jurisdiction_is_404_even_with_a_key(client, keys):
    response = post(client, pothole(keys.county, jurisdiction_id="atlantis"))
    assert response.status_code == 404
    assert errors_of(response) == ["jurisdiction_id: No jurisdiction 'atlantis'."]


def test_jurisdiction_defaults_to_the_keys_partner_on_post(client, keys):
    data = pothole(keys.county)
    del data["jurisdiction_id"]
    assert post(client, data).status_code == 200


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_several_bad_fields_are_reported_at_once(client, keys, fmt):
    response = post(
        client,
        {
            "jurisdiction_id": "wessex",
            "api_key": keys.county,
            "service_code": "pothole",
            "lat": "91",
            "long": "-1.5",
            "attribute[depth]": "bottomless",
            "attribute[width_cm]": "wide",
            "email": "not-an-email",
            "description": "x" * 10_001,
        },
        fmt,
    )
    assert response.status_code == 400
    fields = sorted(e.split(":")[0] for e in errors_of(response))
    assert fields == [
        "attribute[depth]",
        "attribute[width_cm]",
        "description",
        "email",
        "lat",
    ]


def test_missing_service_and_location(client, keys):
    response = post(client, {"jurisdiction_id": "wessex", "api_key": keys.county})
    assert response.status_code == 400
    assert [e.split(":")[0] for e in errors_of(response)] == ["service_code", "lat"]
    response = post(client, pothole(keys.county, service_code="no-such"))
    assert errors_of(response) == ["service_code: No service 'no-such'."]


def test_required_attribute_and_location_outside_the_partnership(client, keys):
    data = pothole(keys.county, lat="55.0")
    del data["attribute[depth]"]
    response = post(client, data)
    assert response.status_code == 400
    assert [e.split(":")[0] for e in errors_of(response)] == ["attribute[depth]"]
    response = post(client, pothole(keys.county, lat="55.0"))
    assert response.status_code == 400
    assert errors_of(response)[0].startswith("location:")


def test_long_descriptions_are_accepted(client, keys):
    text = "é" * 4000 + "more"
    assert post(client, pothole(keys.county, description=text)).status_code == 200
    assert ServiceRequest.objects.get().description == text


def test_photos_are_checked_by_content_and_stored(client, keys, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(
        client,
        pothole(
            keys.county,
            photo1=SimpleUploadedFile("a.jpg", PNG, content_type="image/jpeg"),
            photo2=SimpleUploadedFile("b.bin", JPEG, content_type="application/octet-stream"),
            media_url=["https://example.org/1.jpg", "https://example.org/2.jpg"],
        ),
    )
    assert response.status_code == 200, response.content
    photos = list(RequestPhoto.objects.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    assert photos[0].file.name.endswith(".png")
    # Stored re-encoded (without metadata): the same picture.
    assert size_of((settings.MEDIA_ROOT / photos[0].file.name).read_bytes()) == size_of(PNG)
    submission = Open311Submission.objects.get()
    assert submission.media_urls == ["https://example.org/1.jpg", "https://example.org/2.jpg"]
    served = client.get(f"/open311/v2/photos/{photos[0].pk}.png")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert size_of(b"".join(served.streaming_content)) == size_of(PNG)


def test_an_uploaded_photo_is_the_media_url_of_the_request(client, keys):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reference = xml(
        post(client, pothole(keys.county, photo1=SimpleUploadedFile("a", JPEG)))
    ).findtext("request/service_request_id")
    photo = RequestPhoto.objects.get()
    assert photo.request.formatted_reference == reference
    listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex"}).json()
    assert listed[0]["media_url"] == f"http://testserver/open311/v2/photos/{photo.pk}.jpg"
    # Photos sent through other channels are never published here.
    other = ServiceRequest.objects.create(
        reference="ABCDEFGH",
        service=photo.request.service,
        channel="web",
        responsible_partner=photo.request.responsible_partner,
    )
    private = RequestPhoto.objects.create(
        request=other, file="requests/x.jpg", content_type="image/jpeg", size=1
    )
    assert client.get(f"/open311/v2/photos/{private.pk}.jpg").status_code == 404
    assert client.get(f"/open311/v2/photos/{photo.pk}.png").status_code == 404


def test_photos_that_are_not_images_or_too_big_are_refused(client, keys):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post(
        client,
        pothole(
            keys.county,
            photo1=SimpleUploadedFile("a.jpg", b"<script>alert(1)</script>", "image/jpeg"),
            photo2=SimpleUploadedFile("b.png", PNG + b"\x00" * (10 * 1024 * 1024), "image/png"),
        ),
    )
    assert response.status_code == 400
    assert sorted(e.split(":")[0] for e in errors_of(response)) == ["photo1", "photo2"]
    assert ServiceRequest.objects.count() == RequestPhoto.objects.count() == 0


def test_a_report_posted_to_one_district_for_the_other_is_routed_there(client, keys, partnership):
    """Posted to North, but the bin is in South: accepted, routed to South, and North's feed
    says INTERNAL_REFERRAL."""
    response = post(
        client,
        {
            "jurisdiction_id": "north",
            "api_key": keys.north,
            "service_code": "missed-bin",
            **SOUTH_POINT,
        },
        "json",
    )
    assert response.status_code == 200
    reference = response.json()[0]["service_request_id"]
    sr = ServiceRequest.objects.get()
    assert sr.responsible_partner == partnership.south
    assert "South Wessex" in response.json()[0]["service_notice"]
    # Both districts list it (posted to North, South is responsible).
    for slug in ("north", "south"):
        listed = client.get(f"{BASE}/requests.json", {"jurisdiction_id": slug}).json()
        assert [r["service_request_id"] for r in listed] == [reference]
        assert listed[0]["agency_responsible"] == "South Wessex District Council"
    feed = client.get(
        f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "north", "api_key": keys.north}
    ).json()
    assert [(u["service_request_id"], u["status"]) for u in feed] == [
        (reference, "INTERNAL_REFERRAL")
    ]
    south_feed = client.get(
        f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "south", "api_key": keys.south}
    ).json()
    assert [u["status"] for u in south_feed] == ["OPEN"]
    # The county neither delivers nor received it.
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex"}).json() == []


def _raise(client, key, **extra):
    response = post(client, pothole(key, **extra), "json")
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def test_get_requests_xml_fields_and_no_personal_data(client, keys, partnership):
    reference = _raise(
        client,
        keys.county,
        email="secret@example.org",
        first_name="Ada",
        last_name="Secretname",
        phone="01134960999",
        media_url="https://example.org/p.jpg",
        address_string="Bus stop, WX1 1AA",
    )
    response = client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "wessex"})
    assert response.status_code == 200
    assert b"secret" not in response.content.lower() and b"496" not in response.content
    request = xml(response).find("request")
    fields = [child.tag for child in request]
    assert fields == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert request.findtext("service_request_id") == reference
    assert request.findtext("status") == "open"
    # The postcode's district only (a full postcode covers a handful of homes), no UPRN.
    assert request.findtext("zipcode") == "WX1"
    assert request.findtext("address") == "Bus stop"
    assert request.findtext("address_id") == ""
    # A resident's own report of a pothole: its description is public, its point exact.
    assert request.findtext("description") == "A big hole by the bus stop"
    assert (request.findtext("lat"), request.findtext("long")) == ("51.5", "-1.5")
    assert request.findtext("media_url") == "https://example.org/p.jpg"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        parsed = dt.datetime.fromisoformat(request.findtext(name))
        assert parsed.tzinfo is not None
    sr = ServiceRequest.objects.get()
    assert dt.datetime.fromisoformat(
        request.findtext("expected_datetime")
    ) == sr.sla_due_at.replace(microsecond=0)


def test_get_requests_json_validates_and_filters(client, keys, partnership, georeport):
    first = _raise(client, keys.county)
    second = _raise(client, keys.county)
    sr = ServiceRequest.objects.get(reference=second.replace("-", ""))
    change_status(
        user=partnership.highways_officer,
        request=sr,
        status="closed",
        outcome="fixed",
        text="Filled in.",
    )

    def listing(**params):
        response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "wessex", **params})
        assert response.status_code == 200, response.content
        data = response.json()
        georeport.validate(data, "requests.json")
        return [r["service_request_id"] for r in data]

    assert listing() == [second, first]
    assert listing(status="open") == [first]
    assert listing(status="closed") == [second]
    assert listing(status="open,closed") == [second, first]
    assert listing(service_code="missed-bin") == []
    assert listing(service_code="missed-bin,pothole") == [second, first]
    assert listing(service_request_id=f"{first},XXXX-0000,nonsense") == [first]
    # service_request_id overrides every other filter
    assert listing(service_request_id=second, status="open", service_code="asb") == [second]
    closed = client.get(f"{BASE}/requests/{second}.json", {"jurisdiction_id": "wessex"}).json()
    georeport.validate(closed, "requests.json")
    assert closed[0]["status"] == "closed" and closed[0]["status_notes"] == "Fixed. Filled in."
    now = timezone.now()
    assert listing(start_date=(now - dt.timedelta(days=1)).isoformat()) == [second, first]
    assert listing(end_date=(now - dt.timedelta(days=1)).isoformat()) == []
    assert listing(start_date="2020-01-01", end_date="2020-02-01") == []


def test_get_requests_date_rules(client, partnership):
    def status_and_errors(**params):
        response = client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "wessex", **params})
        return response.status_code, errors_of(response) if response.status_code != 200 else []

    code, errors = status_and_errors(
        start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"
    )
    assert code == 400 and errors[0].startswith("end_date:")
    code, errors = status_and_errors(start_date="yesterday", status="pending")
    assert code == 400 and [e.split(":")[0] for e in errors] == ["start_date", "status"]
    assert status_and_errors(start_date="2026-02-30")[0] == 400
    assert status_and_errors(start_date="9999-12-31T00:00:00Z")[0] == 400
    assert status_and_errors(end_date="0001-01-01")[0] == 400
    assert status_and_errors(start_date="2026-01-01", end_date="2025-01-01")[0] == 400


def test_get_requests_is_scoped_to_the_jurisdiction_and_needs_no_key(client, keys):
    reference = _raise(client, keys.county)
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "police"}).json() == []
    response = client.get(f"{BASE}/requests/{reference}.xml", {"jurisdiction_id": "police"})
    assert response.status_code == 404
    response = client.get(f"{BASE}/requests/{reference}.xml", {"jurisdiction_id": "wessex"})
    assert response.status_code == 200
    assert xml(response).findtext("request/service_request_id") == reference
    compact = reference.replace("-", "").lower()
    response = client.get(f"{BASE}/requests/{compact}.json", {"jurisdiction_id": "wessex"})
    assert response.json()[0]["service_request_id"] == reference
    for bad in ("ZZZZ-ZZZZ", "0000", "x" * 150):
        response = client.get(f"{BASE}/requests/{bad}.json", {"jurisdiction_id": "wessex"})
        assert response.status_code == 404


def test_get_requests_returns_at_most_1000(client, keys, partnership):
    from firstcontact.servicerequests.references import new_reference

    now = timezone.now()
    ServiceRequest.objects.bulk_create(
        ServiceRequest(
            reference=new_reference(),
            service=partnership.pothole,
            channel="web",
            responsible_partner=partnership.county,
            created_at=now - dt.timedelta(minutes=i),
            updated_at=now,
        )
        for i in range(1005)
    )
    response = client.get(f"{BASE}/requests.xml", {"jurisdiction_id": "wessex"})
    assert len(xml(response).findall("request")) == 1000


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_tokens(client, keys, fmt, request):
    with_schema = fmt == "json" and SCHEMA_DIR.is_dir()
    georeport = request.getfixturevalue("georeport") if with_schema else None
    reference = _raise(client, keys.county)
    response = client.get(f"{BASE}/tokens/{reference}.{fmt}", {"jurisdiction_id": "wessex"})
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [{"service_request_id": reference, "token": reference}]
        if georeport is not None:
            georeport.validate(response.json(), "swagger:TokenResponse")
    else:
        assert xml(response).findtext("request/service_request_id") == reference
    response = client.get(f"{BASE}/tokens/nope.{fmt}", {"jurisdiction_id": "wessex"})
    assert response.status_code == 404


def test_rate_limit_per_key_answers_429(client, keys, settings, monkeypatch):
    settings.OPEN311_RATE_LIMIT_PER_MINUTE = 2
    # The limit counts per minute on the clock: all of this happens within one such minute
    # (a real clock may pass into the next between two requests and start a new count).
    caches["default"].clear()
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    assert post(client, pothole(keys.county)).status_code == 200
    assert post(client, pothole(keys.county)).status_code == 200
    response = post(client, pothole(keys.county))
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert errors_of(response)
    # Another key has its own allowance; a key can be given its own limit.
    assert (
        post(
            client, pothole(keys.north, jurisdiction_id="north", service_code="missed-bin")
        ).status_code
        == 200
    )
    keys.county_client.rate_limit_per_minute = 10
    keys.county_client.save()
    assert post(client, pothole(keys.county)).status_code == 200
    # GETs without a key are never limited per key.
    for _ in range(3):
        assert client.get(f"{BASE}/services.xml", {"jurisdiction_id": "wessex"}).status_code == 200


def test_oversized_and_malformed_bodies_are_400(client, keys):
    response = client.post(
        f"{BASE}/requests.xml",
        data=b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code in (400, 403)
    response = client.post(
        f"{BASE}/requests.json?jurisdiction_id=wessex&api_key={keys.county}",
        data="a=" + "x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    response = post(client, pothole(keys.county, description="nul\x00byte"))
    assert response.status_code == 400
    assert errors_of(response) == ["description: Remove the NUL character from this field."]
    response = client.post(
        f"{BASE}/requests.json", data='{"service_code": "pothole"}', content_type="application/json"
    )
    assert response.status_code == 403


def test_control_characters_never_break_the_xml(client, keys):
    reference = _raise(client, keys.county, description="bell\x07 and \x1b escape \ufffe")
    response = client.get(f"{BASE}/requests/{reference}.xml", {"jurisdiction_id": "wessex"})
    assert xml(response).findtext("request/description") == "bell and  escape "
