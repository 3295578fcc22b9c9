"""Accessibility beyond the first pass: pages at 320 CSS pixels wide (WCAG 1.4.10 reflow: the
search boxes keep their width, nothing scrolls sideways) checked with axe-core there; the
customer page's "Same person at" links as targets; the work queue's filters applied only
when asked, with the count announced; and the admin pages under axe-core too."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from firstcontact.customers.models import CustomerLink
from firstcontact.customers.services import create_customer
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.services import clean_location, raise_request
from firstcontact.telephony.models import Queue
from tests.browser.conftest import _new_page, assert_no_axe_violations, sign_in
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.browser


@pytest.fixture
def narrow_page(browser, live_server, page_problems):
    context, page = _new_page(
        browser, live_server, page_problems, viewport={"width": 320, "height": 640}
    )
    yield page
    context.close()
    assert not page_problems.failed, f"requests failed: {page_problems.failed}"
    assert not page_problems.errors, f"JavaScript errors: {page_problems.errors}"


def assert_reflows(page) -> None:
    """Nothing wider than the window (no sideways scrolling at 320 px)."""
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{page.url} scrolls sideways at 320 px ({scroll} > {client})"


def test_the_resident_search_boxes_reflow_at_320_pixels(narrow_page, partnership):
    build_portal_data(partnership)
    for url in ["/", "/search/?q=bin"]:
        narrow_page.goto(url)
        box = narrow_page.locator("#search-q").bounding_box()
        button = narrow_page.get_by_role("button", name="Search").bounding_box()
        assert box["width"] >= 200, f"the search box on {url} is {box['width']} px wide"
        assert button["x"] + button["width"] <= 320, f"the Search button on {url} runs off"
        assert_reflows(narrow_page)
        assert_no_axe_violations(narrow_page)


def test_staff_pages_at_320_pixels(narrow_page, partnership):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
    )
    sign_in(narrow_page, "hub-adviser")
    for url in ["/desk/", f"/desk/customers/{customer.pk}/", "/desk/tell-us-once/"]:
        narrow_page.goto(url)
        assert_no_axe_violations(narrow_page)


def test_same_person_links_are_targets_of_24_pixels(page, partnership):
    county = create_customer(
        user=None, partner=partnership.county, given_name="Pat", family_name="Example",
        phones=["0113 496 0457"],
    )  # fmt: skip
    north = create_customer(
        user=None, partner=partnership.north, given_name="Pat", family_name="Example",
        phones=["0113 496 0457"],
    )  # fmt: skip
    CustomerLink.objects.create(from_customer=north, to_customer=county)
    sign_in(page, "hub-adviser")
    page.goto(f"/desk/customers/{north.pk}/")
    link = page.locator(".fc-target-list a").first
    expect(link).to_have_text("Wessex County Council")
    assert link.bounding_box()["height"] >= 24
    assert_no_axe_violations(page)


def test_queue_filters_wait_for_the_button_and_announce_the_count(page, partnership):
    for postcode in ["WX2 1AA", "WX3 1AA"]:
        raise_request(
            user=partnership.hub_adviser,
            service=partnership.missed_bin,
            channel="phone",
            location=clean_location(postcode=postcode),
        )
    sign_in(page, "south-caseworker")
    page.goto("/work/")
    status = page.locator("#queue-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("1 request shown")
    table = page.locator("#queue-results")
    before = table.inner_html()
    # Choosing a filter changes nothing until the button is pressed.
    page.get_by_label("Service standard").select_option(index=1)
    page.wait_for_timeout(500)
    assert table.inner_html() == before
    page.get_by_role("button", name="Show requests").click()
    expect(status).to_contain_text("shown")
    assert_no_axe_violations(page)


ADMIN_PAGES = [
    "/admin/",
    "/admin/partners/partner/",
    # A queue row: list_editable drop-downs in a table, each named after its column and row.
    "/admin/telephony/queue/",
    "/admin/translations/translation/",
    # Services without a group: the filter names them ("No group"), no empty link.
    "/admin/catalogue/service/",
    # Tabular inlines (areas, teams, opening hours): named controls, a named first column.
    "/admin/partners/partner/{partner}/change/",
    # Memberships on the user form: role and team drop-downs in a table.
    "/admin/auth/user/{user}/change/",
    # An autocomplete drop-down (select2) in an inline, named after its field.
    "/admin/lifeevents/lifeevent/add/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_pass_axe(page, partnership, url):
    north = Partner.objects.get(slug="north")
    Queue.objects.create(name="north-main", label="North main line", partner=north)
    adviser = get_user_model().objects.filter(memberships__isnull=False).first()
    sign_in(page, "partnership-admin")
    page.goto(url.format(partner=north.pk, user=adviser.pk))
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_load_state("load")
    # target-size (WCAG 2.2 AA) is off in axe by default: the filter sidebar failed it.
    assert_no_axe_violations(page, enable=["target-size"])
