"""Writes to service requests. One transaction each; every change bumps the version so a
second officer working from an older copy gets a clear "updated by someone else" error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from firstcontact.catalogue import sla
from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.catalogue.priority import decide as decide_priority
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.contacts.models import Contact
from firstcontact.customers.contact_points import clean_postcode, clean_uprn
from firstcontact.customers.models import Channel, Consent, ConsentPurpose, Customer
from firstcontact.customers.selectors import visible_customers
from firstcontact.notify.services import notify_customer_of_request
from firstcontact.partners.geography import Location, validate_coordinates
from firstcontact.partners.models import Partner, Team
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import (
    TRANSITIONS,
    ClosureOutcome,
    Referral,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.permissions import Action, may_raise_requests, require
from firstcontact.servicerequests.references import new_reference
from firstcontact.servicerequests.referrals import referral_update
from firstcontact.validation import unstorable_fields

DESCRIPTION_MAX = 10_000


def _tell_customer(request: ServiceRequest, text: str) -> None:
    """Send a public update to the customer (by a task, after commit)."""
    from firstcontact.servicerequests.nearby import supporter_customers

    reference = request.formatted_reference
    subject = f"Your request {reference}: {request.service.name}"
    body = f"{text}\n\nYour reference is {reference}. Quote it if you contact us."
    notify_customer_of_request(request, subject=subject, body=body)
    # Those who reported the same problem and were added to it are told too.
    for customer in supporter_customers(request):
        notify_customer_of_request(request, subject=subject, body=body, customer=customer)


class StaleEdit(ValidationError):
    """Someone changed the request after the editor loaded it."""


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def clean_location(
    *,
    latitude: object = None,
    longitude: object = None,
    postcode: str = "",
    uprn: str = "",
    address: str = "",
) -> Location:
    """A Location from raw input, or ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    lat = lng = None
    if latitude not in (None, "") or longitude not in (None, ""):
        try:
            lat, lng = float(latitude), float(longitude)  # type: ignore[arg-type]
            if lat != lat or lng != lng:  # NaN
                raise ValueError
        except (TypeError, ValueError):
            errors["lat"] = "Give both latitude and longitude as decimal degrees."
        else:
            problems = validate_coordinates(lat, lng)
            if problems:
                errors["lat"] = " ".join(problems)
    if postcode:
        try:
            postcode = clean_postcode(postcode)
        except ValueError as exc:
            errors["postcode"] = str(exc)
    if uprn:
        try:
            uprn = clean_uprn(uprn)
        except ValueError as exc:
            errors["uprn"] = str(exc)
    if len(address) > 300:
        errors["address"] = "Keep the address to 300 characters."
    if errors:
        raise ValidationError(errors)
    return Location(latitude=lat, longitude=lng, postcode=postcode, uprn=uprn, address=address)


