"""The resident site's privacy notice (/privacy/): what the site keeps, then each partner's own
notice, written in Markdown by the partner and shown safely; linked from every page's footer,
from the contact-details page and from tell-us-once's consent page."""

import pytest

from firstcontact.demo.partnership import PARTNERS, create_partnership
from tests.portal import test_portal_report as report
from tests.portal import test_portal_tell_us_once as tell_us_once

NOTICE = """\
Wessex County Council is the controller.

## How long we keep it

Requests for **6 years** after they are closed.

Ask our DPO: [dpo@wessex.example.org](mailto:dpo@wessex.example.org).
<script>alert("x")</script> [click](javascript:alert(1))
"""


@pytest.fixture
def notices(partnership):
    partnership.county.privacy_notice = NOTICE
    partnership.county.privacy_notice_url = "https://www.wessex.example.org/privacy/"
    partnership.county.save()
    partnership.police.email = "info@police.example.org"
    partnership.police.save()
    return partnership


def test_each_partner_has_its_notice_on_the_privacy_page(client, notices):
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Privacy notice</h1>' in html
    for partner in [notices.county, notices.north, notices.south, notices.police]:
        assert f'id="partner-{partner.slug}"' in html  # a section of its own
        assert f'href="#partner-{partner.slug}"' in html  # in the contents list
    assert "Wessex County Council is the controller." in html
    assert '<h3 class="govuk-heading-m">How long we keep it</h3>' in html
    assert "<strong>6 years</strong>" in html
    assert 'href="mailto:dpo@wessex.example.org"' in html
    assert 'href="https://www.wessex.example.org/privacy/"' in html
    # Raw HTML is shown as text, and a javascript: link is not a link.
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    # A partner without a notice here says how to ask for one.
    assert "has not published its notice here yet" in html
    assert 'href="mailto:info@police.example.org"' in html


def test_what_the_site_itself_keeps_is_said(client, notices):
    html = client.get("/privacy/").content.decode()
    assert "What this website keeps" in html
    assert "they are not put in the web address" in html  # tracking by POST


@pytest.mark.parametrize("url", ["/", "/report/", "/track/", "/feedback/", "/privacy/"])
def test_every_resident_page_links_to_it_in_the_footer(client, portal, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="govuk-footer"') :]
    assert 'href="/privacy/">Privacy</a>' in footer


def test_the_contact_details_page_links_to_it(client, portal):
    client.post(f"{report.BASE}/location/", {"postcode": "wx1 2ab"})
    client.post(f"{report.BASE}/question-depth/", {"answer": "deep"})
    client.post(f"{report.BASE}/question-hazards/", {"answer": ["kerb"]})
    client.post(f"{report.BASE}/question-width_cm/", {"answer": "40"})
    client.post(f"{report.BASE}/details/", {"description": "A deep pothole"})
    html = client.get(f"{report.BASE}/contact/").content.decode()
    assert "Your contact details" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert '<a class="govuk-link" href="/privacy/">privacy notice</a>' in main


def test_the_tell_us_once_consent_page_links_to_it(client, portal):
    tell_us_once.walk_to_check(client)
    html = client.get(f"{tell_us_once.BASE}/consent/").content.decode()
    assert "Sharing what you have told us" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert '<a class="govuk-link" href="/privacy/">privacy notices</a>' in main


def test_the_page_is_in_polish_with_the_notices_marked_as_english(client, notices):
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    html = client.get("/privacy/").content.decode()
    assert "Informacja o prywatności" in html
    assert 'href="/privacy/">Prywatność</a>' in html
    assert '<div lang="en-GB"><p class="govuk-body">Wessex County Council is the controller.' in (
        html
    )


def test_every_demo_partner_has_a_notice_naming_its_controller_retention_and_dpo(db):
    partners = create_partnership().partners
    assert len(partners) == len(PARTNERS)
    for spec in PARTNERS:
        partner = partners[spec.slug]
        assert spec.name in partner.privacy_notice
        assert "How long we keep it" in partner.privacy_notice
        assert f"dpo@{spec.domain}" in partner.privacy_notice
        assert "one calendar month" in partner.privacy_notice
        assert partner.privacy_notice_url.startswith(f"https://www.{spec.domain}/")
    # The police notice is under the law enforcement rules, the NHS one under health care.
    assert "Part 3 of the Data Protection Act 2018" in partners["wessex-police"].privacy_notice
    assert "9(2)(h)" in partners["wessex-nhs"].privacy_notice
