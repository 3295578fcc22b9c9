"""Hub pooling what-if: the agents the same demand needs when each partner runs its own queue,
when one shared hub answers every call, and when partners keep some advisers and calls
overflow to the hub after X seconds.

Separate and pooled staffing are Erlang C (telephony.staffing). Pooling gains because one
large queue is more efficient than several small ones at the same service level (the
economies of scale the shared-services case rests on). With different handle times the pooled
queue uses the call-weighted mean AHT, the usual approximation.

The overflow arrangement has no closed form, so it is simulated: Poisson arrivals,
exponential handle times (Erlang C's assumptions), first come first served; a partner's own
agents answer its calls; a call not answered within `overflow_after` seconds may also be
answered by the hub's agents, who take overflowed calls in order of arrival. Partners keep
`keep_share` of their separate-queue agents; the hub gets the fewest agents that bring the
overall service level to the target. Deterministic for a seed.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass

from firstcontact.telephony.staffing import Staffing, agents_for_service_level


@dataclass(frozen=True)
class Demand:
    name: str
    calls: float  # per interval
    aht_seconds: float


@dataclass(frozen=True)
class PoolingResult:
    separate: dict[str, Staffing]
    pooled: Staffing

    @property
    def separate_agents(self) -> int:
        return sum(s.agents for s in self.separate.values())

    @property
    def saving(self) -> int:
        return self.separate_agents - self.pooled.agents


def pooled_demand(demands: list[Demand]) -> Demand:
    calls = sum(d.calls for d in demands)
    aht = sum(d.calls * d.aht_seconds for d in demands) / calls if calls else 0.0
    return Demand("Shared hub", calls, aht)


def pooling_what_if(
    demands: list[Demand],
    *,
    interval_seconds: float = 1800,
    target: float = 0.8,
    target_seconds: float = 20,
) -> PoolingResult:
    """Agents for each partner's own queue, and for one queue taking all their calls."""
    separate = {
        d.name: agents_for_service_level(
            d.calls,
            d.aht_seconds,
            interval_seconds=interval_seconds,
            target=target,
            target_seconds=target_seconds,
        )
        for d in demands
    }
    pool = pooled_demand(demands)
    pooled = agents_for_service_level(
        pool.calls,
        pool.aht_seconds or 1.0,
        interval_seconds=interval_seconds,
        target=target,
        target_seconds=target_seconds,
    )
    return PoolingResult(separate, pooled)


@dataclass(frozen=True)
class SimulationResult:
    service_level: float
    by_partner: dict[str, float]
    overflowed_share: float
    calls: int


def simulate_overflow(
    demands: list[Demand],
    own_agents: dict[str, int],
    hub_agents: int,
    *,
    overflow_after: float,
    target_seconds: float = 20,
    interval_seconds: float = 1800,
    intervals: int = 200,
    seed: int = 1,
) -> SimulationResult:
    """Simulate `intervals` intervals of stationary demand (the first 5% discarded as warm-up)
    and measure the share answered within target_seconds."""
    rng = random.Random(seed)
    horizon = intervals * interval_seconds
    warmup = 0.05 * horizon
    arrivals: list[tuple[float, int, float]] = []
    for index, d in enumerate(demands):
        rate = d.calls / interval_seconds
        if rate <= 0:
            continue
        t = 0.0
        while True:
            t += rng.expovariate(rate)
            if t >= horizon:
                break
            arrivals.append((t, index, rng.expovariate(1.0 / d.aht_seconds)))
    arrivals.sort()
    own = [[0.0] * max(0, own_agents.get(d.name, 0)) for d in demands]
    hub = [0.0] * hub_agents
    counted = [0] * len(demands)
    within = [0] * len(demands)
    overflowed = 0
    for t, index, service in arrivals:
        pool = own[index]
        own_start = max(t, pool[0]) if pool else math.inf
        start, use_hub = own_start, False
        if own_start > t + overflow_after and hub:
            hub_start = max(t + overflow_after, hub[0])
            if hub_start < own_start:
                start, use_hub = hub_start, True
        if start == math.inf:
            raise ValueError("a partner with no agents of its own needs hub agents")
        if use_hub:
            heapq.heapreplace(hub, start + service)
        else:
            heapq.heapreplace(pool, start + service)
        if t >= warmup:
            counted[index] += 1
            overflowed += use_hub
            if start - t <= target_seconds:
                within[index] += 1
    total = sum(counted)
    return SimulationResult(
        service_level=sum(within) / total if total else 1.0,
        by_partner={
            d.name: (within[i] / counted[i] if counted[i] else 1.0) for i, d in enumerate(demands)
        },
        overflowed_share=overflowed / total if total else 0.0,
        calls=total,
    )


@dataclass(frozen=True)
class OverflowPlan:
    own_agents: dict[str, int]
    hub_agents: int
    simulation: SimulationResult
    reached: bool = True

    @property
    def total_agents(self) -> int:
        return sum(self.own_agents.values()) + self.hub_agents


def overflow_what_if(
    demands: list[Demand],
    separate: dict[str, Staffing],
    *,
    overflow_after: float,
    keep_share: float = 0.75,
    target: float = 0.8,
    target_seconds: float = 20,
    interval_seconds: float = 1800,
    intervals: int = 200,
    seed: int = 1,
) -> OverflowPlan:
    """Partners keep `keep_share` of their own agents (at least one); find the fewest hub
    agents giving the overall service level target, by simulation (a bisection between no
    hub and as many hub agents as the separate queues had). `reached` is False when even
    that many cannot meet the target."""
    own = {
        d.name: max(1, math.floor(separate[d.name].agents * keep_share + 1e-9))
        for d in demands
        if d.calls > 0
    }
    active = [d for d in demands if d.calls > 0]
    limit = sum(s.agents for s in separate.values())

    def run(hub: int) -> SimulationResult:
        # The same seed for every size of hub: common random numbers make the service level
        # rise steadily with the hub, so a bisection finds the smallest that is enough.
        return simulate_overflow(
            active,
            own,
            hub,
            overflow_after=overflow_after,
            target_seconds=target_seconds,
            interval_seconds=interval_seconds,
            intervals=intervals,
            seed=seed,
        )

    best = run(limit)
    if best.service_level < target:
        # Unreachable: e.g. calls overflow later than the target time and the partners'
        # own advisers alone cannot answer enough of them in time.
        return OverflowPlan(own, limit, best, reached=False)
    low, high = 0, limit
    results = {limit: best}
    while low < high:
        middle = (low + high) // 2
        results[middle] = run(middle)
        if results[middle].service_level >= target:
            high = middle
        else:
            low = middle + 1
    if low not in results:
        results[low] = run(low)
    return OverflowPlan(own, low, results[low], reached=True)
