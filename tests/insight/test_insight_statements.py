"""Monthly statements (issue 17, item 5): a client partner's month against its agreed
standards, equal to the dashboard's and recharges page's figures for the same month and
partner; emailed once per partner and month by `send_statements`."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows
from tests.telephony.telephony_helpers import answered_call, left_call, load

from firstcontact.contacts.models import Contact
from firstcontact.insight.indicators import local_zone
from firstcontact.insight.models import (
    RechargeRate,
    SatisfactionResponse,
    ServiceAgreement,
    StatementSent,
    SurveyInvitation,
)
from firstcontact.partners.models import HubAgreement, Role
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    Complaint,
    ServiceRequest,
    Status,
)
from firstcontact.telephony.models import Queue

NOV = dt.date(2026, 11, 10)
OCT = dt.date(2026, 10, 6)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=local_zone())


@pytest.fixture
def month(partnership):
    """November 2026 (and a little of October) for Wessex County Council, the north hub's
    client: calls on its queue, contacts on three channels, requests, a complaint, a survey."""
    p = partnership
    p.county.email = "contact-centre@wessex.example"
    p.county.save()
    ServiceAgreement.objects.create(
        agreement=HubAgreement.objects.get(reference="SLA-HUB-1"),
        service_level_seconds=20,
        service_level_target=0.8,
        abandonment_max=0.05,
        fcr_target=0.7,
        sla_target=0.9,
    )
    RechargeRate.objects.create(
        hub=p.north,
        client=p.county,
        per_contact=Decimal("2.50"),
        per_call=Decimal("1.00"),
        starts=dt.date(2026, 1, 1),
    )
    Queue.objects.create(name="county-main", partner=p.county, handled_by=p.north)
    load(
        [
            *answered_call(NOV, "county-main", "C1", "09:00:00", 10, 180, "SIP/n1"),
            *answered_call(NOV, "county-main", "C2", "09:05:00", 40, 120, "SIP/n1"),
            *left_call(NOV, "county-main", "C3", "09:10:00", 60),
            *answered_call(OCT, "county-main", "C4", "09:00:00", 5, 60, "SIP/n1"),
        ]
    )
    contacts = []
    for channel, outcome, handler in [
        ("phone", "resolved", p.north),
        ("phone", "request_raised", p.north),
        ("web", "resolved", p.north),
        ("email", "signposted", p.county),
        ("phone", "abandoned", p.north),
    ]:
        contact = Contact.objects.create(
            partner=p.county,
            handled_by=handler,
            channel=channel,
            started_at=at(NOV),
            ended_at=at(NOV, 11),
            outcome=outcome,
        )
        contacts.append(contact)
    Contact.objects.create(  # another partner's: not on the county's statement
        partner=p.south, channel="web", started_at=at(NOV), ended_at=at(NOV, 11), outcome="resolved"
    )
    for due_hours in (4, -4):  # one closed within its SLA, one late
        ServiceRequest.objects.create(
            reference=f"R{ServiceRequest.objects.count():07d}",
            service=p.pothole,
            channel="web",
            responsible_partner=p.county,
            status=Status.CLOSED,
            outcome=ClosureOutcome.FIXED,
            created_at=at(NOV, 8),
            closed_at=at(NOV, 12),
            sla_due_at=at(NOV, 12) + dt.timedelta(hours=due_hours),
        )
    complaint = ServiceRequest.objects.create(
        reference="C0000001",
        service=p.pothole,
        channel="phone",
        responsible_partner=p.county,
        created_at=at(NOV, 9),
    )
    Complaint.objects.create(request=complaint, stage1_due_at=at(NOV + dt.timedelta(days=14)))
    for score, contact in zip((5, 2), contacts, strict=False):
        invitation = SurveyInvitation.objects.create(
            contact=contact, partner=p.county, rate=1.0, created_at=at(NOV), expires_at=at(NOV, 23)
        )
        SatisfactionResponse.objects.create(
            invitation=invitation, partner=p.county, score=score, submitted_at=at(NOV, 12)
        )
    return p


def by(table, key, value):
    return next(row for row in table.rows if row[key] == value)


def tables_of(response) -> dict:
    assert response.status_code == 200
    return {t.name: t for t in response.context["tables"]}


def test_the_statement_equals_the_dashboard_and_recharges(client, month):
    manager = make_user("hub-manager", month.north, Role.MANAGER)
    client.force_login(manager)
    dashboard = tables_of(
        client.get(
            "/insight/",
            {"partner": month.county.pk, "date_from": "2026-11-01", "date_to": "2026-11-30"},
        )
    )
    recharges = tables_of(client.get("/insight/recharges/", {"month": "2026-11"}))
    statement = tables_of(
        client.get("/insight/statements/", {"partner": month.county.pk, "month": "2026-11"})
    )
    county = month.county.name

    contacts = statement["statement-contacts"].rows[-1]
    assert contacts["month"] == "November 2026"
    for row in dashboard["contacts-by-channel"].rows:
        channel = next(
            c for c in statement["statement-contacts"].columns if c.label == row["channel"]
        )
        assert contacts[channel.key] == row["contacts"], row["channel"]
    assert contacts["all"] == dashboard["contacts-by-channel"].footer["contacts"] == 5
    assert contacts["by_hub"] == 4

    calls = statement["statement-calls"].rows[-1]
    on_dashboard = by(dashboard["calls-by-partner"], "partner", county)
    for key in ("offered", "answered", "abandoned", "abandonment", "service_level"):
        assert calls[key] == on_dashboard[key], key
    assert (calls["offered"], calls["answered"], calls["abandoned"]) == (3, 2, 1)
    assert statement["statement-calls"].rows[-2]["answered"] == 1  # October beside it

    service = statement["statement-service"].rows[-1]
    assert service["fcr"] == by(dashboard["first-contact-resolution"], "partner", county)["fcr"]
    sla = by(dashboard["sla-compliance"], "partner", county)
    assert (service["closed"], service["on_time"], service["sla"]) == (
        sla["closed"],
        sla["on_time"],
        sla["rate"],
    )
    assert (service["closed"], service["on_time"]) == (2, 1)
    assert service["raised"] == 3 and service["complaints"] == 1
    assert service["csat"] == by(dashboard["satisfaction"], "partner", county)["csat"] == 0.5
    assert service["recharge"] == by(recharges["recharges"], "client", county)["total"]
    assert service["recharge"] == Decimal("4.50")  # 1 web contact at £2.50 and 2 calls at £1


def test_the_page_shows_the_standards_and_previous_months_and_downloads(client, month):
    client.force_login(month.admin)
    html = client.get("/insight/statements/", {"partner": month.county.pk, "month": "2026-11"})
    page = html.content.decode()
    for text in ["November 2026", "October 2026", "September 2026", "SLA-HUB-1", "Not met"]:
        assert text in page, text
    standards = {
        row["Standard"]: row
        for row in csv_rows(
            client.get(
                "/insight/statements/",
                {
                    "partner": month.county.pk,
                    "month": "2026-11",
                    "format": "csv",
                    "table": "statement-standards",
                },
            )
        )
    }
    service_level = standards["Service level (calls answered within 20 seconds)"]
    assert (service_level["Achieved"], service_level["Met"]) == ("0.3333", "Not met")
    assert standards["Requests closed within their SLA"]["Achieved"] == "0.5000"


def test_only_the_hub_and_the_client_see_a_statement(client, month):
    south = make_user("south-lead", month.south, Role.TEAM_LEADER)
    client.force_login(south)
    response = client.get("/insight/statements/", {"partner": month.county.pk, "month": "2026-11"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a client partner from the list" in page
    assert "statement-calls" not in page and "SLA-HUB-1" not in page
    client.force_login(month.highways_lead)  # the client's own team leader
    page = client.get("/insight/statements/", {"month": "2026-11"}).content.decode()
    assert "SLA-HUB-1" in page
    client.force_login(month.highways_officer)
    assert client.get("/insight/statements/").status_code == 403


def test_a_bad_month_is_an_error_message_not_a_crash(client, month):
    client.force_login(month.admin)
    response = client.get("/insight/statements/", {"month": "2026-13"})
    assert response.status_code == 200
    assert "Error: " in response.content.decode()


def test_send_statements_emails_each_client_once(month):
    call_command("send_statements", "--month", "2026-11")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["contact-centre@wessex.example"]
    assert "November 2026" in message.subject
    assert "Calls offered 3, answered 2, abandoned 1." in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "statement-wessex-2026-11.csv" and mimetype == "text/csv"
    assert "Calls to Wessex County Council's queues" in content
    assert (
        StatementSent.objects.filter(partner=month.county, month=dt.date(2026, 11, 1)).count() == 1
    )

    call_command("send_statements", "--month", "2026-11")
    assert len(mail.outbox) == 1  # nothing sent twice

    call_command("send_statements", "--month", "2026-10")
    assert len(mail.outbox) == 2  # another month is another statement


def test_a_partnership_admin_sees_which_statements_were_sent(client, month):
    call_command("send_statements", "--month", "2026-11")
    client.force_login(month.admin)
    page = client.get("/admin/insight/statementsent/").content.decode()
    assert "contact-centre@wessex.example" in page
    sent = StatementSent.objects.get()
    assert client.get(f"/admin/insight/statementsent/{sent.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/insight/statementsent/{sent.pk}/change/", {"month": "2026-01-01"}
    )
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.month == dt.date(2026, 11, 1)  # read-only


def test_send_statements_refuses_a_month_not_ended_or_malformed(month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("send_statements", "--month", "November")
    with pytest.raises(CommandError, match="has not ended"):
        call_command("send_statements", "--month", "2099-01")
    assert mail.outbox == []


def test_a_client_without_an_email_address_is_named_and_sent_later(month):
    month.county.email = ""
    month.county.save()
    errors = io.StringIO()
    call_command("send_statements", "--month", "2026-11", stderr=errors, stdout=io.StringIO())
    assert "Wessex County Council: no email address" in errors.getvalue()
    assert mail.outbox == [] and not StatementSent.objects.exists()
    month.county.email = "contact-centre@wessex.example"
    month.county.save()
    call_command("send_statements", "--month", "2026-11", stdout=io.StringIO())
    assert len(mail.outbox) == 1


# --- The statement as PDF --------------------------------------------------------------------


def pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages for this HTML (the PDF's own streams are
    compressed, and no PDF text extractor is installed)."""
    import weasyprint

    words = []
    for page in weasyprint.HTML(string=html).render().pages:
        for box in page._page_box.descendants():
            if hasattr(box, "text"):
                words.append(box.text)
    return " ".join(words)


