"""An adviser's first steps in a real browser: sign in, find a customer by a misspelt name,
open the single view; each page checked with axe-core. And the login page without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser


def test_adviser_signs_in_finds_a_misspelt_customer_and_opens_the_single_view(page, partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        emails=["harriet@example.org"],
    )
    raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        customer=customer,
        attributes={"depth": "deep"},
        description="Big hole by the bus stop",
    )

    page.goto("/desk/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/desk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # GOV.UK Frontend's JavaScript ran (initAll): the password toggle is shown.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    assert_no_axe_violations(page)
    save_screenshot(page, "login")

    sign_in(page, "hub-adviser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a customer")
    page.get_by_label("Name, phone, email, postcode, UPRN or request reference").fill(
        "Hariet Amblesid"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_contain_text("for “Hariet Amblesid”")
    results = page.get_by_role("table")
    expect(results).to_contain_text("Wessex County Council")
    assert_no_axe_violations(page)
    save_screenshot(page, "search-results")

    results.get_by_role("link", name="Harriet Ambleside").click()
    expect(page).to_have_url(re.compile(rf"/desk/customers/{customer.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Harriet Ambleside")
    expect(page.locator(".govuk-summary-list")).to_contain_text("0113 496 0456")
    expect(page.get_by_role("table").first).to_contain_text("Pothole")
    assert_no_axe_violations(page)
    save_screenshot(page, "customer")

    page.get_by_role("link", name=re.compile(r"^[A-Z0-9]{3}")).first.click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Big hole by the bus stop")
    assert_no_axe_violations(page)
    save_screenshot(page, "request")


def test_a_wrong_password_shows_the_error_summary(page, partnership):
    sign_in(page, "hub-adviser", password="not-the-password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # GOV.UK Frontend's ErrorSummary moves focus to it
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Username")).to_be_focused()
    assert_no_axe_violations(page)


def test_login_works_without_javascript(page_without_js, partnership):
    page = page_without_js
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("body")).not_to_have_class(re.compile(r"govuk-frontend-supported"))
    # The stylesheet applies without JavaScript, and the JS-only toggle stays hidden.
    heading = page.get_by_role("heading", level=1)
    assert heading.evaluate("h => getComputedStyle(h).fontFamily").lower().startswith("arial")
    expect(page.get_by_role("button", name="Show password")).to_be_hidden()
    sign_in(page, "hub-adviser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a customer")
