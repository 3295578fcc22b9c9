"""Satisfaction: who is asked (the sampling rules and their changes of rate) and what they
said, by partner."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from firstcontact.insight import indicators
from firstcontact.insight.forms import PeriodForm
from firstcontact.insight.indicators import local_day_bounds
from firstcontact.insight.models import (
    SamplingRateChange,
    SamplingRule,
    SatisfactionResponse,
    SurveyInvitation,
)
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.reports import Report, Total
from firstcontact.insight.scoping import insight_partner_ids, scoped_partners
from firstcontact.insight.tables import Column, Table
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import is_partnership_admin

SAMPLING_RULES = Report(
    name="sampling-rules",
    caption="Who is asked about their satisfaction",
    columns=(
        Column("queue", "Queue"),
        Column("partner", "Partner"),
        Column("base", "Normal rate", "rate"),
        Column("raised_rate", "Raised rate", "rate"),
        Column("raise_above", "Raise when abandonment is above", "rate"),
        Column("lower_below", "Lower again below", "rate"),
        Column("period", "Looking back"),
        Column("state", "Now"),
        Column("current", "Rate now", "rate"),
        Column("abandonment", "Abandonment last period", "rate"),
        Column("offered", "Calls offered last period", "int"),
        Column("evaluated", "Checked", "datetime"),
    ),
)

SAMPLING_CHANGES = Report(
    name="sampling-changes",
    caption="Recent changes of rate",
    columns=(
        Column("at", "When", "datetime"),
        Column("queue", "Queue"),
        Column("from_rate", "From", "rate"),
        Column("to_rate", "To", "rate"),
        Column("abandonment", "Abandonment", "rate"),
        Column("offered", "Calls offered", "int"),
    ),
)

SATISFACTION = Report(
    name="satisfaction",
    caption="Customer satisfaction by partner",
    columns=(
        Column("partner", "Partner"),
        Column("invited", "Invited", "int"),
        Column("responded", "Of those, responded", "int"),
        Column("response_rate", "Response rate", "rate"),
        Column("responses", "Responses received", "int"),
        Column("satisfied", "Satisfied or very satisfied", "int"),
        Column("csat", "Satisfaction (CSAT)", "rate"),
    ),
    footer=Total(
        "All partners",
        sums=("invited", "responded", "responses", "satisfied"),
        ratios={"response_rate": ("responded", "invited"), "csat": ("satisfied", "responses")},
    ),
    note="Response rate: invitations sent in the period that were answered. CSAT: "
    "responses in the period scoring 4 or 5 out of 5.",
)


@insight_staff
def satisfaction_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    ids = insight_partner_ids(user)
    rules = SamplingRule.objects.select_related("queue", "queue__partner")
    if ids is not None:
        rules = rules.filter(Q(queue__partner_id__in=ids) | Q(queue__isnull=True))
    rules_table = SAMPLING_RULES.table(
        [
            {
                "queue": r.queue.display_name if r.queue else "Contacts and requests on no queue",
                "partner": r.queue.partner.name if r.queue and r.queue.partner else "–",
                "base": r.base_rate,
                "raised_rate": r.raised_rate,
                "raise_above": r.raise_above,
                "lower_below": r.lower_below,
                "period": f"{r.period_minutes} minutes",
                "state": ("Raised" if r.raised else "Normal") if r.queue_id else "–",
                "current": r.current_rate,
                "abandonment": r.last_abandonment_rate,
                "offered": r.last_offered,
                "evaluated": r.evaluated_at,
            }
            for r in rules
        ]
    )
    changes = SamplingRateChange.objects.select_related("rule__queue")
    if ids is not None:
        changes = changes.filter(rule__queue__partner_id__in=ids)
    changes_table = SAMPLING_CHANGES.table(
        [
            {
                "at": c.at,
                "queue": c.rule.queue.display_name if c.rule.queue else "–",
                "from_rate": c.from_rate,
                "to_rate": c.to_rate,
                "abandonment": c.abandonment_rate,
                "offered": c.offered,
            }
            for c in changes[:50]
        ]
    )
    form = PeriodForm(request.GET or None, partners=scoped_partners(user))
    first, last = form.period()
    start, end = local_day_bounds(first, last)
    partner_names = dict(Partner.objects.values_list("pk", "name"))
    valid = form.is_bound and form.is_valid()
    partner = form.cleaned_data.get("partner") if valid else None
    service = form.cleaned_data.get("service") if valid else None
    csat = satisfaction_table(user, partner, service, start, end, partner_names)
    context = {"form": form, "first": first, "last": last, "is_admin": is_partnership_admin(user)}
    return render_page(
        request, "insight/satisfaction.html", context, [rules_table, changes_table, csat]
    )


def satisfaction_table(user, partner, service, start, end, partner_names) -> Table:
    """Satisfaction by partner for a period (on the dashboard too)."""
    ids = insight_partner_ids(user)
    responses = SatisfactionResponse.objects.all()
    invitations = SurveyInvitation.objects.all()
    if ids is not None:
        responses = responses.filter(partner_id__in=ids)
        invitations = invitations.filter(partner_id__in=ids)
    if partner is not None:
        responses = responses.filter(partner=partner)
        invitations = invitations.filter(partner=partner)
    if service is not None:
        responses = responses.filter(service=service)
        invitations = invitations.filter(
            Q(service_request__service=service) | Q(contact__reasons=service)
        ).distinct()
    return SATISFACTION.table(
        [
            {
                "partner": partner_names[pid],
                "invited": s.invited,
                "responded": s.responded,
                "response_rate": s.response_rate,
                "responses": s.responses,
                "satisfied": s.satisfied,
                "csat": s.csat,
            }
            for pid, s in indicators.satisfaction_by_partner(
                responses, invitations, start=start, end=end
            ).items()
        ]
    )
