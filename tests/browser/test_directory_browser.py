"""Find a service in the browser, in English and Polish: the search with its filters, results
nearest first, a service's page, and the list to print or email, with axe-core on each page
(with errors too); and the same search working without JavaScript."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.notify.models import Notification
from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.directory.conftest import directory  # noqa: F401  (the small directory)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh(transactional_db, settings):
    cache.clear()
    settings.LEAFLET_TILE_URL = ""
    yield
    cache.clear()


def check(page, language: str, name: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
    save_screenshot(page, f"{language}-directory-{name}")


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_find_a_service_pages_have_no_axe_violations(page, directory, language):  # noqa: F811
    page.goto("/")
    if language != "en-gb":
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state()
    page.locator(".govuk-service-navigation a[href='/find-a-service/']").click()
    check(page, language, "form")

    page.locator("#id_postcode").fill("not a postcode")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, language, "error")

    page.locator("#id_postcode").fill("WX1 1AA")
    page.locator("#id_q").fill("")
    page.locator("main form button[type=submit]").click()
    results = page.locator(".fc-directory-result h3")
    expect(results.first).to_have_text("Emergency food parcels")
    expect(results.nth(1)).to_have_text("Debt advice")
    check(page, language, "results")

    page.locator("#id_cost_1").check()  # free
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".fc-directory-result h3")).to_have_count(1)

    page.locator(".fc-directory-result h3 a").first.click()
    expect(page.locator("h1")).to_have_text("Emergency food parcels")
    expect(page.locator("main")).to_contain_text("01632 960000")
    check(page, language, "service")

    page.go_back()
    page.locator("main a[href^='/find-a-service/list/']").click()
    expect(page.locator("#fc-print")).to_be_visible()  # JavaScript can print
    check(page, language, "list")

    page.locator("#id_email").fill("nonsense")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, language, "list-error")

    page.locator("#id_email").fill("robin@example.org")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    check(page, language, "list-sent")
    assert Notification.objects.filter(recipient="robin@example.org").count() == 1


def test_find_a_service_works_without_javascript(page_without_js, directory):  # noqa: F811
    page = page_without_js
    page.goto("/find-a-service/")
    page.locator("#id_q").fill("debt")
    page.locator("#id_postcode").fill("WX1 1AA")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".fc-directory-result h3").first).to_have_text("Debt advice")
    page.locator("main a[href^='/find-a-service/list/']").click()
    expect(page.locator("#fc-print")).to_be_hidden()  # no script to print with
    page.locator("#id_email").fill("robin@example.org")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
