"""Satisfaction sampling: whom to ask, at what rate, and sending the invitation.

The rate for a contact or closed request comes from the SamplingRule of its queue (a phone
contact's partner and service map to a queue; anything else uses the default rule). Rules are
evaluated after each call import and by `evaluate_sampling`: abandonment over the rule's last
period above `raise_above` raises the rate, below `lower_below` lowers it again.

Selection is deterministic: a hash of what is rated ("contact:42") below the rate. Only
customers who consented to surveys (ConsentPurpose.SURVEYS) are invited, once per contact or
request, by email (else text message) through the notify layer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from firstcontact.contacts.models import NOT_COUNTED_IN_FCR, Contact
from firstcontact.customers.models import Channel, Consent, ConsentPurpose
from firstcontact.insight.indicators import call_stats
from firstcontact.insight.models import SamplingRateChange, SamplingRule, SurveyInvitation
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import notify_customer_of_request, queue_notification
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.telephony.models import CallRecord, Queue

INVITATION_VALID = dt.timedelta(days=28)


def default_rule() -> SamplingRule:
    rule = SamplingRule.objects.filter(queue__isnull=True).first()
    if rule is None:
        rule = SamplingRule.objects.create(queue=None)
    return rule


def ensure_rules() -> None:
    """A rule for every queue mapped to a partner, starting from the default rule's values."""
    template = default_rule()
    missing = Queue.objects.filter(partner__isnull=False, sampling_rules__isnull=True)
    SamplingRule.objects.bulk_create(
        [
            SamplingRule(
                queue=queue,
                base_rate=template.base_rate,
                raised_rate=template.raised_rate,
                raise_above=template.raise_above,
                lower_below=template.lower_below,
                period_minutes=template.period_minutes,
                min_calls=template.min_calls,
            )
            for queue in missing
        ]
    )


def evaluate_rule(rule: SamplingRule, now: dt.datetime) -> SamplingRateChange | None:
    """Look at the queue's last period and raise or lower the rate (with hysteresis)."""
    if rule.queue_id is None:
        return None
    start = now - dt.timedelta(minutes=rule.period_minutes)
    stats = call_stats(CallRecord.objects.filter(queue_id=rule.queue_id), start=start, end=now)[
        (None, None)
    ]
    rate = stats.abandonment_rate
    before = rule.current_rate
    if stats.offered >= rule.min_calls and rate is not None:
        if not rule.raised and rate > rule.raise_above:
            rule.raised = True
        elif rule.raised and rate < rule.lower_below:
            rule.raised = False
    rule.last_abandonment_rate = rate
    rule.last_offered = stats.offered
    rule.evaluated_at = now
    change = None
    if rule.current_rate != before:
        rule.changed_at = now
        change = SamplingRateChange.objects.create(
            rule=rule,
            at=now,
            from_rate=before,
            to_rate=rule.current_rate,
            abandonment_rate=rate or 0.0,
            offered=stats.offered,
        )
    rule.save()
    return change


def evaluate_rules(now: dt.datetime | None = None) -> list[SamplingRateChange]:
    now = now or timezone.now()
    ensure_rules()
    changes = []
    for rule in SamplingRule.objects.filter(queue__isnull=False).select_related("queue"):
        with transaction.atomic():
            change = evaluate_rule(rule, now)
        if change is not None:
            changes.append(change)
    return changes


def queue_for(partner_id: int, service_ids: list[int]) -> Queue | None:
    """The partner's queue for one of the services, else its general queue, else any."""
    queues = list(Queue.objects.filter(partner_id=partner_id).order_by("name"))
    for queue in queues:
        if queue.service_id is not None and queue.service_id in service_ids:
            return queue
    general = [q for q in queues if q.service_id is None]
    if general:
        return general[0]
    return queues[0] if queues else None


def rule_for(queue: Queue | None) -> SamplingRule:
    if queue is not None:
        rule = SamplingRule.objects.filter(queue=queue).first()
        if rule is not None:
            return rule
    return default_rule()


