"""Demo call data: queues for the partners already loaded, a month of generated queue_log up to
now, and what the insight pages need around it (rollups, sampling rules, unit costs, recharge
rates, some satisfaction responses). Safe to run again: it adds only what is missing.

The demo loader calls `load_demo_calls(stdout)` after it has created partners, services and
contacts; `manage.py load_demo_calls` does the same from the command line.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from firstcontact.partners.models import HubAgreement, Partner, PartnerKind
from firstcontact.telephony.generator import QueueProfile, generate_queue_log
from firstcontact.telephony.importer import import_queue_log
from firstcontact.telephony.models import Queue

# Calls on an average weekday, handle time and caller patience (seconds) by kind of partner.
VOLUMES = {
    PartnerKind.COUNTY: (380, 270, 180),
    PartnerKind.UNITARY: (450, 260, 180),
    PartnerKind.DISTRICT: (260, 210, 160),
    PartnerKind.POLICE: (120, 300, 240),
    PartnerKind.NHS: (90, 330, 240),
    PartnerKind.HOUSING: (150, 280, 200),
    PartnerKind.VOLUNTARY: (40, 360, 300),
}
SERVICE_QUEUE_SHARE = 0.4  # a council's busiest service gets a queue with this share of calls


def _write(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text if text.endswith("\n") else text + "\n")


def demo_queues() -> list[QueueProfile]:
    """Create (once) a general queue for every partner and a service queue for each council,
    mapped to the partner, the service and the hub that answers for it; their profiles."""
    from firstcontact.catalogue.models import ServiceDelivery

    today = timezone.localdate()
    hubs = {
        a.client_id: a.hub_id
        for a in HubAgreement.objects.in_force(today).select_related("hub", "client")
    }
    profiles = []
    for partner in Partner.objects.order_by("name"):
        calls, aht, patience = VOLUMES.get(partner.kind, (100, 240, 180))
        handled_by = hubs.get(partner.pk)
        delivery = (
            ServiceDelivery.objects.filter(partner=partner)
            .select_related("service")
            .order_by("service__name")
            .first()
            if partner.is_council
            else None
        )
        general_share = 1 - SERVICE_QUEUE_SHARE if delivery else 1.0
        queue, _ = Queue.objects.get_or_create(
            name=f"{partner.slug}-general",
            defaults={
                "label": f"{partner.name}: general enquiries",
                "partner": partner,
                "handled_by_id": handled_by,
            },
        )
        profiles.append(
            QueueProfile(
                queue.name, calls * general_share, aht, patience, agent_prefix=partner.slug[:10]
            )
        )
        if delivery is not None:
            service = delivery.service
            queue, _ = Queue.objects.get_or_create(
                name=f"{partner.slug}-{service.code}"[:128],
                defaults={
                    "label": f"{partner.name}: {service.name}",
                    "partner": partner,
                    "service": service,
                    "handled_by_id": handled_by,
                },
            )
            profiles.append(
                QueueProfile(
                    queue.name,
                    calls * SERVICE_QUEUE_SHARE,
                    aht * 0.8,
                    patience,
                    agent_prefix=f"{partner.slug[:6]}-s",
                )
            )
    return profiles


def _unit_costs_and_rates() -> None:
    from firstcontact.insight.models import DEFAULT_UNIT_COSTS, RechargeRate, UnitCost

    for channel, cost in DEFAULT_UNIT_COSTS.items():
        UnitCost.objects.get_or_create(channel=channel, defaults={"cost": cost})
    for agreement in HubAgreement.objects.all():
        if not RechargeRate.objects.filter(hub=agreement.hub).exists():
            RechargeRate.objects.create(
                hub=agreement.hub,
                per_contact=Decimal("1.85"),
                per_call=Decimal("2.40"),
                starts=agreement.starts,
            )


def _satisfaction(days: int, seed: int) -> int:
    """Invitations and responses for a sample of the demo's ended contacts (no messages are
    sent: these stand for surveys answered in the past)."""
    from firstcontact.contacts.models import Contact, Outcome
    from firstcontact.insight.models import SatisfactionResponse, SurveyInvitation
    from firstcontact.insight.sampling import rule_for, selected

    rng = random.Random(seed)
    since = timezone.now() - dt.timedelta(days=days)
    contacts = (
        Contact.objects.filter(
            started_at__gte=since, ended_at__isnull=False, survey_invitation__isnull=True
        )
        .exclude(outcome=Outcome.ABANDONED)
        .prefetch_related("reasons")
        .order_by("pk")
    )
    rate = rule_for(None).current_rate * 2  # the demo has few contacts: ask more of them
    invitations, answers = [], []
    for contact in contacts.iterator(chunk_size=2000):
        if not selected(f"demo-contact:{contact.pk}", rate):
            continue
        created = contact.ended_at + dt.timedelta(minutes=rng.randint(5, 120))
        invitation = SurveyInvitation(
            contact=contact,
            partner_id=contact.partner_id,
            channel=contact.channel,
            rate=rate,
            created_at=created,
            expires_at=created + dt.timedelta(days=28),
            sent_by="email",
        )
        invitations.append(invitation)
        if rng.random() < 0.35:
            resolved = contact.outcome == Outcome.RESOLVED
            weights = [4, 6, 10, 40, 40] if resolved else [12, 14, 20, 34, 20]
            score = rng.choices([1, 2, 3, 4, 5], weights)[0]
            reasons = list(contact.reasons.all())
            answers.append(
                SatisfactionResponse(
                    invitation=invitation,
                    partner_id=contact.partner_id,
                    service=reasons[0] if reasons else None,
                    channel=contact.channel,
                    score=score,
                    resolved="yes" if resolved else rng.choice(["no", "partly"]),
                    submitted_at=created + dt.timedelta(hours=rng.randint(1, 72)),
                )
            )
    with transaction.atomic():
        SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
        SatisfactionResponse.objects.bulk_create(answers, batch_size=1000)
    return len(answers)


def load_demo_calls(stdout=None, *, days: int = 30, seed: int = 1) -> None:
    """Give the demo partnership a month of calls to today's current time, and the rest of
    what the insight pages show. Needs partners (and ideally contacts) loaded first."""
    from firstcontact.insight.rollups import (
        CALLS,
        build_call_rollups,
        build_contact_rollups,
        rolled_days,
    )
    from firstcontact.insight.sampling import default_rule, evaluate_rules

    profiles = demo_queues()
    if not profiles:
        _write(stdout, "No partners yet: no demo calls.")
        return
    now = timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=days)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        for text in generate_queue_log(profiles, first, days + 1, seed=seed, until=now):
            log.write(text)
        log.seek(0)
        result = import_queue_log(log, source="demo queue_log")
    _write(
        stdout,
        f"Demo calls: {len(profiles)} queues, {result.lines:,} queue_log lines, "
        f"{result.calls_written:,} call records added or completed.",
    )
    built = rolled_days(CALLS)  # the import's task may have built them already
    if built is None or built[0] > first or built[1] < today:
        build_call_rollups(first, today)
    build_contact_rollups(first, today - dt.timedelta(days=1))
    default_rule()
    evaluate_rules(now)
    _unit_costs_and_rates()
    answers = _satisfaction(days, seed)
    _write(stdout, f"Insight: rollups built, sampling rules set, {answers} survey responses.")
