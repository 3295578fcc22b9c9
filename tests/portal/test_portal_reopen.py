"""Resident reopen: "This is not fixed" on the tracking page within 28 days of closure reopens
the request (or raises a linked new one) and tells the team; after 28 days the button is gone
and a POST is refused with a clear message. Only the browser that tracked the request with
its contact details may say so, and the POST is rate-limited like tracking."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from firstcontact.notify.models import Notification
from firstcontact.servicerequests.models import ServiceRequest, Status, UpdateKind
from firstcontact.servicerequests.services import change_status
from tests.portal.test_portal_track import EMAIL, raised_with_customer, track


def closed_pothole(portal, *, days_ago: float = 3):
    request = raised_with_customer(portal)
    change_status(user=portal.highways_officer, request=request, status="in_progress")
    closed_at = timezone.now() - dt.timedelta(days=days_ago)
    change_status(
        user=portal.highways_officer,
        request=request,
        status="closed",
        outcome="fixed",
        text="Filled in.",
        at=closed_at,
    )
    request.refresh_from_db()
    return request


def not_fixed(client, request, reason="The hole is back after the rain"):
    return client.post(
        "/track/not-fixed/", {"reference": request.formatted_reference, "reason": reason}
    )


def test_within_28_days_the_resident_reopens_it_and_the_team_is_told(client, portal):
    portal.highways_lead.email = "lead@wessex.example"
    portal.highways_lead.save()
    request = closed_pothole(portal)
    page = track(client, request.formatted_reference, EMAIL).content.decode()
    assert "This is not fixed" in page and 'action="/track/not-fixed/"' in page
    assert EMAIL not in page  # the form carries the reference only, never the contact

    before = timezone.now()
    response = not_fixed(client, request)
    assert response.status_code == 200
    html = response.content.decode()
    assert "We have reopened your request and told the team" in html
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    assert request.outcome == "" and request.closed_at is None and request.reopen_count == 1
    # The clock restarts from the reopening by the request's own standard (5 working days).
    assert request.sla_due_at > before + dt.timedelta(days=4)
    reopened = request.updates.get(kind=UpdateKind.REOPENED)
    assert reopened.public and "not fixed" in reopened.text
    note = request.updates.get(kind=UpdateKind.CUSTOMER)
    assert not note.public and "The hole is back after the rain" in note.text
    told = Notification.objects.filter(recipient="lead@wessex.example", service_request=request)
    assert told.count() == 1 and "Reopened by the resident" in told.get().subject
    # Open again: nothing left to reopen, and the button is gone.
    again = track(client, request.formatted_reference, EMAIL).content.decode()
    assert "This is not fixed" not in again


def test_after_28_days_the_button_is_gone_and_a_post_is_refused(client, portal):
    request = closed_pothole(portal, days_ago=29)
    page = track(client, request.formatted_reference, EMAIL).content.decode()
    assert "Closed" in page and "This is not fixed" not in page
    response = not_fixed(client, request)
    assert response.status_code == 400
    assert "closed more than 28 days ago, so it cannot be reopened" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.reopen_count == 0


def test_only_the_browser_that_tracked_it_with_the_contact_may_reopen_it(client, portal):
    request = closed_pothole(portal)
    # Another browser that knows the reference, or tracked it with the wrong contact.
    stranger = Client()
    track(stranger, request.formatted_reference, "someone.else@example.org")
    response = not_fixed(stranger, request)
    assert response.status_code == 403
    assert "Track your request again" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    # A GET shows nothing and changes nothing.
    assert client.get("/track/not-fixed/").status_code == 302


def test_a_reason_is_needed(client, portal):
    request = closed_pothole(portal)
    track(client, request.formatted_reference, EMAIL)
    response = not_fixed(client, request, reason="  ")
    assert response.status_code == 200
    assert "Tell us what is still wrong" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.CLOSED


def test_past_the_reopen_limit_a_linked_new_request_is_raised(client, portal, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "REOPEN_LIMIT": 1}
    request = closed_pothole(portal)
    ServiceRequest.objects.filter(pk=request.pk).update(reopen_count=1)
    track(client, request.formatted_reference, EMAIL)
    response = not_fixed(client, request)
    assert response.status_code == 200
    new = ServiceRequest.objects.get(follows=request)
    assert new.formatted_reference in response.content.decode()
    assert new.status == Status.OPEN and new.customer_id == request.customer_id
    assert new.service == request.service and "The hole is back" in new.description
    request.refresh_from_db()
    assert request.status == Status.CLOSED  # the closed one stays closed, with a note
    assert request.updates.filter(kind=UpdateKind.REOPENED, public=True).exists()


def test_saying_it_is_not_fixed_is_rate_limited_like_tracking(client, portal, settings):
    request = closed_pothole(portal)
    track(client, request.formatted_reference, EMAIL)
    settings.PORTAL_RATE_LIMITS = {"track": (1, 600)}
    assert not_fixed(client, request).status_code == 429
    request.refresh_from_db()
    assert request.status == Status.CLOSED
