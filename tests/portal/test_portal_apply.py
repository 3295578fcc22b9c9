"""Apply for a service: eligibility questions, one question a page generated from the
service's typed attributes (all six datatypes), the applicant's address, contact details,
check your answers and a confirmation with a reference. Complaints use the same journey."""

import pytest
from django.core import mail

from firstcontact.servicerequests.models import ServiceRequest
from tests.portal.test_portal_report import assert_error

BASE = "/apply/blue-badge"
ADDRESS = {"line1": "1 Mill Lane", "line2": "", "town": "Northbury", "postcode": "wx1 2ab"}
CONTACT = {"full_name": "Alex Applicant", "email": "alex@example.org", "phone": ""}


def answer_eligibility(client):
    assert client.post(f"{BASE}/eligibility-lives-here/", {"answer": "yes"})["Location"] == (
        f"{BASE}/eligibility-has-badge/"
    )
    assert client.post(f"{BASE}/eligibility-has-badge/", {"answer": "no"})["Location"] == (
        f"{BASE}/question-reason/"
    )


def walk_to_check(client, *, address=None, contact=None):
    answer_eligibility(client)
    client.post(f"{BASE}/question-reason/", {"answer": "walking"})
    client.post(f"{BASE}/question-aids/", {"answer": ["stick", "frame"]})
    client.post(f"{BASE}/question-distance_m/", {"answer": "50"})
    client.post(
        f"{BASE}/question-diagnosed/",
        {"answer_day": "3", "answer_month": "4", "answer_year": "2019"},
    )
    client.post(f"{BASE}/question-vehicle/", {"answer": "AB12 CDE"})
    response = client.post(f"{BASE}/question-more/", {"answer": "I use a wheelchair outdoors."})
    assert response["Location"] == f"{BASE}/address/"
    response = client.post(f"{BASE}/address/", address or ADDRESS)
    assert response["Location"] == f"{BASE}/contact/", response.content.decode()[:500]
    response = client.post(f"{BASE}/contact/", contact or CONTACT)
    assert response["Location"] == f"{BASE}/check/"
    return client.get(f"{BASE}/check/")


def test_the_start_page_starts_with_the_eligibility_questions(client, portal):
    html = client.get(f"{BASE}/").content.decode()
    assert "Blue Badge" in html and "Start now" in html
    assert f'href="{BASE}/eligibility-lives-here/"' in html
    assert "Wessex County Council" in html


def test_apply_for_a_blue_badge(client, portal, django_capture_on_commit_callbacks):
    html = walk_to_check(client).content.decode()
    for shown in [
        "Do you live in Wessex?",
        "I find walking very difficult",
        "Walking stick, Walking frame",
        "50",
        "3 April 2019",
        "AB12 CDE",
        "I use a wheelchair outdoors.",
        "1 Mill Lane",
        "WX1 2AB",
        "Alex Applicant",
        "alex@example.org",
    ]:
        assert shown in html, shown
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/check/")
    request = ServiceRequest.objects.get()
    assert response["Location"] == f"/done/{request.formatted_reference}/"
    assert request.service == portal.blue_badge
    assert request.responsible_partner == portal.county
    assert request.attributes == {
        "reason": "walking",
        "aids": ["stick", "frame"],
        "distance_m": 50,
        "diagnosed": "2019-04-03T00:00:00",
        "vehicle": "AB12 CDE",
        "more": "I use a wheelchair outdoors.",
    }
    address = request.customer.addresses.get()
    assert (address.line1, address.town, address.postcode) == (
        "1 Mill Lane",
        "Northbury",
        "WX1 2AB",
    )
    assert request.address == "1 Mill Lane, Northbury"
    assert len(mail.outbox) == 1 and request.formatted_reference in mail.outbox[0].body
    done = client.get(response["Location"]).content.decode()
    assert "Request sent" in done and request.formatted_reference in done


def test_eligibility_needs_an_answer(client, portal):
    assert_error(
        client.post(f"{BASE}/eligibility-lives-here/", {}), "Select yes or no", "id_answer_0"
    )


