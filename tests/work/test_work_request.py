"""The request page and its actions: every change validated against the workflow, stale
edits refused, and only the responsible partner's staff may act."""

import pytest
from django.core import mail

from firstcontact.customers.models import Consent
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.models import Referral, ServiceRequest
from tests.desk.conftest import raise_pothole


@pytest.fixture
def pothole(partnership, resident):
    return raise_pothole(partnership, resident)


def act(client, request, action, data, *, version=None, follow=True):
    request.refresh_from_db()
    payload = {f"{action}-{k}": v for k, v in data.items()}
    payload[f"{action}-version"] = version if version is not None else request.version
    return client.post(f"/work/requests/{request.reference}/{action}/", payload, follow=follow)


def test_request_page_shows_details_timeline_and_resident_view(client, partnership, pothole):
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    for text in [
        "Big hole by the bus stop",
        "How deep is it?",
        "5cm or more",
        "Harriet Ambleside",
        "What the resident sees",
        "Actions",
        "Close request",
    ]:
        assert text in page, text
    # The desk's address for the same page, for advisers.
    assert client.get(f"/desk/requests/{pothole.reference}/").status_code == 200


def test_acknowledge_assign_note_and_public_update(
    client, partnership, pothole, django_capture_on_commit_callbacks
):
    client.force_login(partnership.highways_officer)
    page = act(client, pothole, "acknowledge", {}).content.decode()
    assert "Acknowledged." in page
    act(client, pothole, "assign", {"assignee": partnership.highways_officer.pk})
    act(client, pothole, "note", {"text": "Crew booked for Thursday"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, pothole, "public", {"text": "We will fill it on Thursday."})
    page = response.content.decode()
    pothole.refresh_from_db()
    assert pothole.status == "acknowledged"
    assert pothole.assignee == partnership.highways_officer
    resident_view = page.split('id="resident-view"')[1]
    assert "We will fill it on Thursday." in resident_view
    assert "Crew booked for Thursday" not in resident_view
    assert "Crew booked for Thursday" in page  # on the internal timeline
    assert [m.to for m in mail.outbox] == [["harriet@example.org"]]
    assert "We will fill it on Thursday." in mail.outbox[0].body


def test_hold_pauses_and_resume_extends_the_due_time(client, partnership, pothole):
    import datetime as dt

    from django.utils import timezone

    due = pothole.sla_due_at
    client.force_login(partnership.highways_officer)
    act(client, pothole, "hold", {"text": "Waiting for a utility company"})
    pothole.refresh_from_db()
    assert pothole.status == "on_hold"
    ServiceRequest.objects.filter(pk=pothole.pk).update(
        on_hold_since=timezone.now() - dt.timedelta(days=3)
    )
    page = act(client, pothole, "resume", {}).content.decode()
    assert "Resumed" in page
    pothole.refresh_from_db()
    assert pothole.status == "in_progress"
    assert pothole.sla_due_at > due


def test_refer_to_the_police_records_consent(client, partnership, pothole, resident):
    partnership.asb_team.email = "asb@police.example"
    partnership.asb_team.save()
    client.force_login(partnership.highways_officer)
    target = f"t{partnership.asb_team.pk}"
    page = act(client, pothole, "refer", {"to": target, "reason": "Needles in the hole"})
    assert "has not agreed to their details being shared" in page.content.decode()
    assert not Referral.objects.exists()
    page = act(
        client,
        pothole,
        "refer",
        {
            "to": target,
            "reason": "Needles in the hole",
            "consent_given": "on",
            "consent_how": "By phone",
        },
    )
    assert "Referred to" in page.content.decode()
    referral = Referral.objects.get()
    assert referral.to_partner == partnership.police
    assert referral.to_team == partnership.asb_team
    consent = Consent.objects.get(customer=resident)
    assert referral.consent == consent
    assert consent.recipient == partnership.police and consent.how == "By phone"
    assert "We have also asked Wessex Police to help" in page.content.decode()
    # The receiving team is told (without the customer's details).
    told = Notification.objects.get(recipient="asb@police.example")
    assert pothole.formatted_reference in told.subject and "Needles in the hole" in told.body
    assert "Harriet" not in told.body


def test_close_with_outcome_and_message_then_no_second_close(client, partnership, pothole):
    client.force_login(partnership.highways_officer)
    page = act(client, pothole, "close", {"outcome": "fixed", "text": "Filled today."})
    pothole.refresh_from_db()
    assert (pothole.status, pothole.outcome) == ("closed", "fixed")
    assert "Filled today." in page.content.decode().split('id="resident-view"')[1]
    page = act(client, pothole, "close", {"outcome": "fixed", "text": "Again"}).content.decode()
    assert "There is a problem" in page
    assert "A request that is closed cannot become closed." in page
    assert pothole.updates.filter(text="Again").count() == 0


def test_a_stale_edit_is_refused_with_a_clear_error(client, partnership, pothole):
    client.force_login(partnership.highways_officer)
    seen = pothole.version
    act(client, pothole, "note", {"text": "First officer"})  # bumps the version
    page = act(
        client, pothole, "close", {"outcome": "fixed", "text": "Second officer"}, version=seen
    ).content.decode()
    assert "Someone else updated this request after you opened it" in page
    assert "<title>Error: " in page
    pothole.refresh_from_db()
    assert pothole.status == "open"
    # The form keeps what they typed, now at the current version, so they can resubmit.
    assert "Second officer" in page
    assert f'name="close-version" value="{pothole.version}"' in page


def test_other_partners_staff_cannot_see_or_act(client, partnership, pothole):
    client.force_login(partnership.south_caseworker)
    assert client.get(f"/work/requests/{pothole.reference}/").status_code == 404
    assert (
        act(client, pothole, "close", {"outcome": "fixed", "text": "x"}, follow=False).status_code
        == 404
    )
    assert client.get(f"/desk/requests/{pothole.reference}/").status_code == 404
    pothole.refresh_from_db()
    assert pothole.status == "open"


def test_the_referred_partner_works_the_referral_not_the_request(
    client, partnership, pothole, resident
):
    from firstcontact.customers.services import record_consent
    from firstcontact.servicerequests.services import refer_request

    record_consent(
        user=None, customer=resident, purpose="share_with_partners", recipient=partnership.police
    )
    referral = refer_request(
        user=partnership.highways_officer,
        request=pothole,
        to_partner=partnership.police,
        to_team=partnership.asb_team,
        reason="Needles",
    )
    client.force_login(partnership.police_officer)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    assert "Referred to Wessex Police" in page
    assert "Close request" not in page
    # It may see the request but not change it: 403, with a page that says why.
    refused = act(client, pothole, "close", {"outcome": "fixed", "text": "x"}, follow=False)
    assert refused.status_code == 403
    assert "Only caseworkers, team leaders and managers of Wessex County Council" in (
        refused.content.decode()
    )
    prefix = f"referral{referral.pk}"
    url = f"/work/requests/{pothole.reference}/referrals/{referral.pk}/"
    page = client.post(url, {f"{prefix}-state": "declined"}).content.decode()
    assert "Say why you are declining it." in page
    client.post(url, {f"{prefix}-state": "accepted"})
    client.post(url, {f"{prefix}-state": "completed", f"{prefix}-outcome": "Removed the needles"})
    referral.refresh_from_db()
    assert referral.state == "completed"
    # A completed referral gives the police nothing more.
    assert client.get(f"/work/requests/{pothole.reference}/").status_code == 404
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{pothole.reference}/").content.decode()
    assert "Wessex Police completed the referral: Removed the needles" in page
    # Another partner cannot touch the referral.
    client.force_login(partnership.south_caseworker)
    assert client.post(url, {f"{prefix}-state": "completed"}).status_code == 404


def test_htmx_action_returns_the_page(client, partnership, pothole):
    client.force_login(partnership.highways_officer)
    response = client.post(
        f"/work/requests/{pothole.reference}/note/",
        {"note-text": "", "note-version": pothole.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="main-content"' in response.content.decode()
    assert "Enter the update." in response.content.decode() or "This field is required" in (
        response.content.decode()
    )
    assert Notification.objects.filter(service_request=pothole).count() == 1
