"""Your consents on the resident site in a browser: ask for a code, enter it, withdraw a
consent; axe-core finds nothing on any of the pages (errors too), in English and Polish, and
all of it works without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.customers.models import Consent
from firstcontact.customers.services import create_customer
from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.browser


@pytest.fixture
def sam(partnership, settings, tmp_path):
    cache.clear()
    settings.LEAFLET_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    portal = build_portal_data(partnership)
    return create_customer(
        user=None,
        partner=portal.county,
        given_name="Sam",
        family_name="Resident",
        emails=["sam@example.org"],
        consents=["email_updates", "surveys"],
    )


def _check(page, language: str, name: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
    save_screenshot(page, f"{language}-consents-{name}")


def _walk(page, sam, language: str) -> None:
    page.goto("/")
    if language != "en-gb":
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state()
    page.goto("/your-consents/")
    _check(page, language, "start")
    page.locator("main button.govuk-button[type=submit]").click()  # nothing typed
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _check(page, language, "start-error")
    mail.outbox.clear()
    page.locator("#id_contact").fill("sam@example.org")
    page.locator("main button.govuk-button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/your-consents/code/")
    _check(page, language, "code")
    page.locator("#id_code").fill("12")
    page.locator("main button.govuk-button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _check(page, language, "code-error")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("main button.govuk-button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/your-consents/list/")
    _check(page, language, "list")
    assert page.locator("main form button").count() == 2
    page.locator("main form button").first.click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    _check(page, language, "withdrawn")
    assert Consent.objects.filter(customer=sam, withdrawn_at__isnull=False).count() == 1


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_your_consents_pages_have_no_axe_violations(page, sam, language):
    _walk(page, sam, language)


def test_your_consents_work_without_javascript(page_without_js, sam):
    page = page_without_js
    mail.outbox.clear()
    page.goto("/your-consents/")
    page.locator("#id_contact").fill("sam@example.org")
    page.locator("main button.govuk-button[type=submit]").click()
    page.wait_for_load_state()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.locator("#id_code").fill(code)
    page.locator("main button.govuk-button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("main form button").first.click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert Consent.objects.filter(customer=sam, withdrawn_at__isnull=False).count() == 1
