"""Resident reopen: "This is not fixed" on the tracking page, within
FIRSTCONTACT["REOPEN_DAYS"] (28) of a request's closure.

The request is reopened (back to in progress, or open if nobody had acknowledged it, with a
history entry and the resident's reason as an internal note), and its clock restarts: due
by the request's own service standard counted from the reopening, as for a new report.
Where reopening is not allowed (the service is listed in
FIRSTCONTACT["REOPEN_AS_NEW_SERVICES"], or the request was already reopened
FIRSTCONTACT["REOPEN_LIMIT"] times) a new request is raised instead, linked to the closed
one (`follows`). Either way the responsible team is told (its inbox or team leaders, and
the assignee), as for an SLA escalation. Complaints are not reopened: they escalate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.catalogue import sla
from firstcontact.catalogue.models import ServiceKind
from firstcontact.customers.models import Channel
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.partners.geography import Location
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.escalation import team_leader_recipients
from firstcontact.servicerequests.models import (
    RequestUpdate,
    ServiceRequest,
    SLAAlert,
    Status,
    UpdateKind,
)
from firstcontact.validation import unstorable_fields

REASON_MAX = 500


def reopen_days() -> int:
    return int(settings.FIRSTCONTACT.get("REOPEN_DAYS", 28))


def reopen_limit() -> int:
    return int(settings.FIRSTCONTACT.get("REOPEN_LIMIT", 2))


def may_reopen(request: ServiceRequest, now: dt.datetime | None = None) -> bool:
    """Whether the resident may say "this is not fixed": closed, within the window, and not
    a complaint (nor a tell-us-once request)."""
    now = now or timezone.now()
    return (
        request.status == Status.CLOSED
        and request.closed_at is not None
        and now - request.closed_at <= dt.timedelta(days=reopen_days())
        and request.service.kind not in {ServiceKind.COMPLAINT, ServiceKind.LIFE_EVENT}
        and not _is_complaint(request)
    )


def _is_complaint(request: ServiceRequest) -> bool:
    from firstcontact.servicerequests.models import Complaint

    return Complaint.objects.filter(request=request).exists()


def raises_new(request: ServiceRequest) -> bool:
    """Whether "not fixed" raises a linked new request rather than reopening this one."""
    listed = set(settings.FIRSTCONTACT.get("REOPEN_AS_NEW_SERVICES", []))
    return request.service.code in listed or request.reopen_count >= reopen_limit()


@dataclass(frozen=True)
class Reopened:
    request: ServiceRequest  # the reopened request, or the new one
    new: bool


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Tell us what is still wrong."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep it to {REASON_MAX} characters."})
    if errors := unstorable_fields({"reason": reason}):
        raise ValidationError(errors)
    return reason


def reopen_by_resident(
    request: ServiceRequest, reason: str, *, at: dt.datetime | None = None
) -> Reopened:
    """Reopen a closed request (or raise a linked new one) for a resident who says it is not
    fixed; ValidationError with a message for the resident where it may not be."""
    reason = _clean_reason(reason)
    now = at or timezone.now()
    with transaction.atomic():
        current = (
            ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("service", "responsible_partner", "team", "assignee")
            .get(pk=request.pk)
        )
        if not may_reopen(current, now):
            raise ValidationError(
                {
                    "reason": f"This request can no longer be reopened: it was closed more than "
                    f"{reopen_days()} days ago. Report the problem again as a new request."
                    if current.status == Status.CLOSED
                    else "This request is not closed, so there is nothing to reopen."
                }
            )
        if raises_new(current):
            result = Reopened(_raise_follow_up(current, reason, now), new=True)
        else:
            result = Reopened(_reopen(current, reason, now), new=False)
        if current.customer_id:
            record_audit_event(
                user=None,
                action=AuditEvent.Action.UPDATE,
                object_type="service_request",
                object_id=current.reference,
                customer_id=current.customer_id,
                detail="reopened by the resident on the web"
                if not result.new
                else f"not fixed: follow-up {result.request.reference} raised",
            )
        _tell_team(current, result)
    return result


def _reopen(current: ServiceRequest, reason: str, now: dt.datetime) -> ServiceRequest:
    status = Status.IN_PROGRESS if current.acknowledged_at else Status.OPEN
    policy = current.sla_policy or current.service.sla_policy
    current.status, current.outcome, current.closed_at = status, "", None
    current.sla_due_at = sla.due_at(policy, now) if policy else current.sla_due_at
    current.sla_alert, current.sla_alert_at = SLAAlert.NONE, None
    current.reopen_count += 1
    current.version += 1
    current.updated_at = now
    current.save(
        update_fields=[
            "status",
            "outcome",
            "closed_at",
            "sla_due_at",
            "sla_alert",
            "sla_alert_at",
            "reopen_count",
            "version",
            "updated_at",
        ]
    )
    RequestUpdate.objects.create(
        request=current,
        created_at=now,
        kind=UpdateKind.REOPENED,
        status=status,
        public=True,
        text="Reopened: you told us the problem is not fixed. We will look at it again.",
    )
    RequestUpdate.objects.create(
        request=current,
        created_at=now,
        kind=UpdateKind.CUSTOMER,
        status=status,
        public=False,
        author_name="The resident",
        text=f"Not fixed: {reason}",
    )
    return current


def _raise_follow_up(current: ServiceRequest, reason: str, now: dt.datetime) -> ServiceRequest:
    from firstcontact.servicerequests.services import raise_request

    new = raise_request(
        user=None,
        service=current.service,
        channel=Channel.WEB,
        location=Location(
            latitude=current.latitude,
            longitude=current.longitude,
            postcode=current.postcode,
            uprn=current.uprn,
            address=current.address,
        ),
        description=f"Not fixed (follows {current.formatted_reference}): {reason}",
        description_public=False,
        attributes=current.attributes,
        ignore_unknown_attributes=True,
        customer=current.customer,
        created_at=now,
    )
    ServiceRequest.objects.filter(pk=new.pk).update(follows=current)
    new.follows = current
    RequestUpdate.objects.create(
        request=current,
        created_at=now,
        kind=UpdateKind.REOPENED,
        status=current.status,
        public=True,
        outcome=current.outcome,
        text=f"You told us the problem is not fixed. We have raised a new request, "
        f"{new.formatted_reference}, to look at it again.",
    )
    return new


def _tell_team(closed: ServiceRequest, result: Reopened) -> None:
    """The responsible team's inbox or leaders, and the assignee: the reference only (the
    reason is read on the request, signed in)."""
    request = result.request
    recipients = set(team_leader_recipients(request.team, request.responsible_partner))
    if closed.assignee is not None and closed.assignee.is_active and closed.assignee.email:
        recipients.add(closed.assignee.email.lower())
    if result.new:
        subject = f"Not fixed: {request.formatted_reference} follows {closed.formatted_reference}"
        body = (
            f"The resident says request {closed.formatted_reference} ({closed.service.name}) "
            f"is not fixed. A new request, {request.formatted_reference}, has been raised.\n\n"
            f"It is in your work queue: /work/requests/{request.reference}/"
        )
    else:
        subject = f"Reopened by the resident: {request.formatted_reference}"
        body = (
            f"The resident says request {request.formatted_reference} "
            f"({request.service.name}) is not fixed, so it has been reopened.\n\n"
            f"It is in your work queue: /work/requests/{request.reference}/"
        )
    for recipient in sorted(recipients):
        queue_notification(
            channel=NotificationChannel.EMAIL,
            recipient=recipient,
            subject=subject,
            body=body,
            service_request=request,
        )
