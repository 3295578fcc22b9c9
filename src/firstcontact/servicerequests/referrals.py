"""The receiving side of a referral: the partner it was sent to accepts, declines or
completes it, and what they did flows back to the responsible team's timeline; the owning
officer is alerted, and the team is prompted to tell the resident (a public update drafted
from the outcome, sent only where the resident agreed to hear from us). The referrer can
withdraw a referral sent in error while it is open."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.partners.selectors import WORK_ROLES, roles_at
from firstcontact.servicerequests.models import Referral, RequestUpdate, ServiceRequest, UpdateKind
from firstcontact.validation import unstorable_fields

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
    Referral.State.WITHDRAWN: set(),
}
# The answers that close a referral and prompt the responsible team to tell the resident.
ANSWERED_STATES = (Referral.State.DECLINED, Referral.State.COMPLETED)
OUTCOME_MAX = 5000


def referral_update(
    request: ServiceRequest,
    now: dt.datetime,
    user: AbstractBaseUser | None,
    text: str,
    *,
    public: bool,
) -> RequestUpdate:
    """A referral entry in the request's history (public ones the resident sees)."""
    return RequestUpdate.objects.create(
        request=request,
        created_at=now,
        author=user,
        kind=UpdateKind.REFERRAL,
        status=request.status,
        public=public,
        text=text,
    )


def _checked_text(value: str, field: str, missing: str) -> str:
    """The stripped text, or a ValidationError on `field` when it is empty, too long or
    holds what the database cannot store."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > OUTCOME_MAX:
        raise ValidationError({field: f"Keep it to {OUTCOME_MAX:,} characters."})
    if errors := unstorable_fields({field: value}):
        raise ValidationError(errors)
    return value


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
        if state in ANSWERED_STATES:
            current.answered_at = now
        current.save(update_fields=["state", "outcome", "answered_at"])
        request = ServiceRequest.objects.select_for_update().get(pk=current.request_id)
        request.version += 1
        request.updated_at = now
        request.save(update_fields=["version", "updated_at"])
        label = Referral.State(state).label.lower()
        referral_update(
            request,
            now,
            user,
            f"{current.to_partner.name} {label} the referral"
            + (f": {outcome}" if outcome else "."),
            public=False,
        )
        notify_referral_answered(current)
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


def owner_recipients(referral: Referral) -> list[str]:
    """Who owns the request for the referring side: its assignee, else whoever made the
    referral, else the responsible team's leaders (or inbox)."""
    from firstcontact.servicerequests.escalation import team_leader_recipients

    request = referral.request
    for person in (request.assignee, referral.created_by):
        if person is not None and person.is_active and person.email:
            return [person.email.lower()]
    return team_leader_recipients(request.team, request.responsible_partner)


def notify_referral_answered(referral: Referral) -> int:
    """Alert the owning officer that the partner has answered (reference and state only: the
    outcome is read in the work queue, signed in)."""
    from firstcontact.notify.models import NotificationChannel
    from firstcontact.notify.services import queue_notification

    request = referral.request
    label = referral.get_state_display().lower()
    recipients = owner_recipients(referral)
    for recipient in recipients:
        queue_notification(
            channel=NotificationChannel.EMAIL,
            recipient=recipient,
            subject=f"Referral {label} by {referral.to_partner.name}: "
            f"{request.formatted_reference}",
            body=(
                f"{referral.to_partner.name} has {label} the referral of request "
                f"{request.formatted_reference} ({request.service.name}).\n\n"
                + (
                    "Tell the resident what happened: the request page has an update drafted "
                    "for you.\n\n"
                    if referral.state in ANSWERED_STATES
                    else ""
                )
                + f"See it in your work queue: /work/requests/{request.reference}/"
            ),
            service_request=request,
        )
    return len(recipients)


def draft_feedback(referral: Referral) -> str:
    """The public update the responsible team is offered, drafted from the outcome. It names
    the partner and what they said; the officer edits it before it goes."""
    partner = referral.to_partner.name
    outcome = referral.outcome.strip()
    if referral.state == Referral.State.COMPLETED:
        text = f"{partner} have finished the part of this we asked them to help with."
        return f"{text} They told us: {outcome}" if outcome else text
    text = f"{partner} are not able to help with this part of your request."
    if outcome:
        text += f" They told us: {outcome}"
    return text + " We will let you know what happens next."


