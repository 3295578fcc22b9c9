"""The contact centre's working day in a real browser, end to end.

An adviser at the district hub signs in, takes a call for the county, finds the customer by a
misspelt name, answers from the knowledge base and ends the contact as resolved at first
contact; on a second call raises a pothole request for the county; the county's highways
officer finds it in the Highways work queue, refers part of it to the police (recording the
customer's consent), updates the resident and closes it; the resident tracks it on /track/
and sees the public updates. axe-core checks every desk and work page on the way.
"""

import re

import pytest
from playwright.sync_api import expect

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Consent
from firstcontact.customers.services import create_customer
from firstcontact.servicerequests.models import Referral, ServiceRequest
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser

GRITTING_SCRIPT = """Wessex County Council grits **priority routes** from October to April.

- Main roads and bus routes first
- Then hills, schools and hospitals

Residents can check the [gritting map](https://example.org/gritting).

<script>alert("not run")</script>
"""


@pytest.fixture
def walk_data(partnership):
    gritting = Service.objects.create(
        code="gritting",
        name="Road gritting",
        kind=ServiceKind.INFORMATION,
        tier=Tier.COUNTY,
        group="Roads",
        keywords="ice, snow, salt",
        adviser_script=GRITTING_SCRIPT,
    )
    ServiceDelivery.objects.create(service=gritting, partner=partnership.county)
    partnership.pothole.adviser_script = "Ask **how deep** it is and exactly where."
    partnership.pothole.save()
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        emails=["harriet@example.org"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )
    return customer


def start_contact_for_county(page):
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Contact is for").select_option(label="Wessex County Council")
    page.get_by_role("button", name="Start contact").click()
    expect(page.get_by_label("Contact in progress")).to_contain_text(
        "Phone contact for Wessex County Council"
    )


def find_customer(page, misspelt: str):
    page.get_by_role("link", name="Find a customer").click()
    page.get_by_label("Name, phone, email, postcode, UPRN or request reference").fill(misspelt)
    page.get_by_role("button", name="Search").click()
    results = page.locator("#search-results table")
    expect(results).to_contain_text("Harriet Ambleside")
    return results


