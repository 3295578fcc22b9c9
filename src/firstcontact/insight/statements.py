"""Monthly statements (issue 17, item 5): for a client partner and a month, what the shared
centre did for it, against the standards of its shared-service agreement, and what it cost.

Every figure comes from the functions the dashboard and the recharges page use (rollups,
indicators, recharges), called for the one partner and month, so a statement always equals
the dashboard filtered to that partner and month (tests/insight/test_insight_statements.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from firstcontact.insight import indicators, rollups
from firstcontact.insight.indicators import (
    CallStats,
    Satisfaction,
    SLACompliance,
    Thresholds,
    local_day_bounds,
)
from firstcontact.insight.models import (
    IndicatorSettings,
    SatisfactionResponse,
    ServiceAgreement,
    SurveyInvitation,
)
from firstcontact.insight.recharges import month_bounds, recharge_statement
from firstcontact.partners.models import HubAgreement, Partner
from firstcontact.servicerequests.models import Complaint, ServiceRequest
from firstcontact.telephony.models import Queue

MONTHS_BESIDE = 2  # previous months shown beside the chosen one


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def months_ending(month: dt.date, count: int = MONTHS_BESIDE + 1) -> list[dt.date]:
    """`count` months, oldest first, ending with `month`."""
    months = [month.replace(day=1)]
    for _ in range(count - 1):
        months.insert(0, previous_month(months[0]))
    return months


def dashboard_thresholds() -> Thresholds:
    current = IndicatorSettings.current()
    return Thresholds(current.service_level_seconds, current.short_abandon_seconds)


# --- The statement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date
    contacts: dict[str, int]
    contacts_by_hub: int
    calls: CallStats
    fcr_eligible: int
    fcr_resolved: int
    requests_raised: int
    sla: SLACompliance
    complaints: int
    satisfaction: Satisfaction
    recharge: Decimal

    @property
    def contacts_total(self) -> int:
        return sum(self.contacts.values())

    @property
    def fcr(self) -> float | None:
        return self.fcr_resolved / self.fcr_eligible if self.fcr_eligible else None


def agreement_in_force(client: Partner, month: dt.date) -> HubAgreement | None:
    first, last = month_bounds(month)
    return (
        HubAgreement.objects.filter(client=client, starts__lte=last)
        .filter(Q(ends__isnull=True) | Q(ends__gte=first))
        .select_related("hub", "client")
        .order_by("-starts")
        .first()
    )


def terms_for(agreement: HubAgreement | None) -> ServiceAgreement | None:
    if agreement is None:
        return None
    return ServiceAgreement.objects.filter(agreement=agreement).first()


def statement_partners(month: dt.date, partner_ids: set[int] | None) -> list[Partner]:
    """Client partners with a hub agreement in force during the month whose statement the
    user may read: the client's or the hub's staff (partner_ids), everyone's for None."""
    first, last = month_bounds(month)
    agreements = HubAgreement.objects.filter(starts__lte=last).filter(
        Q(ends__isnull=True) | Q(ends__gte=first)
    )
    if partner_ids is not None:
        agreements = agreements.filter(Q(hub_id__in=partner_ids) | Q(client_id__in=partner_ids))
    return list(
        Partner.objects.filter(pk__in=agreements.values("client_id")).order_by("name").distinct()
    )


def month_figures(
    client: Partner, month: dt.date, thresholds: Thresholds | None = None
) -> MonthFigures:
    """The month's figures for the client partner; service level measured at `thresholds`
    (the dashboard's unless given: the agreement's own seconds, say)."""
    first, last = month_bounds(month)
    start, end = local_day_bounds(first, last)
    standard = dashboard_thresholds()
    thresholds = thresholds or standard
    contact_rows = rollups.daily_contact_counts({client.pk}, first, last, interval="month")
    agreement = agreement_in_force(client, first)
    by_hub = (
        sum(r["contacts"] for r in contact_rows if r["handled_by_id"] == agreement.hub_id)
        if agreement is not None
        else 0
    )
    # Rollups are kept at the dashboard's thresholds only; other seconds are read raw.
    calls = indicators.sum_stats(
        rollups.daily_call_stats(
            list(Queue.objects.filter(partner=client)),
            first,
            last,
            thresholds=thresholds,
            use_rollups=thresholds == standard,
        ).values()
    )
    eligible, resolved = rollups.fcr_counts(contact_rows)
    requests = ServiceRequest.objects.filter(responsible_partner=client)
    lines = [
        line for line in recharge_statement(first, partner_ids={client.pk}) if line.client == client
    ]
    return MonthFigures(
        month=first,
        contacts=rollups.channel_counts(contact_rows),
        contacts_by_hub=by_hub,
        calls=calls,
        fcr_eligible=eligible,
        fcr_resolved=resolved,
        requests_raised=requests.filter(created_at__gte=start, created_at__lt=end).count(),
        sla=indicators.sla_compliance(requests, start=start, end=end),
        complaints=Complaint.objects.filter(
            request__responsible_partner=client,
            request__created_at__gte=start,
            request__created_at__lt=end,
        ).count(),
        satisfaction=indicators.satisfaction(
            SatisfactionResponse.objects.filter(partner=client),
            SurveyInvitation.objects.filter(partner=client),
            start=start,
            end=end,
        ),
        recharge=sum((line.total for line in lines), Decimal("0.00")),
    )


@dataclass(frozen=True)
class Statement:
    client: Partner
    month: dt.date
    agreement: HubAgreement | None
    terms: ServiceAgreement | None
    months: list[MonthFigures]  # oldest first; the last is `month`

    @property
    def current(self) -> MonthFigures:
        return self.months[-1]

    def standards(self) -> list[dict]:
        """The month's figures against each agreed standard: rows {measure, agreed, actual,
        met} (met: "Met", "Not met", or "No figures")."""
        if self.terms is None:
            return []
        t, f = self.terms, self.current

        def row(measure: str, agreed: float, actual: float | None, at_most: bool = False):
            if actual is None:
                met = "No figures"
            else:
                met = "Met" if (actual <= agreed if at_most else actual >= agreed) else "Not met"
            return {"measure": measure, "agreed": agreed, "actual": actual, "met": met}

        return [
            row(
                f"Service level (calls answered within {t.service_level_seconds} seconds)",
                t.service_level_target,
                f.calls.service_level,
            ),
            row("Abandonment rate (at most)", t.abandonment_max, f.calls.abandonment_rate, True),
            row("First-contact resolution", t.agreed_fcr_target, f.fcr),
            row("Requests closed within their SLA", t.sla_target, f.sla.rate),
        ]


def statement(client: Partner, month: dt.date, count: int = MONTHS_BESIDE + 1) -> Statement:
    agreement = agreement_in_force(client, month)
    terms = terms_for(agreement)
    standard = dashboard_thresholds()
    thresholds = (
        Thresholds(terms.service_level_seconds, standard.short_abandon_seconds)
        if terms is not None
        else standard
    )
    return Statement(
        client=client,
        month=month.replace(day=1),
        agreement=agreement,
        terms=terms,
        months=[month_figures(client, m, thresholds) for m in months_ending(month, count)],
    )
