"""The back office's work queue: scoped per team, filters, SLA counts, bulk assign."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import (
    assign_request,
    change_status,
    clean_location,
    raise_request,
    refer_request,
)
from tests.desk.conftest import raise_pothole

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=LONDON)  # a Tuesday


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def known_queue(partnership, frozen):
    """Highways: 2 overdue (one on hold, which does not count), 3 due today, 1 due later,
    1 closed overdue (not counted), 1 without a due time. South waste: 1 overdue."""

    def pothole(due, **kwargs):
        request = raise_pothole(partnership)
        ServiceRequest.objects.filter(pk=request.pk).update(sla_due_at=due)
        request.refresh_from_db()
        return request

    rows = {
        "overdue": pothole(NOW - dt.timedelta(hours=3)),
        "overdue_held": pothole(NOW - dt.timedelta(hours=1)),
        "today_1": pothole(NOW + dt.timedelta(hours=1)),
        "today_2": pothole(NOW + dt.timedelta(hours=5)),
        "today_3": pothole(NOW.replace(hour=23, minute=59)),
        "later": pothole(NOW + dt.timedelta(days=2)),
        "closed": pothole(NOW - dt.timedelta(days=1)),
        "no_due": pothole(None),
    }
    change_status(user=partnership.highways_officer, request=rows["overdue_held"], status="on_hold")
    change_status(
        user=partnership.highways_officer, request=rows["closed"], status="closed", outcome="fixed"
    )
    south = raise_request(
        user=partnership.south_caseworker,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 1AA"),
    )
    ServiceRequest.objects.filter(pk=south.pk).update(sla_due_at=NOW - dt.timedelta(hours=2))
    rows["south"] = south
    for row in rows.values():
        row.refresh_from_db()
    return rows


def count(page, name):
    return int(page.split(f'id="count-{name}">')[1].split("<")[0])


def test_sla_counts_on_the_queue_page(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    page = client.get("/work/").content.decode()
    assert "Work queue: Highways" in page
    assert count(page, "open") == 7
    assert count(page, "due-today") == 3
    assert count(page, "overdue") == 1
    assert known_queue["south"].formatted_reference not in page
    client.force_login(partnership.south_caseworker)
    page = client.get("/work/").content.decode()
    assert (count(page, "open"), count(page, "due-today"), count(page, "overdue")) == (1, 0, 1)
    assert known_queue["overdue"].formatted_reference not in page


def test_queue_is_sorted_by_due_time_with_sla_tags(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    page = client.get("/work/").content.decode()
    order = [
        known_queue[k].formatted_reference
        for k in ["overdue", "overdue_held", "today_1", "today_2", "today_3", "later", "no_due"]
    ]
    positions = [page.index(ref) for ref in order]
    assert positions == sorted(positions)
    assert known_queue["closed"].formatted_reference not in page
    assert 'govuk-tag--red">Overdue' in page and "Clock paused" in page and "Due today" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sla": "overdue"}, {"overdue"}),
        ({"sla": "due_today"}, {"today_1", "today_2", "today_3"}),
        ({"status": "on_hold"}, {"overdue_held"}),
        ({"status": "closed"}, {"closed"}),
        ({"assignee": "me"}, {"today_2"}),
        ({"assignee": "none", "sla": "due_today"}, {"today_1", "today_3"}),
    ],
)
def test_queue_filters(client, partnership, known_queue, params, expected):
    assign_request(
        user=partnership.highways_officer,
        request=known_queue["today_2"],
        assignee=partnership.highways_officer,
    )
    client.force_login(partnership.highways_officer)
    page = client.get("/work/", params).content.decode()
    shown = {k for k, r in known_queue.items() if r.formatted_reference in page}
    assert shown == expected


def test_queue_filter_by_service_and_htmx_partial(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    page = client.get("/work/", {"service": partnership.missed_bin.pk, "team": ""}).content.decode()
    assert known_queue["overdue"].formatted_reference not in page
    partial = client.get(
        "/work/", {"sla": "overdue"}, headers={"HX-Request": "true", "HX-Target": "queue-results"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="queue-results"')
    assert known_queue["overdue"].formatted_reference in partial
    assert known_queue["today_1"].formatted_reference not in partial


def test_referred_requests_reach_the_other_partners_team_queue(client, partnership, resident):
    from firstcontact.customers.services import record_consent

    record_consent(
        user=None, customer=resident, purpose="share_with_partners", recipient=partnership.police
    )
    request = raise_pothole(partnership, resident)
    refer_request(
        user=partnership.highways_officer,
        request=request,
        to_partner=partnership.police,
        to_team=partnership.asb_team,
        reason="Drug paraphernalia in the hole",
    )
    client.force_login(partnership.police_officer)
    page = client.get("/work/").content.decode()
    assert "Work queue: Neighbourhood policing" in page
    assert request.formatted_reference in page and "Referred" in page
    client.force_login(partnership.south_caseworker)
    assert request.formatted_reference not in client.get("/work/?team=").content.decode()


def test_bulk_assign_refuses_stale_rows(client, partnership, known_queue):
    client.force_login(partnership.highways_officer)
    one, two = known_queue["today_1"], known_queue["today_2"]
    # Someone else changes `two` after the queue was loaded.
    change_status(user=partnership.highways_lead, request=two, status="acknowledged")
    response = client.post(
        "/work/assign/",
        {
            "requests": [f"{one.pk}:{one.version}", f"{two.pk}:{two.version}"],
            "assignee": partnership.highways_officer.pk,
            "query": "team=" + str(partnership.highways.pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Assigned 1 request(s)." in page
    assert (
        f"someone else changed them after you loaded the queue: {two.formatted_reference}" in page
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.assignee == partnership.highways_officer
    assert two.assignee is None


def test_bulk_assign_cannot_touch_other_partners_requests(client, partnership, known_queue):
    south = known_queue["south"]
    client.force_login(partnership.highways_officer)
    client.post(
        "/work/assign/",
        {"requests": [f"{south.pk}:{south.version}"], "assignee": partnership.highways_officer.pk},
    )
    south.refresh_from_db()
    assert south.assignee is None
    assert south.version == 1
