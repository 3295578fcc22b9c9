"""The DPO's audit search: who viewed this person, what did this user view, between dates."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from tests.dpo.conftest import signed_in


def search(client, **params):
    return client.get(reverse("dpo:audit"), params)


def test_who_viewed_this_person_across_their_linked_records(client, dpos, person):
    html = search(signed_in(client, dpos.partnership), customer=person.county.pk).content.decode()
    assert "highways-officer" in html and "south-caseworker" in html
    assert f"With the records linked to it: {person.south.pk}" in html


def test_the_county_dpo_sees_only_views_of_the_countys_records(client, dpos, person):
    html = search(signed_in(client, dpos.county), customer=person.county.pk).content.decode()
    assert "highways-officer" in html and "south-caseworker" not in html
    html = search(client, customer=person.south.pk).content.decode()
    assert "No customer record with that number that you cover" in html


def test_what_did_this_user_view_between_dates(client, dpos, person):
    client = signed_in(client, dpos.partnership)
    today = timezone.localdate()
    html = search(
        client,
        username="south-caseworker",
        starts_day=today.day,
        starts_month=today.month,
        starts_year=today.year,
        ends_day=today.day,
        ends_month=today.month,
        ends_year=today.year,
        action="view",
    ).content.decode()
    assert f"customer {person.south.pk}" in html
    assert "highways-officer" not in html.split("<table")[-1]
    # The day before: nothing.
    yesterday = today - timezone.timedelta(days=1)
    html = search(
        client,
        username="south-caseworker",
        ends_day=yesterday.day,
        ends_month=yesterday.month,
        ends_year=yesterday.year,
    ).content.decode()
    assert "No events match" in html


def test_dates_the_wrong_way_round_and_an_unknown_user_are_explained(client, dpos):
    html = search(
        signed_in(client, dpos.county),
        username="nobody-here",
        starts_day="2",
        starts_month="3",
        starts_year="2026",
        ends_day="1",
        ends_month="3",
        ends_year="2026",
    ).content.decode()
    assert "There is a problem" in html
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in html
    assert "No user called “nobody-here”" in html


def test_the_csv_has_every_matching_event_and_is_audited(client, dpos, person):
    for n in range(60):
        record_audit_event(
            user=None,
            username="bulk-viewer",
            action=AuditEvent.Action.VIEW,
            object_type="customer",
            object_id=person.county.pk,
            customer_id=person.county.pk,
            detail=f"view {n}",
        )
    client = signed_in(client, dpos.county)
    page = search(client, username="bulk-viewer").content.decode()
    assert "60 events" in page and "Page 1 of 2" in page
    response = search(client, username="bulk-viewer", format="csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("at,username,address,action") and len(lines) == 61
    assert AuditEvent.objects.filter(
        username="county-dpo", action="export", object_type="audit_trail"
    ).exists()


def test_a_page_number_out_of_range_shows_a_page(client, dpos, person):
    response = search(signed_in(client, dpos.county), customer=person.county.pk, page="999x")
    assert response.status_code == 200
