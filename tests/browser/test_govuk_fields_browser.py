"""Every kind of field `{% govuk_field %}` renders, with and without errors, checked by axe-core
in a real browser with GOV.UK Frontend's stylesheet and JavaScript loaded."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils.csp import build_policy, generate_nonce
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.govuk.forms import EveryFieldForm, render_page
from tests.govuk.test_govuk_fields import INVALID

pytestmark = pytest.mark.browser


def show(page, form) -> None:
    request = RequestFactory().get("/")
    request.user = None
    request._csp_nonce = nonce = generate_nonce()
    html = render_page(form, request)
    # Served at a live server URL (so /static/ URLs resolve) under the site's
    # Content-Security-Policy, as a fresh document (GOV.UK Frontend's module runs once per page).
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": build_policy(settings.SECURE_CSP, nonce),
    }
    page.unroute("**/every-field/")
    page.route("**/every-field/", lambda route: route.fulfill(body=html, headers=headers))
    page.goto("/every-field/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))


def test_every_field_without_errors_is_accessible(page, db):
    show(page, EveryFieldForm())
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    assert_no_axe_violations(page)


def test_every_field_with_errors_is_accessible_and_the_summary_links_work(page, db):
    show(page, EveryFieldForm(INVALID))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page)
    save_screenshot(page, "every-field-errors")
    summary.get_by_role("link", name="Enter a real date").click()
    expect(page.get_by_label("Day")).to_be_focused()
    summary.locator("a[href='#id_hazards_0']").click()
    expect(page.get_by_role("checkbox", name="Damaged kerb")).to_be_focused()
