"""Complaint statistics (issue 18): received, answered on time, days to answer, escalations
and decisions, by partner, service, stage and outcome, scoped to the partners the user sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows

from firstcontact.partners.models import Role
from firstcontact.servicerequests.models import Complaint, ServiceRequest
from firstcontact.servicerequests.references import new_reference

DAY = dt.timedelta(days=1)


@pytest.fixture
def complaints(partnership):
    p = partnership
    received = timezone.now() - 20 * DAY

    def complaint(partner, about, **fields):
        sr = ServiceRequest.objects.create(
            reference=new_reference(),
            service=p.pothole,
            channel="phone",
            responsible_partner=partner,
            created_at=received,
        )
        return Complaint.objects.create(
            request=sr, stage1_due_at=received + 10 * DAY, about_service=about, **fields
        )

    # Answered in 4 days, upheld.
    complaint(p.county, p.pothole, stage1_responded_at=received + 4 * DAY, stage1_decision="upheld")
    # Answered late (12 days), not upheld; escalated, final response in 6 days, partly upheld.
    complaint(
        p.county,
        p.pothole,
        stage=2,
        stage1_responded_at=received + 12 * DAY,
        stage1_decision="not_upheld",
        escalated_at=received + 13 * DAY,
        stage2_due_at=received + 33 * DAY,
        stage2_responded_at=received + 19 * DAY,
        stage2_decision="partly_upheld",
    )
    complaint(p.county, None)  # not answered yet, service not recorded
    complaint(p.south, p.missed_bin)  # another partner's
    return p


def test_complaints_by_partner_service_stage_and_outcome(client, complaints):
    client.force_login(make_user("county-manager", complaints.county, Role.MANAGER))
    page = client.get("/insight/complaints/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "South Wessex" not in html.split('id="complaints-by-partner-table"')[1].split("</table>")[0]
    )

    def table(name):
        return csv_rows(client.get("/insight/complaints/", {"format": "csv", "table": name}))

    [county, whole] = table("complaints-by-partner")
    assert county["Partner"] == "Wessex County Council" and whole["Partner"] == "All"
    assert (county["Received"], county["Answered at stage 1"], county["Stage 1 on time"]) == (
        "3",
        "2",
        "1",
    )
    assert county["Stage 1 on-time rate"] == "0.5000"
    assert county["Median days to a stage 1 answer"] == "8.0"  # 4 and 12 days
    assert (county["Escalated to stage 2"], county["Final responses on time"]) == ("1", "1")
    assert county["Median days to a final response"] == "6.0"
    assert county["Awaiting an answer"] == "1"
    assert (county["Upheld"], county["Partly upheld"], county["Not upheld"]) == ("1", "1", "0")

    services = {r["Service"]: r["Received"] for r in table("complaints-by-service")}
    assert services == {"Not recorded": "1", "Pothole": "2", "All": "3"}
    stages = {r["Stage"]: r for r in table("complaints-by-stage")}
    assert stages["Stage 2 (final)"]["Complaints at this stage"] == "1"
    assert stages["Stage 1"]["On-time rate"] == "0.5000"
    outcomes = {r["Outcome"]: r for r in table("complaints-by-outcome")}
    assert (
        outcomes["Not upheld"]["Stage 1 decisions"],
        outcomes["Not upheld"]["Latest decision"],
    ) == (
        "1",
        "0",
    )


def test_a_partnership_admin_sees_every_partner_and_a_bad_period_is_an_error(client, complaints):
    client.force_login(complaints.admin)
    rows = csv_rows(
        client.get("/insight/complaints/", {"format": "csv", "table": "complaints-by-partner"})
    )
    assert [r["Partner"] for r in rows] == [
        "South Wessex District Council",
        "Wessex County Council",
        "All",
    ]
    page = client.get("/insight/complaints/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert page.status_code == 200 and "Error: " in page.content.decode()
    client.force_login(complaints.highways_officer)
    assert client.get("/insight/complaints/").status_code == 403