def test_adviser_to_back_office_to_resident(page, partnership, walk_data):
    customer = walk_data

    # --- The adviser at the hub: first call, answered from the knowledge base (FCR) -------
    sign_in(page, "hub-adviser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a customer")
    assert_no_axe_violations(page)
    start_contact_for_county(page)
    # The timer counts up from the server's start time (JavaScript enhancement).
    expect(page.locator(".fc-timer")).to_be_visible()
    expect(page.locator(".fc-timer__elapsed")).to_have_text(re.compile(r"^\d+:\d\d$"))
    assert_no_axe_violations(page)

    results = find_customer(page, "Hariet Amblesid")
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-search")
    results.get_by_role("link", name="Harriet Ambleside").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harriet Ambleside")
    page.get_by_role("button", name="This contact is with Harriet Ambleside").click()
    expect(page.get_by_label("Contact in progress")).to_contain_text("with Harriet Ambleside")
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-single-view")

    page.get_by_role("link", name="Knowledge", exact=True).click()
    page.get_by_label("Search the answers").fill("salt")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#knowledge-results")).to_contain_text("Road gritting")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Road gritting").click()
    script = page.locator(".fc-script")
    expect(script.locator("strong")).to_have_text("priority routes")
    expect(script.get_by_role("link", name="gritting map")).to_be_visible()
    expect(script).to_contain_text('<script>alert("not run")</script>')  # shown, not run
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-knowledge")
    page.get_by_role("button", name="Answered: end contact as resolved").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Contact ended: resolved at first contact."
    )
    expect(page.locator("#fcr-mine")).to_contain_text("100%")
    expect(page.locator("#fcr-mine")).to_contain_text("(1 of 1)")
    assert_no_axe_violations(page)
    first = Contact.objects.get()
    assert first.outcome == "resolved" and first.customer == customer
    assert first.partner == partnership.county and first.handled_by == partnership.north
    assert list(first.reasons.values_list("code", flat=True)) == ["gritting"]

    # --- Second call: a pothole, raised for the county from the hub ----------------------
    start_contact_for_county(page)
    find_customer(page, "harriet ambelside").get_by_role("link", name="Harriet Ambleside").click()
    page.get_by_role("button", name="This contact is with Harriet Ambleside").click()
    page.get_by_role("link", name="Raise a request").click()
    page.get_by_label("Search services").fill("pothole")
    page.get_by_role("button", name="Search").click()
    assert_no_axe_violations(page)
    page.locator("#service-results").get_by_role("link", name="Pothole").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pothole")
    expect(page.get_by_label("Postcode")).to_have_value("WX2 1AA")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Raise request").click()  # nothing answered yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer “How deep is it?”.")
    assert_no_axe_violations(page)
    page.get_by_label("5cm or more").check()
    page.get_by_label("Standing water").check()
    page.get_by_label("About how wide (cm)?").fill("40")
    page.get_by_label("What is the problem or request?").fill("Deep hole by the bus stop")
    page.get_by_role("button", name="Raise request").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Request raised")
    reference = page.locator("#reference").inner_text().strip()
    request = ServiceRequest.objects.get()
    assert reference == request.formatted_reference
    assert request.responsible_partner == partnership.county
    assert request.team == partnership.highways
    assert request.attributes == {"depth": "deep", "hazards": ["water"], "width_cm": 40}
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-raised")
    page.get_by_role("link", name="End the contact").click()
    expect(page.get_by_label("Service request raised")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="End contact").click()
    expect(page.locator("#fcr-mine")).to_contain_text("(1 of 2)")
    page.get_by_role("button", name=re.compile("^Sign out")).click()

    # --- The county's highways officer: queue, refer to the police, update, close --------
    sign_in(page, "highways-officer")
    page.get_by_role("link", name="Work queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work queue: Highways")
    expect(page.locator("#count-open")).to_have_text("1")
    queue = page.locator("#queue-results table")
    expect(queue).to_contain_text(reference)
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-queue")
    queue.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    assert_no_axe_violations(page)

    refer = page.locator("#action-refer")
    refer.locator("summary").click()
    refer.get_by_label("Refer to").select_option(label="Wessex Police – Neighbourhood policing")
    refer.get_by_label("What should they do?").fill("Needles left in the pothole: please remove")
    refer.get_by_role("button", name="Refer").click()
    # No consent recorded yet: refused, with the reason.
    expect(page.locator(".govuk-error-summary")).to_contain_text("has not agreed")
    assert_no_axe_violations(page)
    refer = page.locator("#action-refer")
    refer.get_by_label(
        "The customer has agreed to their details being shared with this partner"
    ).check()
    refer.get_by_label("How did they agree? (optional)").fill("By phone to the officer")
    refer.get_by_role("button", name="Refer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Referred to Wessex Police – Neighbourhood policing"
    )
    assert_no_axe_violations(page)
    referral = Referral.objects.get()
    assert referral.to_team == partnership.asb_team
    assert referral.consent == Consent.objects.get(customer=customer, recipient=partnership.police)

    public = page.locator("#action-public")
    public.locator("summary").click()
    public.get_by_label("Update for the resident").fill("A crew will fill it on Thursday.")
    public.get_by_role("button", name="Send update").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Update added")

    close = page.locator("#action-close")
    close.locator("summary").click()
    close.get_by_label("Fixed").check()
    close.get_by_label("Message for the resident").fill("We filled the pothole today.")
    close.get_by_role("button", name="Close request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Request closed")
    resident_view = page.locator("#resident-view")
    expect(resident_view).to_contain_text("We filled the pothole today.")
    assert_no_axe_violations(page)
    save_screenshot(page, "walk-closed")
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "fixed")
    page.get_by_role("button", name=re.compile("^Sign out")).click()

    # --- The resident tracks their request ----------------------------------------------
    page.goto("/track/")
    page.locator("input[name=reference]").fill(reference)
    page.locator("input[name=contact]").fill("harriet@example.org")
    page.locator("main form").get_by_role("button").click()
    main = page.locator("main")
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text("We filled the pothole today.")
    expect(main).to_contain_text("A crew will fill it on Thursday.")
    expect(main).to_contain_text("We have also asked Wessex Police to help with this.")
    expect(main).not_to_contain_text("Needles")  # the referral reason is internal
    save_screenshot(page, "walk-track")
