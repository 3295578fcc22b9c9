"""Case work staples in a real browser: a team leader keeps canned replies, an officer
inserts one into an update (with JavaScript and without), saves a view of the queue, and
closes requests in bulk with a result per request; each page checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from firstcontact.casework.models import CannedReply, SavedView
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest, Status
from firstcontact.servicerequests.services import refer_request
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.desk.conftest import raise_pothole

pytestmark = pytest.mark.browser


def test_team_leader_adds_a_reply_and_an_officer_inserts_it(page, partnership):
    request = raise_pothole(partnership)
    sign_in(page, "highways-lead")
    page.goto("/work/replies/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a canned reply").click()
    page.get_by_label("Title").fill("Repair booked")
    page.get_by_label("Reply", exact=True).fill("Hello {name}")
    page.get_by_role("button", name="Save reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("{name} is not a placeholder")
    assert_no_axe_violations(page)
    page.get_by_label("Reply", exact=True).fill("We have booked the repair of {reference}.")
    page.get_by_role("button", name="Save reply").click()
    expect(page.locator("#replies-in-use")).to_contain_text("Repair booked")
    assert_no_axe_violations(page)
    save_screenshot(page, "canned-replies")

    page.context.clear_cookies()
    sign_in(page, "highways-officer")
    page.goto(f"/work/requests/{request.reference}/")
    page.get_by_text("Update the resident").click()
    page.locator("#public-reply").select_option(label="Repair booked")
    page.locator("#action-public").get_by_role("button", name="Insert the canned reply").click()
    text = page.locator("#action-public textarea")
    expect(text).to_have_value(f"We have booked the repair of {request.formatted_reference}.")
    expect(page.locator("#public-inserted")).to_contain_text("Inserted “Repair booked”")
    expect(page.locator("#public-insert")).to_be_focused()
    assert_no_axe_violations(page)
    save_screenshot(page, "canned-reply-inserted")
    page.get_by_role("button", name="Send update").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Update added")
    assert RequestUpdate.objects.filter(
        request=request, public=True, text__startswith="We have booked"
    ).exists()


def test_insert_works_without_javascript(page_without_js, partnership):
    page = page_without_js
    CannedReply.objects.create(
        partner=partnership.county, title="Closed", text="{reference} is done."
    )
    request = raise_pothole(partnership)
    sign_in(page, "highways-officer")
    page.goto(f"/work/requests/{request.reference}/")
    page.get_by_text("Close", exact=True).click()
    page.locator("#close-reply").select_option(label="Closed")
    page.locator("#action-close").get_by_role("button", name="Insert the canned reply").click()
    expect(page.locator("#action-close textarea")).to_have_value(
        f"{request.formatted_reference} is done."
    )
    # A fresh page without JavaScript: the text it filled has the focus.
    expect(page.locator("#action-close textarea")).to_be_focused()


def test_bulk_close_lists_each_request_and_a_view_is_saved(page, partnership):
    mine = [raise_pothole(partnership) for _ in range(2)]
    referred = raise_pothole(partnership)
    refer_request(
        user=partnership.highways_officer,
        request=referred,
        to_partner=partnership.police,
        to_team=partnership.asb_team,
        reason="Needles",
    )
    sign_in(page, "police-officer")
    # The police officer's queue: the referred request, not theirs to close. Their own:
    page.goto("/work/?team=")
    expect(page.locator("#queue-results")).to_contain_text(referred.formatted_reference)
    page.get_by_label("Name this view").fill("Everything")
    page.get_by_role("button", name="Save this view").click()
    expect(page.locator("#saved-views")).to_contain_text("Everything")
    assert SavedView.objects.filter(user=partnership.police_officer, name="Everything").exists()
    assert_no_axe_violations(page)
    page.goto("/work/views/")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    sign_in(page, "highways-officer")
    page.goto("/work/")
    for sr in mine:
        page.locator(f"#select-{sr.pk}").check()
    page.get_by_text("Change status, put on hold or close the selected requests").click()
    page.get_by_label("Closed").check()
    page.get_by_label("Outcome (when closing)").select_option(label="Fixed")
    assert_no_axe_violations(page)
    save_screenshot(page, "queue-bulk-form")
    page.get_by_role("button", name="Apply to selected").click()
    results = page.locator("#bulk-results")
    expect(results).to_contain_text("Done")
    expect(page.locator("h1")).to_contain_text("Closed: 2 of 2 requests")
    assert_no_axe_violations(page)
    save_screenshot(page, "bulk-result")
    assert all(ServiceRequest.objects.get(pk=sr.pk).status == Status.CLOSED for sr in mine)

    # The police officer tries the referred one: refused, with the reason.
    page.context.clear_cookies()
    sign_in(page, "police-officer")
    page.goto("/work/?team=")
    page.locator(f"#select-{referred.pk}").check()
    page.get_by_text("Change status, put on hold or close the selected requests").click()
    page.get_by_label("Put on hold").check()
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#bulk-results")).to_contain_text(
        "You cannot put on hold requests of Wessex County Council."
    )
    assert_no_axe_violations(page)
