"""Shared-service agreements (issue 17, item 4): per client partner, what the hub handles for
it, the standards agreed and how it is charged, with the agreement's dates. Read here by
team leaders and managers of the hub or the client and by partnership administrators; kept
in the admin site (Shared-service agreements)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from firstcontact.insight.models import ChargingBasis, ServiceAgreement
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.reports import Report
from firstcontact.insight.scoping import insight_partner_ids
from firstcontact.insight.tables import Column

AGREEMENTS = Report(
    name="agreements",
    caption="Shared-service agreements",
    columns=(
        Column("client", "Client partner"),
        Column("hub", "Hub"),
        Column("reference", "Agreement"),
        Column("starts", "Starts", "date"),
        Column("ends", "Ends", "date"),
        Column("services", "Services handled"),
        Column("service_level", "Service level"),
        Column("abandonment", "Abandonment at most", "rate"),
        Column("fcr", "First-contact resolution", "rate"),
        Column("sla", "SLA compliance", "rate"),
        Column("charging", "Charging basis"),
    ),
    note="The standards each month's statement is measured against.",
)


def charging(terms: ServiceAgreement) -> str:
    if terms.charging_basis == ChargingBasis.FIXED_FEE and terms.monthly_fee is not None:
        return f"£{terms.monthly_fee:,.2f} a month"
    if terms.charging_basis == ChargingBasis.COST_SHARE and terms.cost_share is not None:
        return f"{terms.cost_share:.0%} of the centre's costs"
    return terms.get_charging_basis_display()


def agreements_for(partner_ids: set[int] | None):
    terms = ServiceAgreement.objects.select_related(
        "agreement__hub", "agreement__client"
    ).prefetch_related("services")
    if partner_ids is not None:
        terms = terms.filter(
            Q(agreement__client_id__in=partner_ids) | Q(agreement__hub_id__in=partner_ids)
        )
    return terms.order_by("agreement__client__name", "agreement__starts")


@insight_staff
def agreements_page(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "client": t.agreement.client.name,
            "hub": t.agreement.hub.name,
            "reference": t.agreement.reference,
            "starts": t.agreement.starts,
            "ends": t.agreement.ends,
            "services": ", ".join(sorted(s.name for s in t.services.all())) or "All",
            "service_level": f"{t.service_level_target:.0%} in {t.service_level_seconds} s",
            "abandonment": t.abandonment_max,
            "fcr": t.agreed_fcr_target,
            "sla": t.sla_target,
            "charging": charging(t),
        }
        for t in agreements_for(insight_partner_ids(request.user))
    ]
    return render_page(request, "insight/agreements.html", {}, [AGREEMENTS.table(rows)])
