"""The resident site in a real browser: report a pothole by postcode with JavaScript off, drop a
pin on the map with it on, apply for a Blue Badge, tell us once about a death and see it fan
out to five services across three partners, then track each request by its reference."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.lifeevents.models import Bundle
from firstcontact.servicerequests.models import ServiceRequest
from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.browser

EMAIL = "robin@example.org"


@pytest.fixture
def portal(partnership, settings, tmp_path):
    cache.clear()
    settings.LEAFLET_TILE_URL = ""  # offline: the map has no tiles
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_portal_data(partnership)


def click_continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_report_a_pothole_by_postcode_with_javascript_off(page_without_js, portal):
    page = page_without_js
    page.goto("/")
    page.get_by_role("link", name="Report a problem").first.click()
    page.get_by_label("Pothole").check()
    click_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is the problem?")
    expect(page.locator("#fc-map-panel")).to_be_hidden()  # no JavaScript, no map
    click_continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the postcode nearest to the problem"
    )
    page.get_by_label("Postcode").fill("wx1 2ab")
    page.get_by_label("Street name, or a landmark nearby (optional)").fill("By the school")
    click_continue(page)
    page.get_by_label("5cm or more").check()
    click_continue(page)
    page.get_by_label("Standing water").check()
    click_continue(page)
    page.get_by_label("About how wide (cm)?").fill("40")
    click_continue(page)
    page.get_by_label("Describe the problem").fill("Deep pothole by the school gates")
    click_continue(page)
    page.get_by_label("Full name").fill("Sam Resident")
    page.get_by_label("Email address").fill("sam@example.org")
    click_continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    expect(page.locator(".govuk-summary-list")).to_contain_text("WX1 2AB")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    request = ServiceRequest.objects.get()
    expect(page.locator(".fc-reference")).to_have_text(request.formatted_reference)
    assert request.responsible_partner == portal.county
    assert request.postcode == "WX1 2AB" and request.latitude is None


def test_report_a_missed_bin_with_a_pin_on_the_map(page, portal):
    page.goto("/report/missed-bin/location/")
    expect(page.locator("#fc-map-panel")).to_be_visible()
    expect(page.locator("#fc-map .leaflet-tile")).to_have_count(0)  # no tiles offline
    assert_no_axe_violations(page)
    # The map is fitted to the partnership: its lower half is South Wessex.
    box = page.locator("#fc-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.75)
    # Announced in words, not as raw coordinates.
    expect(page.locator("#fc-map-status")).to_have_text("Pin placed on the map")
    latitude = float(page.locator("#id_latitude").input_value())
    assert 50.0 < latitude < 51.0
    click_continue(page)
    page.get_by_label("Describe the problem").fill("Bin not emptied")
    click_continue(page)
    click_continue(page)  # no contact details: an anonymous report
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    request = ServiceRequest.objects.get()
    assert request.responsible_partner == portal.south
    assert request.customer is None


def test_a_pin_outside_the_area_says_who_to_contact(page, portal):
    page.goto("/report/pothole/location/")
    page.locator("#fc-map").wait_for()
    page.evaluate(
        "() => { document.getElementById('id_latitude').value = '53.5';"
        " document.getElementById('id_longitude').value = '-1.5'; }"
    )
    click_continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("outside the area")
    expect(
        page.get_by_role("link", name="Find the council for that place on GOV.UK")
    ).to_be_visible()
    assert_no_axe_violations(page)


def test_apply_for_a_blue_badge(page, portal):
    page.goto("/apply/")
    page.get_by_role("link", name="Blue Badge").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Yes").check()
    click_continue(page)
    page.get_by_label("No").check()
    click_continue(page)
    page.get_by_label("I find walking very difficult").check()
    click_continue(page)
    page.get_by_label("Walking stick").check()
    click_continue(page)
    page.get_by_label("About how many metres can you walk?").fill("50")
    click_continue(page)
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2019")
    click_continue(page)
    page.get_by_label("Vehicle registration").fill("AB12 CDE")
    click_continue(page)
    page.get_by_label("Anything else we should know?").fill("I use a wheelchair outdoors.")
    click_continue(page)
    page.get_by_label("Address line 1").fill("1 Mill Lane")
    page.get_by_label("Postcode").fill("WX1 2AB")
    click_continue(page)
    page.get_by_label("Full name").fill("Alex Applicant")
    page.get_by_label("Email address").fill("alex@example.org")
    click_continue(page)
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("3 April 2019")
    expect(summary).to_contain_text("Walking stick")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Request sent")
    request = ServiceRequest.objects.get()
    assert request.service.code == "blue-badge"
    assert request.customer.emails.get().address == "alex@example.org"


def track(page, reference: str, contact: str) -> None:
    page.goto("/track/")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Email address or phone number").fill(contact)
    page.get_by_role("button", name="Track").click()


def test_tell_us_once_about_a_death_then_track_each_request(page, portal):
    page.goto("/")
    page.get_by_role("link", name="Tell us about a death").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about a death")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Address line 1").fill("4 Church Street")
    page.get_by_label("Postcode").fill("WX3 1AA")
    click_continue(page)
    checkboxes = page.get_by_role("checkbox")
    expect(checkboxes).to_have_count(5)
    for i in range(5):
        expect(checkboxes.nth(i)).to_be_checked()
    expect(page.get_by_text("Firearms certificate after a death – Wessex Police")).to_be_visible()
    click_continue(page)
    page.get_by_label("Full name of the person who died").fill("Pat Example")
    click_continue(page)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    click_continue(page)
    click_continue(page)  # Blue Badge number: optional
    click_continue(page)  # certificate number: optional
    page.get_by_label("Full name").fill("Robin Relative")
    page.get_by_label("Email address").fill(EMAIL)
    click_continue(page)
    expect(page.locator("main")).to_contain_text("Wessex Police")
    page.get_by_label("Yes").check()
    click_continue(page)
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("We have told them")
    bundle = Bundle.objects.get()
    expect(page.locator(".fc-reference")).to_have_text(bundle.formatted_reference)
    requests = [
        item.request for item in bundle.items.select_related("request__responsible_partner")
    ]
    assert len(requests) >= 4
    assert len({r.responsible_partner_id for r in requests}) >= 3
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(requests))
    for request in requests:
        row = rows.filter(has_text=request.formatted_reference)
        expect(row).to_contain_text(request.responsible_partner.name)
        expect(row).to_contain_text("Received")
    assert_no_axe_violations(page)
    save_screenshot(page, "portal-bundle")

    for request in requests:
        track(page, request.formatted_reference.lower().replace("-", " "), EMAIL)
        expect(page.get_by_role("heading", level=1)).to_have_text(request.service.name)
        expect(page.locator("main")).to_contain_text("Received")
        expect(page.locator("main")).to_contain_text(request.responsible_partner.name)
    track(page, bundle.formatted_reference, EMAIL)
    expect(page.locator("table tbody tr")).to_have_count(len(requests))
    track(page, requests[0].formatted_reference, "someone.else@example.org")
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find a request")
    expect(page.locator("main")).not_to_contain_text(requests[0].service.name)


def test_the_language_switch(page, portal):
    page.goto("/track/")
    page.get_by_role("button", name="Polski").click()
    expect(page).to_have_url(re.compile(r"/track/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sprawdź zgłoszenie")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Track a request")
