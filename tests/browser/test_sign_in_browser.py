"""Staff sign-in in a real browser with the second factor required: setting up an app at the
first sign-in, the recovery codes, the code page at the next sign-in, and the lockout page;
each page checked with axe-core and free of CSP violations (no inline scripts)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in

pytestmark = pytest.mark.browser


def code_for(secret: str) -> str:
    # Each code is taken once: forget the last one used, as a new 30-second step would.
    TOTPDevice.objects.update(last_t=-1, drift=0)
    return f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"


def test_first_sign_in_sets_up_an_app_and_the_next_asks_for_its_code(page, partnership, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "STAFF_TWO_FACTOR": "required"}
    console = []
    page.on("console", lambda message: console.append(message.text))

    sign_in(page, "hub-adviser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_no_axe_violations(page)
    save_screenshot(page, "two-factor-set-up")
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ?){8}", secret.strip())

    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_no_axe_violations(page)
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.get_by_label("Code from your app").fill(code_for(secret))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_no_axe_violations(page)
    save_screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a customer")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "hub-adviser")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    assert_no_axe_violations(page)
    save_screenshot(page, "two-factor-verify")
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a customer")

    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    assert_no_axe_violations(page)
    assert not [m for m in console if "Content Security Policy" in m], console


def test_the_lockout_page(page, page_problems, partnership, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        sign_in(page, "hub-adviser", "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    expect(page.locator("main")).to_contain_text("Try again in 15 minutes")
    assert_no_axe_violations(page)
    save_screenshot(page, "locked-out")
    # The 429 is the point here; any other failed request still fails the test.
    assert all(" 429 " not in f" {f} " or "/accounts/login/" in f for f in page_problems.failed)
    page_problems.failed[:] = [f for f in page_problems.failed if not f.startswith("429 ")]