def _with_free_reference(
    create: Callable[[str], ServiceRequest], reference: str | None
) -> ServiceRequest:
    """`create(reference)` in one transaction: with `reference` if given, else a new one, and
    a fresh one drawn if it is taken (a collision: about one in 34 billion), up to 5 tries."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return create(reference if reference and attempt == 0 else new_reference())
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def raise_request(
    *,
    user: AbstractBaseUser | None,
    service: Service,
    channel: str,
    location: Location | None = None,
    description: str = "",
    attributes: Mapping[str, object] | None = None,
    customer: Customer | None = None,
    contact: Contact | None = None,
    created_at: dt.datetime | None = None,
    ignore_unknown_attributes: bool = False,
    acknowledge: bool = True,
    reference: str | None = None,
    description_public: bool | None = None,
    about_service: Service | None = None,
    about_request: ServiceRequest | None = None,
) -> ServiceRequest:
    """Raise a service request, routed to the partner responsible for the service at the
    location, with its SLA clock started. `user` None: raised by a resident themselves.
    `description_public`: whether the description may be published (for a service whose
    requests are public); by default only a resident's own report on the web or through
    Open311 is, and what staff write stays internal unless they say otherwise.
    `acknowledge` False: the caller sends the customer one acknowledgement of its own (a
    tell-us-once bundle of several requests). `reference`: one already given to the resident
    (Open311 answers with it before the request is raised); only if another request has
    taken it meanwhile (odds of about one in 34 billion) is a fresh one drawn.
    `about_service`, `about_request`: for a complaint, what it is about; it goes to the
    partner that delivers that service there (or holds that request), not to whoever
    delivers complaints where the complainant lives (complaints.route_complaint).
    The service's priority rules (catalogue/priority.py) set the priority and the service
    standard from the answers."""
    errors: dict[str, str] = {}
    if not service.active:
        errors["service_code"] = f"“{service.name}” is not currently offered."
    if channel not in Channel.values:
        errors["channel"] = "Choose a channel from the list."
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX:,} characters."
    if location is not None:
        errors.update(unstorable_fields({"address": location.address}))
    errors.update(unstorable_fields({"description": description}))
    if user is not None:
        if not may_raise_requests(user):
            raise PermissionDenied(
                "Only advisers, caseworkers, team leaders and managers raise requests."
            )
        if customer is not None and not visible_customers(user).filter(pk=customer.pk).exists():
            raise PermissionDenied("You cannot raise requests for that customer.")
    cleaned: dict[str, object] = {}
    try:
        cleaned = validate_answers(
            service.attributes.all(),
            attributes or {},
            ignore_unknown=ignore_unknown_attributes,
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    delivery = None
    if "service_code" not in errors:
        try:
            if service.kind == ServiceKind.COMPLAINT and (about_service or about_request):
                from firstcontact.servicerequests.complaints import route_complaint

                delivery = route_complaint(
                    service, location, about_service=about_service, about_request=about_request
                )
            else:
                delivery = resolve_delivery(service, location)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    assert delivery is not None

    created_at = created_at or timezone.now()
    location = location or Location()
    decision = decide_priority(service, cleaned)
    policy = decision.sla_policy
    due = sla.due_at(policy, created_at) if policy else None
    if description_public is None:
        description_public = user is None and channel in {Channel.WEB, Channel.OPEN311}
    description_public = bool(description_public and service.requests_public)

    def create(reference: str) -> ServiceRequest:
        request = ServiceRequest.objects.create(
            reference=reference,
            service=service,
            customer=customer,
            contact=contact,
            channel=channel,
            responsible_partner=delivery.partner,
            team=delivery.team,
            description=description,
            description_public=description_public,
            attributes=cleaned,
            latitude=location.latitude,
            longitude=location.longitude,
            address=location.address,
            postcode=location.postcode,
            uprn=location.uprn,
            sla_due_at=due,
            sla_policy=policy,
            priority=decision.priority,
            priority_reason=decision.reason[:200],
            created_at=created_at,
            updated_at=created_at,
            raised_by=_user_or_none(user),
        )
        RequestUpdate.objects.create(
            request=request,
            created_at=created_at,
            author=_user_or_none(user),
            kind=UpdateKind.CREATED,
            status=Status.OPEN,
            public=True,
            text=f"Your request about “{service.name}” has been passed to {delivery.partner.name}.",
        )
        if service.kind == ServiceKind.COMPLAINT:
            # A complaint's clock is its stage 1 deadline (complaints.py).
            from firstcontact.servicerequests.complaints import open_complaint

            open_complaint(request, about_service=about_service, about_request=about_request)
        if customer is not None:
            if acknowledge:
                _tell_customer(
                    request,
                    f"Thank you. We have received your request about “{service.name}” "
                    f"and passed it to {delivery.partner.name}.",
                )
            record_audit_event(
                user=user,
                action=AuditEvent.Action.CREATE,
                object_type="service_request",
                object_id=request.reference,
                customer_id=customer.pk,
            )
        return request

    return _with_free_reference(create, reference)


def decline_request(
    *,
    service: Service,
    channel: str,
    partner: Partner,
    reason: str,
    outcome: str = ClosureOutcome.NOT_OUR_RESPONSIBILITY,
    location: Location | None = None,
    description: str = "",
    attributes: Mapping[str, object] | None = None,
    customer: Customer | None = None,
    contact: Contact | None = None,
    reference: str | None = None,
    created_at: dt.datetime | None = None,
) -> ServiceRequest:
    """Record a report that `partner` received but nobody in the partnership can take (a
    place outside every partner's area, a service no longer offered): raised with `partner`
    and closed at once with `outcome`, `reason` on its public timeline and sent to the
    customer. For channels that accept a report before routing it (Open311), so the sender
    learns the outcome from the request's updates."""
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Choose an outcome to close the request."})
    description = (description or "").strip()[:DESCRIPTION_MAX]
    reason = (reason or "").strip()
    location = location or Location()
    errors = unstorable_fields(
        {"description": description, "address": location.address, "reason": reason}
    )
    if errors:
        raise ValidationError(errors)
    created_at = created_at or timezone.now()
    now = max(timezone.now(), created_at)

    def create(reference: str) -> ServiceRequest:
        request = ServiceRequest.objects.create(
            reference=reference,
            service=service,
            customer=customer,
            contact=contact,
            channel=channel,
            responsible_partner=partner,
            status=Status.CLOSED,
            outcome=outcome,
            description=description,
            # The resident's own report (no member of staff raises a request this way).
            description_public=service.requests_public
            and channel in {Channel.WEB, Channel.OPEN311},
            attributes=dict(attributes or {}),
            latitude=location.latitude,
            longitude=location.longitude,
            address=location.address,
            postcode=location.postcode,
            uprn=location.uprn,
            created_at=created_at,
            updated_at=now,
            closed_at=now,
        )
        RequestUpdate.objects.create(
            request=request,
            created_at=created_at,
            kind=UpdateKind.CREATED,
            status=Status.OPEN,
            public=True,
            text=f"Your request about “{service.name}” was received by {partner.name}.",
        )
        RequestUpdate.objects.create(
            request=request,
            created_at=now,
            kind=UpdateKind.STATUS,
            status=Status.CLOSED,
            outcome=outcome,
            public=True,
            text=reason,
        )
        if customer is not None:
            _tell_customer(
                request,
                f"{reason}\n\nOutcome: {ClosureOutcome(outcome).label}."
                if reason
                else f"Outcome: {ClosureOutcome(outcome).label}.",
            )
            record_audit_event(
                user=None,
                action=AuditEvent.Action.CREATE,
                object_type="service_request",
                object_id=request.reference,
                customer_id=customer.pk,
            )
        return request

    return _with_free_reference(create, reference)


def _lock_for_change(
    user: AbstractBaseUser,
    request: ServiceRequest,
    expected_version: int | None,
    action: str,
) -> ServiceRequest:
    """Re-read the request under a row lock; refuse anyone the access policy does not let
    take `action` (permissions.ACTION_ROLES), then stale edits."""
    current = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("responsible_partner")
        .get(pk=request.pk)
    )
    require(user, current, action)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(
            {
                "version": "Someone else updated this request after you opened it. "
                "Reload it to see their changes, then try again."
            }
        )
    return current