def test_the_statement_downloads_as_a_pdf_with_its_figures(client, month):
    from firstcontact.insight.pdf import statement_html
    from firstcontact.insight.statements import statement

    client.force_login(month.admin)
    page = client.get("/insight/statements/", {"partner": month.county.pk, "month": "2026-11"})
    link = f"?partner={month.county.pk}&amp;month=2026-11&amp;format=pdf"
    assert f'href="{link}"' in page.content.decode() and "Download PDF" in page.content.decode()

    response = client.get(
        "/insight/statements/", {"partner": month.county.pk, "month": "2026-11", "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="statement-wessex-2026-11.pdf"' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # A valid PDF's cross-reference offset points at an object, and its pages are there.
    offset = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf).group(1))
    assert re.match(rb"\d+ 0 obj", pdf[offset:])
    streams = re.findall(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S)
    assert b"/Type /Pages" in b"".join(zlib.decompressobj().decompress(s) for s in streams)

    text = pdf_text(statement_html(statement(month.county, dt.date(2026, 11, 1))))
    for figure in [
        "Wessex County Council: statement for November 2026",
        "SLA-HUB-1",
        "September 2026",
        "October 2026",
        "Service level (calls answered within 20 seconds)",
        "33.3%",  # 1 of 3 calls within 20 seconds
        "Not met",
        "£4.50",  # the recharge
        "50.0%",  # satisfied, and SLA compliance
    ]:
        assert figure in text, figure


