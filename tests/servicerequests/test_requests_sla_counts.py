"""The queue header counts: open requests, those due by the end of today (London time) and
those already overdue. On-hold requests have their clock stopped; closed ones are done."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.servicerequests.references import new_reference
from firstcontact.servicerequests.selectors import SLACounts, sla_counts

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=LONDON)  # Wednesday noon BST = 11:00 UTC


def make(p, due: dt.datetime | None, status: str = Status.OPEN, partner=None):
    extra = {}
    if status == Status.ON_HOLD:
        extra["on_hold_since"] = NOW - dt.timedelta(days=1)
    if status == Status.CLOSED:
        extra.update(outcome="fixed", closed_at=NOW - dt.timedelta(hours=1))
    return ServiceRequest.objects.create(
        reference=new_reference(),
        service=p.pothole,
        channel="phone",
        responsible_partner=partner or p.county,
        team=p.highways,
        status=status,
        sla_due_at=due,
        created_at=NOW - dt.timedelta(days=3),
        **extra,
    )


@pytest.fixture
def queue(partnership):
    p = partnership
    hour = dt.timedelta(hours=1)
    make(p, NOW + hour)  # due today
    make(p, NOW + hour, Status.IN_PROGRESS)  # due today
    make(p, dt.datetime(2026, 6, 10, 23, 59, tzinfo=LONDON), Status.ACKNOWLEDGED)  # due today
    make(p, NOW)  # due this very minute: due today, not yet overdue
    make(p, NOW - hour)  # overdue
    make(p, dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), Status.IN_PROGRESS)  # overdue
    # 00:30 BST tomorrow is 23:30 UTC today: tomorrow for a Londoner, so not due today.
    make(p, dt.datetime(2026, 6, 10, 23, 30, tzinfo=UTC))
    make(p, NOW + dt.timedelta(days=2))  # due later
    make(p, None)  # no SLA
    make(p, NOW - hour, Status.ON_HOLD)  # clock stopped: neither
    make(p, NOW + hour, Status.ON_HOLD)  # clock stopped: neither
    make(p, NOW - hour, Status.CLOSED)  # done: not counted at all
    make(p, NOW + hour, Status.CLOSED)  # done: not counted at all
    make(p, NOW - hour, partner=p.south)  # another partner's, overdue
    return p


def test_counts_for_the_countys_queue(queue):
    requests = ServiceRequest.objects.filter(responsible_partner=queue.county)
    # Open: 9 running (4 due today, 2 overdue, 1 tomorrow, 1 later, 1 without SLA) + 2 held.
    assert sla_counts(requests, now=NOW) == SLACounts(open=11, due_today=4, overdue=2)


def test_counts_follow_the_queryset_given(queue):
    assert sla_counts(ServiceRequest.objects.all(), now=NOW) == SLACounts(12, 4, 3)
    south = ServiceRequest.objects.filter(responsible_partner=queue.south)
    assert sla_counts(south, now=NOW) == SLACounts(open=1, due_today=0, overdue=1)


def test_later_in_the_evening_more_are_overdue(queue):
    requests = ServiceRequest.objects.filter(responsible_partner=queue.county)
    evening = dt.datetime(2026, 6, 10, 23, 45, tzinfo=LONDON)
    # Due at 13:00, 13:00, 12:00 and 11:00 and the 1 June one are overdue; the 23:59 one is
    # due today; 00:30 tomorrow still is not.
    assert sla_counts(requests, now=evening) == SLACounts(open=11, due_today=1, overdue=5)


def test_empty_queue(partnership):
    assert sla_counts(ServiceRequest.objects.all(), now=NOW) == SLACounts(0, 0, 0)
