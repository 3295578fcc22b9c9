"""Tell us once: plan which partner takes each service of a life event at a place, and raise
one request per service in one transaction, grouped as a bundle with its own reference."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from firstcontact.catalogue.attributes import validate_answers
from firstcontact.catalogue.models import ServiceAttribute, ServiceDelivery
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.contacts.models import Contact
from firstcontact.customers.front_door import customer_for_submission, verified_customer
from firstcontact.customers.models import ConsentPurpose, Customer, CustomerLink
from firstcontact.customers.services import record_consent
from firstcontact.lifeevents.deaths import record_death
from firstcontact.lifeevents.models import (
    Bundle,
    BundleItem,
    LifeEvent,
    LifeEventKind,
    LifeEventService,
)
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.partners.geography import Location
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.permissions import may_raise_requests
from firstcontact.servicerequests.references import new_reference
from firstcontact.servicerequests.services import raise_request


@dataclass(frozen=True)
class PlannedItem:
    """A template item and the partner (and team) that will take it at the place."""

    item: LifeEventService
    delivery: ServiceDelivery


@dataclass(frozen=True)
class Plan:
    available: list[PlannedItem]
    # Items no partner provides at the place, with the reason (for the resident).
    unavailable: list[tuple[LifeEventService, str]] = field(default_factory=list)

    @property
    def partners(self) -> list:
        seen: dict[int, object] = {}
        for planned in self.available:
            seen.setdefault(planned.delivery.partner_id, planned.delivery.partner)
        return list(seen.values())


@dataclass(frozen=True)
class Informant:
    """The person telling us: who the partners contact about the requests."""

    given_name: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""


def template_items(life_event: LifeEvent) -> list[LifeEventService]:
    return list(
        life_event.items.filter(service__active=True)
        .select_related("service", "service__sla_policy")
        .order_by("order", "pk")
    )


def plan_life_event(
    life_event: LifeEvent, location: Location, items: Iterable[LifeEventService] | None = None
) -> Plan:
    """Which partner takes each of the life event's services at `location`."""
    available, unavailable = [], []
    for item in template_items(life_event) if items is None else items:
        try:
            delivery = resolve_delivery(item.service, location)
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms]
            unavailable.append((item, messages[0] if messages else ""))
        else:
            available.append(PlannedItem(item=item, delivery=delivery))
    return Plan(available=available, unavailable=unavailable)


def shared_questions(items: Iterable[LifeEventService]) -> list[tuple[ServiceAttribute, bool]]:
    """The questions to ask once for all the chosen services: each attribute code once (the
    first service's wording), leaving out automated ones and those the template answers.
    Returns (attribute, required by any of the services)."""
    questions: dict[str, ServiceAttribute] = {}
    required: dict[str, bool] = {}
    for item in items:
        preset = item.preset_answers or {}
        for attribute in item.service.attributes.all():
            if attribute.automated or attribute.code in preset:
                continue
            questions.setdefault(attribute.code, attribute)
            required[attribute.code] = required.get(attribute.code, False) or attribute.required
    return [(attribute, required[code]) for code, attribute in questions.items()]


def answers_for(item: LifeEventService, answers: Mapping[str, object]) -> dict[str, object]:
    """The shared answers that this item's service asks for, with the template's presets."""
    codes = {a.code for a in item.service.attributes.all()}
    chosen = {code: value for code, value in answers.items() if code in codes}
    chosen.update(item.preset_answers or {})
    return chosen


def new_bundle_reference() -> str:
    """A reference no bundle or request has (drawn like request references)."""
    while True:
        reference = new_reference()
        if not (
            Bundle.objects.filter(reference=reference).exists()
            or ServiceRequest.objects.filter(reference=reference).exists()
        ):
            return reference


