"""The community-safety pages in a real browser, checked with axe-core: the hotspots page
with its map and tables, the joint tasking list, a place's action log (adding an action), and
the errors a wrong filter gives."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstcontact.insight.hotspots import Square
from firstcontact.insight.models import CommunitySafetyService
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import new_reference
from tests.browser.conftest import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_community_safety_pages_pass_axe(page, partnership):
    p = partnership
    CommunitySafetyService.objects.create(service=p.asb)
    square = Square(11290, -320)
    lat, lon = square.centre
    when = timezone.now() - dt.timedelta(days=1)
    for i in range(9):
        ServiceRequest.objects.create(
            reference=new_reference(),
            service=p.asb,
            channel="phone",
            responsible_partner=p.police,
            team=p.asb_team,
            latitude=lat + i * 0.00001,
            longitude=lon + (0.01 if i > 6 else 0),
            created_at=when,
        )
    sign_in(page, "police-officer")
    for url, heading in [
        ("/insight/places/", "Community safety"),
        ("/insight/places/tasking/", "Joint tasking list"),
        (f"/insight/places/actions/?place={square.key}", "Action log"),
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_axe_violations(page)
    page.goto("/insight/places/")
    expect(page.locator("svg.fc-map")).to_be_visible()
    expect(page.locator("#places-table")).to_contain_text("fewer than 5")

    page.goto(f"/insight/places/actions/?place={square.key}")
    page.get_by_label("What will be done").fill("Joint patrol on Friday night")
    page.get_by_label("By when").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("table")).to_contain_text("Joint patrol on Friday night")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add action").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/insight/places/?date_from=2026-05-02&date_to=2026-05-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
