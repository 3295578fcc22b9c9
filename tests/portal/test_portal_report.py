"""Report a problem: category, a pin or a postcode, one question a page, description and
photos, contact details, check your answers, confirmation with a reference. Every form's bad
input gets an error summary and inline errors, and keeps what was typed."""

import io

import pytest
from django.core import mail
from django.test import Client

from firstcontact.customers.models import ConsentPurpose
from firstcontact.servicerequests.models import ServiceRequest
from tests.portal.fixtures import (
    NORTH_POINT,
    OUTSIDE_POINT,
    OUTSIDE_POSTCODE,
    PNG,
    SOUTH_POINT,
    png_file,
)

BASE = "/report/pothole"


def assert_error(response, message: str, field_id: str | None = None) -> str:
    """The page has a GOV.UK error summary with the message, and the field its inline error."""
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert message in html, html
    assert "<title>Error: " in html
    if field_id:
        assert f'href="#{field_id}"' in html
        assert "govuk-error-message" in html
    return html


def walk_to_check(client, *, location=None, contact=None, photos=None, description=None):
    """Answer every page of the pothole report; returns the check page's response."""
    response = client.post(f"{BASE}/location/", location or {"postcode": "wx1 2ab"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"{BASE}/question-depth/"
    assert client.post(f"{BASE}/question-depth/", {"answer": "deep"})["Location"] == (
        f"{BASE}/question-hazards/"
    )
    client.post(f"{BASE}/question-hazards/", {"answer": ["kerb", "water"]})
    client.post(f"{BASE}/question-width_cm/", {"answer": "40"})
    data = {"description": description or "Deep pothole outside the school gates"}
    if photos:
        data["photos"] = photos
    response = client.post(f"{BASE}/details/", data)
    assert response["Location"] == f"{BASE}/contact/", response.content.decode()[:2000]
    response = client.post(
        f"{BASE}/contact/",
        contact
        if contact is not None
        else {"full_name": "Sam Resident", "email": "sam@example.org", "phone": ""},
    )
    assert response["Location"] == f"{BASE}/check/"
    return client.get(f"{BASE}/check/")


def test_choose_a_category(client, portal):
    response = client.get("/report/")
    html = response.content.decode()
    assert "Pothole" in html and "Missed bin collection" in html
    assert "Blue Badge" not in html  # applications are not reports
    assert client.post("/report/", {"service": "pothole"})["Location"] == f"{BASE}/"
    assert client.get(f"{BASE}/")["Location"] == f"{BASE}/location/"


def test_choosing_no_category_is_an_error(client, portal):
    assert_error(client.post("/report/", {}), "Select what the problem is", "id_service_0")
    assert_error(client.post("/report/", {"service": "blue-badge"}), "Select a valid choice")


def test_report_a_pothole_by_postcode_without_javascript(
    client, portal, django_capture_on_commit_callbacks
):
    check = walk_to_check(client)
    html = check.content.decode()
    for shown in [
        "WX1 2AB",
        "5cm or more",
        "Damaged kerb, Standing water",
        "40",
        "Deep pothole outside the school gates",
        "Sam Resident",
        "sam@example.org",
    ]:
        assert shown in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/check/")
    request = ServiceRequest.objects.get()
    assert response["Location"] == f"/done/{request.formatted_reference}/"
    assert request.channel == "web"
    assert request.responsible_partner == portal.county  # potholes are the county's
    assert request.postcode == "WX1 2AB"
    assert request.attributes == {"depth": "deep", "hazards": ["kerb", "water"], "width_cm": 40}
    assert request.customer.partner == portal.county
    assert request.customer.given_name == "Sam" and request.customer.family_name == "Resident"
    assert request.customer.consents.filter(purpose=ConsentPurpose.EMAIL_UPDATES).exists()
    done = client.get(response["Location"]).content.decode()
    assert request.formatted_reference in done and "Wessex County Council" in done
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert request.formatted_reference in mail.outbox[0].body
    # The journey is finished: starting again starts afresh.
    assert client.get(f"{BASE}/check/")["Location"] == f"{BASE}/location/"


def test_a_pin_routes_to_the_partner_for_that_place(client, portal):
    base = "/report/missed-bin"
    response = client.post(
        f"{base}/location/", {"latitude": str(SOUTH_POINT[0]), "longitude": str(SOUTH_POINT[1])}
    )
    assert response["Location"] == f"{base}/details/"
    client.post(f"{base}/details/", {"description": "Bin not emptied"})
    client.post(f"{base}/contact/", {})
    client.post(f"{base}/check/")
    request = ServiceRequest.objects.get()
    assert request.responsible_partner == portal.south
    assert request.latitude == SOUTH_POINT[0] and request.customer is None


def test_a_pin_outside_the_partnership_says_who_to_contact_instead(client, portal):
    response = client.post(
        f"{BASE}/location/",
        {
            "latitude": str(OUTSIDE_POINT[0]),
            "longitude": str(OUTSIDE_POINT[1]),
            "address": "By the old mill",
        },
    )
    html = assert_error(response, "This place is outside the area Wessex County Council covers")
    assert "www.gov.uk/find-local-council" in html
    assert 'href="https://www.gov.uk/find-local-council"' in html
    assert 'value="By the old mill"' in html  # answers kept
    assert f'value="{OUTSIDE_POINT[0]}"' in html  # and the pin
    assert ServiceRequest.objects.count() == 0


def test_a_postcode_outside_the_partnership_says_who_to_contact_instead(client, portal):
    html = assert_error(
        client.post(f"{BASE}/location/", {"postcode": OUTSIDE_POSTCODE}),
        "outside the area",
        "id_postcode",
    )
    assert 'id="id_postcode-error"' in html
    assert f'value="{OUTSIDE_POSTCODE}"' in html


def test_a_service_nobody_provides_at_the_place_names_who_does_cover_it(client, portal):
    portal.missed_bin.deliveries.filter(partner=portal.south).delete()
    html = assert_error(
        client.post("/report/missed-bin/location/", {"postcode": "WX3 1AA"}),
        "None of our partners provides",
        "id_postcode",
    )
    assert "South Wessex District Council" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Without JavaScript there is no map, so the error does not offer one; with it, it does.
        ({}, "Enter the postcode nearest to the problem</"),
        ({"map_shown": "1"}, "Enter the postcode nearest to the problem, or put a pin on the map"),
        ({"postcode": "not a postcode", "address": "High St"}, "Enter a real postcode, like WX1"),
        ({"latitude": "91", "longitude": "-1.5"}, "The pin is not on a real place"),
        ({"latitude": "abc", "longitude": "def"}, "The pin is not on a real place"),
        ({"postcode": "WX1 2AB", "address": "x" * 301}, "Ensure this value has at most 300"),
    ],
)
def test_bad_locations_are_errors_and_answers_are_kept(client, portal, data, message):
    html = assert_error(client.post(f"{BASE}/location/", data), message)
    if data.get("address") and len(data["address"]) < 300:
        assert f'value="{data["address"]}"' in html


