"""The Content-Security-Policy in a real browser: the nonce'd inline script and the scripts
loaded as files run, and this package's hook (conftest.py) notices a violation, so every
browser test fails on one."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageProblems, _new_page, sign_in

pytestmark = pytest.mark.browser


def test_the_start_page_runs_its_scripts_under_the_policy(page, partnership):
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'nonce-" in policy
    # The nonce'd inline script ran (js-enabled), and GOV.UK Frontend started from its file.
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.locator("[data-module=govuk-skip-link]")).to_have_attribute(
        "data-govuk-skip-link-init", ""
    )


def test_staff_pages_start_htmx_without_inline_styles_or_eval(page, partnership):
    sign_in(page, "hub-adviser")
    page.goto("/desk/")
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("() => htmx.config.allowEval") is False
    assert page.evaluate("() => htmx.config.historyCacheSize") == 0
    # No <style> element was injected (htmx's indicator styles would be one).
    assert page.locator("style").count() == 0


def test_a_violation_is_caught(browser, live_server, partnership):
    problems = PageProblems()
    context, page = _new_page(browser, live_server, problems)
    try:
        page.goto("/")
        assert problems.csp_violations == []
        # What an injected inline script would do: the policy blocks it, the hook reports it.
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
                const div = document.createElement("div");
                div.setAttribute("style", "color: red");
                document.body.appendChild(div);
            }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.injected") is None
    finally:
        context.close()
    found = " ".join(problems.csp_violations)
    assert "script-src" in found, problems.csp_violations
    assert "style-src" in found, problems.csp_violations


def test_the_admin_works_under_the_policy(page, partnership):
    """Django's admin loads its scripts as files with the nonce: its pages, their JavaScript
    (the sidebar filter, select-all, inline forms) and popups break nothing in the policy."""
    sign_in(page, "partnership-admin")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Partners, services, teams and staff")).to_be_visible()
    page.goto("/admin/partners/partner/")
    # admin/js/actions.js ran: "select all" ticks every row.
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    page.goto(f"/admin/partners/partner/{partnership.county.pk}/change/")
    expect(page.locator("#partner_form")).to_be_visible()
    page.goto("/admin/catalogue/service/add/")
    expect(page.locator("#service_form")).to_be_visible()
    # The admin's theme toggle is a script file too.
    page.locator("button.theme-toggle").first.click()
