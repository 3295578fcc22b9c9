"""Tell us once: one journey for a death (or a move) that asks once what every partner needs,
asks explicitly for consent to share, and raises one request per service across partners,
shown as one bundle with its own reference."""

import pytest
from django.core import mail
from django.test import Client

from firstcontact.customers.models import Consent, ConsentPurpose, CustomerLink
from firstcontact.lifeevents.models import Bundle
from firstcontact.servicerequests.models import ServiceRequest
from tests.portal.test_portal_report import assert_error

BASE = "/tell-us-once/bereavement"
ADDRESS = {"line1": "4 Church Street", "town": "Southbury", "postcode": "WX3 1AA"}
ME = {"full_name": "Robin Relative", "email": "robin@example.org", "phone": ""}


def walk_to_check(client, *, items=None):
    response = client.post(f"{BASE}/address/", ADDRESS)
    assert response["Location"] == f"{BASE}/services/", response.content.decode()[:400]
    if items is not None:
        client.post(f"{BASE}/services/", {"items": items})
    else:
        html = client.get(f"{BASE}/services/").content.decode()
        assert html.count("checked") == 5  # all five are ticked to start with
        client.post(f"{BASE}/services/", {"items": [str(pk) for pk in _item_ids(client)]})
    client.post(f"{BASE}/question-deceased_name/", {"answer": "Pat Example"})
    response = client.post(
        f"{BASE}/question-date_of_death/",
        {"answer_day": "1", "answer_month": "11", "answer_year": "2026"},
    )
    next_page = response["Location"]
    while "/question-" in next_page:
        next_page = client.post(next_page, {"answer": ""})["Location"]
    assert next_page == f"{BASE}/about-you/"
    assert client.post(f"{BASE}/about-you/", ME)["Location"] == f"{BASE}/consent/"
    assert client.post(f"{BASE}/consent/", {"consent": "yes"})["Location"] == f"{BASE}/check/"
    return client.get(f"{BASE}/check/")


def _item_ids(client):
    from firstcontact.lifeevents.models import LifeEventService

    return LifeEventService.objects.filter(life_event__slug="bereavement").values_list(
        "pk", flat=True
    )


def test_the_life_events_are_listed_and_explained(client, portal):
    html = client.get("/tell-us-once/").content.decode()
    assert "Tell us about a death" in html and "Tell us you have moved in" in html
    html = client.get(f"{BASE}/").content.decode()
    assert "We are sorry for your loss." in html
    assert "Firearms certificate after a death" in html
    assert f'href="{BASE}/address/"' in html


def test_tell_us_once_about_a_death_fans_out_across_partners(
    client, portal, django_capture_on_commit_callbacks
):
    html = walk_to_check(client).content.decode()
    for shown in [
        "4 Church Street",
        "WX3 1AA",
        "Council Tax after a death (South Wessex",
        "Blue Badge after a death (Wessex County Council)",
        "Firearms certificate after a death (Wessex Police)",
        "Pat Example",
        "1 November 2026",
        "Robin Relative",
        "robin@example.org",
    ]:
        assert shown in html, shown
    assert "What needs to change?" not in html  # the template answers it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/check/")
    bundle = Bundle.objects.get()
    assert response["Location"] == f"/tell-us-once/bundles/{bundle.formatted_reference}/"
    requests = [item.request for item in bundle.items.select_related("request")]
    assert len(requests) == 5
    partners = {r.responsible_partner for r in requests}
    assert partners == {portal.south, portal.county, portal.police}
    electoral = next(r for r in requests if r.service.code == "tuo-electoral-death")
    assert electoral.attributes == {
        "deceased_name": "Pat Example",
        "date_of_death": "2026-11-01T00:00:00",
        "change": "remove",
    }
    assert all(bundle.formatted_reference in r.description for r in requests)
    # One customer record per partner, linked, not merged; each with a consent to share naming
    # each of the other partners told (and nobody else).
    customers = {r.customer for r in requests}
    assert {c.partner for c in customers} == partners
    for customer in customers:
        consents = Consent.objects.filter(
            customer=customer, purpose=ConsentPurpose.SHARE_WITH_PARTNERS
        )
        assert {c.recipient for c in consents} == partners - {customer.partner}
        for consent in consents:
            assert "Wessex Police" in consent.how and bundle.formatted_reference in consent.how
    assert CustomerLink.objects.count() == 2
    assert "Wessex Police" in bundle.consent_wording
    # One acknowledgement for the whole bundle, not one per request.
    assert len(mail.outbox) == 1
    assert bundle.formatted_reference in mail.outbox[0].body
    assert all(r.formatted_reference in mail.outbox[0].body for r in requests)
    page = client.get(response["Location"]).content.decode()
    assert bundle.formatted_reference in page
    for request in requests:
        assert request.formatted_reference in page
        assert request.responsible_partner.name in page
    assert page.count("Received") == 5


