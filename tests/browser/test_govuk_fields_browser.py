"""Every kind of field `{% govuk_field %}` renders, with and without errors, checked by axe-core
in a real browser with GOV.UK Frontend's stylesheet and JavaScript loaded."""

import re

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.govuk.forms import EveryFieldForm, render_page
from tests.govuk.test_govuk_fields import INVALID

pytestmark = pytest.mark.browser


def show(page, form) -> None:
    request = RequestFactory().get("/")
    request.user = None
    page.goto("/accounts/login/")  # the live server's origin, so /static/ URLs resolve
    page.set_content(render_page(form, request))
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
