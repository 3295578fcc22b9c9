"""Adding a customer who may already be on record, in a real browser: the desk warns with the
likely record (a typo in the first name, the same phone), the adviser can open it or confirm
that none is the customer and carry on; axe-core on the warning."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from firstcontact.customers.models import Customer
from firstcontact.customers.services import create_customer
from tests.browser.conftest import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_desk_warns_of_a_likely_duplicate_and_lets_the_adviser_carry_on(page, partnership):
    create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        date_of_birth=dt.date(1958, 3, 27),
        phones=["0113 496 0456"],
    )
    sign_in(page, "hub-adviser")
    page.goto("/desk/customers/new/")
    page.get_by_label("First name").fill("Hariet")
    page.get_by_label("Last name").fill("Ambleside")
    born = page.get_by_role("group", name="Date of birth (optional)")
    born.get_by_label("Day").fill("27")
    born.get_by_label("Month").fill("3")
    born.get_by_label("Year").fill("1958")
    page.get_by_label("Phone (optional)").fill("0113 496 0456")
    page.get_by_role("button", name="Add customer").click()

    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This person may already be on record"
    )
    likely = page.locator("#likely-duplicates")
    expect(likely.get_by_role("link", name="Harriet Ambleside")).to_be_visible()
    assert_no_axe_violations(page)
    assert Customer.objects.filter(family_name="Ambleside").count() == 1

    page.get_by_label("None of these is the customer: create a new record").check()
    page.get_by_role("button", name="Add customer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hariet Ambleside")
    assert Customer.objects.filter(family_name="Ambleside").count() == 2
