"""Writes to customer records. Each is one transaction and leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    clean_postcode,
    clean_uprn,
)
from firstcontact.customers.models import (
    Channel,
    Consent,
    ConsentPurpose,
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerKind,
    CustomerPhone,
)
from firstcontact.customers.selectors import visible_customers
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import STAFF_ROLES, acts_in_role
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.validation import unstorable_fields


def _clean_addresses(addresses: Iterable[Mapping[str, str]], errors: dict) -> list[dict]:
    cleaned = []
    for i, address in enumerate(addresses):
        line1 = (address.get("line1") or "").strip()
        row = {
            "line1": line1,
            "line2": (address.get("line2") or "").strip(),
            "town": (address.get("town") or "").strip(),
        }
        if not line1:
            errors[f"addresses[{i}].line1"] = "Enter the first line of the address."
        try:
            row["postcode"] = clean_postcode(address.get("postcode") or "")
        except ValueError as exc:
            errors[f"addresses[{i}].postcode"] = str(exc)
        if address.get("uprn"):
            try:
                row["uprn"] = clean_uprn(str(address["uprn"]))
            except ValueError as exc:
                errors[f"addresses[{i}].uprn"] = str(exc)
        cleaned.append(row)
    return cleaned


def create_customer(
    *,
    user: AbstractBaseUser | None,
    partner: Partner,
    kind: str = CustomerKind.PERSON,
    title: str = "",
    given_name: str = "",
    family_name: str = "",
    organisation_name: str = "",
    date_of_birth: dt.date | None = None,
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    addresses: Iterable[Mapping[str, str]] = (),
    preferred_channel: str = "",
    preferred_language: str = "en",
    accessibility_needs: str = "",
    consents: Iterable[str] = (),
    consent_how: str = "",
    share_with: Iterable[Partner] = (),
) -> Customer:
    """Create a customer held by `partner`. Needs a name and at least one contact point.

    `user` None means a resident creating their own record through self-service.
    `consents`: purposes the customer agreed to (updates, surveys); `share_with`: the
    partners they agreed may see their records (one consent to sharing for each, naming
    it: a consent to sharing always names its recipient).
    """
    if user is not None and partner.pk not in acts_in_role(user, STAFF_ROLES):
        raise PermissionDenied("You cannot create records for that partner.")
    addresses = list(addresses)
    errors: dict[str, str] = unstorable_fields(
        {
            "title": title,
            "given_name": given_name,
            "family_name": family_name,
            "organisation_name": organisation_name,
            "accessibility_needs": accessibility_needs,
            "preferred_language": preferred_language,
            **{f"addresses[{i}].{k}": v for i, a in enumerate(addresses) for k, v in a.items()},
        }
    )
    given_name, family_name = given_name.strip(), family_name.strip()
    organisation_name = organisation_name.strip()
    if kind not in CustomerKind.values:
        errors["kind"] = "Choose person or organisation."
    elif kind == CustomerKind.PERSON and not family_name:
        errors["family_name"] = "Enter the customer's last name."
    elif kind == CustomerKind.ORGANISATION and not organisation_name:
        errors["organisation_name"] = "Enter the organisation's name."
    if date_of_birth is not None:
        today = timezone.localdate()
        if date_of_birth > today:
            errors["date_of_birth"] = "Date of birth must be in the past."
        elif date_of_birth.year < today.year - 130:
            errors["date_of_birth"] = "Date of birth must be within the last 130 years."
    if preferred_channel and preferred_channel not in Channel.values:
        errors["preferred_channel"] = "Choose a channel from the list."
    clean_phones, clean_emails = [], []
    for i, phone in enumerate(p for p in phones if p and p.strip()):
        try:
            clean_phones.append(clean_phone(phone))
        except ValueError as exc:
            errors[f"phones[{i}]"] = str(exc)
    for i, email in enumerate(e for e in emails if e and e.strip()):
        try:
            clean_emails.append(clean_email(email))
        except ValueError as exc:
            errors[f"emails[{i}]"] = str(exc)
    clean_addresses = _clean_addresses(addresses, errors)
    if not (clean_phones or clean_emails or clean_addresses) and not any(
        k.startswith(("phones", "emails", "addresses")) for k in errors
    ):
        errors["contact_points"] = "Give at least one phone number, email address or address."
    unknown_consents = set(consents) - set(ConsentPurpose.values)
    if unknown_consents:
        errors["consents"] = f"Unknown consent: {', '.join(sorted(unknown_consents))}."
    elif ConsentPurpose.SHARE_WITH_PARTNERS in set(consents):
        errors["consents"] = "Name the partners the customer agrees may see their records."
    recipients = {p.pk: p for p in share_with if p.pk != partner.pk}
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        customer = Customer.objects.create(
            partner=partner,
            kind=kind,
            title=title.strip(),
            given_name=given_name,
            family_name=family_name,
            organisation_name=organisation_name,
            date_of_birth=date_of_birth,
            preferred_channel=preferred_channel,
            preferred_language=preferred_language or "en",
            accessibility_needs=accessibility_needs.strip(),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        CustomerPhone.objects.bulk_create(
            CustomerPhone(customer=customer, number=n) for n in dict.fromkeys(clean_phones)
        )
        CustomerEmail.objects.bulk_create(
            CustomerEmail(customer=customer, address=e) for e in dict.fromkeys(clean_emails)
        )
        CustomerAddress.objects.bulk_create(
            CustomerAddress(customer=customer, **a) for a in clean_addresses
        )
        now = timezone.now()
        Consent.objects.bulk_create(
            Consent(
                customer=customer,
                purpose=purpose,
                given_at=now,
                recorded_by=user if user is not None and user.is_authenticated else None,
                how=consent_how,
            )
            for purpose in dict.fromkeys(consents)
        )
        Consent.objects.bulk_create(
            Consent(
                customer=customer,
                purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
                recipient=recipient,
                given_at=now,
                recorded_by=user if user is not None and user.is_authenticated else None,
                how=consent_how,
            )
            for recipient in recipients.values()
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.CREATE,
            object_type="customer",
            object_id=customer.pk,
            customer_id=customer.pk,
        )
    return customer


def record_consent(
    *,
    user: AbstractBaseUser | None,
    customer: Customer,
    purpose: str,
    recipient: Partner | None = None,
    how: str = "",
) -> Consent:
    """Record a consent the customer gave. Staff may record one only for a customer they may
    read; a consent to sharing names the partner it lets see the record (`recipient`).
    `user` None: the resident themselves (self-service)."""
    if user is not None and not visible_customers(user).filter(pk=customer.pk).exists():
        raise PermissionDenied("You cannot record consents for that customer.")
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": "Choose a consent purpose from the list."})
    if purpose == ConsentPurpose.SHARE_WITH_PARTNERS and recipient is None:
        raise ValidationError({"recipient": "Name the partner the customer agrees may see it."})
    if recipient is not None and recipient.pk == customer.partner_id:
        raise ValidationError({"recipient": "That partner already holds the record."})
    with transaction.atomic():
        consent = Consent.objects.create(
            customer=customer,
            purpose=purpose,
            recipient=recipient,
            given_at=timezone.now(),
            recorded_by=user if user is not None and user.is_authenticated else None,
            how=how,
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="consent",
            object_id=consent.pk,
            customer_id=customer.pk,
            detail=f"consent given: {purpose}"
            + (f" (recipient: {recipient.slug})" if recipient is not None else ""),
        )
    return consent


def withdraw_consent(*, user: AbstractBaseUser | None, consent: Consent) -> Consent:
    """Withdraw a consent at once (searches and pages stop showing what it let a partner
    see). Staff: only for a customer they may read. `user` None: the resident themselves."""
    if user is not None and not visible_customers(user).filter(pk=consent.customer_id).exists():
        raise PermissionDenied("You cannot change that customer's consents.")
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            raise ValidationError({"consent": "This consent has already been withdrawn."})
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="consent",
            object_id=current.pk,
            customer_id=current.customer_id,
            detail=f"consent withdrawn: {current.purpose}"
            + (f" (recipient: {current.recipient.slug})" if current.recipient_id else ""),
        )
    consent.withdrawn_at = current.withdrawn_at
    return current
