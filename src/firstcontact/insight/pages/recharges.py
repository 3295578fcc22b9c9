"""Recharges: what each client partner owes the hub for a month, at the agreed rates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from firstcontact.insight.forms import RechargeForm
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.recharges import recharge_statement
from firstcontact.insight.reports import Report, Total
from firstcontact.insight.scoping import insight_partner_ids
from firstcontact.insight.tables import Column

RECHARGES = Report(
    name="recharges",
    caption="Recharges for {month:%B %Y}",
    columns=(
        Column("client", "Client partner"),
        Column("hub", "Hub"),
        Column("agreement", "Agreement"),
        Column("contacts", "Contacts handled", "int"),
        Column("charged_contacts", "Contacts charged", "int"),
        Column("per_contact", "Per contact", "money"),
        Column("contact_amount", "For contacts", "money"),
        Column("calls", "Calls answered", "int"),
        Column("per_call", "Per call", "money"),
        Column("call_amount", "For calls", "money"),
        Column("total", "Total", "money"),
    ),
    footer=Total(
        "Total",
        sums=("contacts", "charged_contacts", "contact_amount", "calls", "call_amount", "total"),
    ),
    note="Phone contacts are charged through the calls the hub answered on the client's "
    "queues, not again per contact, unless the rate says otherwise.",
)


@insight_staff
def recharges_page(request: HttpRequest) -> HttpResponse:
    form = RechargeForm(request.GET or None)
    month = form.chosen_month()
    lines = recharge_statement(month, partner_ids=insight_partner_ids(request.user))
    rows = [
        {
            "client": line.client.name,
            "hub": line.hub.name,
            "agreement": line.agreement,
            "contacts": line.contacts,
            "charged_contacts": line.charged_contacts,
            "per_contact": line.rate.per_contact if line.rate else None,
            "contact_amount": line.contact_amount,
            "calls": line.calls,
            "per_call": line.rate.per_call if line.rate else None,
            "call_amount": line.call_amount,
            "total": line.total,
        }
        for line in lines
    ]
    table = RECHARGES.table(rows, context={"month": month})
    return render_page(request, "insight/recharges.html", {"form": form, "month": month}, [table])
