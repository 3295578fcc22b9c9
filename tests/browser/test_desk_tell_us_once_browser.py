"""Tell us once from the desk in a real browser: the adviser finds the customer's postcode
already filled in, asks the shared questions once, takes consent per partner (an error
first), and reads out the bundle's reference; axe-core on each page."""

import re

import pytest
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.browser


def test_adviser_tells_everyone_about_a_death(page, partnership):
    build_portal_data(partnership)
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["harriet@example.org"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )
    sign_in(page, "hub-adviser")
    page.goto(f"/desk/tell-us-once/?customer={customer.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us once")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Tell us about a death").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about a death")
    expect(page.get_by_label("Family name")).to_have_value("Ambleside")
    assert_no_axe_violations(page)
    save_screenshot(page, "desk-tell-us-once")

    page.get_by_label("Full name of the person who died").fill("Pat Example")
    date = page.get_by_role("group", name="Date of death")
    date.get_by_label("Day").fill("30")
    date.get_by_label("Month").fill("11")
    date.get_by_label("Year").fill("2026")
    page.get_by_label("Address", exact=True).fill("4 Mill Lane")
    consent = page.get_by_role("group", name=re.compile("Does the customer agree"))
    consent.get_by_label("Wessex County Council").check()
    consent.get_by_label("North Wessex District Council").check()
    page.get_by_role("button", name="Tell them all").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("has not agreed to us telling Wessex Police")
    assert_no_axe_violations(page)

    page.get_by_role("group", name=re.compile("Does the customer agree")).get_by_label(
        "Wessex Police"
    ).check()
    page.get_by_role("button", name="Tell them all").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Everyone has been told")
    expect(page.get_by_role("table")).to_contain_text("Firearms certificate after a death")
    assert_no_axe_violations(page)
    save_screenshot(page, "desk-tell-us-once-done")
