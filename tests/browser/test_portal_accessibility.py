"""axe-core finds no violations on any resident page, in English and in Polish: every page of
every journey, with and without errors, and the confirmation and tracking pages.

With SCREENSHOT_DIR set, each page is also saved as <language>-<page>.png."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from firstcontact.demo.privacy_notices import privacy_notice, privacy_notice_url
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import change_status
from tests.browser.conftest import assert_no_axe_violations, save_screenshot
from tests.portal.fixtures import build_portal_data

pytestmark = pytest.mark.browser

EMAIL = "robin@example.org"


@pytest.fixture
def portal(partnership, settings, tmp_path):
    cache.clear()
    settings.LEAFLET_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_portal_data(partnership)


class Tour:
    def __init__(self, page, language: str):
        self.page = page
        self.language = language
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        """axe-core on the page as it is, in the tour's language."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        assert_no_axe_violations(self.page)
        save_screenshot(self.page, f"{self.language}-{name}")
        self.checked.append(name)

    def go(self, url: str, name: str) -> None:
        self.page.goto(url)
        self.check(name)

    def submit(self) -> None:
        self.page.locator("main button.govuk-button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def error(self, name: str) -> None:
        """Submit the page as it is, expect an error summary, and check it."""
        self.submit()
        expect(self.page.locator(".govuk-error-summary")).to_be_visible()
        self.check(name)

    def fill(self, **fields) -> None:
        for field, value in fields.items():
            self.page.locator(f"#id_{field}").fill(value)

    def pick(self, *ids: str) -> None:
        for element_id in ids:
            self.page.locator(f"#{element_id}").check()


def set_language(page, language: str) -> None:
    page.goto("/")
    if language != "en-gb":
        page.locator(f"button[name=language][value={language}]").click()
        page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_every_resident_page_has_no_axe_violations(page, portal, language):
    set_language(page, language)
    tour = Tour(page, language)

    tour.go("/", "start")
    tour.go("/search/?q=pothole", "search")
    tour.go("/search/?q=zzzz", "search-nothing")
    tour.go("/services/council-tax/", "service")
    tour.go("/accessibility/", "accessibility")
    # The privacy page: one partner's notice in Markdown (headings, lists), the others' fallback.
    portal.county.privacy_notice = privacy_notice(portal.county.name, "county", "wessex.example")
    portal.county.privacy_notice_url = privacy_notice_url("wessex.example")
    portal.county.save()
    tour.go("/privacy/", "privacy")

    # Report a problem.
    tour.go("/report/", "report-category")
    tour.error("report-category-error")
    tour.pick("id_service_0")  # Missed bin? Whichever is first: go to the pothole below.
    tour.go("/report/pothole/location/", "report-location")
    tour.error("report-location-error")
    tour.fill(postcode="ZZ9 9ZZ")
    tour.error("report-location-outside")
    tour.fill(postcode="WX1 2AB")
    tour.submit()
    tour.check("report-question-radios")
    tour.error("report-question-radios-error")
    tour.pick("id_answer_1")
    tour.submit()
    tour.check("report-question-checkboxes")
    tour.pick("id_answer_0")
    tour.submit()
    tour.check("report-question-number")
    tour.fill(answer="forty")
    tour.error("report-question-number-error")
    tour.fill(answer="40")
    tour.submit()
    tour.check("report-details")
    tour.error("report-details-error")
    tour.fill(description="Deep pothole")
    tour.submit()
    tour.check("report-contact")
    tour.fill(full_name="Sam Resident")
    tour.error("report-contact-error")
    tour.fill(email="sam@example.org")
    tour.submit()
    tour.check("report-check")
    tour.submit()
    tour.check("report-done")
    pothole = ServiceRequest.objects.get()

    # Apply for a Blue Badge.
    tour.go("/apply/", "apply-list")
    tour.go("/apply/blue-badge/", "apply-start")
    page.locator("main .govuk-button--start").click()
    tour.check("apply-eligibility")
    tour.error("apply-eligibility-error")
    tour.pick("id_answer_1")
    tour.submit()
    tour.check("apply-not-eligible")
    tour.go("/apply/blue-badge/eligibility-lives-here/", "apply-eligibility-again")
    tour.pick("id_answer_0")
    tour.submit()
    tour.pick("id_answer_1")
    tour.submit()
    tour.pick("id_answer_0")
    tour.submit()
    tour.check("apply-question-checkboxes")
    tour.submit()
    tour.submit()  # how far: optional
    tour.check("apply-question-date")
    tour.fill(answer_day="31", answer_month="2", answer_year="2019")
    tour.error("apply-question-date-error")
    tour.fill(answer_day="3", answer_month="4", answer_year="2019")
    tour.submit()
    tour.check("apply-question-text")
    tour.submit()
    tour.check("apply-question-textarea")
    tour.submit()
    tour.check("apply-address")
    tour.error("apply-address-error")
    tour.fill(line1="1 Mill Lane", postcode="WX1 2AB")
    tour.submit()
    tour.check("apply-contact")
    tour.error("apply-contact-error")
    tour.fill(full_name="Alex Applicant", email="alex@example.org")
    tour.submit()
    tour.check("apply-check")
    tour.submit()
    tour.check("apply-done")

    # A complaint uses the same pages.
    page.goto("/complain/")
    tour.check("complain-start")

    # Tell us once.
    tour.go("/tell-us-once/", "tell-us-once")
    tour.go("/tell-us-once/bereavement/", "tell-us-once-start")
    page.locator("main .govuk-button--start").click()
    tour.check("tell-us-once-address")
    tour.error("tell-us-once-address-error")
    tour.fill(line1="4 Church Street", postcode="WX3 1AA")
    tour.submit()
    tour.check("tell-us-once-services")
    for box in page.locator("input[type=checkbox]").all():
        box.uncheck()
    tour.error("tell-us-once-services-error")
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    tour.submit()
    tour.check("tell-us-once-question")
    tour.fill(answer="Pat Example")
    tour.submit()
    tour.fill(answer_day="1", answer_month="11", answer_year="2026")
    tour.submit()
    tour.submit()
    tour.submit()
    tour.check("tell-us-once-about-you")
    tour.error("tell-us-once-about-you-error")
    tour.fill(full_name="Robin Relative", email=EMAIL)
    tour.submit()
    tour.check("tell-us-once-consent")
    tour.error("tell-us-once-consent-error")
    tour.pick("id_consent_1")
    tour.submit()
    tour.check("tell-us-once-no-consent")
    tour.go("/tell-us-once/bereavement/consent/", "tell-us-once-consent-again")
    tour.pick("id_consent_0")
    tour.submit()
    tour.check("tell-us-once-check")
    tour.submit()
    tour.check("tell-us-once-bundle")

    # Track: the form, a wrong contact, a request with public updates, a bundle.
    change_status(
        user=portal.highways_officer,
        request=pothole,
        status="in_progress",
        text="A crew is booked for Tuesday.",
    )
    tour.go("/track/", "track")
    tour.fill(reference=pothole.reference, contact="wrong@example.org")
    tour.error("track-error")
    tour.fill(reference=pothole.reference.lower(), contact="sam@example.org")
    tour.submit()
    expect(page.locator("main")).to_contain_text("A crew is booked for Tuesday.")
    tour.check("track-request")

    # Feedback.
    tour.go("/feedback/", "feedback")
    tour.error("feedback-error")
    tour.pick("id_rating_0")
    tour.submit()
    tour.check("feedback-thanks")

    assert len(tour.checked) >= 60