def _save(request: ServiceRequest, now: dt.datetime, fields: list[str]) -> None:
    request.version += 1
    request.updated_at = now
    request.save(update_fields=[*fields, "version", "updated_at"])


def _status_action(status: str) -> Action:
    """The action (permissions.Action) that moves a request to `status`."""
    return {
        Status.ACKNOWLEDGED: Action.ACKNOWLEDGE,
        Status.IN_PROGRESS: Action.START,
        Status.ON_HOLD: Action.HOLD,
        Status.CLOSED: Action.CLOSE,
    }.get(status, Action.START)


def change_status(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    status: str,
    expected_version: int | None = None,
    outcome: str = "",
    text: str = "",
    public: bool = True,
    at: dt.datetime | None = None,
    outcome_label: str = "",
) -> ServiceRequest:
    """Move a request along its workflow. Putting on hold pauses the SLA clock; resuming
    pushes the due time back by the working time spent on hold. `outcome_label`: the
    outcome as the resident is told it, where the closure outcome is not the words for it
    (a complaint's decision)."""
    if status not in Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    if errors := unstorable_fields({"text": text}):
        raise ValidationError(errors)
    now = at or timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, _status_action(status))
        if status not in TRANSITIONS[current.status]:
            raise ValidationError(
                {
                    "status": f"A request that is {current.get_status_display().lower()} "
                    f"cannot become {Status(status).label.lower()}."
                }
            )
        if status == Status.CLOSED and outcome not in ClosureOutcome.values:
            raise ValidationError({"outcome": "Choose an outcome to close the request."})
        if status != Status.CLOSED and outcome:
            raise ValidationError({"outcome": "Only a closed request has an outcome."})
        fields = ["status"]
        policy = current.sla_policy or current.service.sla_policy
        if current.status == Status.ON_HOLD:
            if policy and current.sla_due_at:
                current.sla_due_at = sla.extend_for_pause(
                    policy, current.sla_due_at, current.on_hold_since, now
                )
                fields.append("sla_due_at")
            current.on_hold_since = None
            fields.append("on_hold_since")
        if status == Status.ON_HOLD:
            current.on_hold_since = now
            fields.append("on_hold_since")
        if status == Status.ACKNOWLEDGED or (
            current.acknowledged_at is None and status != Status.CLOSED
        ):
            current.acknowledged_at = current.acknowledged_at or now
            fields.append("acknowledged_at")
        if status == Status.CLOSED:
            current.outcome = outcome
            current.closed_at = now
            fields += ["outcome", "closed_at"]
        current.status = status
        _save(current, now, fields)
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.STATUS,
            status=status,
            outcome=outcome,
            public=public,
            text=text.strip(),
        )
        if public and (text.strip() or status == Status.CLOSED):
            message = text.strip() or "We have finished working on your request."
            if status == Status.CLOSED:
                said = outcome_label or ClosureOutcome(outcome).label
                message = f"{message}\n\nOutcome: {said[:1].upper()}{said[1:]}."
            _tell_customer(current, message)
    return current