def awaiting_feedback(request: ServiceRequest) -> list[Referral]:
    """The request's answered referrals whose outcome the team has not yet passed on."""
    return list(
        request.referrals.filter(state__in=ANSWERED_STATES, feedback_at__isnull=True)
        .select_related("to_partner")
        .order_by("answered_at", "pk")
    )


def resident_hears_back(request: ServiceRequest) -> bool:
    """Whether the caller agreed to hear back (a current consent to updates by email or
    text): only then is the referral's outcome sent to them, not just shown when tracked."""
    from firstcontact.customers.models import ConsentPurpose

    if request.customer_id is None:
        return False
    return (
        request.customer.consents.current()
        .filter(purpose__in=[ConsentPurpose.EMAIL_UPDATES, ConsentPurpose.SMS_UPDATES])
        .exists()
    )


def give_feedback(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    referral_id: int,
    text: str,
    publish: bool,
    expected_version: int | None = None,
) -> RequestUpdate | None:
    """Answer the prompt: publish the (edited) update, sent to the resident where they agreed
    to hear back, or record that none is needed. Either way the prompt goes."""
    from firstcontact.servicerequests.permissions import Action
    from firstcontact.servicerequests.services import _lock_for_change, _save, _tell_customer

    text = (text or "").strip()
    if publish:
        text = _checked_text(text, "text", "Enter the update for the resident.")
    now = timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.REFERRAL_FEEDBACK)
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("to_partner")
            .filter(request=current, pk=referral_id)
            .first()
        )
        if referral is None or referral.state not in ANSWERED_STATES:
            raise ValidationError({"text": "That referral has not been answered."})
        if referral.feedback_at is not None:
            raise ValidationError({"text": "The resident has already been told about it."})
        referral.feedback_at = now
        referral.save(update_fields=["feedback_at"])
        _save(current, now, [])
        if not publish:
            referral_update(
                current,
                now,
                user,
                f"No update to the resident about {referral.to_partner.name}'s answer.",
                public=False,
            )
            return None
        update = referral_update(current, now, user, text, public=True)
        if resident_hears_back(current):
            _tell_customer(current, text)
    return update


def withdraw_referral(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    referral_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Referral:
    """The referrer takes back a referral sent in error, while it is open: the partner loses
    its access at once (docs/access.md: a withdrawn referral gives nothing) and is told."""
    from firstcontact.servicerequests.permissions import OPEN_REFERRAL_STATES, Action
    from firstcontact.servicerequests.services import _lock_for_change, _save

    reason = _checked_text(reason, "reason", "Say why you are withdrawing it.")
    now = timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.WITHDRAW_REFERRAL)
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("to_partner", "to_team", "from_partner")
            .filter(request=current, pk=referral_id)
            .first()
        )
        if referral is None:
            raise ValidationError({"reason": "Choose a referral of this request."})
        if referral.state not in OPEN_REFERRAL_STATES:
            raise ValidationError(
                {
                    "reason": f"A referral that is {referral.get_state_display().lower()} "
                    "cannot be withdrawn."
                }
            )
        referral.state = Referral.State.WITHDRAWN
        referral.outcome = f"Withdrawn: {reason}"
        referral.save(update_fields=["state", "outcome"])
        _save(current, now, [])
        referral_update(
            current,
            now,
            user,
            f"Referral to {referral.to_partner.name} withdrawn: {reason}",
            public=False,
        )
        _notify_withdrawn(referral)
    return referral


def _notify_withdrawn(referral: Referral) -> None:
    from firstcontact.notify.models import NotificationChannel
    from firstcontact.notify.services import queue_notification
    from firstcontact.servicerequests.escalation import team_leader_recipients

    request = referral.request
    for recipient in team_leader_recipients(referral.to_team, referral.to_partner):
        queue_notification(
            channel=NotificationChannel.EMAIL,
            recipient=recipient,
            subject=f"Referral withdrawn by {referral.from_partner.name}: "
            f"{request.formatted_reference}",
            body=(
                f"{referral.from_partner.name} has withdrawn its referral of request "
                f"{request.formatted_reference}: it was sent in error. There is nothing more "
                "to do, and the request has left your work queue."
            ),
            service_request=request,
        )