def test_the_wrong_eligibility_answer_says_why_and_where_to_go(client, portal):
    response = client.post(f"{BASE}/eligibility-lives-here/", {"answer": "no"})
    assert response["Location"] == f"{BASE}/not-eligible-lives-here/"
    html = client.get(response["Location"]).content.decode()
    assert "You cannot apply online" in html
    assert "Apply to the council for the area where you live." in html
    # Later pages lead back to the explanation until the answer changes.
    assert client.get(f"{BASE}/eligibility-has-badge/")["Location"] == (
        f"{BASE}/not-eligible-lives-here/"
    )
    answer_eligibility(client)
    assert client.get(f"{BASE}/question-reason/").status_code == 200


def test_an_eligible_answer_of_no_is_respected(client, portal):
    client.post(f"{BASE}/eligibility-lives-here/", {"answer": "yes"})
    response = client.post(f"{BASE}/eligibility-has-badge/", {"answer": "yes"})
    assert response["Location"] == f"{BASE}/not-eligible-has-badge/"
    assert "renew your badge" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2019"), "Enter a real date"),
        (("3", "", "2019"), "Enter a complete date: day, month and year"),
        (("3", "4", "19"), "Year must include 4 numbers"),
        (("a", "b", "cdef"), "Enter a real date"),
    ],
)
def test_a_date_question_checks_the_date_and_keeps_it(client, portal, parts, message):
    answer_eligibility(client)
    client.post(f"{BASE}/question-reason/", {"answer": "walking"})
    client.post(f"{BASE}/question-aids/", {})
    client.post(f"{BASE}/question-distance_m/", {"answer": ""})
    data = dict(zip(["answer_day", "answer_month", "answer_year"], parts, strict=True))
    html = assert_error(client.post(f"{BASE}/question-diagnosed/", data), message, "id_answer_day")
    for value in parts:
        if value:
            assert f'value="{value}"' in html


def test_a_short_text_question_takes_one_line(client, portal):
    answer_eligibility(client)
    client.post(f"{BASE}/question-reason/", {"answer": "walking"})
    client.post(f"{BASE}/question-aids/", {})
    client.post(f"{BASE}/question-distance_m/", {})
    client.post(f"{BASE}/question-diagnosed/", {})
    assert_error(
        client.post(f"{BASE}/question-vehicle/", {"answer": "AB12\nCDE"}),
        "Enter a single line",
        "id_answer",
    )
    assert_error(
        client.post(f"{BASE}/question-vehicle/", {"answer": "x" * 501}),
        "at most 500 characters",
        "id_answer",
    )


def test_a_long_text_question_has_a_limit(client, portal):
    walk_to_check(client)
    assert_error(
        client.post(f"{BASE}/question-more/", {"answer": "x" * 10_001}),
        "at most 10000 characters",
        "id_answer",
    )


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({}, "Enter the first line of the address", "id_line1"),
        ({"line1": "1 Mill Lane"}, "Enter the postcode", "id_postcode"),
        ({"line1": "1 Mill Lane", "postcode": "12345"}, "Enter a real postcode", "id_postcode"),
        ({"line1": "1 Mill Lane", "postcode": "ZZ9 9ZZ"}, "outside the area", "id_postcode"),
    ],
)
def test_bad_addresses_are_errors_and_kept(client, portal, data, message, field):
    walk_to_check(client)
    html = assert_error(client.post(f"{BASE}/address/", data), message, field)
    for value in data.values():
        assert f'value="{value}"' in html


def test_an_application_needs_a_name_and_a_way_to_reply(client, portal):
    walk_to_check(client)
    html = assert_error(client.post(f"{BASE}/contact/", {}), "Enter your full name", "id_full_name")
    assert "Enter an email address or a phone number" in html
    html = assert_error(
        client.post(f"{BASE}/contact/", {"full_name": "Alex Applicant"}),
        "Enter an email address or a phone number",
        "id_email",
    )
    assert 'value="Alex Applicant"' in html


