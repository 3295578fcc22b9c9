"""The review's findings on the desk, fixed: callbacks follow the customer's visibility and
each view is audited; searches leave their terms and results in the audit trail; consents
name their recipient, are recorded only by staff who read the customer, and are withdrawn on
a page of their own."""

import datetime as dt

from django.utils import timezone

from firstcontact.contacts.services import book_callback
from firstcontact.customers.models import Consent
from firstcontact.customers.selectors import search_audit_detail, visible_customers
from firstcontact.customers.services import create_customer, record_consent
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement
from firstcontact.servicerequests.models import Referral
from firstcontact.servicerequests.services import clean_location, raise_request
from tests.desk.conftest import raise_pothole


def _callback(partnership, partner, customer):
    start = timezone.now() + dt.timedelta(hours=1)
    return book_callback(
        user=partnership.hub_adviser,
        partner=partner,
        phone="0113 496 0456",
        reason="Ring back about the pothole",
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
        customer=customer,
    )


def test_a_callback_shows_only_to_staff_who_may_read_its_customer(client, partnership, resident):
    """Booked for the hub itself about a county customer: the hub's back office acts for the
    hub but cannot read the county's customer, so never sees the callback."""
    callback = _callback(partnership, partnership.north, resident)
    client.force_login(partnership.hub_caseworker)
    page = client.get("/desk/callbacks/?scope=all").content.decode()
    assert "Harriet" not in page and "Ring back about the pothole" not in page
    assert client.get(f"/desk/callbacks/{callback.pk}/").status_code == 404
    assert client.post(f"/desk/callbacks/{callback.pk}/", {"action": "cancel"}).status_code == 404
    callback.refresh_from_db()
    assert callback.is_open


def test_viewing_a_callback_is_audited(client, partnership, resident):
    callback = _callback(partnership, partnership.county, resident)
    client.force_login(partnership.hub_adviser)
    assert client.get(f"/desk/callbacks/{callback.pk}/").status_code == 200
    event = AuditEvent.objects.get(object_type="callback", object_id=str(callback.pk))
    assert (event.action, event.customer_id, event.user) == (
        "view",
        resident.pk,
        partnership.hub_adviser,
    )


def test_searches_record_their_terms_and_the_customers_found(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    client.get("/desk/", {"q": "Harriet Ambleside"})
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert '"Harriet Ambleside"' in event.detail
    assert f"customer {resident.pk}" in event.detail and "1 result(s)" in event.detail
    assert event.customer_id == resident.pk
    client.get("/desk/", {"q": "Nobody Atall"})
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert '"Nobody Atall"' in event.detail and "0 result(s)" in event.detail


def test_a_search_by_reference_is_audited(client, partnership, resident):
    request = raise_pothole(partnership, resident)
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/", {"q": request.formatted_reference}).content.decode()
    assert f"/desk/customers/{resident.pk}/" in page
    event = AuditEvent.objects.filter(action="search").latest("pk")
    assert request.formatted_reference in event.detail and "by request reference" in event.detail
    assert f"customer {resident.pk}" in event.detail


def test_search_audit_detail_is_cut_to_fit():
    detail = search_audit_detail("x" * 300, list(range(100_000, 100_200)))
    assert len(detail) <= 500
    assert detail.startswith('search "' + "x" * 99 + '…"')
    assert "200 result(s)" in detail and "more" in detail


def test_staff_withdraw_a_consent_and_it_takes_effect_at_once(client, partnership, resident):
    p = partnership
    DataSharingAgreement.objects.create(
        provider=p.county, recipient=p.police, categories=["identity"], purpose="Safety",
        starts="2020-01-01",
    )  # fmt: skip
    consent = record_consent(
        user=p.hub_adviser, customer=resident, purpose="share_with_partners", recipient=p.police
    )
    assert visible_customers(p.police_officer).filter(pk=resident.pk).exists()
    client.force_login(p.hub_adviser)
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    url = f"/desk/customers/{resident.pk}/consents/{consent.pk}/withdraw/"
    assert url in page
    page = client.get(url).content.decode()
    assert "Withdraw a consent" in page and "Wessex Police" in page
    response = client.post(url, {})
    assert response.status_code == 400 and "Confirm that the customer" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert AuditEvent.objects.filter(
        object_type="consent", object_id=str(consent.pk), detail__contains="withdrawn"
    ).exists()
    client.force_login(p.police_officer)
    assert client.get(f"/desk/customers/{resident.pk}/").status_code == 404
    assert (
        f"/desk/customers/{resident.pk}/"
        not in client.get("/desk/", {"q": "Harriet Ambleside"}).content.decode()
    )
    # Withdrawn once; another partner's staff cannot reach the page at all.
    client.force_login(p.hub_adviser)
    assert client.get(url).status_code == 404
    client.force_login(p.south_caseworker)
    assert client.get(url).status_code == 404


def test_the_referral_form_records_consent_only_for_a_readable_customer(client, partnership):
    """An officer who cannot see the customer cannot open their record to another partner by
    ticking the consent box on the referral form."""
    p = partnership
    hub_customer = create_customer(
        user=None, partner=p.north, family_name="Oak", phones=["0113 496 0111"]
    )
    request = raise_request(
        user=p.hub_adviser, service=p.pothole, channel="phone",
        location=clean_location(postcode="WX2 1AA"), attributes={"depth": "deep"},
        customer=hub_customer,
    )  # fmt: skip
    client.force_login(p.highways_officer)
    page = client.post(
        f"/work/requests/{request.reference}/refer/",
        {
            "refer-version": request.version,
            "refer-to": f"p{p.police.pk}",
            "refer-reason": "Needles",
            "refer-consent_given": "on",
        },
    ).content.decode()
    assert "You cannot record consents for that customer." in page
    assert not Consent.objects.filter(customer=hub_customer).exists()
    assert not Referral.objects.exists()


def test_the_referral_form_names_the_recipient_on_the_consent(client, partnership, resident):
    request = raise_pothole(partnership, resident)
    client.force_login(partnership.highways_officer)
    client.post(
        f"/work/requests/{request.reference}/refer/",
        {
            "refer-version": request.version,
            "refer-to": f"t{partnership.asb_team.pk}",
            "refer-reason": "Needles",
            "refer-consent_given": "on",
        },
    )
    referral = Referral.objects.get()
    assert referral.consent.recipient == partnership.police
    assert referral.consent.customer == resident
