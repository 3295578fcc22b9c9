"""Staff-side reads and writes that span apps: failed notifications and their retry, and
assigning many requests at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from firstcontact.notify.models import Notification, NotificationStatus
from firstcontact.partners.models import Membership, Team
from firstcontact.servicerequests.permissions import (
    Action,
    may_act_on_request,
    require,
    work_partner_ids,
)
from firstcontact.servicerequests.selectors import visible_requests
from firstcontact.servicerequests.services import StaleEdit, assign_request

PROBLEM_STATUSES = [NotificationStatus.FAILED, NotificationStatus.RETRYING]


def visible_notifications(user: AbstractBaseUser) -> QuerySet[Notification]:
    """Messages the user may read (docs/access.md): caseworkers, team leaders and managers
    read those about their own partners' requests, and those sent to their partners' team
    inboxes and staff (SLA escalations). Nobody else reads them: not advisers, not a hub's
    staff, not a partnership administrator."""
    partners = work_partner_ids(user)
    if not partners:
        return Notification.objects.none()
    inboxes = {
        e.lower()
        for e in Team.objects.filter(partner_id__in=partners).values_list("email", flat=True)
        if e
    }
    inboxes |= {
        e.lower()
        for e in Membership.objects.filter(partner_id__in=partners).values_list(
            "user__email", flat=True
        )
        if e
    }
    return Notification.objects.filter(
        Q(service_request__responsible_partner_id__in=partners)
        | Q(service_request__isnull=True, recipient__in=inboxes)
    )


def retry_notification(*, user: AbstractBaseUser, notification: Notification) -> Notification:
    """Send a failed (or still retrying) message again, from a fresh count of attempts.
    Caseworkers, team leaders and managers of the partner whose request (or inbox) it is."""
    from firstcontact.notify.tasks import send_notification

    with transaction.atomic():
        # Lock the notification row only: PostgreSQL cannot lock the nullable side of the
        # outer join that the "no request" half of visible_notifications makes.
        current = (
            visible_notifications(user)
            .select_for_update(of=("self",))
            .filter(pk=notification.pk)
            .first()
        )
        if current is None:
            raise PermissionDenied("You cannot retry that message.")
        if current.service_request_id is not None:
            require(user, current.service_request, Action.RETRY_NOTIFICATION)
        if current.status not in PROBLEM_STATUSES:
            raise ValidationError({"notification": "Only failed messages can be sent again."})
        current.status = NotificationStatus.QUEUED
        current.attempts = 0
        current.save(update_fields=["status", "attempts"])
        transaction.on_commit(lambda: send_notification.enqueue(current.pk))
    return current


@dataclass
class BulkAssignResult:
    assigned: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def bulk_assign(
    *,
    user: AbstractBaseUser,
    versions: dict[int, int],
    assignee: AbstractBaseUser | None,
) -> BulkAssignResult:
    """Assign each chosen request (pk → the version the officer saw); a request changed
    since is left alone and reported, never overwritten."""
    result = BulkAssignResult()
    requests = (
        visible_requests(user)
        .filter(pk__in=list(versions))
        .select_related("responsible_partner")
        .order_by("sla_due_at", "pk")
    )
    for request in requests:
        # Each request on its own: only those the user may assign (assign_request checks
        # again under the row lock).
        if not may_act_on_request(user, request, Action.ASSIGN):
            result.refused.append(request.formatted_reference)
            continue
        try:
            assign_request(
                user=user,
                request=request,
                assignee=assignee,
                expected_version=versions[request.pk],
            )
        except StaleEdit:
            result.stale.append(request.formatted_reference)
        except (ValidationError, PermissionDenied):
            result.refused.append(request.formatted_reference)
        else:
            result.assigned.append(request.formatted_reference)
    return result


@dataclass(frozen=True)
class RaisedConfirmation:
    """What the raiser of a request they may not read is told: the reference to read out,
    the service and who has it. Nothing about the customer or the place."""

    reference: str
    formatted_reference: str
    service_name: str
    partner_name: str
    team_name: str
    sla_due_at: object
    customer_id: int | None


def raised_confirmation(user: AbstractBaseUser, reference: str) -> RaisedConfirmation | None:
    """The confirmation of a request `user` raised themselves (by its stored or typed
    reference), or None. The caller checks that this session raised it."""
    from firstcontact.servicerequests.models import ServiceRequest
    from firstcontact.servicerequests.references import ReferenceError, parse_reference

    try:
        reference = parse_reference(reference)
    except ReferenceError:
        return None
    sr = (
        ServiceRequest.objects.select_related("service", "responsible_partner", "team")
        .filter(reference=reference, raised_by=user)
        .first()
    )
    if sr is None:
        return None
    return RaisedConfirmation(
        reference=sr.reference,
        formatted_reference=sr.formatted_reference,
        service_name=sr.service.name,
        partner_name=sr.responsible_partner.name,
        team_name=sr.team.name if sr.team else "",
        sla_due_at=sr.sla_due_at,
        customer_id=sr.customer_id,
    )
