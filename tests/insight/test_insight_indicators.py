"""Each indicator against a small queue_log whose answers are worked out by hand below.

South's queue on Monday 2 March 2026 (GMT), 09:00–10:00; service level threshold T = 20 s,
short abandons under 5 s:

  call  entered   outcome                      wait  talk  agent
  A     09:00:00  answered 09:00:10            10    180   a1
  B     09:01:00  answered 09:01:30            30    240   a2
  C     09:02:00  abandoned 09:02:03           3     –     (short abandon)
  D     09:05:00  abandoned 09:06:00           60    –
  E     09:10:00  answered 09:10:20, transfer  20    120   a1
  F     09:20:00  EXITWITHTIMEOUT 09:25:00     300   –
  G     09:35:00  answered 09:35:05            5     300   a2

  offered = 7 − 1 short = 6; answered 4 (A B E G); abandoned 1 (D) → 1/6
  service level: A (10), E (20 ≤ T), G (5) → 3/6 = 0.5
  ASA = (10 + 30 + 20 + 5) / 4 = 16.25 s;  AHT = (180 + 240 + 120 + 300) / 4 = 210 s
  longest wait = 300 s (F; C's 3 s is a short abandon and left out)

Agents: a1 a member 08:55–09:45, paused 09:15–09:25; a2 a member 08:58–09:50.
  available 09:00–10:00: a1 45 min − 10 min = 2100 s, a2 50 min = 3000 s → 5100 s
  talking: a1 180 + 120, a2 240 + 300 → 840 s;  occupancy = 840 / 5100
  09:00–09:30: available a1 1800 − 600 = 1200, a2 1800 → 3000; talking 180 + 120 + 240 = 540
  09:30–10:00: available a1 900, a2 1200 → 2100; talking 300 (G) → 1/7

North's queue has one answered call in the same hour (for scoping).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.telephony.telephony_helpers import (
    agent_event,
    answered_call,
    at,
    left_call,
    load,
)

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.selectors import first_contact_resolution
from firstcontact.insight import indicators
from firstcontact.insight.models import (
    SatisfactionResponse,
    SurveyInvitation,
    UnitCost,
)
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.telephony.models import CallRecord, Queue

DAY = dt.date(2026, 3, 2)
START = at(DAY, "09:00:00")
END = at(DAY, "10:00:00")


@pytest.fixture
def calls(partnership):
    Queue.objects.create(name="south-main", partner=partnership.south)
    Queue.objects.create(name="north-main", partner=partnership.north)
    q = "south-main"
    lines = [
        agent_event(DAY, "08:55:00", q, "PJSIP/a1", "ADDMEMBER", ""),
        agent_event(DAY, "08:58:00", q, "PJSIP/a2", "ADDMEMBER", ""),
        *answered_call(DAY, q, "A", "09:00:00", 10, 180, "PJSIP/a1"),
        *answered_call(DAY, q, "B", "09:01:00", 30, 240, "PJSIP/a2", end="COMPLETEAGENT"),
        *left_call(DAY, q, "C", "09:02:00", 3),
        *left_call(DAY, q, "D", "09:05:00", 60),
        *answered_call(DAY, q, "E", "09:10:00", 20, 120, "PJSIP/a1", end="TRANSFER"),
        agent_event(DAY, "09:15:00", q, "PJSIP/a1", "PAUSE", "Break"),
        *left_call(DAY, q, "F", "09:20:00", 300, event="EXITWITHTIMEOUT"),
        agent_event(DAY, "09:25:00", q, "PJSIP/a1", "UNPAUSE", ""),
        *answered_call(DAY, q, "G", "09:35:00", 5, 300, "PJSIP/a2"),
        agent_event(DAY, "09:45:00", q, "PJSIP/a1", "REMOVEMEMBER", ""),
        agent_event(DAY, "09:50:00", q, "PJSIP/a2", "REMOVEMEMBER", ""),
        *answered_call(DAY, "north-main", "N1", "09:30:00", 0, 60, "PJSIP/n1"),
    ]
    result = load(sorted(lines, key=lambda text: int(text.split("|")[0])))
    assert result.error_count == 0
    return CallRecord.objects.filter(queue__partner=partnership.south)


def test_offered_answered_abandoned_and_short_abandons(calls):
    kw = {"start": START, "end": END}
    assert indicators.calls_offered(calls, short_abandon_seconds=5, **kw) == 6
    assert indicators.calls_answered(calls, **kw) == 4
    assert indicators.calls_abandoned(calls, short_abandon_seconds=5, **kw) == 1
    assert indicators.short_abandons(calls, short_abandon_seconds=5, **kw) == 1
    # With no short-abandon threshold C counts as offered and abandoned.
    assert indicators.calls_offered(calls, short_abandon_seconds=0, **kw) == 7
    assert indicators.calls_abandoned(calls, short_abandon_seconds=0, **kw) == 2


def test_rates_and_times(calls):
    kw = {"start": START, "end": END}
    assert indicators.abandonment_rate(calls, short_abandon_seconds=5, **kw) == pytest.approx(1 / 6)
    assert indicators.service_level(calls, seconds=20, short_abandon_seconds=5, **kw) == 0.5
    # T = 19 s: E (20 s) is no longer in time.
    assert indicators.service_level(calls, seconds=19, short_abandon_seconds=5, **kw) == (
        pytest.approx(2 / 6)
    )
    assert indicators.average_speed_of_answer(calls, **kw) == 16.25
    assert indicators.average_handle_time(calls, **kw) == 210
    assert indicators.longest_wait(calls, short_abandon_seconds=5, **kw) == 300


def test_occupancy_from_agent_events(calls):
    assert indicators.occupancy(calls, start=START, end=END, now=END) == pytest.approx(840 / 5100)
    by_half_hour = indicators.occupancy(calls, start=START, end=END, interval="30", now=END)
    assert list(by_half_hour.values()) == [pytest.approx(540 / 3000), pytest.approx(300 / 2100)]


def test_intervals_fill_every_bucket(calls):
    kw = {"start": START, "end": END}
    by_30 = indicators.service_level(
        calls, interval="30", seconds=20, short_abandon_seconds=5, **kw
    )
    assert list(by_30) == [at(DAY, "09:00:00"), at(DAY, "09:30:00")]
    assert list(by_30.values()) == [2 / 5, 1.0]
    by_15 = indicators.calls_offered(calls, interval="15", short_abandon_seconds=5, **kw)
    # 09:00 A B D E (C short), 09:15 F, 09:30 G, 09:45 none
    assert list(by_15.values()) == [4, 1, 1, 0]
    by_hour = indicators.calls_answered(calls, interval="60", **kw)
    assert by_hour == {at(DAY, "09:00:00"): 4}
    day = indicators.calls_offered(
        calls,
        start=at(DAY, "00:00:00"),
        end=at(DAY, "00:00:00") + dt.timedelta(days=3),
        interval="day",
        short_abandon_seconds=5,
    )
    assert list(day.values()) == [6, 0, 0]
    week = indicators.calls_answered(calls, start=START, end=END, interval="week")
    month = indicators.calls_answered(calls, start=START, end=END, interval="month")
    assert week == {at(DAY, "00:00:00"): 4}  # 2 March 2026 is a Monday
    assert month == {at(dt.date(2026, 3, 1), "00:00:00"): 4}


def test_empty_period_gives_none_for_rates(calls):
    kw = {"start": END, "end": END + dt.timedelta(hours=1)}
    assert indicators.calls_offered(calls, **kw) == 0
    assert indicators.abandonment_rate(calls, **kw) is None
    assert indicators.service_level(calls, **kw) is None
    assert indicators.average_speed_of_answer(calls, **kw) is None
    assert indicators.longest_wait(calls, **kw) is None


def test_grouped_call_stats_keep_partners_apart(calls, partnership):
    stats = indicators.call_stats(
        CallRecord.objects.all(),
        start=START,
        end=END,
        group_by="queue__partner",
        short_abandon_seconds=5,
        service_level_seconds=20,
    )
    assert stats[(partnership.south.pk, None)].offered == 6
    assert stats[(partnership.north.pk, None)].offered == 1
    assert stats[(partnership.north.pk, None)].service_level == 1.0


def test_buckets_follow_the_clock_change():
    # The clocks go forward at 01:00 GMT on 29 March 2026: that day has 23 hours.
    day = dt.date(2026, 3, 29)
    start = at(day, "00:00:00")
    end = at(day + dt.timedelta(days=1), "00:00:00")
    assert len(indicators.bucket_starts(start, end, "60")) == 23
    assert indicators.bucket_starts(start, end, "day") == [start]


# --- Contacts, requests, satisfaction -------------------------------------------------------


def _contact(partner, channel, started, outcome="resolved", ended=True, handled_by=None):
    return Contact.objects.create(
        partner=partner,
        channel=channel,
        started_at=started,
        handled_by=handled_by,
        ended_at=started + dt.timedelta(minutes=5) if ended else None,
        outcome=outcome if ended else "",
    )


@pytest.fixture
def contacts(partnership):
    """South: March 2 phone (resolved, raised, abandoned), 1 web resolved, 1 open phone;
    April 1 phone resolved, 3 web (2 resolved, 1 signposted)."""
    s = partnership.south
    march = at(DAY, "10:00:00")
    april = at(dt.date(2026, 4, 1), "10:00:00")
    _contact(s, "phone", march)
    _contact(s, "phone", march, Outcome.REQUEST_RAISED)
    _contact(s, "phone", march, Outcome.ABANDONED)
    _contact(s, "web", march)
    _contact(s, "phone", march, ended=False)
    _contact(s, "phone", april)
    _contact(s, "web", april)
    _contact(s, "web", april)
    _contact(s, "web", april, Outcome.SIGNPOSTED)
    _contact(partnership.north, "face_to_face", march)
    return Contact.objects.filter(partner=s)


def test_contacts_by_channel(contacts):
    start, end = at(DAY, "00:00:00"), at(dt.date(2026, 5, 1), "00:00:00")
    counts = indicators.contacts_by_channel(contacts, start=start, end=end)
    assert counts["phone"] == 5 and counts["web"] == 4 and counts["face_to_face"] == 0
    by_month = indicators.contacts_by_channel(contacts, start=start, end=end, interval="month")
    assert [m["phone"] for m in by_month.values()] == [4, 1]
    assert [m["web"] for m in by_month.values()] == [1, 3]


def test_first_contact_resolution_reuses_the_contacts_definition(contacts):
    """Ended, not abandoned: March 3 (2 resolved), April 4 (3 resolved, 1 signposted, which
    counts as resolved at first contact) → 6/7."""
    start, end = at(DAY, "00:00:00"), at(dt.date(2026, 5, 1), "00:00:00")
    fcr = indicators.first_contact_resolution_rate(contacts, start=start, end=end)
    assert (fcr.resolved, fcr.eligible) == (6, 7)
    assert fcr == first_contact_resolution(contacts, start=start, end=end)


def test_rollups_count_signposted_contacts_as_resolved_like_the_raw_contacts(contacts):
    """The dashboard reads rollups for built days and raw contacts for others: both give
    April's 3 resolved + 1 signposted as 4 resolved (south, web 3 of them)."""
    from firstcontact.insight.rollups import build_contact_rollups, daily_contact_counts

    april = dt.date(2026, 4, 1)

    def south_resolved() -> dict[str, int]:
        rows = daily_contact_counts(None, april, april, interval="month")
        return {
            r["channel"]: r["resolved"] for r in rows if r["partner_id"] == contacts[0].partner_id
        }

    raw = south_resolved()
    build_contact_rollups(april, april)
    assert raw == south_resolved() == {"phone": 1, "web": 3}


