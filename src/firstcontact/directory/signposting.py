"""Signposting at the desk: an adviser gives a customer one or more directory services during
a contact, optionally sends them the short list by email, and the contact ends "signposted"
(a first-contact answer: no request, no callback). The list may go by text message too, in a
shorter form (a name, a phone number and a place for each service)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.services import end_contact
from firstcontact.customers.contact_points import clean_email, clean_phone, format_phone
from firstcontact.directory import finder
from firstcontact.directory.models import Service, Signpost
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event

MAX_SIGNPOSTS = 10
# GOV.UK Notify sends texts of up to 918 characters (6 fragments, each charged): the list is
# kept to 4 fragments, and services past that are named as "and N more".
SMS_MAX_CHARS = 612


def short_list(services: list[Service]) -> str:
    """The list as a plain-text message: each service's place, times and contacts."""
    rows = []
    for service in services:
        at = next(iter(service.at_locations.all()), None)
        location = at.location if at else None
        addresses = list(location.addresses.all()) if location else []
        schedules = (list(at.schedules.all()) if at else []) or list(service.schedules.all())
        phones = list(service.phones.all()) + (list(location.phones.all()) if location else [])
        rows.append(
            {
                "name": service.display_name,
                "organization": service.organization.name if service.organization else "",
                "address": addresses[0] if addresses else None,
                "times": [t for t in (finder.describe(s) for s in schedules) if t],
                "phones": phones,
                "contacts": list(service.contacts.all()),
                "email": service.email,
                "url": service.url,
            }
        )
    with translation.override("en-gb"):
        return render_to_string("portal/directory_list_email.txt", {"rows": rows, "query_url": ""})


def sms_short_list(services: list[Service]) -> str:
    """The list for a text message: each service's name, a phone number and where it is, as
    many as fit in SMS_MAX_CHARS."""
    header = "Services we talked about:"
    lines: list[str] = []
    for i, service in enumerate(services):
        at = next(iter(service.at_locations.all()), None)
        location = at.location if at else None
        addresses = list(location.addresses.all()) if location else []
        phones = [
            *service.phones.all(),
            *(p for c in service.contacts.all() for p in c.phones.all()),
            *(location.phones.all() if location else []),
        ]
        parts = [service.display_name]
        if phones:
            parts.append(format_phone(phones[0].number))
        if addresses:
            parts.append(" ".join(filter(None, [addresses[0].address_1, addresses[0].postal_code])))
        elif service.url:
            parts.append(service.url)
        line = (f"{i + 1}. " + ", ".join(p for p in parts if p))[:200]
        left = len(services) - i - 1
        more = [f"and {left} more: ask us for details."] if left else []
        if len("\n".join([header, *lines, line, *more])) > SMS_MAX_CHARS:
            # This one and the rest do not fit: name how many are left out.
            return "\n".join([header, *lines, f"and {left + 1} more: ask us for details."])
        lines.append(line)
    return "\n".join([header, *lines])


def signpost(
    *,
    user,
    contact: Contact,
    services: list[Service],
    email: str = "",
    phone: str = "",
    end: bool = True,
) -> list[Signpost]:
    """Record the services given, send them by email if an address is given and by text if a
    phone number is, and end the contact as signposted (unless `end` is False: a request was
    raised in it too)."""
    if not contact.is_open:
        raise ValidationError("This contact has already ended.")
    if not services:
        raise ValidationError({"services": "Choose at least one service to signpost to."})
    if len(services) > MAX_SIGNPOSTS:
        raise ValidationError({"services": f"Choose up to {MAX_SIGNPOSTS} services."})
    address = ""
    if email:
        try:
            address = clean_email(email)
        except ValueError:
            raise ValidationError(
                {"email": "Enter an email address in the correct format, like name@example.com"}
            ) from None
    number = ""
    if phone:
        try:
            number = clean_phone(phone)
        except ValueError:
            raise ValidationError(
                {"phone": "Enter a mobile phone number, like 07700 900 982"}
            ) from None
    names = [s.display_name for s in services]
    with transaction.atomic():
        sent = []
        if address:
            sent.append(
                queue_notification(
                    channel=NotificationChannel.EMAIL,
                    recipient=address,
                    subject="Services we talked about",
                    body=short_list(services),
                )
            )
        if number:
            sent.append(
                queue_notification(
                    channel=NotificationChannel.SMS,
                    recipient=number,
                    subject="Services we talked about",
                    body=sms_short_list(services),
                )
            )
        for n in sent:
            if contact.customer_id:
                record_audit_event(
                    user=user,
                    action=AuditEvent.Action.CREATE,
                    object_type="notification",
                    object_id=str(n.pk),
                    customer_id=contact.customer_id,
                    detail=f"signposting list sent by {n.get_channel_display().lower()}",
                )
        # Each signpost keeps one message: the email if there was one, else the text.
        notification = sent[0] if sent else None
        rows = Signpost.objects.bulk_create(
            Signpost(
                contact=contact,
                service=service,
                service_name=name[:300],
                adviser=user if getattr(user, "is_authenticated", False) else None,
                notification=notification,
            )
            for service, name in zip(services, names, strict=True)
        )
        if end:
            note = "Signposted to " + "; ".join(names)
            notes = f"{contact.notes}\n{note}".strip() if contact.notes else note
            end_contact(contact=contact, outcome=Outcome.SIGNPOSTED, notes=notes[:5000])
    return rows
