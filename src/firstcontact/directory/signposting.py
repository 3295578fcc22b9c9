"""Signposting at the desk: an adviser gives a customer one or more directory services during
a contact, optionally sends them the short list by email, and the contact ends "signposted"
(a first-contact answer: no request, no callback)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.services import end_contact
from firstcontact.customers.contact_points import clean_email
from firstcontact.directory import finder
from firstcontact.directory.models import Service, Signpost
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event

MAX_SIGNPOSTS = 10


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


def signpost(
    *,
    user,
    contact: Contact,
    services: list[Service],
    email: str = "",
    end: bool = True,
) -> list[Signpost]:
    """Record the services given, send them by email if an address is given, and end the
    contact as signposted (unless `end` is False: a request was raised in it too)."""
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
    names = [s.display_name for s in services]
    with transaction.atomic():
        notification = None
        if address:
            notification = queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=address,
                subject="Services we talked about",
                body=short_list(services),
            )
            if contact.customer_id:
                record_audit_event(
                    user=user,
                    action=AuditEvent.Action.CREATE,
                    object_type="notification",
                    object_id=str(notification.pk),
                    customer_id=contact.customer_id,
                    detail="signposting list sent by email",
                )
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
