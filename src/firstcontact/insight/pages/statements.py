"""Monthly statements (issue 17, item 5): a client partner's month beside the months before
it, against its agreed standards, with the recharge; each table as CSV. For team leaders and
managers of the hub or the client, and partnership administrators."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse

from firstcontact.customers.models import Channel
from firstcontact.insight.forms import RechargeForm
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.pdf import PDFUnavailable, pdf_filename, statement_pdf
from firstcontact.insight.reports import Report
from firstcontact.insight.scoping import insight_partner_ids
from firstcontact.insight.statements import MonthFigures, Statement, statement, statement_partners
from firstcontact.insight.tables import Column, Table

MONTH = Column("month", "Month")

CONTACTS = Report(
    name="statement-contacts",
    caption="Contacts for {client} by channel",
    columns=(MONTH,)
    + tuple(Column(value, label, "int") for value, label in Channel.choices)
    + (Column("all", "All channels", "int"), Column("by_hub", "Handled by the hub", "int")),
    note="Contacts about {client}'s services, by whoever handled them; the last column is the "
    "hub's share, which the recharge is charged on.",
)

CALLS = Report(
    name="statement-calls",
    caption="Calls to {client}'s queues",
    columns=(
        MONTH,
        Column("offered", "Offered", "int"),
        Column("answered", "Answered", "int"),
        Column("abandoned", "Abandoned", "int"),
        Column("abandonment", "Abandonment rate", "rate"),
        Column("service_level", "Service level", "rate"),
    ),
    note="Service level: answered within {seconds} seconds, as agreed.",
)

SERVICE = Report(
    name="statement-service",
    caption="Resolution, requests, complaints, satisfaction and the recharge",
    columns=(
        MONTH,
        Column("fcr", "First-contact resolution", "rate"),
        Column("raised", "Requests raised", "int"),
        Column("closed", "Requests closed (with an SLA)", "int"),
        Column("on_time", "Closed within SLA", "int"),
        Column("sla", "SLA compliance", "rate"),
        Column("complaints", "Complaints", "int"),
        Column("csat", "Satisfied (4 or 5 of 5)", "rate"),
        Column("responses", "Survey answers", "int"),
        Column("recharge", "Recharge", "money"),
    ),
    note="Requests for which {client} is responsible. Recharge: as on the recharges page, at "
    "the rates in force.",
)

STANDARDS = Report(
    name="statement-standards",
    caption="{month:%B %Y} against the agreed standards",
    columns=(
        Column("measure", "Standard"),
        Column("agreed", "Agreed", "rate"),
        Column("actual", "Achieved", "rate"),
        Column("met", "Met"),
    ),
)


class StatementForm(RechargeForm):
    partner = forms.ModelChoiceField(
        label="Client partner",
        queryset=None,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Select a client partner from the list"},
    )
    field_order = ["partner", "month"]

    def __init__(self, data, *, partners, **kwargs):
        super().__init__(data, **kwargs)
        from firstcontact.partners.models import Partner

        self.fields["partner"].queryset = Partner.objects.filter(pk__in=[p.pk for p in partners])


def month_row(f: MonthFigures) -> dict:
    return {"month": f"{f.month:%B %Y}", "month_start": f.month}


def statement_tables(s: Statement) -> list[Table]:
    """The statement's tables: shared by the page and the emailed CSV."""
    context = {
        "client": s.client.name,
        "month": s.month,
        "seconds": s.terms.service_level_seconds if s.terms else "",
    }
    contacts = [
        {**month_row(f), **f.contacts, "all": f.contacts_total, "by_hub": f.contacts_by_hub}
        for f in s.months
    ]
    calls = [
        {
            **month_row(f),
            "offered": f.calls.offered,
            "answered": f.calls.answered,
            "abandoned": f.calls.abandoned,
            "abandonment": f.calls.abandonment_rate,
            "service_level": f.calls.service_level,
        }
        for f in s.months
    ]
    service = [
        {
            **month_row(f),
            "fcr": f.fcr,
            "raised": f.requests_raised,
            "closed": f.sla.closed,
            "on_time": f.sla.on_time,
            "sla": f.sla.rate,
            "complaints": f.complaints,
            "csat": f.satisfaction.csat,
            "responses": f.satisfaction.responses,
            "recharge": f.recharge,
        }
        for f in s.months
    ]
    calls_note = None if s.terms else "No agreed standards are recorded for this agreement."
    return [
        STANDARDS.table(s.standards(), context=context),
        CONTACTS.table(contacts, context=context),
        CALLS.table(calls, context=context, note=calls_note),
        SERVICE.table(service, context=context),
    ]


@insight_staff
def statements_page(request: HttpRequest) -> HttpResponse:
    probe = RechargeForm(request.GET or None)
    partners = statement_partners(probe.chosen_month(), insight_partner_ids(request.user))
    form = StatementForm(request.GET or None, partners=partners)
    month = form.chosen_month()
    chosen = form.cleaned_data.get("partner") if form.is_valid() else None
    client = chosen or (partners[0] if partners else None)
    page = {"form": form, "month": month, "client": client, "statement": None}
    tables: list[Table] = []
    if client is not None:
        page["statement"] = s = statement(client, month)
        page["pdf_query"] = urlencode(
            {"partner": client.pk, "month": f"{month:%Y-%m}", "format": "pdf"}
        )
        tables = statement_tables(s)
        if request.GET.get("format") == "pdf" and not form.errors:
            try:
                return pdf_response(s)
            except PDFUnavailable as error:
                # The page with the reason (503: this server cannot, for now), never a crash.
                page["pdf_error"] = str(error)
                response = render_page(request, "insight/statements.html", page, tables)
                response.status_code = 503
                return response
    return render_page(request, "insight/statements.html", page, tables)


def pdf_response(s: Statement) -> HttpResponse:
    response = HttpResponse(statement_pdf(s), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(s)}"'
    response["Cache-Control"] = "no-store"
    return response


def statement_csv(s: Statement) -> str:
    """Every table of the statement in one CSV file, each headed by its caption."""
    parts = []
    for table in statement_tables(s):
        parts.append(f"{table.caption}\r\n" + table.csv_response().content.decode())
    return "\r\n".join(parts)


def statement_text(s: Statement) -> str:
    """The email's body: the month's headline figures against the standards, in words."""
    from firstcontact.insight.tables import display

    f = s.current
    lines = [
        f"Statement for {s.client.name}, {s.month:%B %Y}.",
        "",
        f"Contacts handled: {f.contacts_total:,} ({f.contacts_by_hub:,} by the hub).",
        f"Calls offered {f.calls.offered:,}, answered {f.calls.answered:,}, "
        f"abandoned {f.calls.abandoned:,}.",
        f"Requests raised: {f.requests_raised:,}; complaints: {f.complaints:,}.",
        f"Satisfied: {display(f.satisfaction.csat, 'rate')} "
        f"of {f.satisfaction.responses:,} survey answers.",
        f"Recharge: {display(f.recharge, 'money')}.",
        "",
    ]
    for row in s.standards():
        lines.append(
            f"{row['measure']}: {display(row['actual'], 'rate')} "
            f"(agreed {display(row['agreed'], 'rate')}): {row['met']}."
        )
    lines += ["", "The figures, with the two months before, are attached as CSV and PDF."]
    return "\n".join(lines)
