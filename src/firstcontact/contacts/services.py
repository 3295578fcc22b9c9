"""Starting and ending contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Contact, Direction, Outcome
from firstcontact.customers.models import Channel, Customer
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import acting_partner_ids, member_partner_ids


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
        if partner.pk not in acting_partner_ids(user):
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