def add_update(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    text: str,
    public: bool,
    expected_version: int | None = None,
) -> RequestUpdate:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the update."})
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError({"text": f"Keep the update to {DESCRIPTION_MAX:,} characters."})
    if errors := unstorable_fields({"text": text}):
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        action = Action.PUBLIC_UPDATE if public else Action.NOTE
        current = _lock_for_change(user, request, expected_version, action)
        _save(current, now, [])
        update = RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.NOTE,
            status=current.status,
            public=public,
            text=text,
        )
        if public:
            _tell_customer(current, text)
        return update


def assign_request(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    assignee: AbstractBaseUser | None,
    team: Team | None = None,
    expected_version: int | None = None,
) -> ServiceRequest:
    now = timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.ASSIGN)
        if current.is_closed:
            raise ValidationError({"assignee": "A closed request cannot be reassigned."})
        team = team or current.team
        if team is not None and team.partner_id != current.responsible_partner_id:
            raise ValidationError({"team": "Choose a team of the responsible partner."})
        if (
            assignee is not None
            and not assignee.memberships.filter(partner_id=current.responsible_partner_id).exists()
        ):
            raise ValidationError({"assignee": "Choose someone who works for the partner."})
        current.assignee, current.team = assignee, team
        _save(current, now, ["assignee", "team"])
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.ASSIGNED,
            status=current.status,
            public=False,
            text=f"Assigned to {assignee.get_full_name() or assignee.get_username()}"
            if assignee
            else "Unassigned",
        )
    return current


def refer_request(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    to_partner: Partner,
    reason: str,
    to_team: Team | None = None,
    consent: Consent | None = None,
    expected_version: int | None = None,
) -> Referral:
    """Hand (part of) a request to another partner. Where it carries a customer's details,
    the customer's consent to sharing with that partner is required and recorded."""
    reason = (reason or "").strip()
    errors = unstorable_fields({"reason": reason})
    if not reason:
        errors["reason"] = "Say why you are referring it."
    if to_team is not None and to_team.partner_id != to_partner.pk:
        errors["to_team"] = "Choose a team of the partner you are referring to."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.REFER)
        if to_partner.pk == current.responsible_partner_id:
            raise ValidationError({"to_partner": "The request is already with that partner."})
        if current.is_closed:
            raise ValidationError({"to_partner": "A closed request cannot be referred."})
        if current.customer_id is not None:
            # A consent to sharing counts only where it names the partner (one that names
            # nobody lets nobody see the record).
            valid = Consent.objects.current().filter(
                customer_id=current.customer_id,
                purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
                recipient=to_partner,
            )
            if consent is None:
                consent = valid.first()
            elif not valid.filter(pk=consent.pk).exists():
                consent = None
            if consent is None:
                raise ValidationError(
                    {
                        "consent": "The customer has not agreed to their details being shared "
                        f"with {to_partner.name}. Ask them, and record their consent first."
                    }
                )
        referral = Referral.objects.create(
            request=current,
            from_partner=current.responsible_partner,
            to_partner=to_partner,
            to_team=to_team,
            reason=reason,
            consent=consent,
            created_at=now,
            created_by=user,
        )
        _save(current, now, [])
        referral_update(
            current,
            now,
            user,
            f"We have also asked {to_partner.name} to help with this.",
            public=True,
        )
    return referral


def add_customer_update(
    *,
    request: ServiceRequest,
    text: str,
    author_name: str = "",
    public: bool = False,
    at: dt.datetime | None = None,
) -> RequestUpdate:
    """Record what the resident (not staff) added to their request, e.g. through Open311.
    It goes on the timeline for officers; the status is left for them to change."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the update."})
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError({"text": f"Keep the update to {DESCRIPTION_MAX:,} characters."})
    if errors := unstorable_fields({"text": text}):
        raise ValidationError(errors)
    now = at or timezone.now()
    with transaction.atomic():
        current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        _save(current, now, [])
        return RequestUpdate.objects.create(
            request=current,
            created_at=now,
            kind=UpdateKind.CUSTOMER,
            status=current.status,
            public=public,
            author_name=author_name.strip()[:200],
            text=text,
        )
