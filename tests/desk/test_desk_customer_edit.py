"""Changing a customer's details at the desk, the record's history, and its consents."""

from __future__ import annotations

import datetime as dt
import re

from firstcontact.customers.models import Consent
from firstcontact.customers.services import record_consent, update_customer
from firstcontact.desk.customer_forms import CustomerEditForm
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement


def _edit(client, customer, **changes):
    data = {**CustomerEditForm.post_data_for(customer), **changes}
    return client.post(f"/desk/customers/{customer.pk}/edit/", data)


def test_adviser_changes_details_and_the_record_shows_the_history(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/desk/customers/{resident.pk}/")
    assert b"Change details" in page.content
    form = client.get(f"/desk/customers/{resident.pk}/edit/")
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="0113 496 0456"' in body and 'value="WX2 1AA"' in body
    response = _edit(
        client,
        resident,
        phone_1="07700 900 982",
        email_0="harriet.a@example.org",
        line1="9 Quay Street",
        town="Southby",
        postcode="WX3 2BB",
        uprn="100023",
    )
    assert response.status_code == 302
    page = client.get(f"/desk/customers/{resident.pk}/", follow=True).content.decode()
    assert "Changes to the record" in page
    for text in ("hub-adviser", "Phone numbers", "0113 496 0456; 07700 900982"):
        assert text in page
    assert "9 Quay Street, Southby, WX3 2BB (UPRN 100023)" in page
    assert "4 Mill Lane" in page  # the previous address, still on the record
    history = client.get(f"/desk/customers/{resident.pk}/history/").content.decode()
    assert "harriet@example.org" in history and "harriet.a@example.org" in history
    assert AuditEvent.objects.filter(
        action="update", object_type="customer", customer_id=resident.pk
    ).exists()
    assert AuditEvent.objects.filter(
        action="view", customer_id=resident.pk, detail="change history"
    ).exists()


def test_invalid_phone_email_postcode_and_date_get_field_errors(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    response = _edit(
        client,
        resident,
        phone_0="12345",
        email_0="harriet@",
        postcode="W1 ZZZZ",
        date_of_birth_day="31",
        date_of_birth_month="2",
        date_of_birth_year="1980",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message, target in (
        ("Enter a phone number", "#id_phone_0"),
        ("Enter an email address in the correct format", "#id_email_0"),
        ("Enter a real postcode", "#id_postcode"),
        ("Enter a real date", "#id_date_of_birth_day"),
    ):
        assert re.search(f'<a href="{target}">{message}', body), message
    resident.refresh_from_db()
    assert resident.version == 1


def test_second_saver_sees_the_difference_and_nothing_is_overwritten(client, partnership, resident):
    client.force_login(partnership.highways_officer)
    opened = CustomerEditForm.post_data_for(resident)  # version 1
    update_customer(
        user=partnership.hub_adviser,
        customer=resident,
        version=1,
        data={"accessibility_needs": "Large print"},
    )
    response = client.post(
        f"/desk/customers/{resident.pk}/edit/", {**opened, "accessibility_needs": "Hearing loop"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "hub-adviser changed this record while you were editing it" in body
    assert "What changed while you were editing" in body
    assert re.search(r"Accessibility needs.*?\(none\).*?Large print.*?Hearing loop", body, re.S)
    resident.refresh_from_db()
    assert resident.accessibility_needs == "Large print"
    # The form now carries the version they were shown: saving again replaces it, knowingly.
    assert f'name="version" value="{resident.version}"' in body
    again = client.post(
        f"/desk/customers/{resident.pk}/edit/",
        {**opened, "version": str(resident.version), "accessibility_needs": "Hearing loop"},
    )
    assert again.status_code == 302
    resident.refresh_from_db()
    assert resident.accessibility_needs == "Hearing loop"


def test_a_sharing_partner_reads_but_may_not_edit(client, partnership, resident):
    DataSharingAgreement.objects.create(
        provider=partnership.county,
        recipient=partnership.police,
        purpose="Safeguarding",
        categories=["identity"],
        starts=dt.date(2020, 1, 1),
    )
    record_consent(
        user=None, customer=resident, purpose="share_with_partners", recipient=partnership.police
    )
    client.force_login(partnership.police_officer)
    page = client.get(f"/desk/customers/{resident.pk}/")
    assert page.status_code == 200 and b"Change details" not in page.content
    refused = _edit(client, resident, family_name="Changed")
    assert refused.status_code == 403
    assert b"Wessex County Council" in refused.content
    resident.refresh_from_db()
    assert resident.family_name == "Ambleside"
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/desk/customers/{resident.pk}/edit/").status_code == 404
    assert client.get(f"/desk/customers/{resident.pk}/history/").status_code == 404


def test_deceased_flag_warns_on_the_record(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    _edit(
        client,
        resident,
        deceased="on",
        date_of_death_day="30",
        date_of_death_month="11",
        date_of_death_year="2026",
    )
    page = client.get(f"/desk/customers/{resident.pk}/").content.decode()
    assert "This customer has died (30 November 2026): do not write to them" in page


def test_record_a_consent_with_its_words_then_withdraw_it(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    url = f"/desk/customers/{resident.pk}/consents/new/"
    choose = {
        "purpose": "share_with_partners",
        "recipient": str(partnership.police.pk),
        "data_category": "identity",
        "channel": "phone",
    }
    missing = client.post(url, {**choose, "recipient": ""})
    assert missing.status_code == 200
    assert b"Choose the partner the customer agrees may see it" in missing.content
    step2 = client.post(url, choose).content.decode()
    wording = (
        "Do you agree that Wessex County Council may share your identity and contact details "
        "with Wessex Police"
    )
    assert wording in step2 and "Read this to the customer" in step2
    unticked = client.post(url, {**choose, "step": "confirm"})
    assert unticked.status_code == 200
    assert b"Tick to confirm the customer agreed" in unticked.content
    assert not Consent.objects.filter(customer=resident).exists()
    done = client.post(url, {**choose, "step": "confirm", "agreed": "on"})
    assert done.status_code == 302
    consent = Consent.objects.get(customer=resident)
    assert consent.wording.startswith(wording)
    assert (consent.channel, consent.data_category) == ("phone", "identity")
    assert consent.recorded_by == partnership.hub_adviser
    listing = client.get(f"/desk/customers/{resident.pk}/consents/").content.decode()
    for text in (wording, "Identity and contact details", "by phone", "hub-adviser", "Current"):
        assert text in listing
    # Withdrawing through the existing confirmation page.
    client.post(
        f"/desk/customers/{resident.pk}/consents/{consent.pk}/withdraw/", {"confirm": "yes"}
    )
    listing = client.get(f"/desk/customers/{resident.pk}/consents/").content.decode()
    assert "Withdrawn" in listing and ", by hub-adviser" in listing