def test_channel_shift_and_cost(contacts, partnership):
    """Shares: March phone 4/5, web 1/5 (digital 0.2); April phone 1/4, web 3/4 (0.75).
    Unit costs phone £3, web £0.20 (set below). April's 4 contacts at March's mix would cost
    4 × (0.8 × 3 + 0.2 × 0.2) = £9.76; they cost 1 × 3 + 3 × 0.2 = £3.60: saving £6.16."""
    UnitCost.objects.create(channel="phone", cost=Decimal("3.00"))
    UnitCost.objects.create(channel="web", cost=Decimal("0.20"))
    start, end = at(DAY, "00:00:00"), at(dt.date(2026, 5, 1), "00:00:00")
    shift = indicators.channel_shift(contacts, start=start, end=end)
    march, april = shift.values()
    assert march["phone"] == 0.8 and march["digital"] == 0.2
    assert april["phone"] == 0.25 and april["digital"] == 0.75
    by_month = list(
        indicators.contacts_by_channel(contacts, start=start, end=end, interval="month").values()
    )
    assert indicators.channel_shift_saving(by_month[0], by_month[1]) == Decimal("6.16")
    cost = indicators.cost_per_contact(by_month[1])
    assert cost.total == Decimal("3.60")
    assert cost.per_contact == Decimal("0.90")


