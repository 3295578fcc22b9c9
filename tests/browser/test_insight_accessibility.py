"""The insight pages in a real browser, each checked with axe-core: with figures, with the
errors a wrong filter gives, and the live view of today's queues refreshing itself."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstcontact.partners.models import Role
from firstcontact.telephony.models import Queue
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.conftest import make_user
from tests.telephony.telephony_helpers import answered_call, left_call, load

pytestmark = pytest.mark.browser


def test_every_insight_page_passes_axe(page, partnership):
    p = partnership
    Queue.objects.create(name="north-main", label="North general enquiries", partner=p.north)
    Queue.objects.create(name="south-main", label="South general enquiries", partner=p.south)
    day = timezone.localdate() - dt.timedelta(days=1)
    load(
        [
            *answered_call(day, "north-main", "N1", "09:00:00", 12, 180, "SIP/n1"),
            *answered_call(day, "north-main", "N2", "09:04:00", 45, 240, "SIP/n2"),
            *left_call(day, "south-main", "S1", "09:10:00", 70),
        ]
    )
    make_user("insight-manager", p.north, Role.MANAGER)
    sign_in(page, "insight-manager")
    period = f"date_from={day}&date_to={day}"

    pages = [
        (f"/insight/?{period}", "Dashboard"),
        ("/insight/live/", "Today’s queues"),
        (f"/insight/calls/?day={day}", "Calls"),
        ("/insight/staffing/", "Staffing"),
        ("/insight/pooling/", "Hub pooling"),
        ("/insight/recharges/", "Recharges"),
        ("/insight/satisfaction/", "Satisfaction"),
    ]
    for url, nav_label in pages:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        current = page.locator("a.govuk-link[aria-current='page']")
        expect(current).to_have_text(nav_label)
        assert_no_axe_violations(page)

    page.goto(f"/insight/calls/?day={day}")
    expect(page.get_by_role("table")).to_contain_text("North general enquiries")
    expect(page.get_by_role("table")).to_contain_text("N2")

    # A wrong filter: the error summary, and the field's own error, pass axe too.
    page.goto("/insight/calls/?day=2026-02-31")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/insight/?date_from=2026-05-02&date_to=2026-05-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)

    # The live view fetches its figures again without a reload (every 15 seconds, here on a
    # fake clock) and rewrites its table: still no violations after.
    page.clock.install()
    page.goto("/insight/live/")
    with page.expect_response(re.compile(r"/insight/live\.json")) as refreshed:
        page.clock.run_for(15_000)
    assert refreshed.value.ok
    expect(page.get_by_role("table").first).to_contain_text("North general enquiries")
    assert_no_axe_violations(page)
