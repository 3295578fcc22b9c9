"""Erasure requests at /dpo/erasure/: recorded, assessed, carried out or refused, by the data
protection officers covering the record's partner only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.privacy.models import AuditEvent
from firstcontact.retention.models import ErasureRequest, LegalHold, one_calendar_month_after
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import raise_request
from tests.retention.conftest import ago, closed_pothole, contact, resident

LIST = "/dpo/erasure/"


@pytest.fixture
def person(partnership):
    customer = resident(partnership)
    contact(partnership, customer, when=ago(days=40))
    closed_pothole(partnership, customer, when=ago(days=30))
    return customer


def record(client, user, customer, **data) -> ErasureRequest:
    client.force_login(user)
    today = timezone.localdate()
    response = client.post(
        reverse("retention:erasure_new"),
        {
            "customer": customer.pk,
            "requester": "The person, by email",
            "received_on_day": today.day,
            "received_on_month": today.month,
            "received_on_year": today.year,
            **data,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ErasureRequest.objects.latest("pk")


def test_the_month_to_answer_is_a_calendar_month():
    assert one_calendar_month_after(dt.date(2026, 3, 15)) == dt.date(2026, 4, 15)
    assert one_calendar_month_after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert one_calendar_month_after(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert one_calendar_month_after(dt.date(2026, 12, 31)) == dt.date(2027, 1, 31)


def test_a_dpo_finds_the_person_and_records_a_request_due_in_a_month(client, dpos, person):
    client.force_login(dpos.county)
    found = client.get(reverse("retention:erasure_new"), {"q": "harriet ambleside"})
    assert found.status_code == 200
    assert f"?customer={person.pk}" in found.content.decode()
    assert AuditEvent.objects.filter(action="search", user=dpos.county).exists()

    erasure = record(client, dpos.county, person)
    assert erasure.status == "received"
    assert erasure.due_on == one_calendar_month_after(timezone.localdate())
    page = client.get(LIST).content.decode()
    assert f"Erasure request {erasure.pk}" in page
    assert f"{erasure.due_on:%-d %b %Y}" in page


def test_carried_out_the_record_and_its_history_are_anonymised(client, dpos, person):
    erasure = record(client, dpos.county, person)
    detail = client.get(reverse("retention:erasure", args=[erasure.pk]))
    assert detail.status_code == 200
    assert "Erase the record" in detail.content.decode()

    assessed = client.post(reverse("retention:erasure_assess", args=[erasure.pk]), {"notes": "ok"})
    assert assessed.status_code == 302
    unconfirmed = client.post(reverse("retention:erasure_carry_out", args=[erasure.pk]), {})
    assert unconfirmed.status_code == 400
    assert "Confirm that the record can be erased" in unconfirmed.content.decode()

    done = client.post(reverse("retention:erasure_carry_out", args=[erasure.pk]), {"confirm": "on"})
    assert done.status_code == 302
    erasure.refresh_from_db()
    assert erasure.status == "carried_out" and erasure.decided_by == dpos.county
    customer = Customer.objects.get(pk=person.pk)
    assert customer.display_name == "Anonymised"
    assert not customer.phones.exists() and not customer.emails.exists()
    assert not Contact.objects.filter(customer=customer).exists()
    contact_row = Contact.objects.get(notes="", partner=person.partner)
    assert contact_row.outcome == "resolved"
    request = ServiceRequest.objects.get(service__code="pothole")
    assert request.description == "" and request.customer_id is None
    assert AuditEvent.objects.filter(
        action="anonymise", object_type="customer", object_id=str(person.pk), user=dpos.county
    ).exists()
    # Done is done: a second attempt says so.
    again = client.post(
        reverse("retention:erasure_carry_out", args=[erasure.pk]), {"confirm": "on"}
    )
    assert again.status_code == 302
    assert "already been carried out" in client.get(again.url).content.decode()


def test_refused_with_a_reason_and_nothing_erased(client, dpos, person):
    erasure = record(client, dpos.partnership, person)
    url = reverse("retention:erasure_refuse", args=[erasure.pk])
    missing = client.post(url, {"reason": "not-a-reason", "notes": ""})
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "Choose the reason the right to erasure does not apply" in body
    assert "Explain the refusal" in body

    refused = client.post(
        url, {"reason": "legal_claims", "notes": "We are defending her claim about the fall."}
    )
    assert refused.status_code == 302
    erasure.refresh_from_db()
    assert (erasure.status, erasure.refusal_reason) == ("refused", "legal_claims")
    assert Customer.objects.get(pk=person.pk).family_name == "Ambleside"
    assert (
        "Art. 17(3)(e)"
        in client.get(reverse("retention:erasure", args=[erasure.pk])).content.decode()
    )


def test_a_legal_hold_or_an_open_request_stops_it(client, dpos, partnership, person):
    hold = LegalHold.objects.create(customer=person, reason="Court order 12/2026")
    raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        customer=person,
        description="Another hole",
        attributes={"depth": "deep"},
    )
    erasure = record(client, dpos.county, person)
    page = client.get(reverse("retention:erasure", args=[erasure.pk])).content.decode()
    assert "Court order 12/2026" in page
    assert "1 open request" in page
    assert "Erase the record" not in page

    blocked = client.post(
        reverse("retention:erasure_carry_out", args=[erasure.pk]), {"confirm": "on"}
    )
    assert blocked.status_code == 400
    assert "legal hold" in blocked.content.decode()
    assert Customer.objects.get(pk=person.pk).family_name == "Ambleside"
    erasure.refresh_from_db()
    assert erasure.status == "received"
    hold.lifted_at = timezone.now()
    hold.save()
    assert (
        "1 legal hold"
        not in client.get(reverse("retention:erasure", args=[erasure.pk])).content.decode()
    )


def test_another_partners_dpo_cannot_see_or_act_on_it(client, dpos, partnership, person):
    erasure = record(client, dpos.county, person)
    client.force_login(dpos.police)
    assert f'href="/dpo/erasure/{erasure.pk}/"' not in client.get(LIST).content.decode()
    for name in ("erasure_assess", "erasure_carry_out", "erasure_refuse"):
        response = client.post(
            reverse(f"retention:{name}", args=[erasure.pk]),
            {"confirm": "on", "reason": "archiving", "notes": "x"},
        )
        assert response.status_code == 404
    assert client.get(reverse("retention:erasure", args=[erasure.pk])).status_code == 404
    new = client.get(reverse("retention:erasure_new"), {"customer": person.pk})
    assert new.status_code == 404
    found = client.get(reverse("retention:erasure_new"), {"q": "Ambleside"}).content.decode()
    assert f"?customer={person.pk}" not in found
    erasure.refresh_from_db()
    assert erasure.status == "received"
    assert Customer.objects.get(pk=person.pk).family_name == "Ambleside"

    # The partnership's DPO covers every partner.
    client.force_login(dpos.partnership)
    assert client.get(reverse("retention:erasure", args=[erasure.pk])).status_code == 200


def test_only_data_protection_officers(client, partnership):
    assert client.get(LIST).status_code == 302  # to sign in
    for user in (partnership.highways_officer, partnership.admin, partnership.hub_adviser):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("retention:erasure_new")).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"customer": "abc"},
        {"customer": "99999999999999999999999"},
        {"customer": "-1"},
        {"customer": "0"},
    ],
)
def test_bad_record_numbers_are_not_found(client, dpos, query):
    client.force_login(dpos.county)
    assert client.get(reverse("retention:erasure_new"), query).status_code == 404


def test_bad_input_gets_a_clear_message(client, dpos, person):
    client.force_login(dpos.county)
    assert client.get(reverse("retention:erasure_new"), {"q": ""}).status_code == 400
    assert client.get(LIST, {"page": "x9"}).status_code == 200
    assert client.get("/dpo/erasure/123456789012/").status_code == 404
    response = client.post(
        reverse("retention:erasure_new"),
        {
            "customer": person.pk,
            "requester": "",
            "received_on_day": "31",
            "received_on_month": "2",
            "received_on_year": "2026",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter who asked and how" in body and "Enter a real date" in body
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("retention:erasure_new"),
        {
            "customer": person.pk,
            "requester": "Her son",
            "received_on_day": future.day,
            "received_on_month": future.month,
            "received_on_year": future.year,
        },
    )
    assert response.status_code == 400
    assert "today or in the past" in response.content.decode()
    assert not ErasureRequest.objects.exists()
    assert client.get(reverse("retention:erasure_assess", args=[1])).status_code == 405