def test_the_map_is_configured_from_settings_and_hidden_without_javascript(
    client, portal, settings
):
    settings.LEAFLET_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(f"{BASE}/location/").content.decode()
    assert 'id="fc-map-panel" hidden' in html
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-bounds="[[50.0, -2.0], [52.0, -1.0]]"' in html
    assert "/static/leaflet/leaflet.js" in html and "/static/portal/map.js" in html
    assert 'name="postcode"' in html


def test_a_required_question_must_be_answered_and_choices_checked(client, portal):
    client.post(f"{BASE}/location/", {"postcode": "WX1 2AB"})
    assert_error(client.post(f"{BASE}/question-depth/", {}), "Select an answer", "id_answer_0")
    assert_error(
        client.post(f"{BASE}/question-depth/", {"answer": "bottomless"}), "Select a valid choice"
    )
    client.post(f"{BASE}/question-depth/", {"answer": "deep"})
    assert_error(
        client.post(f"{BASE}/question-hazards/", {"answer": ["lava"]}), "Select a valid choice"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("forty", "Enter a number"),
        ("1e999999", "digits"),
        ("NaN", "Enter a number"),
        ("1234567890123456", "Enter a number with at most 15 digits"),
    ],
)
def test_a_number_question_checks_the_number(client, portal, typed, message):
    client.post(f"{BASE}/location/", {"postcode": "WX1 2AB"})
    client.post(f"{BASE}/question-depth/", {"answer": "deep"})
    client.post(f"{BASE}/question-hazards/", {})
    html = assert_error(
        client.post(f"{BASE}/question-width_cm/", {"answer": typed}), message, "id_answer"
    )
    assert f'value="{typed}"' in html


def test_pages_cannot_be_skipped(client, portal):
    assert client.get(f"{BASE}/details/")["Location"] == f"{BASE}/location/"
    assert client.get(f"{BASE}/check/")["Location"] == f"{BASE}/location/"
    assert client.get(f"{BASE}/no-such-page/").status_code == 404
    assert client.get("/report/blue-badge/").status_code == 404


def test_answers_are_kept_when_going_back(client, portal):
    walk_to_check(client)
    html = client.get(f"{BASE}/location/").content.decode()
    assert 'value="WX1 2AB"' in html
    html = client.get(f"{BASE}/question-depth/").content.decode()
    assert 'value="deep" checked' in html
    html = client.get(f"{BASE}/details/").content.decode()
    assert "Deep pothole outside the school gates" in html


