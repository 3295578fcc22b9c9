"""Erlang B, C and A against values worked by hand, published tables, an independent
textbook implementation, and pyworkforce."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from firstcontact.telephony import staffing

# ---- Hand-checkable values ------------------------------------------------------------------


def test_erlang_b_small_values_by_hand():
    """B(1, A) = A/(1+A); B(2, 2) = (2²/2!)/(1 + 2 + 2) = 2/5; the standard table gives
    B(10, 5) = 0.01838 (1.84% blocking)."""
    assert staffing.erlang_b(1, 3.0) == pytest.approx(3 / 4)
    assert staffing.erlang_b(2, 2.0) == pytest.approx(2 / 5)
    assert staffing.erlang_b(10, 5.0) == pytest.approx(0.018384570, abs=1e-9)
    assert staffing.erlang_b(0, 5.0) == 1.0


def test_erlang_c_by_hand():
    """C(3, 2): A^N/N! · N/(N−A) = 8/6 · 3 = 4; Σ_{k<3} A^k/k! = 1 + 2 + 2 = 5;
    C = 4 / (5 + 4) = 4/9."""
    assert staffing.erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert staffing.erlang_c(2, 2.0) == 1.0  # no fewer agents than Erlangs: everyone waits


def test_the_classic_example_needs_14_agents():
    """100 calls in 30 minutes, AHT 180 s: A = 100 × 180 / 1800 = 10 Erlangs. Target 80%
    answered within 20 s.

      N = 13: C = 0.28527, SL = 1 − 0.28527 · e^(−(13−10)·20/180) = 1 − 0.28527 · 0.71653
              = 0.7956  < 0.8
      N = 14: C = 0.17413, SL = 1 − 0.17413 · e^(−4·20/180) = 1 − 0.17413 · 0.64118
              = 0.8884 ≥ 0.8
    so 14 agents (the answer the common Erlang C calculators give); ASA with 14 is
    C·AHT/(N−A) = 0.17413 × 180 / 4 = 7.84 s; with 30% shrinkage 14 / 0.7 = 20 scheduled.
    """
    assert staffing.erlang_c(13, 10.0) == pytest.approx(0.285270, abs=1e-6)
    assert staffing.erlang_c(14, 10.0) == pytest.approx(0.174132, abs=1e-6)
    assert staffing.service_level(13, 10.0, 20, 180) == pytest.approx(0.795595, abs=1e-6)
    assert staffing.service_level(14, 10.0, 20, 180) == pytest.approx(0.888350, abs=1e-6)
    result = staffing.agents_for_service_level(
        100, 180, interval_seconds=1800, target=0.8, target_seconds=20, shrinkage=0.3
    )
    assert result.agents == 14
    assert result.scheduled == 20  # not 21: 14/0.7 is 20.000000000000004 in floating point
    assert result.average_speed_of_answer == pytest.approx(7.836, abs=1e-3)
    assert result.occupancy == pytest.approx(10 / 14)


def test_agents_for_a_target_speed_of_answer():
    """ASA(13) = 0.28527 × 180 / 3 = 17.1 s > 10 s; ASA(14) = 7.8 s ≤ 10 s → 14."""
    assert staffing.agents_for_asa(100, 180, target_asa_seconds=10).agents == 14
    assert staffing.agents_for_asa(100, 180, target_asa_seconds=20).agents == 13


def test_occupancy_cap_adds_agents():
    # 14 agents run at 71% occupancy; a 70% cap needs ⌈10 / 0.7⌉ = 15.
    assert staffing.agents_for_service_level(100, 180, max_occupancy=0.7).agents == 15


def test_no_calls_needs_no_agents():
    assert staffing.agents_for_service_level(0, 180).agents == 0
    assert staffing.batch_agents_for_service_level([0, 0], [180, 180]).tolist() == [0, 0]


# ---- Large systems: stability against an independent textbook implementation ---------------


def textbook_erlang_c(n: int, a: float) -> float:
    """The textbook formula, summed in log space with lgamma (independent of the recursion):
    C = [A^N/N! · N/(N−A)] / [Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)]."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(n)]
    top = n * math.log(a) - math.lgamma(n + 1) + math.log(n / (n - a))
    peak = max(max(logs), top)
    below = math.fsum(math.exp(v - peak) for v in logs)
    return math.exp(top - peak) / (below + math.exp(top - peak))


@pytest.mark.parametrize(
    ("n", "a"), [(14, 10.0), (120, 100.0), (520, 500.0), (800, 750.0), (2000, 1950.5)]
)
def test_hundreds_of_agents_without_overflow(n, a):
    assert staffing.erlang_c(n, a) == pytest.approx(textbook_erlang_c(n, a), rel=1e-9)


def test_five_hundred_erlangs():
    """5000 calls in 30 minutes at 180 s = 500 Erlangs: 510 agents, found without overflow
    (factorials of 500 overflow a float; the recursion never forms them)."""
    result = staffing.agents_for_service_level(5000, 180)
    assert result.agents == 510
    assert staffing.service_level(509, 500.0, 20, 180) < 0.8 <= result.service_level
    assert math.isfinite(result.average_speed_of_answer)


