"""Who may use the DPO pages, finding a person, and the subject access request log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest, one_calendar_month_after
from firstcontact.privacy.services import log_subject_access_request
from tests.dpo.conftest import signed_in

PAGES = ["dpo:home", "dpo:people", "dpo:sar_list", "dpo:audit"]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), dt.date(2025, 4, 30)),
        (dt.date(2025, 1, 15), dt.date(2025, 2, 15)),
        (dt.date(2025, 12, 31), dt.date(2026, 1, 31)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_receipt(received, due):
    assert one_calendar_month_after(received) == due


@pytest.mark.parametrize("name", PAGES)
def test_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_who_are_not_dpos_are_refused(client, partnership, name):
    for user in (partnership.hub_adviser, partnership.highways_officer, partnership.admin):
        assert signed_in(client, user).get(reverse(name)).status_code == 403


def test_dpos_see_the_pages_and_the_link_to_them(client, partnership, dpos):
    for user in (dpos.county, dpos.partnership):
        for name in PAGES:
            assert signed_in(client, user).get(reverse(name)).status_code == 200
        home = client.get(reverse("dpo:home")).content.decode()
        assert 'href="/dpo/"' in home and ">Data protection</a>" in home
    desk = signed_in(client, partnership.hub_adviser).get(reverse("desk:home")).content.decode()
    assert 'href="/dpo/"' not in desk


def test_the_county_dpo_finds_only_the_countys_records(client, dpos, person):
    page = signed_in(client, dpos.county).get(reverse("dpo:people"), {"q": "Harriet Ambelside"})
    html = page.content.decode()
    assert f"/dpo/people/{person.county.pk}/" in html
    assert f"/dpo/people/{person.south.pk}/" not in html
    event = AuditEvent.objects.filter(username="county-dpo", action="search").latest("pk")
    assert "Harriet Ambelside" in event.detail and str(person.county.pk) in event.detail
    assert client.get(reverse("dpo:person", args=[person.south.pk])).status_code == 404


def test_the_partnership_dpo_finds_every_partners_records(client, dpos, person):
    client = signed_in(client, dpos.partnership)
    html = client.get(reverse("dpo:people"), {"q": "harriet.ambleside@example.org"}).content
    assert f"/dpo/people/{person.county.pk}/".encode() in html
    html = client.get(reverse("dpo:person", args=[person.county.pk])).content.decode()
    # Both partners' linked records, and the unlinked one that shares the email.
    assert "South Wessex District Council" in html and f"record {person.unlinked.pk}" in html
    assert AuditEvent.objects.filter(
        username="the-partnership-dpo", action="view", customer_id=person.county.pk
    ).exists()


def test_an_empty_search_asks_for_something(client, dpos):
    html = signed_in(client, dpos.county).get(reverse("dpo:people"), {"q": "  "}).content.decode()
    assert "There is a problem" in html and "Enter a name, phone number" in html


def test_logging_a_request_sets_its_due_date(client, dpos, person):
    client = signed_in(client, dpos.county)
    response = client.post(
        reverse("dpo:sar_new") + f"?customer={person.county.pk}",
        {
            "customer": person.county.pk,
            "received_on_day": "31",
            "received_on_month": "1",
            "received_on_year": "2024",
            "requester": "Harriet Ambleside",
            "identity_check": "Passport seen",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dpo/requests/{sar.pk}/"
    assert sar.due_on == dt.date(2024, 2, 29) and sar.partner == person.county.partner
    listing = client.get(reverse("dpo:sar_list")).content.decode()
    assert "29 Feb 2024" in listing and "Overdue" in listing


def test_a_request_form_with_mistakes_says_what_to_fix(client, dpos, person):
    response = signed_in(client, dpos.county).post(
        reverse("dpo:sar_new") + f"?customer={person.county.pk}",
        {"received_on_day": "31", "received_on_month": "2", "received_on_year": "2025"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter a real date" in html and "Enter who made the request" in html
    assert not SubjectAccessRequest.objects.exists()


def test_due_soon_and_overdue_tags_and_the_csv(client, dpos, person):
    today = timezone.localdate()
    for days_ago, requester in [(40, "Overdue person"), (27, "Soon person"), (1, "New person")]:
        log_subject_access_request(
            user=dpos.county,
            customer=person.county,
            received_on=today - dt.timedelta(days=days_ago),
            requester=requester,
            identity_check="Seen",
        )
    client = signed_in(client, dpos.county)
    html = client.get(reverse("dpo:sar_list")).content.decode()
    assert html.count("govuk-tag--red") == 1 and html.count("govuk-tag--yellow") == 1
    response = client.get(reverse("dpo:sar_list"), {"format": "csv"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,person,customer record")
    assert len(rows) == 4
    assert any("Overdue person" in r and "overdue" in r for r in rows)
    assert any("Soon person" in r and "due soon" in r for r in rows)


def test_a_refusal_needs_its_reason(client, dpos, sar):
    client = signed_in(client, dpos.county)
    url = reverse("dpo:sar_status", args=[sar.pk])
    html = client.post(url, {"status": "refused", "refusal_reason": ""}).content.decode()
    assert "There is a problem" in html and "Enter why the request was refused" in html
    client.post(url, {"status": "refused", "refusal_reason": "Manifestly excessive"})
    sar.refresh_from_db()
    assert sar.status == "refused" and sar.refusal_reason == "Manifestly excessive"
    assert sar.closed_on == timezone.localdate()


def test_the_county_dpo_cannot_open_another_partners_request(client, dpos, person):
    south_sar = log_subject_access_request(
        user=dpos.partnership,
        customer=person.south,
        received_on=timezone.localdate(),
        requester="Harriet",
        identity_check="Seen",
    )
    client = signed_in(client, dpos.county)
    assert client.get(reverse("dpo:sar", args=[south_sar.pk])).status_code == 404
    assert client.post(reverse("dpo:sar_export", args=[south_sar.pk])).status_code == 404
    assert "Harriet" not in client.get(reverse("dpo:sar_list")).content.decode()
    client = signed_in(client, dpos.partnership)
    assert client.get(reverse("dpo:sar", args=[south_sar.pk])).status_code == 200
