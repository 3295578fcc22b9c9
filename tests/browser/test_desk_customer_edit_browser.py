"""Changing a customer's details and recording a consent in a real browser: the error summary
moves focus to the field, the record shows the change in its history, and the consent's words
are read out before it is recorded; axe-core on each page."""

import re

import pytest
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser


def test_adviser_changes_a_number_and_records_a_consent(page, partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )
    sign_in(page, "hub-adviser")
    page.goto(f"/desk/customers/{customer.pk}/")
    page.get_by_role("link", name="Change details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the customer’s details")
    assert_no_axe_violations(page)

    page.get_by_label("Phone number 2").fill("12345")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a phone number")
    summary.get_by_role("link", name=re.compile("Enter a phone number")).click()
    expect(page.get_by_label("Phone number 2")).to_be_focused()
    assert_no_axe_violations(page)
    save_screenshot(page, "desk-customer-edit-error")

    page.get_by_label("Phone number 2").fill("07700 900 982")
    page.get_by_label("Accessibility needs (optional)").fill("Large print")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harriet Ambleside")
    changes = page.get_by_role("table", name="Latest changes, newest first")
    expect(changes).to_contain_text("0113 496 0456; 07700 900982")
    expect(changes).to_contain_text("Large print")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record a consent").click()
    page.get_by_label("Send me updates by text message").check()
    page.get_by_role("group", name="How did the customer give it?").get_by_label("Phone").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#consent-wording")).to_contain_text(
        "Do you agree that Wessex County Council may send you updates about your requests by "
        "text message?"
    )
    assert_no_axe_violations(page)
    page.get_by_label("I put these words to the customer and they agreed").check()
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consents")
    expect(page.locator(".govuk-summary-card")).to_contain_text("by phone")
    assert_no_axe_violations(page)
    save_screenshot(page, "desk-customer-consents")
