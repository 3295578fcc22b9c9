"""Hub pooling what-if and recharge statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.telephony.telephony_helpers import answered_call, at, left_call, load

from firstcontact.contacts.models import Contact
from firstcontact.insight.models import RechargeRate
from firstcontact.insight.pooling import (
    Demand,
    overflow_what_if,
    pooling_what_if,
    simulate_overflow,
)
from firstcontact.insight.recharges import recharge_statement
from firstcontact.partners.models import HubAgreement
from firstcontact.telephony import staffing
from firstcontact.telephony.models import Queue


def test_one_shared_queue_needs_fewer_agents():
    """Two partners with 10 Erlangs each need 14 agents apiece (the classic example); one
    queue with 20 Erlangs at the same 80/20 target needs fewer than 28."""
    demands = [Demand("north", 100, 180), Demand("south", 100, 180)]
    result = pooling_what_if(demands)
    assert [s.agents for s in result.separate.values()] == [14, 14]
    pooled = staffing.agents_for_service_level(200, 180).agents
    assert result.pooled.agents == pooled < 28
    assert result.saving == 28 - pooled


def test_pooled_handle_time_is_call_weighted():
    demands = [Demand("a", 100, 180), Demand("b", 50, 360)]
    result = pooling_what_if(demands)
    # (100 × 180 + 50 × 360) / 150 = 240 s; traffic 150 × 240 / 1800 = 20 Erlangs.
    assert result.pooled.traffic == pytest.approx(20.0)


def test_the_simulation_agrees_with_erlang_c():
    """No hub: a partner's own queue, simulated, answers about the Erlang C share in time
    (0.888). One run of 500 half hours varies by about ±0.008 (waits are correlated), so
    the mean of four seeds is compared."""
    runs = [
        simulate_overflow(
            [Demand("a", 100, 180)], {"a": 14}, 0, overflow_after=1e9, intervals=500, seed=seed
        )
        for seed in (1, 2, 3, 4)
    ]
    mean = sum(r.service_level for r in runs) / len(runs)
    assert mean == pytest.approx(staffing.service_level(14, 10.0, 20, 180), abs=0.012)
    assert all(r.overflowed_share == 0 for r in runs)


def test_overflow_arrangement_sits_between_pooled_and_separate():
    demands = [Demand("a", 100, 180), Demand("b", 100, 180), Demand("c", 50, 300)]
    what_if = pooling_what_if(demands)
    plan = overflow_what_if(
        demands, what_if.separate, overflow_after=10, keep_share=0.75, intervals=60
    )
    assert plan.reached
    assert plan.own_agents == {"a": 10, "b": 10, "c": 9}
    assert what_if.pooled.agents <= plan.total_agents <= what_if.separate_agents
    assert plan.simulation.service_level >= 0.8
    fewer = simulate_overflow(
        demands, plan.own_agents, plan.hub_agents - 1, overflow_after=10, intervals=60
    )
    assert fewer.service_level < 0.8  # the smallest hub that is enough
    # Overflowing after 30 s cannot help callers answered within 20 s.
    late = overflow_what_if(demands, what_if.separate, overflow_after=30, intervals=30)
    assert not late.reached


@pytest.fixture
def hub_month(partnership):
    """North (the hub) handles for Wessex County in March 2026: 3 web contacts, 2 phone
    contacts, and on the county's hub-handled queue 4 answered calls and 1 abandoned."""
    day = dt.date(2026, 3, 10)
    for channel in ["web", "web", "web", "phone", "phone"]:
        Contact.objects.create(
            partner=partnership.county,
            handled_by=partnership.north,
            channel=channel,
            started_at=at(day, "10:00:00"),
        )
    Contact.objects.create(
        partner=partnership.county, channel="web", started_at=at(day, "10:00:00")
    )  # county's own: not charged
    Contact.objects.create(
        partner=partnership.county,
        handled_by=partnership.north,
        channel="web",
        started_at=at(dt.date(2026, 4, 1), "00:30:00"),
    )
    Queue.objects.create(
        name="county-hub", partner=partnership.county, handled_by=partnership.north
    )
    Queue.objects.create(name="county-own", partner=partnership.county)
    lines = []
    for i in range(4):
        lines += answered_call(day, "county-hub", f"h{i}", f"09:0{i}:00", 5, 60, "SIP/n")
    lines += left_call(day, "county-hub", "h9", "09:30:00", 30)
    lines += answered_call(day, "county-own", "o1", "09:00:00", 5, 60, "SIP/c")
    load(lines)
    return partnership


def test_recharge_statement(hub_month):
    """Rates from 1 Jan 2026: £1.50 per contact, £2.25 per call. Phone contacts are charged
    through calls: 3 × £1.50 = £4.50, 4 × £2.25 = £9.00, total £13.50."""
    p = hub_month
    RechargeRate.objects.create(
        hub=p.north,
        per_contact=Decimal("1.50"),
        per_call=Decimal("2.25"),
        starts=dt.date(2026, 1, 1),
    )
    RechargeRate.objects.create(
        hub=p.north,
        per_contact=Decimal("9.99"),
        per_call=Decimal("9.99"),
        starts=dt.date(2026, 4, 1),
    )
    (line,) = recharge_statement(dt.date(2026, 3, 1))
    assert (line.hub, line.client, line.agreement) == (p.north, p.county, "SLA-HUB-1")
    assert (line.contacts, line.phone_contacts, line.charged_contacts, line.calls) == (5, 2, 3, 4)
    assert (line.contact_amount, line.call_amount, line.total) == (
        Decimal("4.50"),
        Decimal("9.00"),
        Decimal("13.50"),
    )


def test_a_client_rate_wins_and_can_charge_phone_contacts(hub_month):
    p = hub_month
    RechargeRate.objects.create(
        hub=p.north,
        per_contact=Decimal("1.50"),
        per_call=Decimal("2.25"),
        starts=dt.date(2026, 1, 1),
    )
    RechargeRate.objects.create(
        hub=p.north,
        client=p.county,
        per_contact=Decimal("1.00"),
        per_call=Decimal("0"),
        charge_phone_contacts=True,
        starts=dt.date(2026, 2, 1),
    )
    (line,) = recharge_statement(dt.date(2026, 3, 1))
    assert (line.charged_contacts, line.total) == (5, Decimal("5.00"))


def test_recharges_are_scoped_and_follow_agreement_dates(hub_month):
    p = hub_month
    assert recharge_statement(dt.date(2026, 3, 1), partner_ids={p.south.pk}) == []
    assert len(recharge_statement(dt.date(2026, 3, 1), partner_ids={p.county.pk})) == 1
    HubAgreement.objects.update(ends=dt.date(2026, 2, 28))
    assert recharge_statement(dt.date(2026, 3, 1)) == []
    (line,) = recharge_statement(dt.date(2026, 2, 1))
    assert line.rate is None and line.total == Decimal("0.00")
