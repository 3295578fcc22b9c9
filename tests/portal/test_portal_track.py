"""Tracking a request by reference and the email or phone used: a POST to /track/ with the
fields `reference` and `contact`. Status and public updates only; nothing for a wrong contact,
and the same answer for a reference nobody has."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from firstcontact.customers.services import create_customer
from firstcontact.lifeevents.services import Informant, raise_bundle, template_items
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.references import ALPHABET, check_character, format_reference
from firstcontact.servicerequests.services import add_update, change_status, raise_request

EMAIL = "sam.resident@example.org"
PHONE = "07911 123456"


def raised_with_customer(p, *, email=EMAIL, phone=""):
    customer = create_customer(
        user=None,
        partner=p.county,
        given_name="Sam",
        family_name="Resident",
        emails=[email] if email else [],
        phones=[phone] if phone else [],
    )
    return raise_request(
        user=None,
        service=p.pothole,
        channel="web",
        location=Location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
        description="Deep pothole by the school",
        customer=customer,
    )


def track(client, reference, contact=""):
    return client.post("/track/", {"reference": reference, "contact": contact})


def test_the_track_page_asks_for_a_reference_and_contact(client, db):
    response = client.get("/track/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reference"' in html and 'name="contact"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_status_and_public_updates_are_shown_but_nothing_internal_or_personal(client, portal):
    request = raised_with_customer(portal)
    add_update(
        user=portal.highways_officer,
        request=request,
        public=False,
        text="Internal: the contractor is behind",
    )
    change_status(
        user=portal.highways_officer,
        request=request,
        status="in_progress",
        text="A crew is booked for Tuesday.",
    )
    response = track(client, request.formatted_reference, EMAIL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "In progress" in html
    assert "A crew is booked for Tuesday." in html
    assert "has been passed to Wessex County Council" in html
    assert "Internal: the contractor" not in html
    assert "Sam" not in html and "Resident" not in html and EMAIL not in html
    assert "Deep pothole by the school" not in html  # the description is not a public update


@pytest.mark.parametrize(
    "typed",
    [
        lambda r: r.lower(),
        lambda r: f"  {r[:4]} {r[4:]}  ",
        lambda r: f"{r[:4].lower()}-{r[4:]}",
        lambda r: " ".join(r),
    ],
)
def test_references_are_read_whatever_their_case_and_spacing(client, portal, typed):
    request = raised_with_customer(portal)
    response = track(client, typed(request.reference), EMAIL.upper())
    assert response.status_code == 200
    assert "Received" in response.content.decode()
    assert "We could not find" not in response.content.decode()


def test_a_typo_is_caught_by_the_check_character(client, portal):
    request = raised_with_customer(portal)
    wrong = ALPHABET[(ALPHABET.index(request.reference[2]) + 1) % len(ALPHABET)]
    typo = request.reference[:2] + wrong + request.reference[3:]
    response = track(client, typo, EMAIL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "That reference has a mistake in it" in html
    assert 'href="#id_reference"' in html  # the summary links to the field
    assert 'id="id_reference-error"' in html  # and the field has its inline error
    assert f'value="{typo}"' in html  # what was typed is kept
    assert f'value="{EMAIL}"' in html
    assert "Received" not in html


def test_confusable_characters_are_named(client, db):
    html = track(client, "ABCD-EF01", EMAIL).content.decode()
    assert "never contain the letters I or O or the numbers 0 or 1" in html
    assert "0, 1" in html


def test_an_empty_reference_is_an_error(client, db):
    html = track(client, "", EMAIL).content.decode()
    assert "Enter your reference" in html


def test_a_wrong_contact_shows_nothing(client, portal):
    request = raised_with_customer(portal)
    change_status(
        user=portal.highways_officer,
        request=request,
        status="in_progress",
        text="A crew is booked for Tuesday.",
    )
    for wrong in ["someone.else@example.org", "01202 123456", "not an email"]:
        html = track(client, request.formatted_reference, wrong).content.decode()
        assert "We could not find a request with that reference and those contact details" in html
        assert "In progress" not in html
        assert "Pothole" not in html
        assert "Tuesday" not in html


NOBODYS = format_reference("ABCDEFG" + check_character("ABCDEFG"))


def test_a_reference_nobody_has_gives_the_same_answer_as_a_wrong_contact(client, db):
    html = track(client, NOBODYS, EMAIL).content.decode()
    assert "We could not find a request with that reference and those contact details" in html


def test_a_phone_number_matches_in_any_format(client, portal):
    request = raised_with_customer(portal, email="", phone=PHONE)
    html = track(client, request.reference, "+44 7911 123456").content.decode()
    assert "Received" in html and "Pothole" in html


def test_a_request_with_contact_details_needs_them_to_be_tracked(client, portal):
    request = raised_with_customer(portal)
    html = track(client, request.reference, "").content.decode()
    assert "Enter the email address or phone number you gave us" in html
    assert 'id="id_contact-error"' in html
    assert "Received" not in html
    # A reference nobody has is asked the same, not told it does not exist.
    html = track(client, NOBODYS, "").content.decode()
    assert "Enter the email address or phone number you gave us" in html
    assert "We could not find" not in html


def test_an_anonymous_report_shows_its_status_only(client, portal):
    request = raise_request(
        user=None,
        service=portal.pothole,
        channel="web",
        location=Location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
    )
    change_status(
        user=portal.highways_officer,
        request=request,
        status="in_progress",
        text="A crew is booked for Tuesday.",
    )
    html = track(client, request.reference, "").content.decode()
    assert "In progress" in html
    assert "without contact details, so we can only show its status" in html
    assert "Tuesday" not in html


def test_a_link_with_a_contact_shows_the_empty_form_and_never_the_contact(client, portal):
    # Old links put the email in the URL (and so in logs); they no longer track anything.
    request = raised_with_customer(portal)
    response = client.get("/track/", {"reference": request.reference, "contact": EMAIL})
    assert response.status_code == 302  # the contact is taken out of the address bar
    assert response["Location"] == f"/track/?reference={request.reference}"
    response = client.get(response["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Received" not in html and "Pothole" not in html
    assert EMAIL not in html
    assert f'value="{request.reference}"' in html  # the reference is filled in
    assert '<form method="post"' in html


def answer(client, reference, contact):
    """What a visitor sees, with the parts that differ by nature (the reference they typed,
    the CSRF token) taken out, and the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/track/", {"reference": reference, "contact": contact})
    html = response.content.decode()
    html = html.replace(reference, "REFERENCE")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    templates = [t.name for t in response.templates]
    return response.status_code, templates, html, len(queries)


