"""Bulk actions on the work queue beyond assign: status, hold, close with an outcome (and a
canned reply), each request checked on its own, with a result per request."""

import pytest

from firstcontact.casework.models import CannedReply
from firstcontact.casework.services import save_reply
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest, Status
from firstcontact.servicerequests.services import change_status, refer_request
from tests.desk.conftest import raise_pothole


def picked(*requests):
    return [f"{r.pk}:{r.version}" for r in requests]


@pytest.fixture
def referred_in(partnership):
    """A county pothole referred to the police: in the police officer's queue, not theirs to
    close."""
    request = raise_pothole(partnership, description="Needles in the hole")
    refer_request(
        user=partnership.highways_officer,
        request=request,
        to_partner=partnership.police,
        to_team=partnership.asb_team,
        reason="Needles",
    )
    request.refresh_from_db()
    return request


def test_close_with_an_outcome_gives_a_result_per_request(client, partnership, referred_in):
    """Done where allowed; refused with the reason where the acting table says no; the
    others are not held back by it."""
    from firstcontact.servicerequests.services import clean_location, raise_request

    own = raise_request(
        user=partnership.police_officer,
        service=partnership.asb,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        description="Shouting",
    )
    client.force_login(partnership.police_officer)
    response = client.post(
        "/work/bulk/",
        {
            "requests": picked(own, referred_in),
            "bulk_action": "close",
            "bulk_outcome": "fixed",
            "bulk_text": "Sorted.",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Closed: 1 of 2 requests" in page
    assert "You cannot close requests of Wessex County Council." in page
    own.refresh_from_db()
    referred_in.refresh_from_db()
    assert own.status == Status.CLOSED and own.outcome == "fixed"
    assert referred_in.status != Status.CLOSED
    # Audited like a single change, and the resident is told as on the single close.
    assert AuditEvent.objects.filter(
        action="update", object_id=own.reference, detail__startswith="Bulk action: closed"
    ).exists()
    assert not AuditEvent.objects.filter(action="update", object_id=referred_in.reference).exists()
    update = RequestUpdate.objects.get(request=own, status=Status.CLOSED)
    assert update.public and update.author == partnership.police_officer


def test_close_needs_an_outcome(client, partnership):
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    response = client.post(
        "/work/bulk/", {"requests": picked(request), "bulk_action": "close"}, follow=True
    )
    assert "Choose an outcome to close the requests." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.OPEN


def test_hold_with_a_reason_reports_already_held_and_stale(client, partnership):
    fresh, held, stale = (raise_pothole(partnership) for _ in range(3))
    change_status(user=partnership.highways_officer, request=held, status=Status.ON_HOLD)
    held.refresh_from_db()
    chosen = picked(fresh, held, stale)
    # Someone changes one after the queue was loaded.
    change_status(user=partnership.highways_lead, request=stale, status=Status.ACKNOWLEDGED)
    client.force_login(partnership.highways_officer)
    page = client.post(
        "/work/bulk/",
        {"requests": chosen, "bulk_action": "hold", "bulk_text": "Waiting for parts"},
    ).content.decode()
    assert "Put on hold: 1 of 3 requests" in page
    assert "Already on hold: not changed." in page
    assert "Someone else changed it after you loaded the queue" in page
    fresh.refresh_from_db()
    assert fresh.status == Status.ON_HOLD and fresh.on_hold_since is not None
    update = RequestUpdate.objects.get(request=fresh, status=Status.ON_HOLD)
    assert update.text == "Waiting for parts" and not update.public
    assert ServiceRequest.objects.get(pk=stale.pk).status == Status.ACKNOWLEDGED


def test_a_closed_request_cannot_be_acknowledged(client, partnership):
    request = raise_pothole(partnership)
    change_status(
        user=partnership.highways_officer, request=request, status="closed", outcome="fixed"
    )
    request.refresh_from_db()
    client.force_login(partnership.highways_officer)
    page = client.post(
        "/work/bulk/", {"requests": picked(request), "bulk_action": "acknowledge"}
    ).content.decode()
    assert "cannot become acknowledged" in page and "Not done" in page


def test_canned_reply_is_filled_per_request_and_only_for_its_partner(
    client, partnership, resident, referred_in
):
    reply = save_reply(
        user=partnership.highways_lead,
        partner=partnership.county,
        title="Fixed",
        text="Hello {customer_first_name}, {reference} is fixed.",
    )
    mine = raise_pothole(partnership, customer=resident)
    client.force_login(partnership.highways_officer)
    page = client.get("/work/").content.decode()
    assert "Wessex County Council: Fixed" in page  # offered on the bulk form
    page = client.post(
        "/work/bulk/",
        {
            "requests": picked(mine),
            "bulk_action": "close",
            "bulk_outcome": "fixed",
            "bulk_reply": reply.pk,
        },
    ).content.decode()
    assert "Closed: 1 of 1 request" in page
    update = RequestUpdate.objects.get(request=mine, status=Status.CLOSED)
    assert update.text == f"Hello Harriet, {mine.formatted_reference} is fixed."
    assert update.public
    assert AuditEvent.objects.filter(
        action="update", object_id=mine.reference, customer_id=resident.pk
    ).exists()

    # The police may not use the county's reply (it is not offered to them, either).
    police_reply = CannedReply.objects.create(
        partner=partnership.police, title="Police done", text="Done."
    )
    client.force_login(partnership.police_officer)
    response = client.post(
        "/work/bulk/",
        {
            "requests": picked(referred_in),
            "bulk_action": "hold",
            "bulk_reply": reply.pk,
        },
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    page = client.post(
        "/work/bulk/",
        {"requests": picked(referred_in), "bulk_action": "hold", "bulk_reply": police_reply.pk},
    ).content.decode()
    assert "You cannot put on hold requests of Wessex County Council." in page


def test_nothing_selected_or_not_a_caseworker(client, partnership):
    client.force_login(partnership.highways_officer)
    response = client.post("/work/bulk/", {"bulk_action": "hold"}, follow=True)
    assert "Choose the requests to change." in response.content.decode()
    request = raise_pothole(partnership)
    client.force_login(partnership.hub_adviser)
    response = client.post("/work/bulk/", {"requests": picked(request), "bulk_action": "hold"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == Status.OPEN


def test_a_request_the_user_cannot_see_is_not_named(client, partnership):
    south = raise_pothole(partnership)
    client.force_login(partnership.south_caseworker)
    page = client.post(
        "/work/bulk/", {"requests": picked(south), "bulk_action": "acknowledge"}
    ).content.decode()
    assert "Not found" in page
    assert south.formatted_reference not in page
    south.refresh_from_db()
    assert south.status == Status.OPEN


def test_queue_shows_the_bulk_form(client, partnership):
    raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    page = client.get("/work/").content.decode()
    assert 'formaction="/work/bulk/"' in page
    assert "Change status, put on hold or close the selected requests" in page


def test_hold_until_a_date_says_it_in_the_reason(client, partnership):
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    page = client.post(
        "/work/bulk/",
        {
            "requests": picked(request),
            "bulk_action": "hold",
            "bulk_text": "Waiting for parts",
            "bulk_until_day": "12",
            "bulk_until_month": "1",
            "bulk_until_year": "2099",
        },
    ).content.decode()
    assert "Put on hold: 1 of 1 request" in page
    update = RequestUpdate.objects.get(request=request, status=Status.ON_HOLD)
    assert update.text == "On hold until 12 January 2099. Waiting for parts"
    # A date in the past, or on anything but a hold, is refused before anything changes.
    other = raise_pothole(partnership)
    for action, year, said in [
        ("hold", "2001", "must be in the future"),
        ("acknowledge", "2099", "Only a hold has an until date."),
    ]:
        response = client.post(
            "/work/bulk/",
            {
                "requests": picked(other),
                "bulk_action": action,
                "bulk_until_day": "12",
                "bulk_until_month": "1",
                "bulk_until_year": year,
            },
            follow=True,
        )
        assert said in response.content.decode()
        assert "Not done" not in response.content.decode()
        other.refresh_from_db()
        assert other.status == Status.OPEN
