"""The receiving side of a referral: the partner it was sent to accepts, declines or
completes it, and what they did flows back to the responsible team's timeline."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.partners.selectors import WORK_ROLES, roles_at
from firstcontact.servicerequests.models import Referral, RequestUpdate, ServiceRequest, UpdateKind

# Which state may follow which, for the partner that received the referral.
REFERRAL_TRANSITIONS: dict[str, set[str]] = {
    Referral.State.SENT: {
        Referral.State.ACCEPTED,
        Referral.State.DECLINED,
        Referral.State.COMPLETED,
    },
    Referral.State.ACCEPTED: {Referral.State.COMPLETED},
    Referral.State.DECLINED: set(),
    Referral.State.COMPLETED: set(),
}
OUTCOME_MAX = 5000


def respond_to_referral(
    *, user: AbstractBaseUser, referral: Referral, state: str, outcome: str = ""
) -> Referral:
    outcome = (outcome or "").strip()
    if len(outcome) > OUTCOME_MAX:
        raise ValidationError({"outcome": f"Keep it to {OUTCOME_MAX:,} characters."})
    now = timezone.now()
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update().select_related("to_partner").get(pk=referral.pk)
        )
        if not roles_at(user, current.to_partner_id) & WORK_ROLES:
            # Only the receiving partner's caseworkers, team leaders and managers answer it.
            raise PermissionDenied(
                f"Only caseworkers, team leaders and managers of {current.to_partner.name} "
                "can answer this referral."
            )
        if state not in REFERRAL_TRANSITIONS.get(current.state, set()):
            wanted = Referral.State(state).label if state in Referral.State.values else state
            raise ValidationError(
                {
                    "state": f"A referral that is {current.get_state_display().lower()} cannot "
                    f"become {wanted.lower()}."
                }
            )
        if state == Referral.State.DECLINED and not outcome:
            raise ValidationError({"outcome": "Say why you are declining it."})
        current.state = state
        if outcome:
            current.outcome = outcome
        current.save(update_fields=["state", "outcome"])
        request = ServiceRequest.objects.select_for_update().get(pk=current.request_id)
        request.version += 1
        request.updated_at = now
        request.save(update_fields=["version", "updated_at"])
        label = Referral.State(state).label.lower()
        RequestUpdate.objects.create(
            request=request,
            created_at=now,
            author=user,
            kind=UpdateKind.REFERRAL,
            status=request.status,
            public=False,
            text=f"{current.to_partner.name} {label} the referral"
            + (f": {outcome}" if outcome else "."),
        )
    return current


def notify_referral_received(referral: Referral) -> int:
    """Tell the receiving team (its inbox, or its leaders) that a referral has arrived. The
    message carries the reference and the reason, not the customer's details."""
    from firstcontact.notify.models import NotificationChannel
    from firstcontact.notify.services import queue_notification
    from firstcontact.servicerequests.escalation import team_leader_recipients

    request = referral.request
    recipients = team_leader_recipients(referral.to_team, referral.to_partner)
    where = referral.to_team.name if referral.to_team else referral.to_partner.name
    for recipient in recipients:
        queue_notification(
            channel=NotificationChannel.EMAIL,
            recipient=recipient,
            subject=f"Referral from {referral.from_partner.name}: {request.formatted_reference}",
            body=(
                f"{referral.from_partner.name} has referred request "
                f"{request.formatted_reference} ({request.service.name}) to {where}.\n\n"
                f"What they ask: {referral.reason}\n\n"
                f"It is in your work queue: /work/requests/{request.reference}/"
            ),
            service_request=request,
        )
    return len(recipients)