def test_services_that_are_not_applications_or_private_are_not_offered(client, portal):
    assert client.get("/apply/pothole/").status_code == 404
    assert client.get("/apply/tuo-council-tax-death/").status_code == 404
    portal.blue_badge.private = True
    portal.blue_badge.save()
    assert client.get(f"{BASE}/").status_code == 404


def test_the_list_of_applications(client, portal):
    html = client.get("/apply/").content.decode()
    assert "Blue Badge" in html and "Parking and travel" in html
    assert "Complaint" not in html and "Pothole" not in html


def test_a_complaint_goes_to_whoever_delivers_the_service_it_is_about(client, portal):
    response = client.get("/complain/")
    assert response["Location"] == "/apply/complaint/"
    base = "/apply/complaint"
    assert f'href="{base}/about/"' in client.get(f"{base}/").content.decode()
    assert_error(
        client.post(f"{base}/about/", {}),
        "Select the service your complaint is about",
        "id_service",
    )
    client.post(f"{base}/about/", {"service": "missed-bin", "reference": ""})
    client.post(f"{base}/question-about/", {"answer": "Bins"})
    assert_error(client.post(f"{base}/question-what_happened/", {}), "Enter an answer", "id_answer")
    client.post(f"{base}/question-what_happened/", {"answer": "Missed three weeks running."})
    client.post(f"{base}/address/", {"line1": "2 Low Road", "postcode": "WX3 1AA"})
    client.post(f"{base}/contact/", CONTACT)
    client.post(f"{base}/check/")
    request = ServiceRequest.objects.get()
    assert request.service == portal.complaint
    # Bins are the district's where the resident lives (the south).
    assert request.responsible_partner == portal.south
    assert request.complaint.about_service.code == "missed-bin"
    assert request.attributes["what_happened"] == "Missed three weeks running."


def test_a_complaint_about_roads_goes_to_the_county_not_the_district(client, portal):
    base = "/apply/complaint"
    client.post(f"{base}/about/", {"service": "pothole", "reference": ""})
    client.post(f"{base}/question-about/", {"answer": "Roads"})
    client.post(f"{base}/question-what_happened/", {"answer": "The pothole is still there."})
    client.post(f"{base}/address/", {"line1": "2 Low Road", "postcode": "WX3 1AA"})
    client.post(f"{base}/contact/", CONTACT)
    check = client.get(f"{base}/check/").content.decode()
    assert "What it is about" in check and "Pothole" in check
    client.post(f"{base}/check/")
    request = ServiceRequest.objects.get()
    assert request.responsible_partner == portal.county
    assert request.complaint.about_service == portal.pothole


def test_a_complaint_about_a_reference_is_linked_to_that_request(client, portal):
    from firstcontact.servicerequests.services import clean_location, raise_request

    bin_request = raise_request(
        user=None,
        service=portal.missed_bin,
        channel="web",
        location=clean_location(postcode="WX1 2AB"),
    )
    base = "/apply/complaint"
    client.post(
        f"{base}/about/",
        {"service": "pothole", "reference": bin_request.formatted_reference.lower()},
    )
    client.post(f"{base}/question-about/", {"answer": "Bins"})
    client.post(f"{base}/question-what_happened/", {"answer": "Still not collected."})
    client.post(f"{base}/address/", {"line1": "2 Low Road", "postcode": "WX3 1AA"})
    client.post(f"{base}/contact/", CONTACT)
    client.post(f"{base}/check/")
    complaint = ServiceRequest.objects.get(service=portal.complaint).complaint
    assert complaint.about_request == bin_request
    # The partner holding the request answers: the north, though the resident is in the south.
    assert complaint.request.responsible_partner == portal.north


def test_without_a_complaint_service_the_page_says_who_to_contact(client, partnership):
    html = client.get("/complain/").content.decode()
    assert "Complaints cannot be made online" in html
    assert "Wessex Police" in html
