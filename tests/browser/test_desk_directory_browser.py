"""The directory at the desk in a real browser: an adviser takes a call, searches the directory
beside the contact (a bad postcode gets the error summary), signposts the customer to a service
with the short list sent by text, and the contact ends "signposted"; axe-core on each page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.notify.models import Notification
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.directory.conftest import directory  # noqa: F401  (the small directory)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh(transactional_db):
    cache.clear()
    yield
    cache.clear()


def test_desk_directory_search_and_signpost(page, partnership, directory):  # noqa: F811
    sign_in(page, "hub-adviser")
    page.goto("/desk/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of services")
    assert_no_axe_violations(page)  # no contact: search only

    page.goto("/desk/")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Contact is for").select_option(label=partnership.north.name)
    page.get_by_role("button", name="Start contact").click()
    expect(page.get_by_label("Contact in progress")).to_be_visible()

    page.goto("/desk/directory/")
    page.locator("#id_postcode").fill("not a postcode")
    page.get_by_role("button", name="Search the directory").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)

    page.locator("#id_postcode").fill("WX1 1AA")
    page.get_by_role("button", name="Search the directory").click()
    expect(page.locator("#directory-results")).to_contain_text("service")
    assert_no_axe_violations(page)
    save_screenshot(page, "desk-directory-results")

    page.get_by_label("Emergency food parcels").check()
    page.get_by_label("Send the customer the list by text message").check()
    page.get_by_label("Mobile phone number").fill("07700 900982")
    page.get_by_role("button", name="Signpost and end the contact").click()
    expect(page.locator("main")).to_contain_text("signposted to Emergency food parcels")
    expect(page.locator("main")).to_contain_text("The list was texted to 07700 900982.")
    assert_no_axe_violations(page)

    contact = Contact.objects.get()
    assert contact.outcome == Outcome.SIGNPOSTED and contact.ended_at is not None
    text = Notification.objects.get()
    assert (text.channel, text.recipient) == ("sms", "+447700900982")
