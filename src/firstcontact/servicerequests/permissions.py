"""Who may do what to a service request: docs/access.md's "Acting on service requests", in
one place. Service functions call `require` (PermissionDenied otherwise); pages ask
`may_act_on_request` to show only the forms the user can use.

Reading is the selectors' business (servicerequests.selectors.visible_requests); here the
request is assumed readable, and an action the user may not take is a 403, not a 404.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

from firstcontact.partners.selectors import (
    LEAD_ROLES,
    STAFF_ROLES,
    WORK_ROLES,
    acting_partner_ids,
    acts_in_role,
    own_partner_ids,
    partner_ids_with_role,
    roles_at,
)
from firstcontact.servicerequests.models import Referral, ServiceRequest

User = AbstractBaseUser | AnonymousUser

# A referral gives its partner access while it is open: sent or accepted.
OPEN_REFERRAL_STATES = (Referral.State.SENT, Referral.State.ACCEPTED)


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    ASSIGN = "assign"
    HOLD = "hold"
    RESUME = "resume"
    PUBLIC_UPDATE = "public"
    NOTE = "note"
    CLOSE = "close"
    REFER = "refer"
    ATTACH = "attach"  # keep a file (a letter, a photo from site) with the request
    COMPLAINT_RESPOND = "complaint_respond"  # the stage 1 response
    COMPLAINT_ESCALATE = "complaint_escalate"
    COMPLAINT_FINAL = "complaint_final"  # the stage 2 (final) response
    RETRY_NOTIFICATION = "retry_notification"
    WITHDRAW_REFERRAL = "withdraw_referral"  # one sent in error, by the referring partner
    REFERRAL_FEEDBACK = "referral_feedback"  # tell the resident what the partner did


# Each action on a request: the roles of a member of the responsible partner that may take it.
ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.ACKNOWLEDGE: WORK_ROLES,
    Action.START: WORK_ROLES,
    Action.ASSIGN: WORK_ROLES,
    Action.HOLD: WORK_ROLES,
    Action.RESUME: WORK_ROLES,
    Action.PUBLIC_UPDATE: WORK_ROLES,
    Action.NOTE: WORK_ROLES,
    Action.CLOSE: WORK_ROLES,
    Action.REFER: WORK_ROLES,
    Action.ATTACH: WORK_ROLES,
    Action.COMPLAINT_RESPOND: WORK_ROLES,
    Action.COMPLAINT_ESCALATE: LEAD_ROLES,
    Action.COMPLAINT_FINAL: LEAD_ROLES,
    Action.RETRY_NOTIFICATION: WORK_ROLES,
    Action.WITHDRAW_REFERRAL: WORK_ROLES,
    Action.REFERRAL_FEEDBACK: WORK_ROLES,
}

# What the user is told when an action is refused.
REFUSALS: dict[frozenset[str], str] = {
    WORK_ROLES: "Only caseworkers, team leaders and managers of {partner} can do this.",
    LEAD_ROLES: "Only team leaders and managers of {partner} can do this.",
}


def may_act_on_request(user: User, request: ServiceRequest, action: str) -> bool:
    """Whether the user may take `action` on the request: only members of the responsible
    partner, in the roles the action names (a hub's staff, referred and sharing partners
    never change the request itself)."""
    if not (user.is_authenticated and user.is_active):
        return False
    needed = ACTION_ROLES[Action(action)]
    return bool(roles_at(user, request.responsible_partner_id) & needed)


def require(user: User, request: ServiceRequest, action: str) -> None:
    """PermissionDenied, with a message for the page, unless the user may take `action`."""
    if may_act_on_request(user, request, action):
        return
    needed = ACTION_ROLES[Action(action)]
    partner = getattr(request, "responsible_partner", None)
    name = partner.name if partner is not None else "the responsible partner"
    raise PermissionDenied(REFUSALS[needed].format(partner=name))


def may_respond_to_referral(user: User, referral: Referral) -> bool:
    """Accept, decline or complete: caseworkers, team leaders and managers of the partner it
    was sent to, while it is open."""
    if not (user.is_authenticated and user.is_active):
        return False
    return referral.state in OPEN_REFERRAL_STATES and bool(
        roles_at(user, referral.to_partner_id) & WORK_ROLES
    )


def may_raise_requests(user: User) -> bool:
    """Raising a request at the desk: staff in a desk or case-work role at a partner they act
    for (the request goes to whichever partner the service and place route it to)."""
    return bool(user.is_authenticated and user.is_active and acts_in_role(user, STAFF_ROLES))


def work_partner_ids(user: User) -> set[int]:
    """Partners whose requests the user works: members as caseworker, team leader or
    manager."""
    return partner_ids_with_role(user, WORK_ROLES)


def relation(user: User, request: ServiceRequest) -> str:
    """The user's relation to the request (docs/access.md, "Words"): own, hub, referred,
    shared or none. Does not check that a shared request is readable: ask the selectors."""
    if not user.is_authenticated:
        return "none"
    own = roles_at(user, request.responsible_partner_id)
    if own - {"partnership_admin"}:
        return "own"
    if request.responsible_partner_id in acting_partner_ids(user):
        return "hub"
    if Referral.objects.filter(
        request_id=request.pk,
        to_partner_id__in=own_partner_ids(user),
        state__in=OPEN_REFERRAL_STATES,
    ).exists():
        return "referred"
    from firstcontact.servicerequests.selectors import visible_requests

    if visible_requests(user).filter(pk=request.pk).exists():
        return "shared"
    return "none"
