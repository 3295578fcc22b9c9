"""Starting and ending contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import (
    Callback,
    CallbackResult,
    CallbackStatus,
    Contact,
    Direction,
    Outcome,
)
from firstcontact.contacts.selectors import visible_callbacks
from firstcontact.customers.contact_points import clean_phone
from firstcontact.customers.models import Channel, Customer
from firstcontact.partners.models import Partner, Team
from firstcontact.partners.selectors import (
    STAFF_ROLES,
    acting_partner_ids,
    acts_in_role,
    member_partner_ids,
)


def start_contact(
    *,
    user: AbstractBaseUser | None,
    channel: str,
    partner: Partner,
    customer: Customer | None = None,
    direction: str = Direction.INBOUND,
    started_at: dt.datetime | None = None,
) -> Contact:
    """Open a contact handled for `partner`. Staff must be able to act for that partner."""
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = "Choose a channel from the list."
    if direction not in Direction.values:
        errors["direction"] = "Choose inbound or outbound."
    if errors:
        raise ValidationError(errors)
    handled_by = None
    if user is not None:
        if partner.pk not in acts_in_role(user, STAFF_ROLES):
            raise PermissionDenied("You cannot take contacts for that partner.")
        own = member_partner_ids(user)
        if partner.pk not in own and own:
            # Working as a hub on the client's behalf.
            handled_by = Partner.objects.filter(pk__in=own, is_hub=True).first()
    return Contact.objects.create(
        channel=channel,
        direction=direction,
        partner=partner,
        handled_by=handled_by,
        adviser=user if user is not None and user.is_authenticated else None,
        customer=customer,
        started_at=started_at or timezone.now(),
    )


def end_contact(
    *,
    contact: Contact,
    outcome: str,
    reasons: Iterable[Service] = (),
    notes: str = "",
    ended_at: dt.datetime | None = None,
) -> Contact:
    if not contact.is_open:
        raise ValidationError({"outcome": "This contact has already ended."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose how the contact ended."})
    ended_at = ended_at or timezone.now()
    if ended_at < contact.started_at:
        raise ValidationError({"ended_at": "A contact cannot end before it started."})
    with transaction.atomic():
        contact.outcome = outcome
        contact.ended_at = ended_at
        if notes:
            contact.notes = notes
        contact.save(update_fields=["outcome", "ended_at", "notes"])
        if reasons:
            contact.reasons.add(*reasons)
    return contact


def contact_timeout() -> dt.timedelta:
    """How long a desk contact may stay in progress before it is closed as timed out."""
    return dt.timedelta(minutes=settings.FIRSTCONTACT.get("CONTACT_TIMEOUT_MINUTES", 240))


TIMED_OUT_NOTE = "Closed automatically: left in progress when the adviser's session ended."


def close_timed_out_contacts(
    *,
    now: dt.datetime | None = None,
    adviser: AbstractBaseUser | None = None,
    older_than: dt.timedelta | None = None,
) -> int:
    """Close desk contacts left in progress as "timed out"; returns how many.

    With no adviser: every adviser's contact started longer ago than the timeout
    (CONTACT_TIMEOUT_MINUTES; run from cron or the task). With an adviser: all of theirs,
    whatever their age (they have just signed in, so the session that held them is gone).
    Contacts with no adviser (Open311, email and text messages in) are not the desk's and
    are left alone. Each ends at the start plus the timeout, or now if sooner, so a forgotten
    contact does not count as hours of handling; FCR counts them apart.
    """
    now = now or timezone.now()
    timeout = older_than if older_than is not None else contact_timeout()
    stale = Contact.objects.filter(ended_at__isnull=True, adviser__isnull=False)
    if adviser is not None:
        stale = stale.filter(adviser=adviser)
    else:
        stale = stale.filter(started_at__lt=now - timeout)
    closed = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and re-checked: the adviser may end it themselves meanwhile.
            contact = Contact.objects.select_for_update().filter(pk=pk, ended_at__isnull=True)
            contact = contact.first()
            if contact is None:
                continue
            contact.outcome = Outcome.TIMED_OUT
            contact.ended_at = max(contact.started_at, min(now, contact.started_at + timeout))
            contact.notes = f"{contact.notes}\n{TIMED_OUT_NOTE}".strip()
            contact.save(update_fields=["outcome", "ended_at", "notes"])
        closed += 1
    return closed


def attach_customer(*, user: AbstractBaseUser, contact: Contact, customer: Customer) -> Contact:
    """Say who an open contact is with (the adviser found them after answering)."""
    from firstcontact.customers.selectors import visible_customers

    if not contact.is_open:
        raise ValidationError({"customer": "This contact has already ended."})
    if not visible_customers(user).filter(pk=customer.pk).exists():
        raise PermissionDenied("You cannot see that customer.")
    if contact.customer_id != customer.pk:
        contact.customer = customer
        contact.save(update_fields=["customer"])
    return contact


CALLBACK_LONGEST_WINDOW = dt.timedelta(hours=12)
CALLBACK_FURTHEST_AHEAD = dt.timedelta(days=90)


def book_callback(
    *,
    user: AbstractBaseUser,
    partner: Partner,
    phone: str,
    reason: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    customer: Customer | None = None,
    contact: Contact | None = None,
    assigned_to: AbstractBaseUser | None = None,
    team: Team | None = None,
    now: dt.datetime | None = None,
) -> Callback:
    """Promise to ring the customer back between two times, for `partner`."""
    from firstcontact.customers.selectors import visible_customers

    if partner.pk not in acts_in_role(user, STAFF_ROLES):
        raise PermissionDenied("You cannot book callbacks for that partner.")
    if customer is not None and not visible_customers(user).filter(pk=customer.pk).exists():
        raise PermissionDenied("You cannot see that customer.")
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        phone = clean_phone(phone or "")
    except ValueError:
        errors["phone"] = "Enter the phone number to call, like 01632 960 001 or 07700 900 982."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say what the callback is about."
    if window_end <= window_start:
        errors["window_end"] = "The end of the window must be after its start."
    elif window_end - window_start > CALLBACK_LONGEST_WINDOW:
        errors["window_end"] = "Keep the window to 12 hours or less."
    if window_end <= now:
        errors["window_start"] = "The callback window must be in the future."
    elif window_start > now + CALLBACK_FURTHEST_AHEAD:
        errors["window_start"] = "Book callbacks no more than 90 days ahead."
    if team is not None and team.partner_id not in acting_partner_ids(user):
        errors["team"] = "Choose a team you work with."
    if (
        assigned_to is not None
        and not assigned_to.memberships.filter(partner_id__in=acting_partner_ids(user)).exists()
    ):
        errors["assigned_to"] = "Choose someone who works with you."
    if errors:
        raise ValidationError(errors)
    return Callback.objects.create(
        partner=partner,
        customer=customer,
        contact=contact,
        phone=phone,
        reason=reason,
        window_start=window_start,
        window_end=window_end,
        assigned_to=assigned_to,
        team=team,
        created_by=user,
    )


def complete_callback(
    *,
    user: AbstractBaseUser,
    callback: Callback,
    result: str,
    notes: str = "",
    at: dt.datetime | None = None,
) -> Callback:
    """Record that the callback was made, and how it went."""
    if result not in CallbackResult.values:
        raise ValidationError({"result": "Choose how the call went."})
    return _finish_callback(user, callback, CallbackStatus.DONE, result, notes, at)


def cancel_callback(
    *, user: AbstractBaseUser, callback: Callback, notes: str = "", at: dt.datetime | None = None
) -> Callback:
    return _finish_callback(user, callback, CallbackStatus.CANCELLED, "", notes, at)


def _finish_callback(user, callback, status, result, notes, at) -> Callback:
    with transaction.atomic():
        current = Callback.objects.select_for_update().get(pk=callback.pk)
        if not visible_callbacks(user).filter(pk=current.pk).exists():
            raise PermissionDenied("That callback is for another partner.")
        if current.partner_id not in acts_in_role(user, STAFF_ROLES):
            raise PermissionDenied("Only advisers and officers make callbacks.")
        if not current.is_open:
            raise ValidationError(
                {"result": f"This callback is already {current.get_status_display().lower()}."}
            )
        current.status = status
        current.result = result
        current.result_notes = (notes or "").strip()
        current.completed_at = at or timezone.now()
        current.completed_by = user
        current.save(
            update_fields=["status", "result", "result_notes", "completed_at", "completed_by"]
        )
    return current
