"""The demo's data protection: a person held by the county and by a district (two linked
records), viewed by staff at both, and one subject access request logged for them, so the
DPO pages (/dpo/) have something real to show: the county's DPO (`dpo`) sees the county's
record of them, the partnership's (`partnership-dpo`) both partners' records."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from firstcontact.customers.models import (
    Consent,
    ConsentPurpose,
    Customer,
    CustomerAddress,
    CustomerKind,
    CustomerLink,
)
from firstcontact.demo.partnership import COUNTY, DISTRICTS, Partnership
from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest, one_calendar_month_after
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest, UpdateKind


def demo_subject_access_link(*, with_request: bool = True) -> CustomerLink | None:
    """The first link between the county's and a district's record of one person (whose
    district record has a service request, unless `with_request` is False)."""
    links = (
        CustomerLink.objects.filter(
            from_customer__partner__slug=COUNTY, to_customer__partner__slug__in=DISTRICTS
        )
        .select_related("from_customer__partner", "to_customer__partner")
        .order_by("pk")
    )
    if with_request:
        links = links.filter(
            Exists(ServiceRequest.objects.filter(customer_id=OuterRef("to_customer_id")))
        )
    return links.first()


def _link_a_district_person(partnership: Partnership) -> CustomerLink | None:
    """A small demo may have no such link: give the county a record of a district's
    customer who has a request, linked as staff would link it."""
    person = (
        Customer.objects.filter(
            partner__slug__in=DISTRICTS,
            kind=CustomerKind.PERSON,
            service_requests__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        return None
    copy = Customer.objects.create(
        partner=partnership.partners[COUNTY],
        kind=CustomerKind.PERSON,
        title=person.title,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        preferred_language=person.preferred_language,
    )
    for address in person.addresses.filter(is_current=True)[:1]:
        CustomerAddress.objects.create(
            customer=copy,
            line1=address.line1,
            town=address.town,
            postcode=address.postcode,
            uprn=address.uprn,
        )
    return CustomerLink.objects.create(
        from_customer=copy, to_customer=person, linked_by=partnership.users["adviser"]
    )


def create_subject_access_demo(partnership: Partnership) -> SubjectAccessRequest | None:
    link = (
        demo_subject_access_link()
        or _link_a_district_person(partnership)
        or demo_subject_access_link(with_request=False)
    )
    if link is None:
        return None
    county_record, district_record = link.from_customer, link.to_customer
    now = timezone.now()
    today = timezone.localdate()
    # What the county holds beyond the record: their consent to share it, in their words.
    Consent.objects.create(
        customer=county_record,
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient=district_record.partner,
        given_at=now - dt.timedelta(days=45),
        how=(
            "Said on the phone to the contact centre: “Yes, you can share my details with "
            f"{district_record.partner.name} so they can sort out my council tax.”"
        ),
    )
    # An internal note on the district's request (what a subject access export must show).
    request = ServiceRequest.objects.filter(customer=district_record).order_by("pk").first()
    if request is not None:
        RequestUpdate.objects.create(
            request=request,
            created_at=max(request.created_at, now - dt.timedelta(days=20)),
            author_name="Back office",
            kind=UpdateKind.NOTE,
            status=request.status,
            public=False,
            text="Internal: the resident asked that letters go to their daughter's address.",
        )
        # Every change bumps the request's version (servicerequests.models).
        ServiceRequest.objects.filter(pk=request.pk).update(version=F("version") + 1)
    # Who viewed them, as the desk records it.
    viewers = [
        (partnership.users["adviser"], county_record),
        (partnership.users["adviser2"], district_record),
    ]
    for user, record in viewers:
        record_audit_event(
            user=user,
            action=AuditEvent.Action.VIEW,
            object_type="customer",
            object_id=record.pk,
            customer_id=record.pk,
            detail="single view",
        )
    received = today - dt.timedelta(days=10)
    sar = SubjectAccessRequest.objects.create(
        customer=county_record,
        partner=county_record.partner,
        subject_name=county_record.display_name,
        received_on=received,
        due_on=one_calendar_month_after(received),
        requester="The person themselves, by email",
        identity_check="Copy of a council tax bill and a photo driving licence, seen by email.",
        logged_by=partnership.users["dpo"],
    )
    record_audit_event(
        user=partnership.users["dpo"],
        action=AuditEvent.Action.CREATE,
        object_type="subject_access_request",
        object_id=sar.pk,
        customer_id=county_record.pk,
        detail=f"received {received:%Y-%m-%d}, due {sar.due_on:%Y-%m-%d}",
    )
    return sar
