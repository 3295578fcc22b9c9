"""Complaints: stage 1 and stage 2 deadlines in working days, escalation between stages,
and the response letter sent to the customer."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind
from firstcontact.servicerequests.complaints import escalate_complaint, respond_to_complaint
from firstcontact.servicerequests.models import Complaint, ComplaintPolicy
from firstcontact.servicerequests.services import raise_request

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def complaints(partnership):
    service = Service.objects.create(
        code="complaint", name="Complaint about the council", kind=ServiceKind.COMPLAINT
    )
    ServiceDelivery.objects.create(
        service=service, partner=partnership.county, team=partnership.highways
    )
    return service


def raise_complaint(partnership, service, customer=None, at=MONDAY):
    return raise_request(
        user=partnership.hub_adviser,
        service=service,
        channel="phone",
        customer=customer,
        description="Nobody fixed my road",
        created_at=at,
    )


def test_a_complaint_gets_a_stage_1_deadline_of_ten_working_days(partnership, complaints):
    request = raise_complaint(partnership, complaints)
    complaint = request.complaint
    assert complaint.stage == 1
    assert complaint.stage1_due_at == dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)
    request.refresh_from_db()
    assert request.sla_due_at == complaint.stage1_due_at


def test_a_partners_policy_sets_its_deadlines(partnership, complaints):
    ComplaintPolicy.objects.create(
        partner=partnership.county, stage1_working_days=5, stage2_working_days=15
    )
    # Good Friday and Easter Monday 2026 are bank holidays.
    request = raise_complaint(
        partnership, complaints, at=dt.datetime(2026, 3, 31, 9, 0, tzinfo=LONDON)
    )
    # Tue 31, Wed 1, Thu 2, (Fri 3, Mon 6 off), Tue 7, Wed 8 April: the end of that day.
    assert request.complaint.stage1_due_at == dt.datetime(2026, 4, 8, 17, 0, tzinfo=LONDON)


def test_respond_then_escalate_then_final_response(partnership, complaints, resident):
    officer = partnership.highways_officer
    request = raise_complaint(partnership, complaints, customer=resident)
    with pytest.raises(ValidationError):
        respond_to_complaint(user=officer, request=request, decision="maybe", letter="")
    respond_to_complaint(
        user=officer,
        request=request,
        decision="not_upheld",
        letter="Dear Harriet, we looked into it.",
    )
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("closed", "no_further_action")
    assert request.updates.filter(public=True, text="Dear Harriet, we looked into it.").exists()
    escalated_at = dt.datetime(2026, 3, 20, 12, 0, tzinfo=LONDON)
    # Escalation and the final response are the team leaders' and managers'.
    lead = partnership.highways_lead
    with pytest.raises(PermissionDenied):
        escalate_complaint(user=officer, request=request, reason="Still not fixed")
    escalate_complaint(
        user=lead,
        request=request,
        reason="Still not fixed",
        expected_version=request.version,
        at=escalated_at,
    )
    request.refresh_from_db()
    complaint = Complaint.objects.get(request=request)
    assert complaint.stage == 2
    assert request.status == "in_progress" and request.outcome == "" and request.closed_at is None
    # 20 working days, Easter (3 and 6 April) skipped.
    assert complaint.stage2_due_at == dt.datetime(2026, 4, 21, 12, 0, tzinfo=LONDON)
    assert request.sla_due_at == complaint.stage2_due_at
    with pytest.raises(ValidationError, match="already at stage 2"):
        escalate_complaint(user=lead, request=request, reason="Again")
    with pytest.raises(PermissionDenied):
        respond_to_complaint(user=officer, request=request, decision="upheld", letter="Final.")
    respond_to_complaint(
        user=lead,
        request=request,
        decision="upheld",
        letter="Final response: we will resurface the road.",
    )
    complaint.refresh_from_db()
    request.refresh_from_db()
    assert complaint.stage2_decision == "upheld" and request.outcome == "fixed"


def test_complaint_on_the_request_page(client, partnership, complaints, resident):
    request = raise_complaint(partnership, complaints, customer=resident)
    client.force_login(partnership.highways_officer)
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert "Stage 1 response due" in page and "16 Mar 2026" in page
    assert "Dear Harriet Ambleside," in page  # the draft letter
    assert "Close request" not in page  # complaints close by their response
    response = client.post(
        f"/work/requests/{request.reference}/complaint_respond/",
        {
            "complaint_respond-version": request.version,
            "complaint_respond-decision": "upheld",
            "complaint_respond-letter": "Sorry: we will fix it.",
        },
        follow=True,
    )
    assert "Response sent and the complaint closed." in response.content.decode()
    request.refresh_from_db()
    # A caseworker reads the complaint but escalating it is for team leaders: no form, and 403.
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert "Escalate to stage 2" not in page
    refused = client.post(
        f"/work/requests/{request.reference}/complaint_escalate/",
        {"complaint_escalate-version": request.version, "complaint_escalate-reason": "x"},
    )
    assert refused.status_code == 403
    assert "Only team leaders and managers of Wessex County Council" in refused.content.decode()
    client.force_login(partnership.highways_lead)
    page = client.post(
        f"/work/requests/{request.reference}/complaint_escalate/",
        {
            "complaint_escalate-version": request.version,
            "complaint_escalate-reason": "Not fixed yet",
        },
        follow=True,
    ).content.decode()
    assert "Escalated to stage 2" in page
    assert "Final response due" in page
    assert "Send the complaint response" in page  # the final response, a team leader's
    # The hub's adviser reads it (acting for the county) but may not escalate or respond.
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert "Send the complaint response" not in page and 'id="read-only"' in page
    for action in ["complaint_escalate", "complaint_respond"]:
        assert client.post(f"/work/requests/{request.reference}/{action}/").status_code == 403
    client.force_login(partnership.south_caseworker)
    assert (
        client.post(
            f"/work/requests/{request.reference}/complaint_escalate/",
            {"complaint_escalate-version": 99, "complaint_escalate-reason": "x"},
        ).status_code
        == 404
    )
