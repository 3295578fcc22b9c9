"""An unmatched sender in a real browser: the officer searches for the customer from the
conversation (the results are the mailbox's partner's), then adds the sender as a new customer
(an empty last name gets the GOV.UK error summary) and the conversation is linked; axe-core on
each page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from firstcontact.inbox import services
from firstcontact.inbox.models import Conversation, Mailbox
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.inbox.conftest import make_email

pytestmark = pytest.mark.browser


def test_an_officer_finds_or_adds_an_unknown_sender(page, page_problems, partnership):
    mailbox = Mailbox.objects.create(
        partner=partnership.county,
        team=partnership.highways,
        name="Highways enquiries",
        address="highways@wessex.example",
        first_response_policy=partnership.five_days,
    )
    raw, _new = services.store_raw(
        mailbox,
        make_email(sender="Nina Newcomer <nina@example.net>", subject="Broken kerb"),
        source="webhook",
    )
    services.process_raw(raw.pk)
    mail.outbox.clear()
    create_customer(
        user=None, partner=partnership.county, given_name="Nora", family_name="Newcomer",
        emails=["nora@example.org"],
    )  # fmt: skip
    conversation = Conversation.objects.get()

    sign_in(page, "highways-officer")
    page.goto(f"/messages/{conversation.pk}/")
    page.get_by_role("link", name="Find the customer").click()
    expect(page.locator("h1")).to_have_text("Find the customer")
    page.get_by_label("Name, email address, phone number or postcode").fill("Newcomer")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_label("Nora Newcomer")).to_be_visible()  # not her: add Nina instead
    assert_no_axe_violations(page)
    save_screenshot(page, "messages-find-customer")

    page.get_by_role("link", name=re.compile("Add the sender as a new customer")).click()
    expect(page.get_by_label("First name")).to_have_value("Nina")
    page.get_by_label("Last name").fill("")
    page.get_by_role("button", name="Add and link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the customer's last name")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    assert [f.split()[0] for f in page_problems.failed] == ["400"]
    page_problems.failed.clear()

    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_role("button", name="Add and link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("added and linked")
    expect(page.get_by_role("link", name="Nina Newcomer")).to_be_visible()
    assert_no_axe_violations(page)
    conversation.refresh_from_db()
    assert conversation.customer.emails.get().address == "nina@example.net"