def selected(key: str, rate: float) -> bool:
    """Deterministic sampling: the same thing is always in or out at a given rate."""
    digest = hashlib.sha256(f"firstcontact-survey:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def _consents_to_surveys(customer) -> bool:
    return (
        customer is not None
        and not customer.deceased  # told of their death: nobody writes to them
        and Consent.objects.current()
        .filter(customer=customer, purpose=ConsentPurpose.SURVEYS)
        .exists()
    )


def survey_url(invitation: SurveyInvitation) -> str:
    base = (
        getattr(settings, "FIRSTCONTACT", {}).get("PUBLIC_URL")
        or os.environ.get("PUBLIC_URL")
        or "http://127.0.0.1:8000"
    )
    return base.rstrip("/") + reverse("insight:survey", args=[invitation.token])


def _message(invitation: SurveyInvitation, about: str) -> tuple[str, str]:
    subject = "How did we do?"
    body = (
        f"You recently {about}. Please tell us how satisfied you were: it takes a minute.\n\n"
        f"{survey_url(invitation)}\n\n"
        f"The link works until {timezone.localtime(invitation.expires_at):%d %B %Y}. "
        "You agreed we could ask you about our service; tell us if you would rather we "
        "did not."
    )
    return subject, body


def _create(**fields) -> SurveyInvitation | None:
    now = fields.pop("now")
    try:
        with transaction.atomic():
            return SurveyInvitation.objects.create(
                created_at=now, expires_at=now + INVITATION_VALID, **fields
            )
    except IntegrityError:  # already invited
        return None


def invite_for_contact(contact: Contact, *, now: dt.datetime | None = None):
    """Invite the contact's customer to rate it, if sampled. Returns the invitation or None."""
    now = now or timezone.now()
    if contact.ended_at is None or contact.outcome in ("", *NOT_COUNTED_IN_FCR):
        return None
    customer = contact.customer
    if not _consents_to_surveys(customer):
        return None
    if SurveyInvitation.objects.filter(contact=contact).exists():
        return None
    queue = None
    if contact.channel == Channel.PHONE:
        queue = queue_for(contact.partner_id, list(contact.reasons.values_list("pk", flat=True)))
    rule = rule_for(queue)
    rate = rule.current_rate
    if not selected(f"contact:{contact.pk}", rate):
        return None
    email = customer.emails.first()
    phone = customer.phones.first()
    if email is None and phone is None:
        return None
    invitation = _create(
        contact=contact,
        partner_id=contact.partner_id,
        queue=queue,
        channel=contact.channel,
        rate=rate,
        now=now,
    )
    if invitation is None:
        return None
    subject, body = _message(
        invitation, f"contacted {contact.partner.name} ({contact.get_channel_display().lower()})"
    )
    wants_sms = customer.preferred_channel == Channel.SMS and phone is not None
    if email is not None and not wants_sms:
        queue_notification(
            channel=NotificationChannel.EMAIL, recipient=email.address, subject=subject, body=body
        )
        invitation.sent_by = "email"
    else:
        queue_notification(
            channel=NotificationChannel.SMS, recipient=phone.number, subject=subject, body=body
        )
        invitation.sent_by = "sms"
    invitation.save(update_fields=["sent_by"])
    return invitation


def invite_for_request(request: ServiceRequest, *, now: dt.datetime | None = None):
    """Invite the customer of a closed request to rate it, if sampled."""
    now = now or timezone.now()
    if request.status != Status.CLOSED:
        return None
    if not _consents_to_surveys(request.customer):
        return None
    if SurveyInvitation.objects.filter(service_request=request).exists():
        return None
    queue = None
    if request.channel == Channel.PHONE:
        queue = queue_for(request.responsible_partner_id, [request.service_id])
    rule = rule_for(queue)
    rate = rule.current_rate
    if not selected(f"request:{request.pk}", rate):
        return None
    invitation = _create(
        service_request=request,
        partner_id=request.responsible_partner_id,
        queue=queue,
        channel=request.channel,
        rate=rate,
        now=now,
    )
    if invitation is None:
        return None
    subject, body = _message(
        invitation,
        f"asked us about {request.service.name.lower()} "
        f"(reference {request.formatted_reference}), which is now closed",
    )
    sent = notify_customer_of_request(request, subject=subject, body=body)
    invitation.sent_by = ",".join(sorted({n.channel for n in sent}))
    invitation.save(update_fields=["sent_by"])
    return invitation
