"""Complaint statistics (issue 18): the complaints received in a period by partner, by the
service complained about, by stage and by outcome, each table with its CSV. Declarations over
insight.complaints; scoped like every insight page (the partners the user sees figures of)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from firstcontact.insight import complaints as stats
from firstcontact.insight.forms import PeriodForm
from firstcontact.insight.indicators import local_day_bounds
from firstcontact.insight.pages.base import NAV, NavItem, insight_staff, render_page
from firstcontact.insight.reports import Report
from firstcontact.insight.scoping import insight_partner_ids, scoped_partners
from firstcontact.insight.tables import Column
from firstcontact.servicerequests.models import Complaint, ComplaintDecision

NAV.append(NavItem("insight:complaints", "Complaints"))

DECISIONS = tuple(Column(value, label, "int") for value, label in ComplaintDecision.choices)
COLUMNS = (
    Column("received", "Received", "int"),
    Column("stage1_answered", "Answered at stage 1", "int"),
    Column("stage1_on_time", "Stage 1 on time", "int"),
    Column("stage1_rate", "Stage 1 on-time rate", "rate"),
    Column("stage1_days", "Median days to a stage 1 answer", "number"),
    Column("escalated", "Escalated to stage 2", "int"),
    Column("escalation_rate", "Escalation rate", "rate"),
    Column("stage2_answered", "Final responses", "int"),
    Column("stage2_on_time", "Final responses on time", "int"),
    Column("stage2_days", "Median days to a final response", "number"),
    Column("awaiting", "Awaiting an answer", "int"),
) + DECISIONS
NOTE = (
    "Complaints received from {first:%-d %B %Y} to {last:%-d %B %Y}. On time: answered by the "
    "stage's deadline. Days run from receipt (stage 1) or escalation (stage 2). Upheld, partly "
    "upheld and not upheld: the latest decision."
)

BY_PARTNER = Report(
    name="complaints-by-partner",
    caption="Complaints by partner",
    columns=(Column("group", "Partner"), *COLUMNS),
    note=NOTE,
)
BY_SERVICE = Report(
    name="complaints-by-service",
    caption="Complaints by the service complained about",
    columns=(Column("group", "Service"), *COLUMNS),
    note=NOTE,
)
BY_STAGE = Report(
    name="complaints-by-stage",
    caption="Complaints by stage",
    columns=(
        Column("stage", "Stage"),
        Column("reached", "Complaints at this stage", "int"),
        Column("answered", "Answered", "int"),
        Column("on_time", "On time", "int"),
        Column("rate", "On-time rate", "rate"),
        Column("days", "Median days to answer", "number"),
    ),
)
BY_OUTCOME = Report(
    name="complaints-by-outcome",
    caption="Complaints by outcome",
    columns=(
        Column("outcome", "Outcome"),
        Column("stage1", "Stage 1 decisions", "int"),
        Column("stage2", "Final decisions", "int"),
        Column("latest", "Latest decision", "int"),
    ),
    note="A complaint answered at both stages counts once in each stage's column, and once in "
    "the latest.",
)


class ComplaintsForm(PeriodForm):
    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["interval"]
        self.fields["service"].label = "Service complained about"


@insight_staff
def complaints_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ComplaintsForm(request.GET or None, partners=scoped_partners(user))
    first, last = form.period()
    start, end = local_day_bounds(first, last)
    valid = form.is_bound and form.is_valid()
    complaints = Complaint.objects.filter(
        request__created_at__gte=start, request__created_at__lt=end
    )
    ids = insight_partner_ids(user)
    if ids is not None:
        complaints = complaints.filter(request__responsible_partner_id__in=ids)
    if valid and form.cleaned_data.get("partner") is not None:
        complaints = complaints.filter(request__responsible_partner=form.cleaned_data["partner"])
    if valid and form.cleaned_data.get("service") is not None:
        complaints = complaints.filter(about_service=form.cleaned_data["service"])
    rows = stats.complaint_rows(complaints)
    context = {"first": first, "last": last}
    whole = stats.total(rows, "All").as_row() if rows else None
    tables = [
        BY_PARTNER.table(
            [line.as_row() for line in stats.lines_by(rows, lambda r: r.partner)],
            footer=whole,
            context=context,
        ),
        BY_SERVICE.table(
            [line.as_row() for line in stats.lines_by(rows, lambda r: r.service)],
            footer=whole,
            context=context,
        ),
    ]
    if rows:
        t = whole
        stage_rows = [
            {
                "stage": "Stage 1",
                "reached": t["received"],
                "answered": t["stage1_answered"],
                "on_time": t["stage1_on_time"],
                "rate": t["stage1_rate"],
                "days": t["stage1_days"],
            },
            {
                "stage": "Stage 2 (final)",
                "reached": t["escalated"],
                "answered": t["stage2_answered"],
                "on_time": t["stage2_on_time"],
                "rate": t["stage2_on_time"] / t["stage2_answered"]
                if t["stage2_answered"]
                else None,
                "days": t["stage2_days"],
            },
        ]
        outcome_rows = [
            {
                "outcome": label,
                "stage1": sum(1 for r in rows if r.stage1_decision == value),
                "stage2": sum(1 for r in rows if r.stage2_decision == value),
                "latest": sum(1 for r in rows if r.decision == value),
            }
            for value, label in ComplaintDecision.choices
        ]
    else:
        stage_rows = outcome_rows = []
    tables += [BY_STAGE.table(stage_rows), BY_OUTCOME.table(outcome_rows)]
    page = {"form": form, "first": first, "last": last}
    return render_page(request, "insight/complaints.html", page, tables)