@pytest.mark.parametrize("contact", ["someone.else@example.org", "01202 123456", "", "junk"])
def test_an_unknown_reference_and_a_wrong_contact_answer_alike(client, portal, contact):
    request = raised_with_customer(portal)
    known = answer(client, request.formatted_reference, contact)
    unknown = answer(client, NOBODYS, contact)
    assert known[:3] == unknown[:3]  # status, templates and page, word for word
    assert known[3] == unknown[3]  # the same database work, so no timing difference
    assert "Received" not in known[2]


def test_a_tracked_request_is_not_kept_by_browsers_or_proxies(client, portal):
    request = raised_with_customer(portal)
    response = track(client, request.reference, EMAIL)
    assert "Received" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/track/")["Cache-Control"]


def test_a_reference_in_the_link_is_filled_in(client, db):
    html = client.get("/track/?reference=ABCD-EFGH").content.decode()
    assert 'value="ABCD-EFGH"' in html


def test_a_tell_us_once_reference_shows_every_request_in_the_bundle(client, portal):
    bundle = raise_bundle(
        life_event=portal.bereavement,
        items=template_items(portal.bereavement),
        location=Location(postcode="WX3 1AA"),
        answers={"deceased_name": "Pat Example", "date_of_death": "2026-11-01"},
        informant=Informant(given_name="Sam", family_name="Resident", email=EMAIL),
        consent=True,
    )
    html = track(client, bundle.reference.lower(), EMAIL).content.decode()
    assert bundle.formatted_reference in html
    for item in bundle.items.select_related("request__responsible_partner"):
        assert item.request.formatted_reference in html
        assert item.request.responsible_partner.name in html
    assert "Pat Example" not in html
    wrong = track(client, bundle.reference, "other@example.org").content.decode()
    assert "We could not find" in wrong
    assert bundle.items.first().request.formatted_reference not in wrong


def test_tracking_is_rate_limited(client, portal, settings):
    settings.PORTAL_RATE_LIMITS = {"track": (3, 600)}
    request = raised_with_customer(portal)
    for _ in range(3):
        assert track(client, request.reference, "guess@example.org").status_code == 200
    response = track(client, request.reference, EMAIL)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Received" not in response.content.decode()


def test_tracking_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/track/", {"reference": NOBODYS, "contact": EMAIL})
    assert response.status_code == 403
