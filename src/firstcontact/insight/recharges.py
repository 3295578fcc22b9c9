"""Recharge statements: what each client partner owes the hub for a month's work.

For each hub agreement in force during the month: contacts the hub handled for the client
(Contact.handled_by = hub, Contact.partner = client) × the rate per contact, and calls the hub
answered on the client's queues (Queue.partner = client, Queue.handled_by = hub) × the rate per
call. Phone contacts are charged through calls, so they are counted but not charged per
contact unless the rate says so (for a hub whose ACD records are not imported).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Channel
from firstcontact.insight.indicators import local_day_bounds
from firstcontact.insight.models import RechargeRate
from firstcontact.partners.models import HubAgreement, Partner
from firstcontact.telephony.models import CallRecord

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RechargeLine:
    hub: Partner
    client: Partner
    month: dt.date
    agreement: str
    contacts: int
    phone_contacts: int
    calls: int
    rate: RechargeRate | None
    contact_amount: Decimal
    call_amount: Decimal

    @property
    def charged_contacts(self) -> int:
        if self.rate is not None and self.rate.charge_phone_contacts:
            return self.contacts
        return self.contacts - self.phone_contacts

    @property
    def total(self) -> Decimal:
        return self.contact_amount + self.call_amount


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def rate_for(hub: Partner, client: Partner, month: dt.date) -> RechargeRate | None:
    """The hub's rate in force at the start of the month, the client's own before the
    hub's general one."""
    rates = RechargeRate.objects.filter(hub=hub, starts__lte=month).filter(
        Q(client=client) | Q(client__isnull=True)
    )
    specific = rates.filter(client=client).order_by("-starts").first()
    return specific or rates.filter(client__isnull=True).order_by("-starts").first()


def recharge_statement(
    month: dt.date, *, partner_ids: set[int] | None = None
) -> list[RechargeLine]:
    """One line per hub agreement in force during the month, for agreements whose hub or
    client is among partner_ids (None: all)."""
    first, last = month_bounds(month)
    start, end = local_day_bounds(first, last)
    agreements = (
        HubAgreement.objects.filter(starts__lte=last)
        .filter(Q(ends__isnull=True) | Q(ends__gte=first))
        .select_related("hub", "client")
        .order_by("hub__name", "client__name")
    )
    if partner_ids is not None:
        agreements = agreements.filter(Q(hub_id__in=partner_ids) | Q(client_id__in=partner_ids))
    lines = []
    for agreement in agreements:
        hub, client = agreement.hub, agreement.client
        counts = Contact.objects.filter(
            handled_by=hub, partner=client, started_at__gte=start, started_at__lt=end
        ).aggregate(n=Count("pk"), phone=Count("pk", filter=Q(channel=Channel.PHONE)))
        calls = CallRecord.objects.filter(
            queue__partner=client,
            queue__handled_by=hub,
            entered_at__gte=start,
            entered_at__lt=end,
            answered_at__isnull=False,
        ).count()
        rate = rate_for(hub, client, first)
        contacts, phone = counts["n"], counts["phone"]
        if rate is None:
            contact_amount = call_amount = ZERO
        else:
            charged = contacts if rate.charge_phone_contacts else contacts - phone
            contact_amount = (rate.per_contact * charged).quantize(ZERO)
            call_amount = (rate.per_call * calls).quantize(ZERO)
        lines.append(
            RechargeLine(
                hub=hub,
                client=client,
                month=first,
                agreement=agreement.reference,
                contacts=contacts,
                phone_contacts=phone,
                calls=calls,
                rate=rate,
                contact_amount=contact_amount,
                call_amount=call_amount,
            )
        )
    return lines
