"""Directory editors, the welcome pack and the service page's map in the browser, with axe-core:
an editor lists their entries, corrects one (an error first), marks it checked and opens the
stale report; a new resident opens their welcome pack in English and Polish (printable, and
the same without JavaScript); a service page draws its place on the map beside the address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.directory.models import Attribute, LinkType, Service, Taxonomy, TaxonomyTerm
from firstcontact.directory.welcome import create_pack
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Role
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.conftest import make_user
from tests.directory.conftest import directory  # noqa: F401  (the small directory)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh(transactional_db, settings):
    cache.clear()
    settings.LEAFLET_TILE_URL = ""
    yield
    cache.clear()


def check(page, name: str) -> None:
    assert_no_axe_violations(page)
    save_screenshot(page, f"directory-editor-{name}")


def test_an_editor_corrects_an_entry_and_marks_it_checked(page, partnership, directory):  # noqa: F811
    directory.advice.partner = partnership.north
    directory.advice.save()
    make_user("north-editor", partnership.north, Role.DIRECTORY_EDITOR)
    sign_in(page, "north-editor")
    page.goto("/directory-editor/")
    expect(page.locator("h1")).to_have_text("Directory entries")
    expect(page.locator("main")).to_contain_text("past review or never checked")
    check(page, "index")

    page.get_by_role("link", name="Debt advice", exact=True).click()
    expect(page.locator("h1")).to_have_text("Debt advice")
    check(page, "service")

    page.get_by_label("Youngest age").fill("30")
    page.get_by_label("Oldest age").fill("20")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The oldest age must be")
    check(page, "service-error")

    page.get_by_label("Oldest age").fill("")
    page.get_by_label("Phone number").fill("01632 960 777")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved")
    assert Service.objects.get(pk=directory.debt_advice.pk).phones.get().number == "01632 960 777"

    page.get_by_role("button", name="Mark as checked today").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as checked")
    check(page, "checked")

    page.goto("/directory-editor/stale/")
    expect(page.locator("main")).to_contain_text("Council Tax")
    # Checked today: no longer stale.
    expect(page.get_by_role("link", name="Debt advice", exact=True)).to_have_count(0)
    check(page, "stale")


def _pack(directory) -> str:  # noqa: F811
    taxonomy = Taxonomy.objects.create(name="Welcome pack")
    gp = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="gp", name="GP surgery")
    Attribute.objects.create(
        taxonomy_term=gp, link_entity=LinkType.SERVICE, link_id=directory.food_bank.pk
    )
    return f"/welcome/{create_pack(Location(postcode='WX1 2AB')).token}/"


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_the_welcome_pack_has_no_axe_violations(page, directory, language):  # noqa: F811
    url = _pack(directory)
    if language != "en-gb":
        page.goto("/")
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state()
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#gp + ul")).to_contain_text("Emergency food parcels")
    expect(page.locator("#fc-print")).to_be_visible()  # JavaScript can print
    check(page, f"welcome-{language}")


def test_the_welcome_pack_works_without_javascript(page_without_js, directory):  # noqa: F811
    page = page_without_js
    page.goto(_pack(directory))
    expect(page.locator("#gp + ul")).to_contain_text("0.5 km away")
    expect(page.locator("#fc-print")).to_be_hidden()  # no script to print with


def test_the_service_page_map_shows_the_place_beside_its_address(page, directory):  # noqa: F811
    page.goto(f"/find-a-service/{directory.food_bank.pk}/")
    expect(page.locator("#fc-service-map-panel")).to_be_visible()
    expect(page.locator("#fc-service-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("1 Corn Exchange Street")
    # The map is Leaflet's widget: axe checks the rest of the page around it.
    assert_no_axe_violations(page, exclude=["#fc-service-map .leaflet-control-container"])
    save_screenshot(page, "directory-service-map")


def test_without_javascript_there_is_no_map_but_the_address(page_without_js, directory):  # noqa: F811
    page = page_without_js
    page.goto(f"/find-a-service/{directory.food_bank.pk}/")
    expect(page.locator("#fc-service-map-panel")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("1 Corn Exchange Street")
