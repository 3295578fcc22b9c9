"""Referral outcomes: what partners did with the referrals made in a month, and how long
their answer took (issue 17, item 3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from firstcontact.insight.forms import RechargeForm
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.referral_outcomes import referral_outcomes
from firstcontact.insight.reports import Report, Total
from firstcontact.insight.scoping import insight_partner_ids
from firstcontact.insight.tables import Column

REFERRALS = Report(
    name="referral-outcomes",
    caption="Referrals made in {month:%B %Y}",
    columns=(
        Column("from_partner", "Referred by"),
        Column("to_partner", "Referred to"),
        Column("sent", "Sent", "int"),
        Column("completed", "Completed", "int"),
        Column("declined", "Declined", "int"),
        Column("open", "Still open", "int"),
        Column("withdrawn", "Withdrawn", "int"),
        Column("median_days", "Median days to feedback", "number"),
        Column("awaiting_update", "Answers not yet passed on", "int"),
    ),
    footer=Total(
        "All",
        sums=("sent", "completed", "declined", "open", "withdrawn", "awaiting_update"),
        fixed={"median_days": None},
    ),
    note="Time to feedback runs from the referral to the partner completing or declining "
    "it. 'Answers not yet passed on': the responsible team has not yet answered the prompt "
    "to tell the resident.",
)


@insight_staff
def referrals_page(request: HttpRequest) -> HttpResponse:
    form = RechargeForm(request.GET or None)
    month = form.chosen_month()
    lines = referral_outcomes(month, partner_ids=insight_partner_ids(request.user))
    rows = [
        {
            "from_partner": line.from_partner,
            "to_partner": line.to_partner,
            "sent": line.sent,
            "completed": line.completed,
            "declined": line.declined,
            "open": line.open,
            "withdrawn": line.withdrawn,
            "median_days": line.median_days,
            "awaiting_update": line.awaiting_update,
        }
        for line in lines
    ]
    table = REFERRALS.table(rows, context={"month": month})
    return render_page(request, "insight/referrals.html", {"form": form, "month": month}, [table])
