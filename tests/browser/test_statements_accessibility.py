"""The monthly statement page in a real browser, checked with axe-core: a client's statement
against its agreed standards, and the error a wrong month gives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstcontact.insight.models import RechargeRate, ServiceAgreement
from firstcontact.partners.models import HubAgreement, Role
from firstcontact.telephony.models import Queue
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.conftest import make_user
from tests.telephony.telephony_helpers import answered_call, left_call, load

pytestmark = pytest.mark.browser


def test_the_statement_page_passes_axe(page, partnership):
    p = partnership
    ServiceAgreement.objects.create(agreement=HubAgreement.objects.get(reference="SLA-HUB-1"))
    RechargeRate.objects.create(
        hub=p.north,
        client=p.county,
        per_contact=Decimal("2.50"),
        per_call=Decimal("1.00"),
        starts=dt.date(2020, 1, 1),
    )
    Queue.objects.create(name="county-main", partner=p.county, handled_by=p.north)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    day = month + dt.timedelta(days=3)
    load(
        [
            *answered_call(day, "county-main", "C1", "09:00:00", 12, 180, "SIP/n1"),
            *left_call(day, "county-main", "C2", "09:10:00", 70),
        ]
    )
    make_user("statement-manager", p.north, Role.MANAGER)
    sign_in(page, "statement-manager")

    page.goto(f"/insight/statements/?month={month:%Y-%m}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly statements")
    expect(page.locator("a.govuk-link[aria-current='page']")).to_have_text("Statements")
    expect(page.get_by_role("table").first).to_contain_text("Not met")
    standards = page.get_by_role("heading", name=f"{month:%B %Y} against the agreed standards")
    expect(standards).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/insight/statements/?month=1999-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