def test_sla_compliance(partnership):
    """Closed on 2 March: one on time, one late, one without an SLA (left out); one open and
    overdue, one on hold past due (its clock is paused) → 1/2 on time, 1 overdue."""
    due = at(DAY, "12:00:00")

    def request(status, closed_at=None, sla_due_at=due, **extra):
        return ServiceRequest.objects.create(
            reference=f"R{ServiceRequest.objects.count():07d}",
            service=partnership.pothole,
            channel="phone",
            responsible_partner=partnership.county,
            status=status,
            outcome="fixed" if status == "closed" else "",
            closed_at=closed_at,
            sla_due_at=sla_due_at,
            **extra,
        )

    request("closed", closed_at=at(DAY, "11:00:00"))
    request("closed", closed_at=at(DAY, "13:00:00"))
    request("closed", closed_at=at(DAY, "13:00:00"), sla_due_at=None)
    request("open")
    request("on_hold", on_hold_since=at(DAY, "09:00:00"))
    result = indicators.sla_compliance(
        ServiceRequest.objects.all(),
        start=at(DAY, "00:00:00"),
        end=at(DAY, "23:59:59"),
        now=at(DAY, "14:00:00"),
    )
    assert (result.closed, result.on_time, result.open_overdue) == (2, 1, 1)
    assert result.rate == 0.5


def test_satisfaction_and_response_rate(contacts, partnership):
    """Four invitations in March, three answered with scores 5, 4, 2 → CSAT 2/3, response
    rate 3/4."""
    invitations = []
    for contact in Contact.objects.filter(partner=partnership.south)[:4]:
        invitations.append(
            SurveyInvitation.objects.create(
                contact=contact,
                partner=partnership.south,
                rate=0.1,
                created_at=at(DAY, "12:00:00"),
                expires_at=at(DAY, "12:00:00") + dt.timedelta(28),
            )
        )
    for invitation, score in zip(invitations, [5, 4, 2], strict=False):
        SatisfactionResponse.objects.create(
            invitation=invitation,
            partner=partnership.south,
            score=score,
            submitted_at=at(DAY, "13:00:00"),
        )
    result = indicators.satisfaction(
        SatisfactionResponse.objects.all(),
        SurveyInvitation.objects.all(),
        start=at(DAY, "00:00:00"),
        end=at(DAY, "23:59:59"),
    )
    assert (result.responses, result.satisfied, result.invited, result.responded) == (3, 2, 4, 3)
    assert result.csat == pytest.approx(2 / 3)
    assert result.response_rate == 0.75
