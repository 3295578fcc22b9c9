"""Erlang B, C and A in numerically stable form, and the agents a queue needs.

No factorials and no powers: Erlang B comes from the recursion

    B(0, A) = 1,    B(n, A) = A·B(n−1, A) / (n + A·B(n−1, A))

whose terms stay in (0, 1], so it works for thousands of agents and traffic of thousands of
Erlangs. Erlang C (the probability a caller waits, M/M/N) follows from B:

    C(N, A) = N·B / (N − A·(1 − B))                      (N > A)
    SL(T)   = 1 − C·exp(−(N − A)·T / AHT)               answered within T seconds
    ASA     = C·AHT / (N − A)                            mean wait of all callers

Erlang A (M/M/N+M: callers abandon after an exponentially distributed patience with mean
1/θ) uses the birth–death chain's stationary distribution, written relative to B so it never
overflows, and closed forms for a caller who finds j others waiting. With x = Nμ/θ and the
caller's time to reach an agent Y = Σ_{i=0..j} Exp(Nμ + iθ), Y has the law of −ln(U)/θ with
U ~ Beta(x, j+1) (compare Laplace transforms), so

    P(answered within T | j) = x/(x+j+1) · (1 − I_c(x+1, j+1)),  c = exp(−θT)
    P(abandons | j)          = (j+1)/(x+j+1)
    E[wait; answered | j]    = x/(x+j+1) · Σ_{i=1..j+1} 1/(x+i) / θ

where I_c is the regularised incomplete beta function, a finite sum for whole-number b.

Service level here always means: the share of *all* offered callers answered within T seconds
(callers who abandon count as not answered in time), as in the Erlang C formula above.

Pure Python plus numpy for the vectorised batch; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# When scaling agents for shrinkage: n/(1 − s) within this of a whole number is that number
# (so 14 agents at 30% shrinkage is 20 scheduled, not 21 from 20.000000000000004).
_EPSILON = 1e-9


def traffic_intensity(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered load in Erlangs: calls per interval × AHT ÷ interval length."""
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be positive")
    return calls * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N system, by the stable recursion."""
    if agents < 0:
        raise ValueError("agents cannot be negative")
    if traffic <= 0:
        return 0.0 if agents > 0 else 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return b


def _erlang_c_from_b(agents: int, traffic: float, b: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait (M/M/N); 1 when agents ≤ traffic."""
    if traffic <= 0:
        return 0.0
    return _erlang_c_from_b(agents, traffic, erlang_b(agents, traffic))


def _sl_from_c(agents: int, traffic: float, c: float, target_seconds: float, aht: float) -> float:
    if agents <= traffic:
        return 0.0
    return max(0.0, 1.0 - c * math.exp(-(agents - traffic) * target_seconds / aht))


def service_level(agents: int, traffic: float, target_seconds: float, aht_seconds: float) -> float:
    """Erlang C: share of callers answered within target_seconds."""
    if traffic <= 0:
        return 1.0
    return _sl_from_c(agents, traffic, erlang_c(agents, traffic), target_seconds, aht_seconds)


