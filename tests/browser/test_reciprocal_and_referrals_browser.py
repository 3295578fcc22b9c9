"""Issue 17's case-work pages in a real browser, each checked with axe-core: a police officer
reporting fly-tipping to the council from the hotspot map (the form, its errors, the place's
log that follows it) and from their own request; insight's referral outcomes; the request page
prompting the team to tell the resident what a partner did; the statement's PDF download."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
from firstcontact.insight.hotspots import Square
from firstcontact.insight.models import CommunitySafetyService, ServiceAgreement
from firstcontact.partners.models import HubAgreement, Role, Team
from firstcontact.servicerequests.models import Referral, ServiceRequest
from firstcontact.servicerequests.references import new_reference
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SQUARE = Square(11222, -209)  # in South Wessex and the police's area


def _requests(service, partner, n, team=None):
    lat, lon = SQUARE.centre
    when = timezone.now() - dt.timedelta(days=1)
    return [
        ServiceRequest.objects.create(
            reference=new_reference(),
            service=service,
            channel="phone",
            responsible_partner=partner,
            team=team,
            latitude=lat + i * 0.0001,
            longitude=lon,
            created_at=when,
        )
        for i in range(n)
    ]


def test_reporting_to_the_other_agency_passes_axe(page, partnership):
    p = partnership
    street_scene = Team.objects.create(partner=p.south, name="Street scene")
    flytip = Service.objects.create(
        code="fly-tipping", name="Fly-tipping", kind=ServiceKind.FAULT_REPORT, tier=Tier.DISTRICT
    )
    ServiceDelivery.objects.create(service=flytip, partner=p.south, team=street_scene)
    for service in (flytip, p.asb):
        CommunitySafetyService.objects.create(service=service)
    asb = _requests(p.asb, p.police, 6, p.asb_team)
    sign_in(page, "police-officer")

    page.goto("/insight/places/")
    page.get_by_role("link", name="Report to another agency").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report to another agency")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the problem to report")
    assert_no_axe_violations(page)

    page.get_by_label("Fly-tipping: South Wessex District Council").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Raise the request").click()  # nothing said: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what the other agency")
    assert_no_axe_violations(page)
    page.get_by_label("Street or landmark (optional)").fill("Lay-by on the Dorchester road")
    page.get_by_label("What did you find?").fill("Builders' rubble across the lay-by.")
    page.get_by_role("button", name="Raise the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Action log")
    raised = ServiceRequest.objects.get(service=flytip)
    table = page.get_by_role("table", name="Raised for other agencies at this place")
    expect(table).to_contain_text(raised.formatted_reference)
    expect(table).to_contain_text("South Wessex District Council")
    assert_no_axe_violations(page)

    page.goto(f"/work/requests/{asb[0].reference}/")
    expect(page.get_by_role("heading", name="Other agencies")).to_be_visible()
    assert_no_axe_violations(page)


def test_referral_outcomes_and_the_prompt_to_tell_the_resident_pass_axe(page, partnership):
    p = partnership
    sr = ServiceRequest.objects.create(
        reference=new_reference(),
        service=p.pothole,
        channel="phone",
        responsible_partner=p.county,
        team=p.highways,
    )
    sent = timezone.now() - dt.timedelta(days=3)
    Referral.objects.create(
        request=sr,
        from_partner=p.county,
        to_partner=p.police,
        reason="Vehicles parked on the verge block the repair.",
        state=Referral.State.COMPLETED,
        outcome="Officers moved the vehicles on; the verge is clear.",
        created_at=sent,
        answered_at=sent + dt.timedelta(days=2),
    )
    make_user("referrals-manager", p.county, Role.MANAGER)
    sign_in(page, "referrals-manager")
    page.goto(f"/insight/referrals/?month={sent:%Y-%m}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("a.govuk-link[aria-current='page']")).to_have_text("Referrals")
    expect(page.locator("#referral-outcomes-table")).to_contain_text("Wessex Police")
    assert_no_axe_violations(page)
    page.goto("/insight/complaints/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaints")
    assert_no_axe_violations(page)
    page.goto("/insight/fcr/")
    expect(page.locator("a.govuk-link[aria-current='page']")).to_have_text("FCR by team")
    assert_no_axe_violations(page)
    page.goto("/insight/referrals/?month=1999-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"/work/requests/{sr.reference}/")
    expect(page.get_by_text("Officers moved the vehicles on").first).to_be_visible()
    assert_no_axe_violations(page)


def test_the_statement_downloads_as_a_pdf(page, partnership):
    p = partnership
    ServiceAgreement.objects.create(agreement=HubAgreement.objects.get(reference="SLA-HUB-1"))
    make_user("pdf-manager", p.north, Role.MANAGER)
    sign_in(page, "pdf-manager")
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page.goto(f"/insight/statements/?month={month:%Y-%m}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"statement-wessex-{month:%Y-%m}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert_no_axe_violations(page)
