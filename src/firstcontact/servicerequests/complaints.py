"""Complaints: service requests for a complaint-kind service, answered at stage 1 by a deadline
in working days, escalated to stage 2 (the final response) when the customer is not satisfied.

Deadlines come from the responsible partner's ComplaintPolicy, else the partnership's
settings.FIRSTCONTACT["COMPLAINT_STAGE_WORKING_DAYS"] (default 10 and 20 working days). While a
complaint is open its request's SLA due time is the current stage's deadline, so queues, SLA
counts and escalation treat it like any other request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.catalogue.models import Service, ServiceDelivery
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.catalogue.sla import WorkingCalendar, calendar_for
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    Complaint,
    ComplaintDecision,
    ComplaintPolicy,
    ComplaintStage,
    RequestUpdate,
    ServiceRequest,
    SLAAlert,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.permissions import Action, require

DEFAULT_STAGE_DAYS = (10, 20)
LETTER_MAX = 20_000


def stage_working_days(partner_id: int) -> tuple[int, int]:
    policy = ComplaintPolicy.objects.filter(partner_id=partner_id).first()
    if policy is not None:
        return policy.stage1_working_days, policy.stage2_working_days
    days = settings.FIRSTCONTACT.get("COMPLAINT_STAGE_WORKING_DAYS", DEFAULT_STAGE_DAYS)
    return int(days[0]), int(days[1])


def _calendar(request: ServiceRequest) -> WorkingCalendar:
    policy = request.sla_policy or request.service.sla_policy
    return calendar_for(policy) if policy is not None else WorkingCalendar()


def working_days_after(request: ServiceRequest, start: dt.datetime, days: int) -> dt.datetime:
    calendar = _calendar(request)
    return calendar.add(start, calendar.day_length * days)


def route_complaint(
    complaint_service: Service,
    location: Location | None,
    *,
    about_service: Service | None = None,
    about_request: ServiceRequest | None = None,
) -> ServiceDelivery:
    """Who answers a complaint: the partner holding the request it is about, else the
    partner that delivers the service it is about at that place (a complaint about roads
    goes to the county, about bins to the district), with that partner's complaints team
    (else the team that delivers the service). Never the complainant's district just
    because they live there."""
    if about_request is not None:
        partner = about_request.responsible_partner
        about_team = about_request.team
        about_service = about_service or about_request.service
    else:
        assert about_service is not None
        try:
            delivery = resolve_delivery(about_service, location)
        except ValidationError as exc:
            messages = exc.message_dict
            if "location" in messages:
                raise ValidationError({"location": messages["location"][0]}) from None
            raise ValidationError(
                {"about_service": f"Nobody here delivers “{about_service.name}”."}
            ) from None
        partner, about_team = delivery.partner, delivery.team
    own = (
        ServiceDelivery.objects.filter(service=complaint_service, partner=partner)
        .select_related("partner", "team")
        .first()
    )
    if own is not None and own.team is not None:
        return own
    return ServiceDelivery(service=complaint_service, partner=partner, team=about_team)


def complaint_subject(request: ServiceRequest) -> str:
    """What the complaint is about, for its letter: “your request ABC 2345 about
    “Pothole”” or ““Pothole””; never the complaint service's own name ("about complaint")."""
    complaint = (
        Complaint.objects.filter(request=request)
        .select_related("about_service", "about_request__service")
        .first()
    )
    about = complaint.about_request if complaint else None
    if about is not None:
        return f"your request {about.formatted_reference} about “{about.service.name}”"
    if complaint is not None and complaint.about_service is not None:
        return f"“{complaint.about_service.name}”"
    return "our service"


def open_complaint(
    request: ServiceRequest,
    *,
    about_service: Service | None = None,
    about_request: ServiceRequest | None = None,
) -> Complaint:
    """Start the complaint clock for a newly raised complaint request (stage 1)."""
    stage1_days, _ = stage_working_days(request.responsible_partner_id)
    due = working_days_after(request, request.created_at, stage1_days)
    complaint = Complaint.objects.create(
        request=request,
        stage1_due_at=due,
        about_service=about_service or (about_request.service if about_request else None),
        about_request=about_request,
    )
    ServiceRequest.objects.filter(pk=request.pk).update(sla_due_at=due)
    request.sla_due_at = due
    return complaint


def _outcome_for(decision: str) -> str:
    return (
        ClosureOutcome.NO_FURTHER_ACTION
        if decision == ComplaintDecision.NOT_UPHELD
        else ClosureOutcome.FIXED
    )