def test_choosing_fewer_services_asks_fewer_questions(client, portal):
    items = [str(portal.bereavement_items["tuo-council-tax-death"].pk)]
    walk_to_check(client, items=items)
    client.post(f"{BASE}/check/")
    bundle = Bundle.objects.get()
    assert [i.request.service.code for i in bundle.items.all()] == ["tuo-council-tax-death"]
    assert client.get(f"{BASE}/question-badge_number/").status_code == 302


def test_the_address_must_be_in_the_area(client, portal):
    assert_error(client.post(f"{BASE}/address/", {}), "Enter the first line", "id_line1")
    html = assert_error(
        client.post(f"{BASE}/address/", {"line1": "1 Far Away", "postcode": "ZZ9 9ZZ"}),
        "outside the area",
        "id_postcode",
    )
    assert 'value="1 Far Away"' in html


def test_at_least_one_service_must_be_chosen(client, portal):
    client.post(f"{BASE}/address/", ADDRESS)
    assert_error(
        client.post(f"{BASE}/services/", {}), "Select at least one service to tell", "id_items_0"
    )


def test_shared_questions_are_required_when_any_service_needs_them(client, portal):
    walk_to_check(client)
    assert_error(client.post(f"{BASE}/question-deceased_name/", {}), "Enter an answer", "id_answer")
    assert_error(
        client.post(f"{BASE}/question-date_of_death/", {}), "Enter a date", "id_answer_day"
    )


def test_your_details_are_needed(client, portal):
    walk_to_check(client)
    assert_error(
        client.post(f"{BASE}/about-you/", {"email": "robin@example.org"}),
        "Enter your full name",
        "id_full_name",
    )


def test_consent_is_asked_explicitly(client, portal):
    walk_to_check(client)
    html = assert_error(
        client.post(f"{BASE}/consent/", {}),
        "Select yes if you agree to us sharing what you told us",
        "id_consent_0",
    )
    assert "Wessex Police" in html and "South Wessex District Council" in html
    response = client.post(f"{BASE}/consent/", {"consent": "no"})
    assert response["Location"] == f"{BASE}/no-consent/"
    html = client.get(response["Location"]).content.decode()
    assert "We cannot tell them for you" in html and "Nothing has been sent" in html
    assert client.get(f"{BASE}/check/")["Location"] == f"{BASE}/consent/"
    assert client.post(f"{BASE}/check/")["Location"] == f"{BASE}/consent/"
    assert ServiceRequest.objects.count() == 0


def test_the_bundle_page_is_for_the_browser_that_sent_it(client, portal):
    walk_to_check(client)
    client.post(f"{BASE}/check/")
    bundle = Bundle.objects.get()
    response = Client().get(f"/tell-us-once/bundles/{bundle.formatted_reference}/")
    assert response["Location"] == f"/track/?reference={bundle.formatted_reference}"


def test_moving_in(client, portal):
    base = "/tell-us-once/moving-in"
    client.post(f"{base}/address/", {"line1": "9 New Road", "postcode": "WX1 2AB"})
    client.post(f"{base}/services/", {"items": [str(i.pk) for i in portal.moving_in.items.all()]})
    client.post(
        f"{base}/question-moving_date/",
        {"answer_day": "2", "answer_month": "11", "answer_year": "2026"},
    )
    assert_error(client.post(f"{base}/question-adults/", {"answer": "two"}), "Enter a number")
    client.post(f"{base}/question-adults/", {"answer": "2"})
    client.post(f"{base}/about-you/", ME)
    client.post(f"{base}/consent/", {"consent": "yes"})
    client.post(f"{base}/check/")
    bundle = Bundle.objects.get()
    requests = [i.request for i in bundle.items.all()]
    assert {r.responsible_partner for r in requests} == {portal.north}
    assert requests[0].attributes == {"moving_date": "2026-11-02T00:00:00", "adults": 2}


def test_sending_is_rate_limited(client, portal, settings):
    settings.PORTAL_RATE_LIMITS = {"submit": (0, 3600)}
    walk_to_check(client)
    assert client.post(f"{BASE}/check/").status_code == 429
    assert Bundle.objects.count() == 0


@pytest.mark.parametrize("slug", ["no-such-event"])
def test_unknown_life_events_are_not_found(client, portal, slug):
    assert client.get(f"/tell-us-once/{slug}/").status_code == 404
