"""The staff request page with the resident's photos, its priority, and the attach form, in a
real browser: thumbnails load through the staff file view, a file is attached, a bad one gets
the GOV.UK error summary; each state checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from firstcontact.catalogue.models import Priority, PriorityRule
from firstcontact.servicerequests.models import RequestAttachment, RequestPhoto
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.browser.conftest import assert_no_axe_violations, save_screenshot, sign_in
from tests.images import phone_jpeg, plain

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_officer_sees_the_photos_and_attaches_a_letter(page, partnership, tmp_path):
    PriorityRule.objects.create(
        service=partnership.pothole,
        name="Deep: made safe within 24 hours",
        conditions={"depth": "deep"},
        priority=Priority.URGENT,
    )
    request = raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        location=clean_location(postcode="WX2 1AA"),
        attributes={"depth": "deep"},
        description="Big hole by the bus stop",
    )
    for data in (plain("PNG", (64, 48)), plain("JPEG", (48, 64))):
        photo = RequestPhoto(request=request, content_type="image/png", size=len(data))
        photo.file.save("photo.png", ContentFile(data), save=True)

    sign_in(page, "highways-officer")
    page.goto(f"/work/requests/{request.reference}/")
    expect(page.locator("#priority")).to_contain_text("Urgent")
    thumbnails = page.locator("#photos img")
    expect(thumbnails).to_have_count(2)
    # Each thumbnail loaded (the staff view answered with the picture).
    for index in range(2):
        # Waited for: on a busy machine the page is drawn before its pictures arrive.
        picture = thumbnails.nth(index).element_handle()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture)
        width = thumbnails.nth(index).evaluate("img => img.naturalWidth")
        assert width > 0
    assert_no_axe_violations(page)
    save_screenshot(page, "request-photos")

    page.get_by_text("Attach a file").click()
    bad = tmp_path / "letter.pdf"
    bad.write_bytes(b"MZ this is a program")
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Attach file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("must be a PDF, a Word")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    save_screenshot(page, "request-attach-error")

    photo_from_site = tmp_path / "site.jpg"
    photo_from_site.write_bytes(phone_jpeg())
    page.get_by_label("File", exact=True).set_input_files(str(photo_from_site))
    page.get_by_label("What is it? (optional)").fill("After the repair")
    page.get_by_role("button", name="Attach file").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Attached site.jpg")
    expect(page.locator("#attachments")).to_contain_text("After the repair")
    assert RequestAttachment.objects.filter(request=request).count() == 1
    assert_no_axe_violations(page)
    save_screenshot(page, "request-attached")
