"""The insight pages: who may see them, whose figures they show, CSV exports, live JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows
from tests.telephony.telephony_helpers import answered_call, left_call, line, load

from firstcontact.insight.models import SamplingRule
from firstcontact.partners.models import Role
from firstcontact.telephony.generator import QueueProfile, generate_queue_log
from firstcontact.telephony.models import Queue

DAY = dt.date(2026, 3, 2)
PERIOD = {"date_from": "2026-03-02", "date_to": "2026-03-02"}


@pytest.fixture
def staff(partnership):
    p = partnership
    Queue.objects.create(name="south-main", label="South general enquiries", partner=p.south)
    Queue.objects.create(name="north-main", label="North general enquiries", partner=p.north)
    Queue.objects.create(name="mystery-queue")  # not mapped to a partner
    lines = [
        *answered_call(DAY, "south-main", "S1", "09:00:00", 10, 180, "SIP/s1"),
        *answered_call(DAY, "south-main", "S2", "09:05:00", 40, 120, "SIP/s1"),
        *left_call(DAY, "south-main", "S3", "09:10:00", 60),
        *answered_call(DAY, "north-main", "N1", "09:00:00", 5, 60, "SIP/n1"),
        *answered_call(DAY, "mystery-queue", "M1", "09:00:00", 5, 60, "SIP/m1"),
    ]
    load(lines)
    return {
        "south_leader": make_user("south-leader", p.south, Role.TEAM_LEADER),
        "hub_manager": make_user("hub-manager", p.north, Role.MANAGER),
        "county_manager": make_user("county-manager", p.county, Role.MANAGER),
        "hub_adviser": p.hub_adviser,
        "admin": p.admin,
    }


PAGES = [
    "/insight/",
    "/insight/live/",
    "/insight/live.json",
    "/insight/calls/",
    "/insight/staffing/",
    "/insight/pooling/",
    "/insight/recharges/",
    "/insight/satisfaction/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_a_login_and_a_dashboard_role(client, staff, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(staff["hub_adviser"])
    assert client.get(url).status_code == 403
    client.force_login(staff["south_leader"])
    assert client.get(url).status_code == 200


def test_a_district_team_leader_sees_only_their_queues(client, staff):
    client.force_login(staff["south_leader"])
    page = client.get("/insight/", PERIOD).content.decode()
    assert "South general enquiries" in page
    assert "North general enquiries" not in page
    assert "mystery-queue" not in page
    data = csv_rows(client.get("/insight/", {**PERIOD, "format": "csv", "table": "calls-by-queue"}))
    assert [row["Queue"] for row in data] == ["South general enquiries", "All queues"]


def test_the_hub_manager_and_admins_see_every_partner(client, staff):
    for user in (staff["hub_manager"], staff["admin"]):
        client.force_login(user)
        data = csv_rows(
            client.get("/insight/", {**PERIOD, "format": "csv", "table": "calls-by-queue"})
        )
        queues = [row["Queue"] for row in data]
        assert {"South general enquiries", "North general enquiries", "mystery-queue"} <= set(
            queues
        )


def test_the_county_manager_sees_only_the_county(client, staff):
    client.force_login(staff["county_manager"])
    data = csv_rows(client.get("/insight/", {**PERIOD, "format": "csv", "table": "calls-by-queue"}))
    assert data == []


def test_calls_csv_has_the_figures(client, staff):
    """South: offered 3, answered 2, abandoned 1; within 20 s: S1 → 1/3; ASA (10+40)/2 = 25;
    AHT (180+120)/2 = 150; longest wait 60."""
    client.force_login(staff["south_leader"])
    (row, total) = csv_rows(
        client.get("/insight/", {**PERIOD, "format": "csv", "table": "calls-by-queue"})
    )
    assert row["Partner"] == "South Wessex District Council"
    assert (row["Offered"], row["Answered"], row["Abandoned"]) == ("3", "2", "1")
    assert row["Abandonment rate"] == "0.3333"
    assert row["Service level"] == "0.3333"
    assert row["Average speed of answer"] == "25.0"
    assert row["Average handle time"] == "150.0"
    assert row["Longest wait"] == "60.0"
    assert total["Offered"] == "3"
    by_day = csv_rows(
        client.get("/insight/", {**PERIOD, "format": "csv", "table": "calls-over-time"})
    )
    assert by_day[0]["Period starting"] == "2026-03-02" and by_day[0]["Offered"] == "3"


def test_dashboard_markup_is_accessible(client, staff):
    client.force_login(staff["south_leader"])
    html = client.get("/insight/", PERIOD).content.decode()
    assert '<label class="govuk-label" for="id_partner">' in html
    assert 'class="govuk-select' in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert "<caption" in html
    assert html.count("<svg") >= 3 and html.count("<title id=") == html.count("<svg")
    assert "govuk-summary-list" in html
    assert 'href="?date_from=2026-03-02&amp;date_to=2026-03-02&amp;format=csv' in html


def test_every_dashboard_table_downloads(client, staff):
    client.force_login(staff["admin"])
    for name in [
        "calls-by-queue",
        "calls-over-time",
        "contacts-by-channel",
        "channel-shift",
        "first-contact-resolution",
        "fcr-by-outcome",
        "sla-compliance",
        "satisfaction",
    ]:
        response = client.get("/insight/", {**PERIOD, "format": "csv", "table": name})
        assert response.status_code == 200, name
    assert client.get("/insight/", {"format": "csv", "table": "nope"}).status_code == 404


def test_fcr_by_outcome_shows_signposting_counted_as_resolved(client, staff, partnership):
    from firstcontact.contacts.models import Contact

    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    for outcome in ["resolved", "signposted", "signposted", "request_raised", "abandoned"]:
        Contact.objects.create(
            partner=partnership.south,
            channel="phone",
            started_at=start,
            ended_at=start + dt.timedelta(minutes=5),
            outcome=outcome,
        )
    Contact.objects.create(  # another partner's: not the south team leader's to count
        partner=partnership.north,
        channel="phone",
        started_at=start,
        ended_at=start + dt.timedelta(minutes=5),
        outcome="signposted",
    )
    client.force_login(staff["south_leader"])
    rows = {
        row["Outcome"]: row
        for row in csv_rows(
            client.get("/insight/", {**PERIOD, "format": "csv", "table": "fcr-by-outcome"})
        )
    }
    assert rows["Signposted"]["Contacts"] == "2"
    assert rows["Signposted"]["In first-contact resolution"] == "Resolved"
    assert rows["Resolved at first contact"]["In first-contact resolution"] == "Resolved"
    assert rows["Service request raised"]["In first-contact resolution"] == "Not resolved"
    assert rows["Abandoned"]["In first-contact resolution"] == "Left out"
    assert rows["All outcomes"]["Contacts"] == "5"
    fcr = csv_rows(
        client.get("/insight/", {**PERIOD, "format": "csv", "table": "first-contact-resolution"})
    )
    south = next(row for row in fcr if row["Partner"] == partnership.south.name)
    assert (south["Ended contacts"], south["Resolved at first contact"]) == ("4", "3")
    page = client.get("/insight/", PERIOD).content.decode()
    assert "Ended contacts by outcome" in page and "Signposted" in page
    assert "Resolved includes contacts signposted to a service." in page


def test_dashboard_by_the_hour(client, staff):
    client.force_login(staff["south_leader"])
    rows = csv_rows(
        client.get(
            "/insight/", {**PERIOD, "interval": "60", "format": "csv", "table": "calls-over-time"}
        )
    )
    assert len(rows) == 24
    nine = rows[9]
    assert nine["Period starting"].startswith("2026-03-02T09:00:00")
    assert (nine["Offered"], nine["Answered"]) == ("3", "2")
    page = client.get(
        "/insight/", {"date_from": "2026-03-01", "date_to": "2026-03-20", "interval": "15"}
    )
    assert "Show by day, week or month for a period longer than a week" in page.content.decode()


def test_filters_validate(client, staff):
    client.force_login(staff["south_leader"])
    page = client.get("/insight/", {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "The end date must be on or after the start date" in html
    assert "<title>Error:" in html
    # A partner the user may not see is not a valid choice.
    page = client.get("/insight/", {"partner": staff["hub_manager"].memberships.get().partner_id})
    assert "Select a valid choice" in page.content.decode()


def test_live_view_of_today(client, staff):
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    early = midnight + (now - midnight) / 3
    load(
        [
            line(early, "L1", "south-main", "NONE", "ENTERQUEUE", "", "0", 1),
            line(early, "L1", "south-main", "SIP/s1", "CONNECT", 0, "x", 1),
            line(early, "W1", "south-main", "NONE", "ENTERQUEUE", "", "0", 1),  # still waiting
            line(early, "NONE", "south-main", "SIP/s1", "ADDMEMBER", ""),
            line(early, "NONE", "south-main", "SIP/s2", "ADDMEMBER", ""),
            line(early, "NONE", "south-main", "SIP/s2", "PAUSE", "Lunch"),
            line(early, "L9", "north-main", "NONE", "ENTERQUEUE", "", "0", 1),
        ]
    )
    client.force_login(staff["south_leader"])
    html = client.get("/insight/live/").content.decode()
    assert 'href="/insight/live/" data-live-refresh>Refresh</a>' in html
    assert "insight/live.js" in html and 'data-live-url="/insight/live.json"' in html
    assert "http-equiv" not in html  # no meta refresh
    data = json.loads(client.get("/insight/live.json").content)
    assert data["columns"][:6] == ["queue", "partner", "waiting", "longest_now", "agents", "paused"]
    (row,) = data["rows"]
    assert html.count("data-live-body") == 1  # only the queues table refreshes
    assert "Today so far, every 30 minutes" in html
    assert row[0] == "South general enquiries"
    assert row[2:7] == ["1", row[3], "1", "1", "2"]
    assert row[7] == "1"  # answered (still talking)


def test_staffing_page(client, staff):
    day = dt.date(2026, 3, 30)
    lines = []
    for week in range(1, 5):
        past = day - dt.timedelta(days=7 * week)
        lines += generate_queue_log([QueueProfile("south-main", 150)], past, 1, seed=week)
    load([text.rstrip("\n") for text in lines])
    queue = Queue.objects.get(name="south-main")
    client.force_login(staff["south_leader"])
    params = {
        "queue": queue.pk,
        "date": day.isoformat(),
        "interval": "30",
        "target": "80",
        "seconds": "20",
        "shrinkage": "30",
    }
    html = client.get("/insight/staffing/", params).content.decode()
    assert "Agents to schedule" in html and "<svg" in html
    rows = csv_rows(
        client.get("/insight/staffing/", {**params, "format": "csv", "table": "staffing"})
    )
    assert rows[0]["Interval starting"] == "08:00"
    assert all(int(r["Agents to schedule"]) >= int(r["Agents on the phones"]) for r in rows)
    erlang_a = client.get("/insight/staffing/", {**params, "model": "erlang_a"})
    assert "Expected abandonment" in erlang_a.content.decode()
    north = Queue.objects.get(name="north-main")
    page = client.get("/insight/staffing/", {"queue": north.pk})
    assert "Select a valid choice" in page.content.decode()


def test_pooling_page(client, staff):
    day = dt.date(2026, 3, 30)
    lines = []
    for week in range(1, 3):
        past = day - dt.timedelta(days=7 * week)
        lines += generate_queue_log(
            [QueueProfile("south-main", 120), QueueProfile("north-main", 90)], past, 1, seed=week
        )
    load([text.rstrip("\n") for text in lines])
    client.force_login(staff["hub_manager"])
    response = client.get("/insight/pooling/", {"date": day.isoformat(), "weeks": "2"})
    html = response.content.decode()
    assert "One shared hub" in html and "full-time equivalents" in html
    rows = csv_rows(
        client.get(
            "/insight/pooling/",
            {
                "date": day.isoformat(),
                "weeks": "2",
                "format": "csv",
                "table": "pooling-by-interval",
            },
        )
    )
    total = rows[-1]
    assert int(total["One shared hub"]) < int(total["Separate queues"])
    overflow = csv_rows(
        client.get(
            "/insight/pooling/",
            {"date": day.isoformat(), "weeks": "2", "format": "csv", "table": "overflow"},
        )
    )
    assert len(overflow) == 3


def test_recharges_and_satisfaction_pages(client, staff):
    client.force_login(staff["hub_manager"])
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    html = client.get("/insight/recharges/").content.decode()
    assert f"Recharges for {last_month:%B %Y}" in html
    assert "Wessex County Council" in html  # the hub's client
    csv_rows(client.get("/insight/recharges/", {"format": "csv", "table": "recharges"}))
    assert SamplingRule.objects.filter(queue__name="south-main").exists()  # made by import
    client.force_login(staff["south_leader"])
    html = client.get("/insight/satisfaction/").content.decode()
    assert "South general enquiries" in html
    assert "Change these rules" not in html
    client.force_login(staff["admin"])
    html = client.get("/insight/satisfaction/").content.decode()
    assert "/admin/insight/samplingrule/" in html
