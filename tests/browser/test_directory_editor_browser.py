"""Directory editors, the welcome pack and the service page's map in the browser, with axe-core:
an editor lists their entries, corrects one (an error first), marks it checked and opens the
stale report; edits their organisation and adds an entry with its first place (errors first);
changes, adds and removes an entry's places (removing works without JavaScript too); describes
each place's accessibility without JavaScript; a new resident opens their welcome
pack in English and Polish (printable, and the same without JavaScript); a service page draws
its place on the map beside the address."""

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


def _north_editor(partnership, directory) -> None:  # noqa: F811
    directory.advice.partner = partnership.north
    directory.advice.save()
    make_user("north-editor", partnership.north, Role.DIRECTORY_EDITOR)


def test_an_editor_edits_their_organisation_and_adds_an_entry(page, partnership, directory):  # noqa: F811
    _north_editor(partnership, directory)
    sign_in(page, "north-editor")
    page.goto("/directory-editor/")
    page.get_by_role("link", name="Wessex Advice", exact=True).click()
    expect(page.locator("h1")).to_have_text("Wessex Advice")
    check(page, "organisation")

    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    check(page, "organisation-error")
    page.get_by_label("Email").fill("hello@advice.example")
    page.get_by_label("Name").fill("Wessex Advice Centre")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Saved “Wessex Advice Centre”"
    )
    expect(page.locator("h1")).to_have_text("Wessex Advice Centre")

    page.get_by_role("link", name="Add a service for Wessex Advice Centre").click()
    expect(page.locator("h1")).to_have_text("Add a service")
    check(page, "new-service")
    page.get_by_label("Name", exact=True).fill("Lunch club")
    page.get_by_label("Address line 1").fill("2 High Street")
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Add the service").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a full postcode")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the town or city")
    check(page, "new-service-error")
    page.get_by_label("Town or city").fill("Casterbridge")
    page.get_by_label("Postcode").fill("WX1 1AA")
    page.get_by_role("button", name="Add the service").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added “Lunch club”")
    expect(page.locator("h1")).to_have_text("Lunch club")
    expect(page.get_by_role("group", name="Lunch club")).to_be_visible()  # its place
    check(page, "new-service-added")
    assert Service.objects.get(name="Lunch club").organization_id == directory.advice.pk


def test_each_place_is_described_without_javascript(page_without_js, partnership, directory):  # noqa: F811
    page = page_without_js
    _north_editor(partnership, directory)
    corn = directory.food_at.location
    directory.debt_advice.at_locations.create(location=corn)
    sign_in(page, "north-editor")
    page.goto(f"/directory-editor/services/{directory.debt_advice.pk}/")
    library = page.get_by_role("group", name="Library")
    exchange = page.get_by_role("group", name="Corn Exchange")
    expect(exchange.get_by_label("Accessibility")).to_have_value("Step-free entrance")
    library.get_by_label("Accessibility").fill("Hearing loop\nLift to all floors")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved")
    expect(page.get_by_role("group", name="Library").get_by_label("Accessibility")).to_have_value(
        "Hearing loop\nLift to all floors"
    )
    expect(exchange.get_by_label("Accessibility")).to_have_value("Step-free entrance")
    # (axe-core needs JavaScript: the page with its places is checked in the test above.)
    save_screenshot(page, "directory-editor-places")


def test_an_editor_changes_adds_and_removes_places(page, partnership, directory):  # noqa: F811
    _north_editor(partnership, directory)
    entry = directory.debt_advice
    sign_in(page, "north-editor")
    page.goto(f"/directory-editor/services/{entry.pk}/")
    page.get_by_role("link", name="Change Library").click()
    expect(page.locator("h1")).to_have_text("Change Library")
    expect(page.locator("#sharing")).to_contain_text("Changing this place changes it for")
    check(page, "place")

    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_label("Address line 1").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a full postcode")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the first line")
    check(page, "place-error")
    page.get_by_label("Name of the place").fill("Central Library")
    page.get_by_label("Address line 1").fill("2 High Street")
    page.get_by_label("Postcode").fill("WX1 1AA")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved “Central Library”")
    expect(page.get_by_role("group", name="Central Library")).to_contain_text("2 High Street")

    page.get_by_role("link", name="Add a place for Debt advice").click()
    expect(page.locator("h1")).to_have_text("Add a place")
    check(page, "add-place")
    page.get_by_label("Name of the place").fill("Fordington Hall")
    page.get_by_label("Address line 1").fill("5 Market Place")
    page.get_by_label("Town or city").fill("Casterbridge")
    page.get_by_label("Postcode").fill("WX1 1AA")
    page.get_by_role("button", name="Add the place").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added “Fordington Hall”")
    expect(page.get_by_role("group", name="Fordington Hall")).to_be_visible()
    check(page, "place-added")

    page.get_by_role("link", name="Remove Fordington Hall from this entry").click()
    expect(page.locator("h1")).to_have_text("Remove Fordington Hall from this entry?")
    check(page, "remove-place")
    page.get_by_role("button", name="Remove the place").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no longer offered")
    expect(page.get_by_role("group", name="Fordington Hall")).to_have_count(0)
    assert list(entry.at_locations.values_list("location__name", flat=True)) == ["Central Library"]


def test_a_place_is_removed_without_javascript(page_without_js, partnership, directory):  # noqa: F811
    page = page_without_js
    _north_editor(partnership, directory)
    corn = directory.food_at.location
    directory.debt_advice.at_locations.create(location=corn)
    sign_in(page, "north-editor")
    page.goto(f"/directory-editor/services/{directory.debt_advice.pk}/")
    page.get_by_role("link", name="Remove Corn Exchange from this entry").click()
    expect(page.locator("main")).to_contain_text("The place stays for the other entries at it")
    page.get_by_role("button", name="Remove the place").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no longer offered")
    expect(page.get_by_role("group", name="Corn Exchange")).to_have_count(0)
    assert directory.food_bank.at_locations.filter(location=corn).exists()


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
