"""Writes to customer records. Each is one transaction and leaves an audit event."""

from __future__ import annotations

import datetime as dt
import re
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
    format_phone,
)
from firstcontact.customers.models import (
    CHANGE_LABELS,
    Channel,
    Consent,
    ConsentPurpose,
    Customer,
    CustomerAddress,
    CustomerChange,
    CustomerEmail,
    CustomerKind,
    CustomerPhone,
)
from firstcontact.customers.selectors import can_edit_customer, visible_customers
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import STAFF_ROLES, acts_in_role
from firstcontact.privacy.models import AuditEvent, DataCategory
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


# --- editing a record ------------------------------------------------------------------------

# The fields an edit may change (CustomerChange.field); contact points and the address are
# each one field, as a list.
EDITABLE = tuple(CHANGE_LABELS)
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
PHONE_ERROR = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192."
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com."
POSTCODE_ERROR = "Enter a real postcode, like WX2 1AA."


class EditConflict(Exception):
    """Someone else saved the record since the editor opened it: `current` is the record as it
    is now, `missed` the changes made since the version the editor saw (oldest first)."""

    def __init__(self, current: Customer, missed: list[CustomerChange]) -> None:
        super().__init__("This record was changed while you were editing it.")
        self.current = current
        self.missed = missed


def _address_text(address: CustomerAddress | Mapping[str, str] | None) -> str:
    if address is None:
        return ""
    get = address.get if isinstance(address, Mapping) else lambda k: getattr(address, k)
    text = ", ".join(p for p in (get("line1"), get("line2"), get("town"), get("postcode")) if p)
    return f"{text} (UPRN {get('uprn')})" if get("uprn") else text


def _current_address(customer: Customer) -> CustomerAddress | None:
    return customer.addresses.filter(is_current=True).order_by("-pk").first()


def record_values(customer: Customer) -> dict[str, str]:
    """What the history shows of each editable field: the text staff read on the record."""
    return {
        "title": customer.title,
        "given_name": customer.given_name,
        "family_name": customer.family_name,
        "organisation_name": customer.organisation_name,
        "date_of_birth": f"{customer.date_of_birth:%-d %B %Y}" if customer.date_of_birth else "",
        "phones": "; ".join(format_phone(p.number) for p in customer.phones.order_by("pk")),
        "emails": "; ".join(e.address for e in customer.emails.order_by("pk")),
        "address": _address_text(_current_address(customer)),
        "preferred_channel": customer.get_preferred_channel_display()
        if customer.preferred_channel
        else "",
        "preferred_language": customer.preferred_language,
        "accessibility_needs": customer.accessibility_needs,
        "vulnerability": customer.vulnerability,
        "deceased": "Yes" if customer.deceased else "No",
        "date_of_death": f"{customer.date_of_death:%-d %B %Y}" if customer.date_of_death else "",
        "moved_away": "Yes" if customer.moved_away else "No",
    }


def _clean_edit(customer: Customer, data: Mapping[str, object]) -> tuple[dict, dict[str, str]]:
    """The edit's values, cleaned, and field errors (keys as the form's fields)."""
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    texts = {k: v for k, v in data.items() if isinstance(v, str)}
    address = data.get("address")
    if isinstance(address, Mapping):
        texts.update({f"address.{k}": v for k, v in address.items() if isinstance(v, str)})
    errors: dict[str, str] = unstorable_fields(texts)
    clean: dict[str, object] = {}
    for key in ("title", "given_name", "family_name", "organisation_name", "vulnerability"):
        if key in data:
            clean[key] = str(data[key] or "").strip()
    if "accessibility_needs" in data:
        clean["accessibility_needs"] = str(data["accessibility_needs"] or "").strip()
    kind = customer.kind
    if kind == CustomerKind.PERSON and "family_name" in clean and not clean["family_name"]:
        errors["family_name"] = "Enter the customer's last name."
    if kind == CustomerKind.ORGANISATION and not clean.get("organisation_name", "x"):
        errors["organisation_name"] = "Enter the organisation's name."
    today = timezone.localdate()
    for key, what in (("date_of_birth", "Date of birth"), ("date_of_death", "Date of death")):
        if key not in data:
            continue
        day = data[key]
        if day is not None and not isinstance(day, dt.date):
            errors[key] = f"{what} must be a real date."
        elif day is not None and day > today:
            errors[key] = f"{what} must be today or in the past."
        elif day is not None and day.year < today.year - 130:
            errors[key] = f"{what} must be within the last 130 years."
        clean[key] = day
    dob = clean.get("date_of_birth", customer.date_of_birth)
    dod = clean.get("date_of_death", customer.date_of_death)
    if dob and dod and dod < dob and "date_of_death" not in errors:
        errors["date_of_death"] = "Date of death must be after the date of birth."
    if "preferred_channel" in data:
        channel = str(data["preferred_channel"] or "")
        if channel and channel not in Channel.values:
            errors["preferred_channel"] = "Choose a channel from the list."
        clean["preferred_channel"] = channel
    if "preferred_language" in data:
        language = str(data["preferred_language"] or "").strip() or "en"
        if not LANGUAGE_TAG.match(language):
            errors["preferred_language"] = (
                "Enter a language code, like en for English, cy for Welsh or pl for Polish."
            )
        clean["preferred_language"] = language
    for key in ("deceased", "moved_away"):
        if key in data:
            clean[key] = bool(data[key])
    if "phones" in data:
        phones = []
        for i, phone in enumerate(data["phones"] or []):
            if phone and str(phone).strip():
                try:
                    phones.append(clean_phone(str(phone)))
                except ValueError:
                    errors[f"phones[{i}]"] = PHONE_ERROR
        clean["phones"] = list(dict.fromkeys(phones))
    if "emails" in data:
        emails = []
        for i, email in enumerate(data["emails"] or []):
            if email and str(email).strip():
                try:
                    emails.append(clean_email(str(email)))
                except ValueError:
                    errors[f"emails[{i}]"] = EMAIL_ERROR
        clean["emails"] = list(dict.fromkeys(e for e in emails))
    if "address" in data:
        given = data["address"] or {}
        if any(str(v or "").strip() for v in given.values()):
            row = {k: str(given.get(k) or "").strip() for k in ("line1", "line2", "town")}
            if not row["line1"]:
                errors["address.line1"] = "Enter the first line of the address."
            try:
                row["postcode"] = clean_postcode(str(given.get("postcode") or ""))
            except ValueError:
                errors["address.postcode"] = POSTCODE_ERROR
            row["uprn"] = ""
            if str(given.get("uprn") or "").strip():
                try:
                    row["uprn"] = clean_uprn(str(given["uprn"]))
                except ValueError as exc:
                    errors["address.uprn"] = str(exc)
            clean["address"] = row
        else:
            clean["address"] = None
    if clean.get("deceased") is False and "date_of_death" in clean and clean["date_of_death"]:
        errors["date_of_death"] = "Tick 'Deceased' to give a date of death, or leave it blank."
    return clean, errors


