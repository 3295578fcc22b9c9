"""The staff map of requests in a real browser: with JavaScript a Leaflet map shows a pin per
request (crowded ones grouped in a numbered circle that zooms in), each opening a link to its
request; without JavaScript the table alone; both checked with axe-core. The resident report
page's "already reported nearby" step and "this is not fixed" on the tracking page too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from firstcontact.servicerequests.services import change_status, clean_location, raise_request
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.browser.test_portal_journeys import portal  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def potholes(partnership):
    made = []
    for lat, lng, where in [
        (51.5, -1.5, "Mill Lane, Northby"),
        (51.5001, -1.5001, "Mill Lane, Northby"),
        (51.62, -1.31, "High Street, Northby"),
    ]:
        made.append(
            raise_request(
                user=partnership.hub_adviser,
                service=partnership.pothole,
                channel="phone",
                location=clean_location(latitude=lat, longitude=lng, address=where),
                attributes={"depth": "deep"},
            )
        )
    return made


def test_the_map_shows_pins_and_groups_and_the_table_lists_them(page, partnership):
    made = potholes(partnership)
    sign_in(page, "highways-officer")
    page.goto("/work/map/")
    expect(page.locator("#fc-work-map-panel")).to_be_visible()
    expect(page.locator("#fc-work-map-table tbody tr")).to_have_count(3)
    # The two on Mill Lane, 14 m apart, are one numbered circle at first.
    cluster = page.get_by_role("button", name="2 requests here: select to zoom in")
    expect(cluster).to_be_visible()
    assert_no_axe_violations(page)
    save_screenshot(page, "work-map")
    cluster.click()
    pins = page.locator(".leaflet-marker-icon[title^='" + made[0].formatted_reference + "']")
    expect(pins).to_have_count(1)
    pins.click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_attribute("href", f"/work/requests/{made[0].reference}/")
    assert_no_axe_violations(page)


def test_without_javascript_the_table_is_the_page(page_without_js, partnership):
    potholes(partnership)
    sign_in(page_without_js, "highways-officer")
    page_without_js.goto("/work/map/")
    expect(page_without_js.locator("#fc-work-map-panel")).to_be_hidden()
    expect(page_without_js.locator("#fc-work-map-table tbody tr")).to_have_count(3)
    page_without_js.get_by_label("When raised").select_option("7")
    page_without_js.get_by_role("button", name="Show requests").click()
    expect(page_without_js.locator("#map-heading")).to_contain_text("3 requests")
    # (axe needs JavaScript: the same table is checked with it above.)


def test_not_fixed_on_the_tracking_page(page, partnership):
    from firstcontact.customers.services import create_customer

    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Sam",
        family_name="Resident",
        emails=["sam@example.org"],
    )
    request = raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        location=clean_location(postcode="WX2 1AA"),
        attributes={"depth": "deep"},
        customer=customer,
    )
    change_status(
        user=partnership.highways_officer, request=request, status="closed", outcome="fixed"
    )
    page.goto("/track/")
    page.get_by_label("Reference").fill(request.formatted_reference)
    page.get_by_label("Email address or phone number").fill("sam@example.org")
    page.get_by_role("button", name="Track").click()
    expect(page.locator("#not-fixed")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="This is not fixed").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tell us what is still wrong")
    assert_no_axe_violations(page)
    page.get_by_label("What is still wrong?").fill("The hole is back")
    page.get_by_role("button", name="This is not fixed").click()
    expect(page.locator("#reopened")).to_contain_text("We have reopened your request")
    assert_no_axe_violations(page)
    save_screenshot(page, "track-not-fixed")


def test_the_report_maps_pin_is_announced_with_the_nearest_place(page, portal):  # noqa: F811
    from firstcontact.directory.models import Postcode

    page.goto("/report/pothole/location/")
    page.locator("#fc-map").wait_for()
    page.get_by_role("button", name="Put the pin in the middle of the map").click()
    expect(page.locator("#fc-map-status")).to_have_text("Pin placed on the map")
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    Postcode.objects.create(postcode="WX2 1AA", latitude=latitude, longitude=longitude)
    page.get_by_role("button", name="Put the pin in the middle of the map").click()
    expect(page.locator("#fc-map-status")).to_have_text("Pin placed on the map near WX2 1AA")
    assert_no_axe_violations(page)
