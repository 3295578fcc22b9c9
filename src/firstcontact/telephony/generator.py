"""A realistic Asterisk queue_log for demonstrations and benchmarks.

Per queue and day: arrivals follow a time-of-day curve (busiest mid-morning, a second peak
after lunch) scaled by weekday (Monday busiest, Saturday mornings only, Sunday closed), as a
Poisson process. Each half hour is staffed with the agents Erlang C says the queue needs,
times a staffing factor that varies by day (some days short-staffed, so service level and
abandonment vary). Callers are served first come, first served; each has an exponentially
distributed patience and abandons when it runs out (a few press a key to leave instead, and
the queue's time limit ends the longest waits); handle times are log-normal. Some answered
calls are transferred, some rings go unanswered, agents join and leave the queue as the
staffing changes and take a break. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from firstcontact.telephony.staffing import agents_for_service_level

LONDON = ZoneInfo("Europe/London")
SLOT = 1800  # seconds: staffing changes each half hour

# Share of a weekday's calls in each half hour from 08:00 to 18:00 (20 slots, sums to 1).
_WEEKDAY_CURVE = [
    0.030,
    0.045,
    0.060,
    0.070,
    0.072,
    0.070,
    0.066,
    0.060,
    0.052,
    0.050,
    0.058,
    0.062,
    0.060,
    0.055,
    0.050,
    0.042,
    0.036,
    0.031,
    0.023,
    0.008,
]
_WEEKDAY_FACTOR = [1.25, 1.10, 1.0, 0.95, 0.85, 0.30, 0.0]  # Monday … Sunday
_OPENS = dt.time(8, 0)
_SATURDAY_SLOTS = 8  # 09:00–13:00 on Saturdays


@dataclass(frozen=True)
class QueueProfile:
    """A queue to generate: its name, calls on an average weekday (Wednesday), mean handle
    time and mean caller patience (seconds)."""

    name: str
    calls_per_day: float
    aht_seconds: float = 240.0
    patience_seconds: float = 180.0
    transfer_rate: float = 0.03
    exit_key_share: float = 0.05  # of callers who give up, how many press a key instead
    max_wait_seconds: int = 900  # the queue's time limit (EXITWITHTIMEOUT)
    agent_prefix: str = ""


DEMO_PROFILES = (
    QueueProfile("council-tax", 420, aht_seconds=300, patience_seconds=200),
    QueueProfile("waste", 380, aht_seconds=180, patience_seconds=150),
    QueueProfile("highways", 240, aht_seconds=240, patience_seconds=180),
    QueueProfile("housing", 200, aht_seconds=360, patience_seconds=240),
)


def _slots(day: dt.date) -> list[tuple[dt.datetime, float]]:
    """(local start, share of the day's calls) for each open half hour of the day."""
    weekday = day.weekday()
    factor = _WEEKDAY_FACTOR[weekday]
    if factor == 0:
        return []
    start = dt.datetime.combine(day, _OPENS, tzinfo=LONDON)
    curve = list(enumerate(_WEEKDAY_CURVE))
    if weekday == 5:
        curve = curve[2 : 2 + _SATURDAY_SLOTS]
    return [(start + dt.timedelta(seconds=SLOT * i), share * factor) for i, share in curve]


def _agent_name(profile: QueueProfile, index: int) -> str:
    prefix = profile.agent_prefix or profile.name[:12]
    return f"PJSIP/{prefix}-{index + 1:03d}"


def generate_day(
    profile: QueueProfile,
    day: dt.date,
    rng: random.Random,
    *,
    until: int | None = None,
    call_counter: list[int] | None = None,
) -> list[tuple[int, int, str]]:
    """(epoch, order, line) for one queue's day. Events after `until` (an epoch) are left out,
    so calls still in progress then end up waiting or talking."""
    counter = call_counter if call_counter is not None else [0]
    out: list[tuple[int, int, str]] = []
    q = profile.name
    staffing_factor = rng.uniform(0.88, 1.08)
    sigma = 0.55
    mu_log = math.log(profile.aht_seconds) - sigma * sigma / 2
    free: list[tuple[float, int]] = []  # (free at, agent) for agents on duty
    on_duty: set[int] = set()
    next_free: dict[int, float] = {}
    waiting_until: list[float] = []  # when each earlier caller leaves the queue
    order = 0

    def emit(t: float, line: str) -> None:
        nonlocal order
        epoch = int(t)
        if until is None or epoch <= until:
            order += 1
            out.append((epoch, order, f"{epoch}|{line}"))

    slots = _slots(day)
    for slot_index, (slot_start, share) in enumerate(slots):
        t0 = slot_start.timestamp()
        expected = profile.calls_per_day * share
        needed = (
            agents_for_service_level(expected, profile.aht_seconds, interval_seconds=SLOT).agents
            if expected > 0
            else 0
        )
        wanted = max(1, round(needed * staffing_factor))
        # Agents join and leave the queue as staffing changes.
        for agent in sorted(on_duty):
            if agent >= wanted:
                on_duty.discard(agent)
                emit(t0, f"NONE|{q}|{_agent_name(profile, agent)}|REMOVEMEMBER|")
        for agent in range(wanted):
            if agent not in on_duty:
                on_duty.add(agent)
                next_free[agent] = max(next_free.get(agent, t0), t0)
                emit(t0, f"NONE|{q}|{_agent_name(profile, agent)}|ADDMEMBER|")
        # One agent in six takes a 15-minute break in the middle slots of the day.
        if 0 < slot_index < len(slots) - 1:
            for agent in on_duty:
                if (agent + slot_index) % 6 == 0 and rng.random() < 0.5:
                    start = max(next_free[agent], t0 + rng.uniform(0, 600))
                    name = _agent_name(profile, agent)
                    emit(start, f"NONE|{q}|{name}|PAUSE|Break")
                    emit(start + 900, f"NONE|{q}|{name}|UNPAUSE|")
                    next_free[agent] = start + 900
        free = [(next_free[a], a) for a in on_duty]
        heapq.heapify(free)
        # Arrivals in this slot: a Poisson process.
        rate = expected / SLOT
        t = t0
        while rate > 0:
            t += rng.expovariate(rate)
            if t >= t0 + SLOT:
                break
            counter[0] += 1
            call_id = f"{int(t)}.{counter[0]}"
            while waiting_until and waiting_until[0] <= t:
                heapq.heappop(waiting_until)
            position = len(waiting_until) + 1
            caller = f"0770090{rng.randrange(10000):04d}"
            emit(t, f"{call_id}|{q}|NONE|ENTERQUEUE||{caller}|{position}")
            patience = rng.expovariate(1.0 / profile.patience_seconds)
            free_at, agent = free[0]
            start = max(t, free_at)
            wait = start - t
            give_up = min(patience, profile.max_wait_seconds)
            if wait > give_up:
                leave = t + give_up
                heapq.heappush(waiting_until, leave)
                waited = int(leave) - int(t)
                if give_up == profile.max_wait_seconds and patience > give_up:
                    emit(leave, f"{call_id}|{q}|NONE|EXITWITHTIMEOUT|1|{position}|{waited}")
                elif rng.random() < profile.exit_key_share:
                    emit(leave, f"{call_id}|{q}|NONE|EXITWITHKEY|1|1|{position}|{waited}")
                else:
                    emit(leave, f"{call_id}|{q}|NONE|ABANDON|1|{position}|{waited}")
                continue
            heapq.heappush(waiting_until, start)
            handle = rng.lognormvariate(mu_log, sigma)
            heapq.heapreplace(free, (start + handle, agent))
            next_free[agent] = start + handle
            name = _agent_name(profile, agent)
            hold = int(start) - int(t)
            if hold > 20 and rng.random() < 0.08 and len(on_duty) > 1:
                other = _agent_name(profile, (agent + 1) % len(on_duty))
                emit(start - 15, f"{call_id}|{q}|{other}|RINGNOANSWER|15000")
            emit(start, f"{call_id}|{q}|{name}|CONNECT|{hold}|{call_id}9|3")
            end = start + handle
            talk = int(end) - int(start)
            if rng.random() < profile.transfer_rate:
                emit(
                    end,
                    f"{call_id}|{q}|{name}|TRANSFER|2001|from-internal|{hold}|{talk}|{position}",
                )
            elif rng.random() < 0.6:
                emit(end, f"{call_id}|{q}|{name}|COMPLETECALLER|{hold}|{talk}|{position}")
            else:
                emit(end, f"{call_id}|{q}|{name}|COMPLETEAGENT|{hold}|{talk}|{position}")
        for free_at, agent in free:
            next_free[agent] = free_at
    if slots:
        close = slots[-1][0].timestamp() + SLOT
        for agent in sorted(on_duty):
            emit(
                max(close, next_free[agent]),
                f"NONE|{q}|{_agent_name(profile, agent)}|REMOVEMEMBER|",
            )
    return out


def generate_queue_log(
    profiles: Sequence[QueueProfile],
    start: dt.date,
    days: int,
    *,
    seed: int = 1,
    until: dt.datetime | None = None,
) -> Iterator[str]:
    """Lines of queue_log (with newlines), in time order, day by day."""
    rng = random.Random(seed)
    counter = [0]
    until_epoch = int(until.timestamp()) if until is not None else None
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if until is not None and dt.datetime.combine(day, dt.time(0), LONDON) > until:
            break
        events: list[tuple[int, int, int, str]] = []
        for queue_index, profile in enumerate(profiles):
            for epoch, order, line in generate_day(
                profile, day, rng, until=until_epoch, call_counter=counter
            ):
                events.append((epoch, queue_index, order, line))
        events.sort()
        for event in events:
            yield event[3] + "\n"