def draft_response(request: ServiceRequest, *, stage: int | None = None) -> str:
    """A response letter for the officer to edit before sending."""
    complaint = request.complaint
    stage = stage or complaint.stage
    name = request.customer.display_name if request.customer_id else "resident"
    partner = request.responsible_partner.name
    opening = (
        f"Dear {name},\n\n"
        f"Thank you for your complaint (reference {request.formatted_reference}) about "
        f"{complaint_subject(request)}. "
    )
    if stage == ComplaintStage.STAGE_1:
        _, stage2_days = stage_working_days(request.responsible_partner_id)
        return (
            f"{opening}We have looked into what happened.\n\n"
            "[What we found, and what we will do.]\n\n"
            "If you are not satisfied with this response, you can ask us to look at your "
            "complaint again at stage 2. Contact us quoting your reference and tell us why; "
            f"we will send our final response within {stage2_days} working days.\n\n"
            f"Yours sincerely,\n\n{partner}"
        )
    return (
        f"{opening}This is our final response at stage 2 of our complaints procedure.\n\n"
        "[What the review found, and what we will do.]\n\n"
        "If you remain dissatisfied, you can ask the Local Government and Social Care "
        "Ombudsman to look at your complaint.\n\n"
        f"Yours sincerely,\n\n{partner}"
    )


def respond_to_complaint(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    decision: str,
    letter: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Complaint:
    """Send the current stage's response letter to the customer and close the request."""
    from firstcontact.servicerequests.services import change_status

    letter = (letter or "").strip()
    errors = {}
    if decision not in ComplaintDecision.values:
        errors["decision"] = "Choose whether the complaint is upheld."
    if not letter:
        errors["letter"] = "Enter the response letter."
    elif len(letter) > LETTER_MAX:
        errors["letter"] = f"Keep the letter to {LETTER_MAX:,} characters."
    if errors:
        raise ValidationError(errors)
    now = at or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(request_id=request.pk)
        # Stage 1: any caseworker of the responsible partner; the final (stage 2) response:
        # its team leaders and managers.
        final = complaint.stage == ComplaintStage.STAGE_2
        require(user, request, Action.COMPLAINT_FINAL if final else Action.COMPLAINT_RESPOND)
        if complaint.responded_at is not None:
            raise ValidationError(
                {"decision": f"The {complaint.get_stage_display().lower()} response was sent."}
            )
        change_status(
            user=user,
            request=request,
            status=Status.CLOSED,
            expected_version=expected_version,
            outcome=_outcome_for(decision),
            text=letter,
            public=True,
            at=now,
            outcome_label=f"your complaint is {ComplaintDecision(decision).label.lower()}",
        )
        if complaint.stage == ComplaintStage.STAGE_2:
            complaint.stage2_responded_at, complaint.stage2_decision = now, decision
            complaint.stage2_response = letter
        else:
            complaint.stage1_responded_at, complaint.stage1_decision = now, decision
            complaint.stage1_response = letter
        complaint.save()
    return complaint


def escalate_complaint(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Complaint:
    """Move a stage 1 complaint to stage 2 with a new deadline. A request closed by its
    stage 1 response is reopened: the one way a closed request comes back, since the
    customer is taking the same complaint further, not raising a new one."""
    from firstcontact.servicerequests.services import _lock_for_change, _save

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the customer is not satisfied."})
    if len(reason) > LETTER_MAX:
        raise ValidationError({"reason": f"Keep the reason to {LETTER_MAX:,} characters."})
    now = at or timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.COMPLAINT_ESCALATE)
        complaint = Complaint.objects.select_for_update().get(request_id=current.pk)
        if complaint.stage != ComplaintStage.STAGE_1:
            raise ValidationError({"reason": "This complaint is already at stage 2."})
        _, stage2_days = stage_working_days(current.responsible_partner_id)
        due = working_days_after(current, now, stage2_days)
        complaint.stage = ComplaintStage.STAGE_2
        complaint.escalated_at = now
        complaint.escalation_reason = reason
        complaint.stage2_due_at = due
        complaint.save()
        fields = ["sla_due_at", "sla_alert", "sla_alert_at"]
        if current.status == Status.CLOSED:
            current.status = Status.IN_PROGRESS
            current.outcome = ""
            current.closed_at = None
            fields += ["status", "outcome", "closed_at"]
        current.sla_due_at = due
        current.sla_alert, current.sla_alert_at = SLAAlert.NONE, None
        _save(current, now, fields)
        local_due = timezone.localtime(due)
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.STATUS,
            status=current.status,
            public=True,
            text="Your complaint has been escalated to stage 2 of our complaints procedure. "
            f"We will send our final response by {local_due:%-d %B %Y}.",
        )
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.NOTE,
            status=current.status,
            public=False,
            text=f"Escalated to stage 2: {reason}",
        )
    return complaint
