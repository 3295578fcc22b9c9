"""The Calls page: a day's calls one by one, scoped to the partners the user sees, with CSV."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows
from tests.telephony.telephony_helpers import answered_call, at, left_call, line, load

from firstcontact.partners.models import Role
from firstcontact.telephony.models import Queue

DAY = dt.date(2026, 3, 2)
URL = "/insight/calls/"


@pytest.fixture
def staff(partnership):
    p = partnership
    Queue.objects.create(name="south-main", label="South general enquiries", partner=p.south)
    Queue.objects.create(name="north-main", label="North general enquiries", partner=p.north)
    Queue.objects.create(name="mystery-queue")  # not mapped to a partner
    load(
        [
            *answered_call(DAY, "south-main", "S1", "09:00:00", 10, 180, "SIP/s1"),
            *answered_call(DAY, "south-main", "S2", "09:05:00", 40, 120, "SIP/s2", end="TRANSFER"),
            *left_call(DAY, "south-main", "S3", "09:10:00", 60),
            *answered_call(DAY, "north-main", "N1", "09:02:00", 5, 60, "SIP/n1"),
            *answered_call(DAY, "mystery-queue", "M1", "09:03:00", 5, 60, "SIP/m1"),
            # The day before and the day after: not on the page for DAY.
            *answered_call(DAY - dt.timedelta(days=1), "south-main", "Y1", "23:59:00", 5, 30, "x"),
            *answered_call(DAY + dt.timedelta(days=1), "south-main", "T1", "00:00:30", 5, 30, "x"),
        ]
    )
    return {
        "south_leader": make_user("south-leader", p.south, Role.TEAM_LEADER),
        "hub_manager": make_user("hub-manager", p.north, Role.MANAGER),
        "county_manager": make_user("county-manager", p.county, Role.MANAGER),
        "hub_adviser": p.hub_adviser,
        "admin": p.admin,
    }


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def table_rows(html: str) -> list[list[str]]:
    """The cells of each row of the calls table, as a user reads them (none: no table)."""
    if '<tbody class="govuk-table__body">' not in html:
        return []
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]


def test_the_page_needs_a_login_and_a_dashboard_role(client, staff):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(staff["hub_adviser"])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv", "table": "calls"}).status_code == 403
    client.force_login(staff["south_leader"])
    assert client.get(URL).status_code == 200


def test_the_page_is_in_the_insight_navigation(client, staff):
    client.force_login(staff["south_leader"])
    html = page(client)
    assert f'href="{URL}" aria-current="page">Calls</a>' in html
    assert 'href="/insight/">Dashboard</a>' in html
    dashboard = client.get("/insight/").content.decode()
    assert f'href="{URL}">Calls</a>' in dashboard


def test_a_days_calls_newest_first(client, staff):
    client.force_login(staff["south_leader"])
    html = page(client, day=DAY.isoformat())
    assert "Calls on Monday 2 March 2026" in html
    assert "3 calls. The CSV download has all of them." in html
    assert table_rows(html) == [
        [
            "09:10:00",
            "South general enquiries",
            "S3",
            "Abandoned (caller hung up)",
            "60",
            "–",
            "–",
            "No",
            "1",
        ],
        [
            "09:05:00",
            "South general enquiries",
            "S2",
            "Answered",
            "40",
            "120",
            "SIP/s2",
            "Yes",
            "1",
        ],
        ["09:00:00", "South general enquiries", "S1", "Answered", "10", "180", "SIP/s1", "No", "1"],
    ]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)
    assert headers == [
        "Entered",
        "Queue",
        "Call id",
        "Outcome",
        "Wait (seconds)",
        "Talk (seconds)",
        "Agent",
        "Transferred",
        "Position in queue",
    ]


def test_another_partners_calls_are_never_shown(client, staff):
    client.force_login(staff["south_leader"])
    html = page(client, day=DAY.isoformat())
    assert {row[2] for row in table_rows(html)} == {"S1", "S2", "S3"}
    assert "North general enquiries" not in html and "mystery-queue" not in html
    rows = csv_rows(client.get(URL, {"day": DAY.isoformat(), "format": "csv", "table": "calls"}))
    assert {row["Call id"] for row in rows} == {"S1", "S2", "S3"}
    # Its queue is not offered, and asking for it is an error, not a leak.
    north = Queue.objects.get(name="north-main")
    assert f'<option value="{north.pk}"' not in html
    html = page(client, day=DAY.isoformat(), queue=north.pk)
    assert "There is a problem" in html and "Select a queue from the list" in html
    assert "<title>Error:" in html
    assert table_rows(html) == []  # no calls at all, theirs or anyone's
    response = client.get(
        URL, {"day": DAY.isoformat(), "queue": north.pk, "format": "csv", "table": "calls"}
    )
    assert response.status_code == 404
    # A county manager sees no district's calls.
    client.force_login(staff["county_manager"])
    html = page(client, day=DAY.isoformat())
    assert "No calls on this day with these filters." in html
    assert (
        csv_rows(client.get(URL, {"day": DAY.isoformat(), "format": "csv", "table": "calls"})) == []
    )


def test_admins_and_hub_managers_see_every_queue(client, staff):
    for user in (staff["admin"], staff["hub_manager"]):
        client.force_login(user)
        html = page(client, day=DAY.isoformat())
        assert [row[:3] for row in table_rows(html)] == [
            ["09:10:00", "South general enquiries", "S3"],
            ["09:05:00", "South general enquiries", "S2"],
            ["09:03:00", "mystery-queue", "M1"],
            ["09:02:00", "North general enquiries", "N1"],
            ["09:00:00", "South general enquiries", "S1"],
        ]


def test_filter_by_queue_and_outcome(client, staff):
    client.force_login(staff["admin"])
    north = Queue.objects.get(name="north-main")
    south = Queue.objects.get(name="south-main")
    html = page(client, day=DAY.isoformat(), queue=north.pk)
    assert [row[2] for row in table_rows(html)] == ["N1"]
    assert f'<option value="{north.pk}" selected>North general enquiries</option>' in html
    html = page(client, day=DAY.isoformat(), outcome="abandoned")
    assert [row[2] for row in table_rows(html)] == ["S3"]
    html = page(client, day=DAY.isoformat(), queue=south.pk, outcome="answered")
    assert [row[2] for row in table_rows(html)] == ["S2", "S1"]
    html = page(client, day=DAY.isoformat(), queue=north.pk, outcome="abandoned")
    assert "No calls on this day with these filters." in html
    html = page(client, day=DAY.isoformat(), outcome="lost")
    assert "Select an outcome from the list" in html


def test_the_day_is_a_uk_day(client, staff):
    """Calls just either side of midnight, UK time, fall on their own days."""
    client.force_login(staff["south_leader"])
    before = page(client, day=(DAY - dt.timedelta(days=1)).isoformat())
    assert [row[2] for row in table_rows(before)] == ["Y1"]
    after = page(client, day=(DAY + dt.timedelta(days=1)).isoformat())
    assert [row[2] for row in table_rows(after)] == ["T1"]
    # In summer time too: 00:30 BST is 23:30 UTC the day before.
    summer = dt.date(2026, 6, 1)
    load(answered_call(summer, "south-main", "B1", "00:30:00", 5, 30, "x"))
    html = page(client, day=summer.isoformat())
    assert [row[:3] for row in table_rows(html)] == [["00:30:00", "South general enquiries", "B1"]]
    assert "No calls on this day" in page(client, day="2026-05-31")


def test_today_by_default(client, staff):
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    early = midnight + (now - midnight) / 2
    load(
        [
            line(early, "TODAY1", "south-main", "NONE", "ENTERQUEUE", "", "0", 1),
            line(early, "TODAY1", "south-main", "SIP/s1", "CONNECT", 0, "x", 1),
        ]
    )
    client.force_login(staff["south_leader"])
    html = page(client)
    assert f'value="{timezone.localdate().isoformat()}"' in html  # the day field shows today
    assert [row[2:4] for row in table_rows(html)] == [["TODAY1", "Talking now"]]


def test_bad_input_shows_errors_not_a_failure(client, staff):
    client.force_login(staff["south_leader"])
    for day in ("2026-02-30", "yesterday", "99999-01-01"):
        html = page(client, day=day)
        assert "There is a problem" in html
        assert '<a href="#id_day">Enter a real date, for example 2026-03-02</a>' in html
        assert "Correct the filters above to see the calls." in html
    html = page(client, day="9999-12-31")
    assert "The day must be today or in the past" in html
    html = page(client, day=DAY.isoformat(), queue="not-a-queue")
    assert "Select a queue from the list" in html


def test_csv_has_every_call_of_the_day(client, staff):
    day = dt.date(2026, 3, 4)
    lines = []
    for n in range(520):
        minute, second = divmod(n, 60)
        lines += left_call(day, "south-main", f"C{n:03d}", f"10:{minute:02d}:{second:02d}", 3)
    load(lines)
    client.force_login(staff["south_leader"])
    html = page(client, day=day.isoformat())
    rows = table_rows(html)
    assert len(rows) == 500
    assert rows[0][2] == "C519" and rows[-1][2] == "C020"  # the newest 500
    assert "520 calls. The newest 500 are shown here; the CSV download has all 520." in html
    assert f'href="?day={day.isoformat()}&amp;format=csv&amp;table=calls"' in html

    response = client.get(URL, {"day": day.isoformat(), "format": "csv", "table": "calls"})
    assert response.content.decode().splitlines()[0] == (
        "Entered,Queue,Call id,Outcome,Wait (seconds),Talk (seconds),Agent,Transferred,"
        "Position in queue"
    )
    data = csv_rows(response)
    assert len(data) == 520
    assert [row["Call id"] for row in data] == [f"C{n:03d}" for n in reversed(range(520))]
    assert data[0]["Entered"] == at(day, "10:08:39").isoformat()
    assert data[0]["Outcome"] == "Abandoned (caller hung up)"
    assert (data[0]["Wait (seconds)"], data[0]["Talk (seconds)"]) == ("3", "")
    assert data[0]["Transferred"] == "No"
