"""Writes for Open311: a report becomes a Contact on the open311 channel and a service
request raised through the same services as every other channel; a retry with the same
client id returns the same request."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Outcome
from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import Channel, Customer
from firstcontact.customers.services import create_customer
from firstcontact.open311.models import (
    Open311Client,
    Open311Submission,
    Open311UpdateSubmission,
)
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Partner
from firstcontact.servicerequests.models import RequestPhoto, RequestUpdate, ServiceRequest
from firstcontact.servicerequests.services import add_customer_update, raise_request


@dataclass
class Report:
    service: Service
    location: Location
    description: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    account_id: str = ""
    device_id: str = ""
    media_urls: list[str] = field(default_factory=list)
    # (upload, content type) pairs already passed by servicerequests.photos.check_photos
    photos: list[tuple] = field(default_factory=list)
    client_request_id: str = ""


def _existing_submission(client: Open311Client, client_request_id: str):
    if not client_request_id:
        return None
    return (
        Open311Submission.objects.select_related("service_request__service")
        .filter(client=client, client_request_id=client_request_id)
        .first()
    )


def match_or_create_customer(partner: Partner, report: Report) -> Customer | None:
    """The partner's customer with this email (or phone), when the name does not say it is
    someone else; else a new record. Anonymous (None) without a contact point or a name."""
    if not (report.email or report.phone):
        return None
    family = report.last_name or report.first_name
    given = report.first_name if report.last_name else ""
    wanted = normalise_name(family) if family else ""
    candidates = Customer.objects.filter(partner=partner).order_by("pk")
    for lookup in (
        {"emails__address__iexact": report.email} if report.email else None,
        {"phones__number": report.phone} if report.phone else None,
    ):
        if lookup is None:
            continue
        for customer in candidates.filter(**lookup)[:5]:
            if not wanted or normalise_name(customer.family_name) == wanted:
                return customer
    if not family:
        return None
    return create_customer(
        user=None,
        partner=partner,
        given_name=given,
        family_name=family,
        emails=[report.email] if report.email else [],
        phones=[report.phone] if report.phone else [],
        preferred_channel=Channel.OPEN311,
    )


def submit_report(*, client: Open311Client, report: Report) -> tuple[ServiceRequest, bool]:
    """The request for this report, and whether it was created now (False: a retry).

    Raises ValidationError (field-named) when the report cannot be raised.
    """
    existing = _existing_submission(client, report.client_request_id)
    if existing is not None:
        return existing.service_request, False
    partner = client.partner
    saved: list[str] = []
    try:
        with transaction.atomic():
            customer = match_or_create_customer(partner, report)
            contact = start_contact(
                user=None, channel=Channel.OPEN311, partner=partner, customer=customer
            )
            request = raise_request(
                user=None,
                service=report.service,
                channel=Channel.OPEN311,
                location=report.location,
                description=report.description,
                attributes=report.attributes,
                customer=customer,
                contact=contact,
                ignore_unknown_attributes=True,
            )
            end_contact(contact=contact, outcome=Outcome.REQUEST_RAISED, reasons=[report.service])
            Open311Submission.objects.create(
                client=client,
                partner=partner,
                service_request=request,
                client_request_id=report.client_request_id,
                account_id=report.account_id,
                device_id=report.device_id,
                media_urls=report.media_urls,
            )
            for upload, content_type in report.photos:
                photo = RequestPhoto(
                    request=request, content_type=content_type, size=upload.size or 0
                )
                photo.file.save(f"photo.{photo.extension}", upload, save=False)
                saved.append(photo.file.name)
                photo.save()
    except IntegrityError:
        _remove(saved)
        # Two tries of the same report at once: the other one won.
        existing = _existing_submission(client, report.client_request_id)
        if existing is not None:
            return existing.service_request, False
        raise
    except BaseException:
        _remove(saved)
        raise
    return request, True


def _remove(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def submit_update(
    *,
    client: Open311Client,
    request: ServiceRequest,
    client_update_id: str,
    description: str,
    status: str = "",
    author_name: str = "",
    media_urls: list[str] | None = None,
) -> tuple[RequestUpdate, bool]:
    """A resident's update on their request, recorded once per client update_id."""

    def existing() -> RequestUpdate | None:
        if not client_update_id:
            return None
        found = (
            Open311UpdateSubmission.objects.select_related("request_update")
            .filter(client=client, client_update_id=client_update_id)
            .first()
        )
        return found.request_update if found else None

    already = existing()
    if already is not None:
        return already, False
    parts = [description.strip()]
    if status:
        parts.append(f"Status given by the resident: {status}.")
    parts += [f"Media: {url}" for url in media_urls or []]
    text = "\n\n".join(p for p in parts if p)
    try:
        with transaction.atomic():
            update = add_customer_update(
                request=request, text=text, author_name=author_name, public=False
            )
            Open311UpdateSubmission.objects.create(
                client=client,
                request_update=update,
                client_update_id=client_update_id,
                media_urls=media_urls or [],
            )
    except IntegrityError:
        already = existing()
        if already is not None:
            return already, False
        raise
    return update, True
