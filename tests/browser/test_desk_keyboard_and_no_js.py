"""The desk and the back office with the keyboard alone, and without JavaScript (htmx and the
contact timer only enhance: every form posts and every page renders without them)."""

import re

import pytest
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def harriet(partnership):
    return create_customer(
        user=None, partner=partnership.county, given_name="Harriet", family_name="Ambleside",
        phones=["0113 496 0456"], emails=["harriet@example.org"],
    )  # fmt: skip


def test_adviser_finds_a_customer_with_the_keyboard_alone(page, partnership, harriet):
    sign_in(page, "hub-adviser")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    search = page.get_by_label("Name, phone, email, postcode, UPRN or request reference")
    expect(search).to_be_focused()
    page.keyboard.type("Hariet Amblesid")
    page.keyboard.press("Enter")
    link = page.locator("#search-results").get_by_role("link", name="Harriet Ambleside")
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harriet Ambleside")


def test_officer_works_a_request_without_javascript(page_without_js, partnership, harriet):
    page = page_without_js
    request = raise_request(
        user=partnership.hub_adviser, service=partnership.pothole, channel="phone",
        location=clean_location(postcode="WX2 1AA"), attributes={"depth": "deep"},
        customer=harriet,
    )  # fmt: skip
    sign_in(page, "highways-officer")
    page.goto("/work/")
    page.get_by_label("Service standard").select_option(label="Due today")
    page.get_by_role("button", name="Show requests").click()
    expect(page).to_have_url(re.compile(r"sla=due_today"))
    page.get_by_label("Service standard").select_option(label="Any")
    page.get_by_role("button", name="Show requests").click()
    page.get_by_label(f"Select {request.formatted_reference}").check()
    page.get_by_label("Assign the selected requests to").select_option(label="highways-officer")
    page.get_by_role("button", name="Assign selected").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assigned 1 request")
    page.get_by_role("link", name=request.formatted_reference).click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Acknowledged.")
    close = page.locator("#action-close")
    close.locator("summary").click()
    close.get_by_role("button", name="Close request").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("This field is required")
    close = page.locator("#action-close")
    expect(close).to_have_attribute("open", "")
    close.get_by_label("Not our responsibility").check()
    close.get_by_label("Message for the resident").fill("This road is private.")
    close.get_by_role("button", name="Close request").click()
    expect(page.locator("#resident-view")).to_contain_text("This road is private.")
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "not_our_responsibility")
    assert request.assignee == partnership.highways_officer


def test_adviser_raises_a_request_without_javascript(page_without_js, partnership, harriet):
    page = page_without_js
    sign_in(page, "hub-adviser")
    page.get_by_label("Contact is for").select_option(label="Wessex County Council")
    page.get_by_role("button", name="Start contact").click()
    # Without JavaScript the timer is hidden and the start time shown.
    expect(page.get_by_label("Contact in progress")).to_contain_text("started at")
    expect(page.locator(".fc-timer")).to_be_hidden()
    page.goto(f"/desk/raise/pothole/?customer={harriet.pk}")
    page.get_by_label("Less than 5cm").check()
    page.get_by_label("Postcode").fill("WX1 2BB")
    page.get_by_role("button", name="Raise request").click()
    expect(page.locator(".govuk-panel")).to_contain_text(
        ServiceRequest.objects.get().formatted_reference
    )
    page.get_by_role("link", name="End the contact").click()
    page.get_by_role("button", name="End contact").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("service request raised")