def update_customer(
    *,
    user: AbstractBaseUser,
    customer: Customer,
    version: int,
    data: Mapping[str, object],
) -> list[CustomerChange]:
    """Change the fields named in `data` (EDITABLE: phones and emails as lists, `address` the
    current address as a dict or None for none). Each field that changes is kept in the
    history (who, when, before, after) and the edit is audited (field names only).

    `version` is the record's version the editor saw: if someone saved since, EditConflict
    (with what they changed), and nothing is saved. A new address keeps the old one as a
    previous address. Who may: can_edit_customer (docs/access.md).
    """
    if not visible_customers(user).filter(pk=customer.pk).exists():
        raise PermissionDenied("You cannot see that customer.")
    if not can_edit_customer(user, customer):
        raise PermissionDenied(
            f"Only advisers, caseworkers, team leaders and managers of {customer.partner.name} "
            "(or of a hub acting for it) may change this record: ask them to."
        )
    clean, errors = _clean_edit(customer, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Customer.objects.select_for_update().select_related("partner").get(pk=customer.pk)
        if current.version != version:
            missed = list(current.changes.filter(version__gt=version).order_by("changed_at", "pk"))
            raise EditConflict(current, missed)
        before = record_values(current)
        for key in (
            "title", "given_name", "family_name", "organisation_name", "date_of_birth",
            "preferred_channel", "preferred_language", "accessibility_needs", "vulnerability",
            "deceased", "date_of_death", "moved_away",
        ):  # fmt: skip
            if key in clean:
                setattr(current, key, clean[key])
        if not current.deceased:
            current.date_of_death = None
        if "phones" in clean:
            numbers = clean["phones"]
            current.phones.exclude(number__in=numbers).delete()
            kept = set(current.phones.values_list("number", flat=True))
            CustomerPhone.objects.bulk_create(
                CustomerPhone(customer=current, number=n) for n in numbers if n not in kept
            )
        if "emails" in clean:
            addresses = clean["emails"]
            current.emails.exclude(address__in=addresses).delete()
            kept = set(current.emails.values_list("address", flat=True))
            CustomerEmail.objects.bulk_create(
                CustomerEmail(customer=current, address=a) for a in addresses if a not in kept
            )
        if "address" in clean:
            old = _current_address(current)
            new = clean["address"]
            if _address_text(old) != _address_text(new):
                # The old address stays on the record as a previous one.
                current.addresses.filter(is_current=True).update(is_current=False)
                if new is not None:
                    CustomerAddress.objects.create(customer=current, is_current=True, **new)
        changes = keep_history(current, before, user=user, who=user.get_username(), how="edited")
    customer.version = current.version
    return changes


def keep_history(
    current: Customer,
    before: dict[str, str],
    *,
    user: AbstractBaseUser | None,
    who: str,
    how: str,
    username: str = "",
) -> list[CustomerChange]:
    """After `current` (locked) was changed from `before` (record_values): the next version,
    a history row per changed field, and an audit event. Nothing when nothing changed."""
    after = record_values(current)
    changed = [f for f in after if before.get(f) != after[f]]
    if not changed:
        return []
    current.version += 1
    current.save()
    now = timezone.now()
    changes = CustomerChange.objects.bulk_create(
        CustomerChange(
            customer=current,
            version=current.version,
            changed_at=now,
            changed_by=user,
            changed_by_name=who[:150],
            field=f,
            old_value=before.get(f, ""),
            new_value=after[f],
        )
        for f in changed
    )
    record_audit_event(
        user=user,
        action=AuditEvent.Action.UPDATE,
        object_type="customer",
        object_id=current.pk,
        customer_id=current.pk,
        username=username,
        detail=f"{how} (version {current.version}): {', '.join(changed)}",
    )
    return changes


# --- consents ------------------------------------------------------------------------------------


def consent_wording(
    purpose: str, *, holder: Partner, recipient: Partner | None = None, data_category: str = ""
) -> str:
    """The words put to the customer for a consent (and kept with it)."""
    if purpose == ConsentPurpose.SHARE_WITH_PARTNERS:
        what = (
            DataCategory(data_category).label.lower()
            if data_category in DataCategory.values
            else "details, contact history and requests"
        )
        whom = recipient.name if recipient is not None else "another partner"
        return (
            f"Do you agree that {holder.name} may share your {what} with {whom}, so that "
            f"{whom} can help you? You can change your mind at any time."
        )
    if purpose == ConsentPurpose.EMAIL_UPDATES:
        return (
            f"Do you agree that {holder.name} may send you updates about your requests by "
            "email? You can ask us to stop at any time."
        )
    if purpose == ConsentPurpose.SMS_UPDATES:
        return (
            f"Do you agree that {holder.name} may send you updates about your requests by "
            "text message? You can ask us to stop at any time."
        )
    return (
        f"Do you agree that {holder.name} may ask you how satisfied you were with our "
        "service? You can ask us to stop at any time."
    )


def record_consent(
    *,
    user: AbstractBaseUser | None,
    customer: Customer,
    purpose: str,
    recipient: Partner | None = None,
    how: str = "",
    data_category: str = "",
    wording: str = "",
    channel: str = "",
    refuse_repeat: bool = False,
) -> Consent:
    """Record a consent the customer gave. Staff may record one only for a customer they may
    read; a consent to sharing names the partner it lets see the record (`recipient`) and may
    name the one data category it covers (`data_category`; empty: all an agreement covers).
    `wording`: the words put to the customer (consent_wording's by default); `channel`: how
    they gave it. `refuse_repeat`: a ValidationError if the same consent is already current
    (the desk's form; a referral or tell us once may give it again, and it is kept again).
    `user` None: the resident themselves (self-service)."""
    if user is not None and not visible_customers(user).filter(pk=customer.pk).exists():
        raise PermissionDenied("You cannot record consents for that customer.")
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": "Choose a consent purpose from the list."})
    if purpose == ConsentPurpose.SHARE_WITH_PARTNERS and recipient is None:
        raise ValidationError({"recipient": "Name the partner the customer agrees may see it."})
    if recipient is not None and recipient.pk == customer.partner_id:
        raise ValidationError({"recipient": "That partner already holds the record."})
    if data_category and data_category not in DataCategory.values:
        raise ValidationError({"data_category": "Choose the data it covers from the list."})
    if data_category and purpose != ConsentPurpose.SHARE_WITH_PARTNERS:
        raise ValidationError({"data_category": "Only a consent to sharing names its data."})
    if channel and channel not in Channel.values:
        raise ValidationError({"channel": "Choose how the customer gave it from the list."})
    if purpose != ConsentPurpose.SHARE_WITH_PARTNERS:
        recipient = None
    same = Consent.objects.current().filter(
        customer=customer, purpose=purpose, recipient=recipient, data_category=data_category
    )
    if refuse_repeat and same.exists():
        raise ValidationError({"purpose": "The customer has already given this consent."})
    wording = (wording or "").strip() or consent_wording(
        purpose, holder=customer.partner, recipient=recipient, data_category=data_category
    )
    with transaction.atomic():
        consent = Consent.objects.create(
            customer=customer,
            purpose=purpose,
            recipient=recipient,
            given_at=timezone.now(),
            recorded_by=user if user is not None and user.is_authenticated else None,
            how=how[:200],
            data_category=data_category,
            wording=wording,
            channel=channel,
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="consent",
            object_id=consent.pk,
            customer_id=customer.pk,
            detail=f"consent given: {purpose}"
            + (f" (recipient: {recipient.slug})" if recipient is not None else "")
            + (f" [{data_category}]" if data_category else "")
            + (f" by {channel}" if channel else ""),
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
        current.withdrawn_by = user if user is not None and user.is_authenticated else None
        current.save(update_fields=["withdrawn_at", "withdrawn_by"])
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
    consent.withdrawn_by = current.withdrawn_by
    return current
