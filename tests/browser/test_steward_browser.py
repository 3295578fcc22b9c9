"""The data steward in a real browser: the queue of possible duplicates, a pair compared field
by field, merging, and undoing the merge; axe-core on each page."""

import pytest
from playwright.sync_api import expect

from firstcontact.customers.services import create_customer
from firstcontact.linkage.models import CandidatePair
from firstcontact.partners.models import Role
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_steward_reviews_a_pair_merges_and_undoes(page, partnership):
    make_user("county-steward", partnership.county, Role.DATA_STEWARD)
    a, b = (
        create_customer(
            user=None,
            partner=partnership.county,
            given_name=given,
            family_name="Ambleside",
            phones=["0113 496 0456"],
            emails=[email],
            addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
        )
        for given, email in [("Harriet", "harriet@example.org"), ("Hariet", "h.a@example.org")]
    )
    pair = CandidatePair.objects.create(
        left=a,
        right=b,
        weight=21.0,
        probability=0.998,
        comparison={"given_name": "typo", "family_name": "exact", "email": "different"},
        source="batch",
    )
    sign_in(page, "county-steward")
    page.goto("/steward/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicates")
    expect(page.get_by_role("table", name="1 pair waiting for review")).to_contain_text("Hariet")
    assert_no_axe_violations(page)
    save_screenshot(page, "steward-queue")

    page.get_by_role("link", name=f"Review pair {pair.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    table = page.get_by_role("table", name="The two records, field by field")
    expect(table).to_contain_text("Nearly the same")
    expect(table).to_contain_text("h.a@example.org")
    assert_no_axe_violations(page)
    # No decision chosen: the error summary says so.
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether")
    assert_no_axe_violations(page)
    save_screenshot(page, "steward-pair")

    page.get_by_label("Same person: merge the records").check()
    page.get_by_label(f"Keep record {a.pk} (Wessex County Council)").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merges")
    expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=f"Undo merge of record {b.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo this merge?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Undo merge").click()
    expect(page.get_by_role("table", name="Recent merges")).to_contain_text("Undone")