def test_batch_matches_the_scalar_search():
    rng = random.Random(7)
    calls = np.array([rng.uniform(0, 3000) for _ in range(300)])
    aht = np.array([rng.uniform(60, 600) for _ in range(300)])
    batch = staffing.batch_agents_for_service_level(calls, aht, target=0.85, target_seconds=30)
    scalar = [
        staffing.agents_for_service_level(c, h, target=0.85, target_seconds=30).agents
        for c, h in zip(calls, aht, strict=True)
    ]
    assert batch.tolist() == scalar


# ---- pyworkforce ----------------------------------------------------------------------------

GRID = [
    (calls, aht, target, seconds)
    for calls in (5, 40, 100, 333, 1200)
    for aht in (90, 180, 420)
    for target in (0.7, 0.8, 0.9)
    for seconds in (15, 20, 60)
]


def test_agents_match_pyworkforce_on_a_grid():
    queuing = pytest.importorskip("pyworkforce.queuing")
    for calls, aht, target, seconds in GRID:
        theirs = queuing.ErlangC(
            transactions=calls, aht=aht / 60, asa=seconds / 60, interval=30, shrinkage=0.3
        ).required_positions(service_level=target)
        ours = staffing.agents_for_service_level(
            calls, aht, target=target, target_seconds=seconds, shrinkage=0.3
        )
        assert ours.agents == theirs["raw_positions"], (calls, aht, target, seconds)
        assert ours.service_level == pytest.approx(theirs["service_level"], rel=1e-9)
        # Scheduled: the exact ⌈n / 0.7⌉. pyworkforce's float ceil(n / (1 − 0.3)) is one more
        # where division leaves a rounding error above a whole number (7 / 0.7 is
        # 10.000000000000002 → 11).
        assert ours.scheduled == math.ceil(Fraction(ours.agents) / Fraction(7, 10))
        assert theirs["positions"] == math.ceil(ours.agents / (1 - 0.3))


# ---- Erlang A -------------------------------------------------------------------------------


def test_erlang_a_matches_pyworkforce():
    """pyworkforce's ErlangA sums the birth–death chain and uniformises the waiting caller's
    chain: a different method from the closed forms here."""
    queuing = pytest.importorskip("pyworkforce.queuing")
    for calls, aht, patience, agents in [
        (100, 180, 120, 8),
        (100, 180, 120, 12),
        (60, 300, 60, 9),
        (200, 240, 300, 24),
    ]:
        ours = staffing.erlang_a(agents, calls, aht, patience, target_seconds=20)
        theirs = queuing.ErlangA(
            transactions=calls, aht=aht / 60, asa=20 / 60, interval=30, patience=patience / 60
        )
        assert ours.service_level == pytest.approx(theirs.service_level(agents), rel=1e-9)
        assert ours.abandonment == pytest.approx(theirs.abandonment_probability(agents), rel=1e-9)
        assert ours.waiting_probability == pytest.approx(
            theirs.waiting_probability(agents), rel=1e-9
        )
        assert ours.mean_wait == pytest.approx(
            theirs.average_speed_of_answer(agents) * 60, rel=1e-9
        )


def test_erlang_a_is_erlang_c_with_endless_patience():
    a = staffing.erlang_a(14, 100, 180, patience_seconds=1e9, target_seconds=20)
    assert a.waiting_probability == pytest.approx(staffing.erlang_c(14, 10.0), rel=1e-6)
    assert a.service_level == pytest.approx(staffing.service_level(14, 10.0, 20, 180), rel=1e-6)
    assert a.answered_asa == pytest.approx(
        staffing.average_speed_of_answer(14, 10.0, 180), rel=1e-5
    )
    assert a.abandonment < 1e-6


def test_erlang_a_flow_balance():
    """Callers abandon at rate θ·E[queue]: P(abandon) = θ·Lq/λ, and the agents' busy time
    equals the answered callers' work."""
    m = staffing.erlang_a(9, 100, 180, 90)
    lam, theta = 100 / 1800, 1 / 90
    assert m.abandonment == pytest.approx(theta * m.mean_queue_length / lam, rel=1e-9)
    assert m.occupancy == pytest.approx(10 * (1 - m.abandonment) / 9, rel=1e-9)


def test_erlang_a_needs_fewer_agents_than_erlang_c_and_handles_overload():
    """Callers who give up take no agent time, so Erlang A staffs below Erlang C; with fewer
    agents than Erlangs the queue is still stable (everyone eventually abandons or is served)."""
    c = staffing.agents_for_service_level(100, 180).agents
    a = staffing.erlang_a_agents_for_service_level(100, 180, 120).agents
    assert a <= c
    overloaded = staffing.erlang_a(300, 5000, 180, 120)  # 500 Erlangs, 300 agents
    assert 0.3 < overloaded.abandonment < 0.5
    assert overloaded.occupancy == pytest.approx(1.0, abs=0.01)
    big = staffing.erlang_a_agents_for_service_level(5000, 180, 180)
    assert big.agents < 510 and big.service_level >= 0.8


def test_patience_estimate():
    """Exponential patience, censored by answering: rate = abandons ÷ total waiting time."""
    assert staffing.estimate_patience(6000, 40) == 150
    assert staffing.estimate_patience(100, 0) is None