def test_change_links_come_back_to_check_your_answers(client, portal):
    walk_to_check(client)
    response = client.post(f"{BASE}/question-depth/?change=1", {"answer": "shallow"})
    assert response["Location"] == f"{BASE}/check/"
    assert "Less than 5cm" in client.get(f"{BASE}/check/").content.decode()


def test_a_description_is_needed(client, portal):
    walk_to_check(client)
    assert_error(
        client.post(f"{BASE}/details/", {"description": "  "}),
        "Describe the problem",
        "id_description",
    )


def test_photos_are_checked_by_content_not_name(client, portal):
    walk_to_check(client)
    fake = io.BytesIO(b"this is not a photo at all")
    fake.name = "pothole.jpg"
    html = assert_error(
        client.post(f"{BASE}/details/", {"description": "Kept text", "photos": [fake]}),
        "“pothole.jpg” must be a photo: a JPEG, PNG, GIF or WebP file",
        "id_photos",
    )
    assert "Kept text" in html
    response = client.post(
        f"{BASE}/details/", {"description": "Kept text", "photos": [png_file("notes.txt")]}
    )
    assert response.status_code == 302
    client.post(f"{BASE}/check/")
    photo = ServiceRequest.objects.get().photos.get()
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")


def test_photos_larger_than_10_mb_or_too_many_are_refused(client, portal):
    walk_to_check(client)
    big = io.BytesIO(PNG + b"\0" * (10 * 1024 * 1024))
    big.name = "huge.png"
    assert_error(
        client.post(f"{BASE}/details/", {"description": "x", "photos": [big]}),
        "“huge.png” is larger than 10 MB",
        "id_photos",
    )
    many = [png_file(f"p{i}.png") for i in range(6)]
    assert_error(
        client.post(f"{BASE}/details/", {"description": "x", "photos": many}),
        "Choose at most 5 photos",
        "id_photos",
    )


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (
            {"full_name": "Sam Resident"},
            "Enter an email address or a phone number, or leave",
            "id_email",
        ),
        ({"email": "sam@example.org"}, "Enter your full name", "id_full_name"),
        (
            {"full_name": "Sam Resident", "email": "not-an-email"},
            "Enter an email address in the correct format",
            "id_email",
        ),
        ({"full_name": "Sam Resident", "phone": "12345"}, "Enter a UK phone number", "id_phone"),
    ],
)
def test_bad_contact_details_are_errors_and_kept(client, portal, data, message, field):
    walk_to_check(client)
    html = assert_error(client.post(f"{BASE}/contact/", data), message, field)
    for value in data.values():
        assert f'value="{value}"' in html


def test_an_anonymous_report_has_no_customer(client, portal):
    walk_to_check(client, contact={})
    client.post(f"{BASE}/check/")
    request = ServiceRequest.objects.get()
    assert request.customer is None
    done = client.get(f"/done/{request.formatted_reference}/").content.decode()
    assert "Keep your reference" in done


def test_a_phone_only_report_is_texted(client, portal):
    walk_to_check(client, contact={"full_name": "Sam Resident", "phone": "07911 123456"})
    client.post(f"{BASE}/check/")
    customer = ServiceRequest.objects.get().customer
    assert customer.phones.get().number == "+447911123456"
    assert customer.consents.filter(purpose=ConsentPurpose.SMS_UPDATES).exists()


def test_the_confirmation_is_only_for_the_browser_that_made_the_request(client, portal):
    walk_to_check(client)
    client.post(f"{BASE}/check/")
    request = ServiceRequest.objects.get()
    other = Client()
    response = other.get(f"/done/{request.formatted_reference}/")
    assert response["Location"] == f"/track/?reference={request.formatted_reference}"


def test_submissions_are_rate_limited_and_answers_kept(client, portal, settings):
    settings.PORTAL_RATE_LIMITS = {"submit": (1, 3600)}
    walk_to_check(client)
    assert client.post(f"{BASE}/check/").status_code == 302
    walk_to_check(client)
    response = client.post(f"{BASE}/check/")
    assert response.status_code == 429
    assert "Your answers have been kept" in response.content.decode()
    assert ServiceRequest.objects.count() == 1
    assert "Deep pothole" in client.get(f"{BASE}/check/").content.decode()


def test_report_forms_need_the_csrf_token(portal):
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"{BASE}/location/", {"postcode": "WX1 2AB"}).status_code == 403
    assert client.post("/report/", {"service": "pothole"}).status_code == 403


def test_a_pin_inside_the_area_is_used(client, portal):
    walk_to_check(
        client,
        location={
            "latitude": str(NORTH_POINT[0]),
            "longitude": str(NORTH_POINT[1]),
            "postcode": "",
        },
    )
    client.post(f"{BASE}/check/")
    request = ServiceRequest.objects.get()
    assert (request.latitude, request.longitude) == NORTH_POINT