def average_speed_of_answer(agents: int, traffic: float, aht_seconds: float) -> float:
    """Erlang C: mean wait over all callers, in seconds (infinite when agents ≤ traffic)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def scheduled_for_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are on the phones after shrinkage (0 ≤ s < 1)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be at least 0 and less than 1")
    return math.ceil(agents / (1.0 - shrinkage) - _EPSILON)


@dataclass(frozen=True)
class Staffing:
    """Agents needed in one interval.

    agents: on the phones; scheduled: rostered, allowing for shrinkage (breaks, training,
    absence); the rest are what `agents` achieve.
    """

    traffic: float
    agents: int
    scheduled: int
    service_level: float
    average_speed_of_answer: float
    waiting_probability: float
    occupancy: float
    abandonment: float = 0.0


def agents_for_service_level(
    calls: float,
    aht_seconds: float,
    *,
    interval_seconds: float = 1800,
    target: float = 0.8,
    target_seconds: float = 20,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> Staffing:
    """Erlang C: the fewest agents that answer `target` of calls within `target_seconds`.

    Walks N upwards from ⌊A⌋+1 updating Erlang B incrementally: O(N) for the whole search.
    """
    _check_targets(target, shrinkage, max_occupancy)
    traffic = traffic_intensity(calls, interval_seconds, aht_seconds)
    if traffic <= 0:
        return Staffing(0.0, 0, 0, 1.0, 0.0, 0.0, 0.0)
    n, b = _start(traffic)
    while True:
        c = _erlang_c_from_b(n, traffic, b)
        if _sl_from_c(n, traffic, c, target_seconds, aht_seconds) >= target:
            break
        n += 1
        b = traffic * b / (n + traffic * b)
    n, b = _raise_to(n, b, traffic, _occupancy_floor(traffic, max_occupancy))
    return _staffing(n, traffic, aht_seconds, target_seconds, shrinkage, b)


def _raise_to(n: int, b: float, traffic: float, floor: int) -> tuple[int, float]:
    """(max(n, floor), Erlang B there), stepping the recursion on from B(n)."""
    while n < floor:
        n += 1
        b = traffic * b / (n + traffic * b)
    return n, b


def agents_for_asa(
    calls: float,
    aht_seconds: float,
    *,
    interval_seconds: float = 1800,
    target_asa_seconds: float = 20,
    target_seconds: float = 20,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> Staffing:
    """Erlang C: the fewest agents whose average speed of answer is at most the target."""
    _check_targets(0.5, shrinkage, max_occupancy)
    if target_asa_seconds < 0:
        raise ValueError("the target ASA cannot be negative")
    traffic = traffic_intensity(calls, interval_seconds, aht_seconds)
    if traffic <= 0:
        return Staffing(0.0, 0, 0, 1.0, 0.0, 0.0, 0.0)
    n, b = _start(traffic)
    while _erlang_c_from_b(n, traffic, b) * aht_seconds / (n - traffic) > target_asa_seconds:
        n += 1
        b = traffic * b / (n + traffic * b)
    n, b = _raise_to(n, b, traffic, _occupancy_floor(traffic, max_occupancy))
    return _staffing(n, traffic, aht_seconds, target_seconds, shrinkage, b)


def _check_targets(target: float, shrinkage: float, max_occupancy: float) -> None:
    if not 0 <= target < 1:
        raise ValueError("the service level target must be at least 0 and less than 1")
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be at least 0 and less than 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("maximum occupancy must be more than 0 and at most 1")


def _start(traffic: float) -> tuple[int, float]:
    """The smallest N with N > A, and B(N, A)."""
    n = math.floor(traffic) + 1
    return n, erlang_b(n, traffic)


def _occupancy_floor(traffic: float, max_occupancy: float) -> int:
    return math.ceil(traffic / max_occupancy - _EPSILON)


def _staffing(
    n: int, traffic: float, aht: float, target_seconds: float, shrinkage: float, b: float
):
    c = _erlang_c_from_b(n, traffic, b)
    return Staffing(
        traffic=traffic,
        agents=n,
        scheduled=scheduled_for_shrinkage(n, shrinkage),
        service_level=_sl_from_c(n, traffic, c, target_seconds, aht),
        average_speed_of_answer=c * aht / (n - traffic),
        waiting_probability=c,
        occupancy=traffic / n,
    )


def batch_agents_for_service_level(
    calls,
    aht_seconds,
    *,
    interval_seconds: float = 1800,
    target: float = 0.8,
    target_seconds: float = 20,
) -> np.ndarray:
    """Erlang C agents for many intervals and queues at once (numpy arrays of any shape).

    The same search as agents_for_service_level, vectorised: one pass of the Erlang B
    recursion up to the largest answer, every case checked at every N. Returns an integer
    array of agents on the phones (0 where there are no calls); apply shrinkage with
    scheduled_for_shrinkage or `np.ceil(agents / (1 - s) - 1e-9)`.
    """
    if not 0 <= target < 1:
        raise ValueError("the service level target must be at least 0 and less than 1")
    calls = np.asarray(calls, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), calls.shape)
    traffic = (calls * aht / interval_seconds).ravel()
    aht = aht.ravel()
    result = np.zeros(traffic.shape, dtype=np.int64)
    index = np.flatnonzero(traffic > 0)
    if not index.size:
        return result.reshape(calls.shape)
    # Phase 1: B(n0, A) at each case's first candidate n0 = ⌊A⌋ + 1. With the cases sorted
    # by A, those still climbing at step n are a suffix of the array: slices, not masks.
    order = index[np.argsort(traffic[index], kind="stable")]
    a = traffic[order]
    start = np.floor(a).astype(np.int64) + 1
    b = np.ones_like(a)
    first = 0
    for n in range(1, int(start[-1]) + 1):
        first += int(np.searchsorted(start[first:], n))  # cases with start < n are done
        tail = slice(first, None)
        ab = a[tail] * b[tail]
        b[tail] = ab / (n + ab)
    # Phase 2: every case steps up from its own n0 together until its target is met.
    n = start.astype(float)
    decay = target_seconds / aht[order]
    pending = np.arange(a.size)
    while pending.size:
        nn, aa, bb = n[pending], a[pending], b[pending]
        c = nn * bb / (nn - aa * (1.0 - bb))
        sl = np.maximum(0.0, 1.0 - c * np.exp(-(nn - aa) * decay[pending]))
        met = sl >= target
        result[order[pending[met]]] = nn[met].astype(np.int64)
        pending = pending[~met]
        if pending.size:
            n[pending] += 1
            ab = a[pending] * b[pending]
            b[pending] = ab / (n[pending] + ab)
    return result.reshape(calls.shape)


# --- Erlang A -------------------------------------------------------------------------------

_TAIL = 1e-17  # stop summing the queue's tail once a term is this small a share
_MAX_QUEUE = 1_000_000


@dataclass(frozen=True)
class ErlangA:
    """Measures of an M/M/N+M queue (Erlang A) with N agents.

    waiting_probability: a caller finds every agent busy; abandonment: a caller hangs up
    before being answered; service_level: answered within target_seconds, of all callers;
    answered_asa: mean wait of answered callers; mean_wait: mean time in the queue of all
    callers (answered or not); occupancy: share of agents' time spent on calls.
    """

    agents: int
    traffic: float
    waiting_probability: float
    abandonment: float
    service_level: float
    answered_asa: float
    mean_wait: float
    mean_queue_length: float
    occupancy: float


def erlang_a(
    agents: int,
    calls: float,
    aht_seconds: float,
    patience_seconds: float,
    *,
    interval_seconds: float = 1800,
    target_seconds: float = 20,
) -> ErlangA:
    """Erlang A measures for `agents` agents (see the module docstring for the formulas)."""
    if agents < 1:
        raise ValueError("Erlang A needs at least one agent")
    if aht_seconds <= 0 or patience_seconds <= 0:
        raise ValueError("AHT and patience must be positive")
    lam = calls / interval_seconds
    mu = 1.0 / aht_seconds
    traffic = lam / mu
    return _erlang_a(
        agents, lam, mu, 1.0 / patience_seconds, target_seconds, erlang_b(agents, traffic)
    )


def _erlang_a(n: int, lam: float, mu: float, theta: float, t: float, b: float) -> ErlangA:
    traffic = lam / mu
    if lam <= 0:
        return ErlangA(n, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    x = n * mu / theta
    y = lam / theta
    # log of r_j = Π_{i=1..j} y/(x+i), the queue's distribution relative to its first state.
    logs = [0.0]
    log_r = 0.0
    peak = 0.0
    j = 0
    while j < _MAX_QUEUE:
        j += 1
        log_r += math.log(y / (x + j))
        logs.append(log_r)
        if log_r > peak:
            peak = log_r
        elif x + j > y and log_r < peak + math.log(_TAIL):
            break
    weights = [math.exp(v - peak) for v in logs]
    total = math.fsum(weights)
    log_q = peak + math.log(total)  # log Q, Q = Σ r_j
    # P(wait) = B·Q / (1 − B + B·Q), written to avoid overflow of Q.
    if b <= 0.0:
        p_wait = 0.0
    else:
        log_bq = math.log(b) + log_q
        p_wait = 1.0 / (1.0 + (1.0 - b) * math.exp(-log_bq)) if log_bq > -700 else 0.0
    scale = p_wait / total  # π(N + j) = scale · weights[j]
    abandon = 0.0
    served_within = 0.0
    answered_wait = 0.0
    queue_length = 0.0
    # I_c(x+1, j+1) = Σ_{m=0..j} Γ(x+1+m)/(Γ(x+1) m!) c^(x+1) (1−c)^m, accumulated in m.
    a = x + 1.0
    if t > 0:
        log_c = -theta * t
        log_1mc = math.log(-math.expm1(log_c))
        log_term = a * log_c
    harmonic = 0.0
    incomplete = 0.0
    for j, weight in enumerate(weights):
        p = scale * weight
        answered = x / (x + j + 1)
        harmonic += 1.0 / (x + j + 1)
        abandon += p * (1.0 - answered)
        answered_wait += p * answered * harmonic / theta
        queue_length += p * j
        if t > 0:
            if j > 0:
                log_term += math.log((a + j - 1) / j) + log_1mc
            incomplete = min(1.0, incomplete + math.exp(log_term))
            served_within += p * answered * (1.0 - incomplete)
    served = 1.0 - abandon
    return ErlangA(
        agents=n,
        traffic=traffic,
        waiting_probability=p_wait,
        abandonment=abandon,
        service_level=min(1.0, (1.0 - p_wait) + served_within),
        answered_asa=answered_wait / served if served > 0 else math.inf,
        mean_wait=queue_length / lam,
        mean_queue_length=queue_length,
        occupancy=min(1.0, traffic * served / n),
    )


def erlang_a_agents_for_service_level(
    calls: float,
    aht_seconds: float,
    patience_seconds: float,
    *,
    interval_seconds: float = 1800,
    target: float = 0.8,
    target_seconds: float = 20,
    shrinkage: float = 0.0,
    max_abandonment: float = 1.0,
) -> Staffing:
    """Erlang A: the fewest agents answering `target` of all callers within target_seconds
    (and, optionally, with at most `max_abandonment` of callers hanging up)."""
    _check_targets(target, shrinkage, 1.0)
    if aht_seconds <= 0 or patience_seconds <= 0:
        raise ValueError("AHT and patience must be positive")
    lam = calls / interval_seconds
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    traffic = lam / mu
    if traffic <= 0:
        return Staffing(0.0, 0, 0, 1.0, 0.0, 0.0, 0.0)
    # Answering `target` of callers needs at least target·A busy agents on average.
    n = max(1, math.floor(target * traffic))
    b = erlang_b(n, traffic)
    while True:
        measures = _erlang_a(n, lam, mu, theta, target_seconds, b)
        if measures.service_level >= target and measures.abandonment <= max_abandonment:
            break
        n += 1
        b = traffic * b / (n + traffic * b)
    return Staffing(
        traffic=traffic,
        agents=n,
        scheduled=scheduled_for_shrinkage(n, shrinkage),
        service_level=measures.service_level,
        average_speed_of_answer=measures.answered_asa,
        waiting_probability=measures.waiting_probability,
        occupancy=measures.occupancy,
        abandonment=measures.abandonment,
    )


def estimate_patience(total_wait_seconds: float, abandoned: int) -> float | None:
    """Mean patience (seconds) from history, for Erlang A: with exponential patience the
    maximum-likelihood rate is abandons ÷ total time all callers spent waiting (answered
    callers' waits are censored patience). None when no one abandoned."""
    if abandoned <= 0 or total_wait_seconds <= 0:
        return None
    return total_wait_seconds / abandoned