def _acknowledgement(
    bundle: Bundle, rows: Sequence[tuple[LifeEventService, ServiceRequest]]
) -> tuple[str, str]:
    lines = [
        _("Thank you. You told us once, and we have passed it on to everyone below."),
        "",
    ]
    for item, request in rows:
        lines.append(
            f"- {item.service.name}: {request.responsible_partner.name}, "
            + _("reference %(reference)s") % {"reference": request.formatted_reference}
        )
    lines += [
        "",
        _(
            "Your tell us once reference is %(reference)s. Use it, with this email address or "
            "phone number, to see how each request is going."
        )
        % {"reference": bundle.formatted_reference},
    ]
    subject = _("Tell us once: your reference %(reference)s") % {
        "reference": bundle.formatted_reference
    }
    return subject, "\n".join(lines)


def raise_bundle(
    *,
    life_event: LifeEvent,
    items: Sequence[LifeEventService],
    location: Location,
    answers: Mapping[str, object],
    informant: Informant,
    consent: bool,
    consent_wording: str = "",
    channel: str = "web",
    language: str = "en",
    user: AbstractBaseUser | None = None,
    adviser: AbstractBaseUser | None = None,
    contact: Contact | None = None,
    existing_customer: Customer | None = None,
) -> Bundle:
    """Raise one request per chosen service, each routed to its partner at `location`, and
    group them as one bundle. The informant is recorded as a customer of each partner that
    gets a request (each partner holds its own record), with their consent to sharing it
    with each of the other partners that get one (one consent per named partner).

    All or nothing: ValidationError naming fields ("consent", "items", "location",
    "attribute[code]", "email", "phone", "family_name") and nothing raised when anything
    is wrong. One acknowledgement is sent for the whole bundle, not one per request.

    From the desk (`adviser`): the adviser tells every partner on the resident's behalf, as
    the resident would on the web, so each partner's record and request is the resident's own
    (partners the adviser does not act for get theirs too), named as raised by the adviser,
    in their `contact`, and audited as theirs. `existing_customer`, the record the adviser
    found, is used for its own partner instead of a new one, and linked to the others.
    """
    if adviser is not None and not may_raise_requests(adviser):
        raise PermissionDenied(
            "Only advisers, caseworkers, team leaders and managers tell partners for a resident."
        )
    errors: dict[str, str] = {}
    if not consent:
        errors["consent"] = (
            "We can only tell the other organisations if you agree to us sharing what you "
            "have told us with them."
        )
    items = list(items)
    if not items:
        errors["items"] = "Choose at least one service to tell."
    if any(item.life_event_id != life_event.pk for item in items):
        errors["items"] = "Choose services from this life event."
    if not (informant.email or informant.phone):
        errors["email"] = "Give an email address or phone number so the partners can reply."
    plan = plan_life_event(life_event, location, items) if items else Plan([])
    if plan.unavailable:
        errors["location"] = plan.unavailable[0][1]
    for planned in plan.available:
        try:
            validate_answers(
                planned.item.service.attributes.all(), answers_for(planned.item, answers)
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, messages[0])
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        bundle = Bundle.objects.create(
            reference=new_bundle_reference(),
            life_event=life_event,
            channel=channel,
            created_at=now,
            consent_wording=consent_wording,
            consent_given_at=now,
        )
        update_consents = []
        if informant.email:
            update_consents.append(ConsentPurpose.EMAIL_UPDATES)
        elif informant.phone:
            update_consents.append(ConsentPurpose.SMS_UPDATES)
        how = f"Tell us once {bundle.formatted_reference} ({channel}): {consent_wording}"[:200]
        customers: dict[int, Customer] = {}
        # The records this bundle will use are the same person: none is queued for the
        # steward against another (they are linked below).
        same_person = {existing_customer.pk} if existing_customer is not None else set()
        for partner in plan.partners:
            found = verified_customer(
                partner,
                email=informant.email,
                phone=informant.phone,
                family_name=informant.family_name,
            )
            if found is not None:
                same_person.add(found.pk)
        for partner in plan.partners:
            if existing_customer is not None and existing_customer.partner_id == partner.pk:
                customers[partner.pk] = existing_customer
                continue
            # The partner's record whose email or phone the informant proved, else a new one
            # (queued for the steward where it may be a duplicate): customers.front_door.
            customer = customer_for_submission(
                user=user,
                partner=partner,
                channel=channel,
                given_name=informant.given_name,
                family_name=informant.family_name,
                email=informant.email,
                phone=informant.phone,
                preferred_channel="email" if informant.email else "sms",
                preferred_language=language,
                consents=update_consents,
                consent_how=how,
                exclude=same_person | {c.pk for c in customers.values()},
                shared=False,  # each partner told keeps its own record of the informant
                actor=adviser,
            ).customer
            customers[partner.pk] = customer
        # The resident agreed to share what they told us with the partners named on the
        # consent page (those that get a request): each partner's record carries one consent
        # naming each of the others, and lets nobody else see it.
        for partner in plan.partners:
            for other in plan.partners:
                if other.pk != partner.pk:
                    record_consent(
                        user=user,
                        customer=customers[partner.pk],
                        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
                        recipient=other,
                        how=how,
                    )
        # The resident told us these records are the same person: link them, never merge.
        records = list(customers.values())
        CustomerLink.objects.bulk_create(
            (
                CustomerLink(from_customer=records[0], to_customer=other, linked_by=adviser)
                for other in records[1:]
                if other.pk != records[0].pk
            ),
            ignore_conflicts=True,  # records the front door joined may be linked already
        )
        rows = []
        for order, planned in enumerate(plan.available, start=1):
            item = planned.item
            description = f"Told us once: {life_event.name} (bundle {bundle.formatted_reference})."
            if item.what_happens:
                description += f" {item.what_happens}"
            request = raise_request(
                user=user,
                service=item.service,
                channel=channel,
                location=location,
                attributes=answers_for(item, answers),
                description=description,
                customer=customers[planned.delivery.partner_id],
                contact=contact,
                created_at=now,
                acknowledge=False,
            )
            if adviser is not None:
                ServiceRequest.objects.filter(pk=request.pk).update(raised_by=adviser)
                request.raised_by = adviser
            BundleItem.objects.create(
                bundle=bundle, request=request, life_event_service=item, order=order
            )
            rows.append((item, request))
        if life_event.kind == LifeEventKind.BEREAVEMENT:
            # Nobody keeps writing to the person who died: every record of theirs is marked.
            record_death(
                answers=answers,
                location=location,
                told_by=f"Tell us once {bundle.formatted_reference}",
                user=user or adviser,
            )
        record_audit_event(
            user=user or adviser,
            action=AuditEvent.Action.CREATE,
            object_type="bundle",
            object_id=bundle.reference,
            customer_id=records[0].pk,
            detail=f"{life_event.name}: {len(rows)} requests to {len(records)} partners",
        )
        with translation.override(language):
            subject, body = _acknowledgement(bundle, rows)
        first = rows[0][1]
        # The informant's own (cleaned) contact point, from a record made for this bundle.
        made = [r for r in records if r is not existing_customer] + [
            r for r in records if r is existing_customer
        ]
        email = next((e.address for r in made for e in r.emails.all()[:1]), "")
        phone = next((p.number for r in made for p in r.phones.all()[:1]), "")
        if informant.email and email:
            queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=email,
                subject=subject,
                body=body,
                service_request=first,
            )
        elif informant.phone and phone:
            queue_notification(
                channel=NotificationChannel.SMS,
                recipient=phone,
                subject=subject,
                body=body,
                service_request=first,
            )
        if life_event.kind == LifeEventKind.MOVING_IN:
            # A new resident: a welcome pack from the directory around the new address.
            from firstcontact.directory.welcome import send_welcome_pack

            send_welcome_pack(
                location=location,
                email=email if informant.email else "",
                phone=phone if informant.phone and not (informant.email and email) else "",
                language=language,
            )
    return bundle