def test_a_partner_who_may_not_see_the_statement_gets_no_pdf(client, month):
    client.force_login(make_user("south-lead", month.south, Role.TEAM_LEADER))
    response = client.get(
        "/insight/statements/", {"partner": month.county.pk, "month": "2026-11", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Select a client partner from the list" in response.content.decode()


def test_without_weasyprints_libraries_the_page_says_so_and_email_sends_the_csv(
    client, month, monkeypatch
):
    from firstcontact.insight import pdf

    def missing():
        raise pdf.PDFUnavailable(
            "PDF statements cannot be made on this server: WeasyPrint or the system libraries "
            "it needs (Pango) are not installed (OSError)."
        )

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    client.force_login(month.admin)
    response = client.get(
        "/insight/statements/", {"partner": month.county.pk, "month": "2026-11", "format": "pdf"}
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "The PDF could not be made" in page and "(Pango) are not installed" in page
    assert "statement-calls" in page  # the figures are still there, with their CSV links

    errors = io.StringIO()
    call_command("send_statements", "--month", "2026-11", stderr=errors, stdout=io.StringIO())
    assert "Sent with the CSV only." in errors.getvalue()
    assert [name for name, *_ in mail.outbox[0].attachments] == ["statement-wessex-2026-11.csv"]


def test_the_emailed_statement_has_the_pdf_attached_once(month):
    call_command("send_statements", "--month", "2026-11", stdout=io.StringIO())
    call_command("send_statements", "--month", "2026-11", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    attachments = {
        name: (content, mimetype) for name, content, mimetype in mail.outbox[0].attachments
    }
    content, mimetype = attachments["statement-wessex-2026-11.pdf"]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")
    assert "attached as CSV and PDF" in mail.outbox[0].body
