"""First-contact resolution by team and by adviser beside their targets (issue 18): the same
FCR as the dashboard's, scoped to the partners the user sees."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows

from firstcontact.contacts.models import Contact
from firstcontact.insight.models import ServiceAgreement
from firstcontact.partners.models import HubAgreement, Role


@pytest.fixture
def handled(partnership):
    p = partnership
    ServiceAgreement.objects.create(
        agreement=HubAgreement.objects.get(reference="SLA-HUB-1"), fcr_target=0.7
    )
    now = timezone.now()
    for adviser, partner, outcomes in [
        (
            p.highways_officer,
            p.county,
            ["resolved", "resolved", "signposted", "request_raised", "abandoned", "timed_out"],
        ),
        (p.south_caseworker, p.south, ["resolved"]),
    ]:
        for outcome in outcomes:
            Contact.objects.create(
                partner=partner,
                adviser=adviser,
                channel="phone",
                started_at=now,
                ended_at=now,
                outcome=outcome,
            )
    Contact.objects.create(  # a resident's own web report: no adviser
        partner=p.county, channel="web", started_at=now, ended_at=now, outcome="resolved"
    )
    return p


def test_fcr_by_team_and_adviser_against_the_target(client, handled):
    client.force_login(make_user("county-manager", handled.county, Role.MANAGER))
    page = client.get("/insight/fcr/")
    assert (
        page.status_code == 200 and "First-contact resolution by adviser" in page.content.decode()
    )

    def table(name):
        return csv_rows(client.get("/insight/fcr/", {"format": "csv", "table": name}))

    [officer, whole] = table("fcr-by-adviser")
    assert officer["Adviser"] == "highways-officer"
    # 3 resolved (one signposted) of 4 ended: abandoned and timed out are left out.
    assert (officer["Ended contacts"], officer["Resolved at first contact"]) == ("4", "3")
    assert officer["First-contact resolution"] == "0.7500"
    assert (officer["Target"], officer["Against target"]) == ("0.7000", "target 70% — met")
    assert whole["Adviser"] == "All" and whole["Against target"] == "target 80% — not met"
    [team] = table("fcr-by-team")
    assert (team["Team"], team["Partner"], team["Ended contacts"]) == (
        "Highways",
        "Wessex County Council",
        "4",
    )
    assert team["Against target"] == "target 70% — met"


def test_an_admin_sees_every_partners_advisers_and_an_officer_none(client, handled):
    client.force_login(handled.admin)
    rows = csv_rows(client.get("/insight/fcr/", {"format": "csv", "table": "fcr-by-adviser"}))
    assert [r["Adviser"] for r in rows] == ["highways-officer", "south-caseworker", "All"]
    assert rows[1]["Against target"] == "target 80% — met"  # the partnership's default
    client.force_login(handled.highways_officer)
    assert client.get("/insight/fcr/").status_code == 403


def test_the_targets_are_read_once_for_all_the_rows(client, handled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(handled.admin)
    table = ServiceAgreement._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/insight/fcr/").content.decode()
    assert "highways-officer" in page and "south-caseworker" in page  # two advisers, two teams
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
