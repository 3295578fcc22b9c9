"""The contact centre's indicators: one selector each, with its definition in its docstring.

Every selector takes a queryset the caller has already scoped to what the user may see
(insight.scoping) and filtered by partner, queue or service, and a period [start, end) of
aware datetimes. Given an `interval` it returns {bucket start: value} for every bucket in the
period (local time, Europe/London; empty buckets included); without one, the value for the
whole period. Rates are 0–1, or None when their denominator is zero; times are seconds.

Call definitions (`short` = IndicatorSettings.short_abandon_seconds, `T` = the service level
threshold, IndicatorSettings.service_level_seconds unless given):
  offered        calls that entered a queue in the period, less short abandons
  short abandons callers who hung up after waiting less than `short` seconds
  answered       offered calls answered (including any still talking)
  abandoned      callers who hung up after waiting at least `short` seconds (ABANDON);
                 timeouts and callers leaving by a key are offered but neither
  abandonment    abandoned ÷ offered
  service level  answered within T seconds (wait ≤ T) ÷ offered
  ASA            mean wait of answered calls
  AHT            mean talk time of completed answered calls (queue_log has no wrap-up)
  longest wait   the longest any offered caller waited (answered or not)
  occupancy      agents' time on calls ÷ their available time (in the queue, not paused)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from firstcontact.contacts.models import Contact
from firstcontact.contacts.selectors import FirstContactResolution, first_contact_resolution
from firstcontact.customers.models import Channel
from firstcontact.insight.models import (
    DEFAULT_UNIT_COSTS,
    SATISFIED_SCORES,
    IndicatorSettings,
    SatisfactionResponse,
    SurveyInvitation,
    UnitCost,
)
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.telephony.models import AgentEvent, CallOutcome, CallRecord, Queue

SUB_DAY_INTERVALS = {"15": 900, "30": 1800, "60": 3600}
INTERVALS = {
    "15": "15 minutes",
    "30": "30 minutes",
    "60": "Hour",
    "day": "Day",
    "week": "Week",
    "month": "Month",
}
# Agents' state at the start of a period comes from events this far back.
AGENT_STATE_LOOKBACK = dt.timedelta(days=1)
DIGITAL_CHANNELS = frozenset(
    {Channel.WEB, Channel.OPEN311, Channel.EMAIL, Channel.SMS, Channel.KIOSK, Channel.SOCIAL}
)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Buckets --------------------------------------------------------------------------------


def bucket_of(moment: dt.datetime, interval: str, zone: ZoneInfo | None = None) -> dt.datetime:
    """The local start of the interval holding `moment`."""
    zone = zone or local_zone()
    local = moment.astimezone(zone)
    if interval in SUB_DAY_INTERVALS:
        minutes = SUB_DAY_INTERVALS[interval] // 60
        start = local.replace(
            minute=(local.minute // minutes) * minutes if minutes < 60 else 0,
            second=0,
            microsecond=0,
        )
        return start
    day = local.date()
    if interval == "week":
        day -= dt.timedelta(days=day.weekday())
    elif interval == "month":
        day = day.replace(day=1)
    elif interval != "day":
        raise ValueError(f"unknown interval {interval!r}")
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def _next_bucket(start: dt.datetime, interval: str, zone: ZoneInfo) -> dt.datetime:
    if interval in SUB_DAY_INTERVALS:
        # Step in absolute time so the clock change hours have their real length.
        after = start.astimezone(dt.UTC) + dt.timedelta(seconds=SUB_DAY_INTERVALS[interval])
        return after.astimezone(zone)
    day = start.date()
    if interval == "day":
        day += dt.timedelta(days=1)
    elif interval == "week":
        day += dt.timedelta(days=7)
    else:
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def bucket_starts(start: dt.datetime, end: dt.datetime, interval: str) -> list[dt.datetime]:
    """Every bucket that overlaps [start, end), as local aware datetimes."""
    zone = local_zone()
    buckets = []
    current = bucket_of(start, interval, zone)
    while current < end:
        buckets.append(current)
        current = _next_bucket(current, interval, zone)
    return buckets


def bucket_bounds(start, end, interval) -> list[tuple[dt.datetime, dt.datetime, dt.datetime]]:
    """(bucket key, clipped start, clipped end) for each bucket of [start, end)."""
    zone = local_zone()
    out = []
    for bucket in bucket_starts(start, end, interval):
        out.append((bucket, max(bucket, start), min(_next_bucket(bucket, interval, zone), end)))
    return out


# --- Call statistics ------------------------------------------------------------------------


@dataclass
class CallStats:
    """Additive counts and sums behind the call indicators (for one bucket, group or day)."""

    offered_all: int = 0
    short_abandoned: int = 0
    answered: int = 0
    abandoned: int = 0
    answered_within: int = 0
    answered_wait_sum: int = 0
    talk_sum: int = 0
    talk_count: int = 0
    max_wait: int = 0
    wait_sum_all: int = 0
    staffed_seconds: float = 0
    busy_seconds: float = 0

    def __add__(self, other: CallStats) -> CallStats:
        values = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = max(a, b) if f.name == "max_wait" else a + b
        return CallStats(**values)

    @property
    def offered(self) -> int:
        return self.offered_all - self.short_abandoned

    @property
    def abandonment_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    @property
    def service_level(self) -> float | None:
        return self.answered_within / self.offered if self.offered else None

    @property
    def average_speed_of_answer(self) -> float | None:
        return self.answered_wait_sum / self.answered if self.answered else None

    @property
    def average_handle_time(self) -> float | None:
        return self.talk_sum / self.talk_count if self.talk_count else None

    @property
    def longest_wait(self) -> int | None:
        return self.max_wait if self.offered else None

    @property
    def occupancy(self) -> float | None:
        return self.busy_seconds / self.staffed_seconds if self.staffed_seconds else None


@dataclass(frozen=True)
class Thresholds:
    service_level_seconds: int
    short_abandon_seconds: int

    @classmethod
    def resolve(cls, service_level_seconds=None, short_abandon_seconds=None) -> Thresholds:
        if service_level_seconds is None or short_abandon_seconds is None:
            current = IndicatorSettings.current()
            if service_level_seconds is None:
                service_level_seconds = current.service_level_seconds
            if short_abandon_seconds is None:
                short_abandon_seconds = current.short_abandon_seconds
        return cls(int(service_level_seconds), int(short_abandon_seconds))


def _aggregates(t: Thresholds) -> dict:
    answered = Q(answered_at__isnull=False)
    abandoned = Q(outcome=CallOutcome.ABANDONED)
    short = abandoned & Q(wait_seconds__lt=t.short_abandon_seconds)
    return {
        "offered_all": Count("pk"),
        "short_abandoned": Count("pk", filter=short),
        "answered": Count("pk", filter=answered),
        "abandoned": Count("pk", filter=abandoned & Q(wait_seconds__gte=t.short_abandon_seconds)),
        "answered_within": Count(
            "pk", filter=answered & Q(wait_seconds__lte=t.service_level_seconds)
        ),
        "answered_wait_sum": Sum("wait_seconds", filter=answered, default=0),
        "talk_sum": Sum("talk_seconds", default=0),
        "talk_count": Count("talk_seconds"),
        "max_wait": Max("wait_seconds", filter=~short, default=0),
        "wait_sum_all": Sum("wait_seconds", default=0),
    }


def call_stats(
    calls: QuerySet[CallRecord],
    *,
    start: dt.datetime,
    end: dt.datetime,
    interval: str | None = None,
    group_by: str | None = None,
    service_level_seconds: int | None = None,
    short_abandon_seconds: int | None = None,
    with_occupancy: bool = False,
    now: dt.datetime | None = None,
) -> dict[tuple, CallStats]:
    """CallStats for calls that entered in [start, end), keyed (group, bucket): group is the
    value of `group_by` (e.g. "queue", "queue__partner") or None, bucket the interval's
    local start or None. Every bucket of the period is present for each group seen (and for
    the None group when there is no grouping)."""
    t = Thresholds.resolve(service_level_seconds, short_abandon_seconds)
    period = calls.filter(entered_at__gte=start, entered_at__lt=end)
    out: dict[tuple, CallStats] = {}
    if interval is None:
        if group_by:
            for row in period.values(group_by).annotate(**_aggregates(t)).order_by():
                group = row.pop(group_by)
                out[(group, None)] = CallStats(**row)
        else:
            out[(None, None)] = CallStats(**period.aggregate(**_aggregates(t)))
    else:
        zone = local_zone()
        columns = ["entered_at", "outcome", "answered_at", "wait_seconds", "talk_seconds"]
        if group_by:
            columns.append(group_by)
        buckets = bucket_starts(start, end, interval)
        groups: set = set()
        for row in period.values_list(*columns).order_by().iterator(chunk_size=20_000):
            entered, outcome, answered_at, wait, talk = row[:5]
            group = row[5] if group_by else None
            groups.add(group)
            key = (group, bucket_of(entered, interval, zone))
            stats = out.get(key)
            if stats is None:
                stats = out[key] = CallStats()
            stats.offered_all += 1
            wait_counted = True
            if outcome == CallOutcome.ABANDONED:
                if wait < t.short_abandon_seconds:
                    stats.short_abandoned += 1
                    wait_counted = False
                else:
                    stats.abandoned += 1
            if answered_at is not None:
                stats.answered += 1
                stats.answered_wait_sum += wait
                if wait <= t.service_level_seconds:
                    stats.answered_within += 1
            if talk is not None:
                stats.talk_sum += talk
                stats.talk_count += 1
            stats.wait_sum_all += wait
            if wait_counted and wait > stats.max_wait:
                stats.max_wait = wait
        if not group_by:
            groups = {None}
        for group in groups:
            for bucket in buckets:
                out.setdefault((group, bucket), CallStats())
    if with_occupancy:
        for (group, bucket), (staffed, busy) in agent_time(
            calls, start=start, end=end, interval=interval, group_by=group_by, now=now
        ).items():
            stats = out.setdefault((group, bucket), CallStats())
            stats.staffed_seconds += staffed
            stats.busy_seconds += busy
    return out


def _series(stats: dict[tuple, CallStats], attribute: str, interval: str | None):
    if interval is None:
        return getattr(stats.get((None, None), CallStats()), attribute)
    return {bucket: getattr(s, attribute) for (group, bucket), s in sorted(stats.items())}


def calls_offered(calls, *, start, end, interval=None, short_abandon_seconds=None):
    """Calls that entered a queue in the period, less short abandons."""
    stats = call_stats(
        calls, start=start, end=end, interval=interval, short_abandon_seconds=short_abandon_seconds
    )
    return _series(stats, "offered", interval)


def calls_answered(calls, *, start, end, interval=None):
    """Calls that entered in the period and were answered (including calls still talking)."""
    return _series(call_stats(calls, start=start, end=end, interval=interval), "answered", interval)


def calls_abandoned(calls, *, start, end, interval=None, short_abandon_seconds=None):
    """Callers who hung up in the queue after waiting at least the short-abandon threshold."""
    stats = call_stats(
        calls, start=start, end=end, interval=interval, short_abandon_seconds=short_abandon_seconds
    )
    return _series(stats, "abandoned", interval)


def short_abandons(calls, *, start, end, interval=None, short_abandon_seconds=None):
    """Callers who hung up sooner than the short-abandon threshold (left out of the rest)."""
    stats = call_stats(
        calls, start=start, end=end, interval=interval, short_abandon_seconds=short_abandon_seconds
    )
    return _series(stats, "short_abandoned", interval)


def abandonment_rate(calls, *, start, end, interval=None, short_abandon_seconds=None):
    """Abandoned ÷ offered (short abandons left out of both); None with no calls offered."""
    stats = call_stats(
        calls, start=start, end=end, interval=interval, short_abandon_seconds=short_abandon_seconds
    )
    return _series(stats, "abandonment_rate", interval)


def service_level(calls, *, start, end, interval=None, seconds=None, short_abandon_seconds=None):
    """Calls answered within `seconds` (wait ≤ seconds) ÷ calls offered."""
    stats = call_stats(
        calls,
        start=start,
        end=end,
        interval=interval,
        service_level_seconds=seconds,
        short_abandon_seconds=short_abandon_seconds,
    )
    return _series(stats, "service_level", interval)


def average_speed_of_answer(calls, *, start, end, interval=None):
    """Mean wait, in seconds, of the calls answered."""
    return _series(
        call_stats(calls, start=start, end=end, interval=interval),
        "average_speed_of_answer",
        interval,
    )


def average_handle_time(calls, *, start, end, interval=None):
    """Mean talk time, in seconds, of answered calls that have ended."""
    return _series(
        call_stats(calls, start=start, end=end, interval=interval), "average_handle_time", interval
    )


def longest_wait(calls, *, start, end, interval=None, short_abandon_seconds=None):
    """The longest wait, in seconds, of any offered call (answered, abandoned or timed out)."""
    stats = call_stats(
        calls, start=start, end=end, interval=interval, short_abandon_seconds=short_abandon_seconds
    )
    return _series(stats, "longest_wait", interval)


def occupancy(calls, *, start, end, interval=None, now=None):
    """Agents' time talking to callers while available ÷ their available time.

    Available: a member of one of the calls' queues (ADDMEMBER to REMOVEMEMBER, or logged in
    with AGENTLOGIN to AGENTLOGOFF) and not paused (PAUSE to UNPAUSE, on any queue). Talk time
    is clipped to the period and to the agent's available time. None without agent events.
    """
    times = agent_time(calls, start=start, end=end, interval=interval, now=now)
    if interval is None:
        staffed, busy = times.get((None, None), (0.0, 0.0))
        return busy / staffed if staffed else None
    return {
        bucket: (busy / staffed if staffed else None)
        for (group, bucket), (staffed, busy) in sorted(times.items())
    }


# --- Agent time (occupancy) -----------------------------------------------------------------


def _union(intervals: list[list[float]]) -> list[list[float]]:
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def _subtract(base: list[list[float]], cut: list[list[float]]) -> list[list[float]]:
    out = []
    for a, b in base:
        pieces = [[a, b]]
        for c, d in cut:
            if d <= a or c >= b:
                continue
            next_pieces = []
            for x, y in pieces:
                if d <= x or c >= y:
                    next_pieces.append([x, y])
                    continue
                if c > x:
                    next_pieces.append([x, c])
                if d < y:
                    next_pieces.append([d, y])
            pieces = next_pieces
        out.extend(pieces)
    return out


def _intersect(first: list[list[float]], second: list[list[float]]) -> list[list[float]]:
    out, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        a = max(first[i][0], second[j][0])
        b = min(first[i][1], second[j][1])
        if a < b:
            out.append([a, b])
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return out


def _overlap(intervals: list[list[float]], a: float, b: float) -> float:
    return sum(max(0.0, min(y, b) - max(x, a)) for x, y in intervals if x < b and y > a)


def agent_time(
    calls: QuerySet[CallRecord],
    *,
    start: dt.datetime,
    end: dt.datetime,
    interval: str | None = None,
    group_by: str | None = None,
    now: dt.datetime | None = None,
) -> dict[tuple, tuple[float, float]]:
    """{(group, bucket): (available seconds, busy seconds)} for the agents of the calls'
    queues; see `occupancy`. group_by may be "queue" or a "queue__…" path."""
    now = now or timezone.now()
    stop = min(end, now).timestamp()
    t0 = start.timestamp()
    queue_ids = calls.values("queue_id")
    if group_by:
        group_of_queue = dict(
            Queue.objects.filter(pk__in=queue_ids).values_list(
                "pk", group_by.removeprefix("queue__") if group_by != "queue" else "pk"
            )
        )
    events = (
        AgentEvent.objects.filter(at__gte=start - AGENT_STATE_LOOKBACK, at__lt=end)
        .filter(Q(queue_id__in=queue_ids) | Q(queue__isnull=True))
        .order_by("at", "pk")
        .values_list("at", "agent", "kind", "queue_id")
    )
    # Per (group, agent): membership, login and pause intervals.
    member: dict = defaultdict(list)
    login: dict = defaultdict(list)
    paused: dict = defaultdict(list)
    open_member: dict = {}
    open_login: dict = {}
    open_pause: dict = {}
    agents_in_queues: set[str] = set()
    for at, agent, kind, queue_id in events:
        t = at.timestamp()
        if kind in ("add_member", "remove_member") and queue_id is not None:
            agents_in_queues.add(agent)
            key = (agent, queue_id)
            if kind == "add_member":
                open_member.setdefault(key, t)
            elif key in open_member:
                member[key].append([open_member.pop(key), t])
        elif kind == "login":
            open_login.setdefault(agent, t)
        elif kind == "logoff" and agent in open_login:
            login[agent].append([open_login.pop(agent), t])
        elif kind == "pause":
            open_pause.setdefault(agent, t)
        elif kind == "unpause" and agent in open_pause:
            paused[agent].append([open_pause.pop(agent), t])
    for key, t in open_member.items():
        member[key].append([t, stop])
    for agent, t in open_login.items():
        login[agent].append([t, stop])
    for agent, t in open_pause.items():
        paused[agent].append([t, stop])

    # Talk intervals of answered calls overlapping the period.
    talk: dict = defaultdict(list)
    answered = (
        calls.filter(answered_at__isnull=False, answered_at__lt=end)
        .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True))
        .filter(entered_at__gte=start - AGENT_STATE_LOOKBACK)
        .values_list("agent", "queue_id", "answered_at", "ended_at")
    )
    agents_talking: dict[str, set] = defaultdict(set)
    for agent, queue_id, answered_at, ended_at in answered:
        finish = ended_at.timestamp() if ended_at else stop
        talk[(agent, queue_id)].append([answered_at.timestamp(), finish])
        agents_talking[agent].add(queue_id)

    def group(queue_id):
        return group_of_queue.get(queue_id) if group_by else None

    # Available time per (group, agent).
    available: dict = defaultdict(list)
    for (agent, queue_id), spans in member.items():
        available[(group(queue_id), agent)].extend(spans)
    for agent, spans in login.items():
        # A login (queue NONE) counts for the queues the agent answered in, unless the agent's
        # membership is already known from ADDMEMBER events.
        if agent in agents_in_queues:
            continue
        for queue_id in agents_talking.get(agent, ()):
            available[(group(queue_id), agent)].extend(spans)
    windows = [(None, start, end)] if interval is None else bucket_bounds(start, end, interval)
    out: dict[tuple, tuple[float, float]] = {}
    talk_by_group: dict = defaultdict(list)
    for (agent, queue_id), spans in talk.items():
        talk_by_group[(group(queue_id), agent)].extend(spans)
    for (grp, agent), spans in available.items():
        spans = _subtract(
            _union([[max(a, t0), min(b, stop)] for a, b in spans]), _union(paused.get(agent, []))
        )
        busy = _intersect(_union(talk_by_group.get((grp, agent), [])), spans)
        for bucket, a, b in windows:
            staffed_s = _overlap(spans, a.timestamp(), b.timestamp())
            busy_s = _overlap(busy, a.timestamp(), b.timestamp())
            previous = out.get((grp, bucket), (0.0, 0.0))
            out[(grp, bucket)] = (previous[0] + staffed_s, previous[1] + busy_s)
    return out


# --- Contacts -------------------------------------------------------------------------------


def contacts_by_channel(
    contacts: QuerySet[Contact], *, start, end, interval=None
) -> dict[str, int] | dict[dt.datetime, dict[str, int]]:
    """Contacts started in the period, counted by channel (every channel listed, 0 if none)."""
    period = contacts.filter(started_at__gte=start, started_at__lt=end)
    if interval is None:
        counts = dict.fromkeys(Channel.values, 0)
        for row in period.values("channel").annotate(n=Count("pk")).order_by():
            counts[row["channel"]] = row["n"]
        return counts
    zone = local_zone()
    series = {
        bucket: dict.fromkeys(Channel.values, 0) for bucket in bucket_starts(start, end, interval)
    }
    for started_at, channel in (
        period.values_list("started_at", "channel").order_by().iterator(chunk_size=20_000)
    ):
        series[bucket_of(started_at, interval, zone)][channel] += 1
    return series


def first_contact_resolution_rate(
    contacts: QuerySet[Contact], *, start, end
) -> FirstContactResolution:
    """FCR as contacts.selectors.first_contact_resolution defines it: resolved at first
    contact ÷ ended contacts, abandoned ones left out."""
    return first_contact_resolution(contacts, start=start, end=end)


def first_contact_resolution_by_partner(
    contacts: QuerySet[Contact], *, start, end
) -> dict[int, FirstContactResolution]:
    """FCR for each partner with contacts in the period (first_contact_resolution per partner)."""
    partner_ids = (
        contacts.filter(started_at__gte=start, started_at__lt=end)
        .values_list("partner_id", flat=True)
        .order_by()
        .distinct()
    )
    return {
        pid: first_contact_resolution(contacts.filter(partner_id=pid), start=start, end=end)
        for pid in sorted(partner_ids)
    }


def channel_shift(
    contacts: QuerySet[Contact], *, start, end, interval: str = "month"
) -> dict[dt.datetime, dict[str, float | None]]:
    """Each channel's share of contacts per interval (the shares of a bucket sum to 1; None
    for a bucket with no contacts), plus "digital": web, Open311, email, SMS, kiosk, social."""
    out = {}
    for bucket, counts in contacts_by_channel(
        contacts, start=start, end=end, interval=interval
    ).items():
        total = sum(counts.values())
        shares: dict[str, float | None] = {
            channel: (n / total if total else None) for channel, n in counts.items()
        }
        digital = sum(n for channel, n in counts.items() if channel in DIGITAL_CHANNELS)
        shares["digital"] = digital / total if total else None
        out[bucket] = shares
    return out


def unit_costs() -> dict[str, Decimal]:
    """Cost of one contact by channel: UnitCost rows, else DEFAULT_UNIT_COSTS."""
    costs = {str(k): v for k, v in DEFAULT_UNIT_COSTS.items()}
    costs.update(dict(UnitCost.objects.values_list("channel", "cost")))
    return costs


@dataclass(frozen=True)
class ContactCost:
    by_channel: dict[str, Decimal]
    total: Decimal
    contacts: int

    @property
    def per_contact(self) -> Decimal | None:
        if not self.contacts:
            return None
        return (self.total / self.contacts).quantize(Decimal("0.01"))


def cost_per_contact(
    counts: dict[str, int], costs: dict[str, Decimal] | None = None
) -> ContactCost:
    """Cost by channel (contacts × unit cost), the total, and the mean cost per contact."""
    costs = unit_costs() if costs is None else costs
    by_channel = {ch: costs.get(ch, Decimal("0")) * n for ch, n in counts.items()}
    return ContactCost(by_channel, sum(by_channel.values(), Decimal("0")), sum(counts.values()))


def channel_shift_saving(
    before: dict[str, int], after: dict[str, int], costs: dict[str, Decimal] | None = None
) -> Decimal:
    """What the later period's contacts would have cost with the earlier period's mix of
    channels, less what they cost: positive when contacts moved to cheaper channels."""
    costs = unit_costs() if costs is None else costs
    total_before, total_after = sum(before.values()), sum(after.values())
    if not total_before or not total_after:
        return Decimal("0.00")
    at_old_mix = sum(
        (
            Decimal(n) / total_before * total_after * costs.get(ch, Decimal("0"))
            for ch, n in before.items()
        ),
        Decimal("0"),
    )
    actual = cost_per_contact(after, costs).total
    return (at_old_mix - actual).quantize(Decimal("0.01"))


# --- Requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SLACompliance:
    closed: int
    on_time: int
    open_overdue: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None


def sla_compliance(
    requests: QuerySet[ServiceRequest], *, start, end, now: dt.datetime | None = None
) -> SLACompliance:
    """Requests closed in the period with an SLA due time: closed on time (closed_at ≤
    sla_due_at) ÷ all of them; and, at `now`, requests open past their due time (not on hold,
    whose clock is paused)."""
    now = now or timezone.now()
    closed = requests.filter(
        status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end, sla_due_at__isnull=False
    ).aggregate(
        closed=Count("pk"),
        on_time=Count("pk", filter=Q(closed_at__lte=F("sla_due_at"))),
    )
    overdue = (
        requests.exclude(status__in=[Status.CLOSED, Status.ON_HOLD])
        .filter(sla_due_at__lt=now)
        .count()
    )
    return SLACompliance(closed["closed"], closed["on_time"], overdue)


def sla_compliance_by(
    requests, *, start, end, field: str = "responsible_partner", now=None
) -> dict:
    """sla_compliance for each value of `field` (e.g. responsible_partner, service)."""
    ids = (
        requests.filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .values_list(field, flat=True)
        .order_by()
        .distinct()
    )
    return {
        value: sla_compliance(requests.filter(**{field: value}), start=start, end=end, now=now)
        for value in sorted(v for v in ids if v is not None)
    }


# --- Satisfaction ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    responses: int
    satisfied: int
    invited: int
    responded: int

    @property
    def csat(self) -> float | None:
        """Satisfied or very satisfied (4 or 5 of 5) ÷ responses."""
        return self.satisfied / self.responses if self.responses else None

    @property
    def response_rate(self) -> float | None:
        """Invitations sent in the period that were answered ÷ invitations sent."""
        return self.responded / self.invited if self.invited else None


def satisfaction(
    responses: QuerySet[SatisfactionResponse],
    invitations: QuerySet[SurveyInvitation],
    *,
    start,
    end,
) -> Satisfaction:
    """CSAT of responses submitted in the period, and the response rate of invitations
    created in the period."""
    r = responses.filter(submitted_at__gte=start, submitted_at__lt=end).aggregate(
        n=Count("pk"), satisfied=Count("pk", filter=Q(score__in=SATISFIED_SCORES))
    )
    i = invitations.filter(created_at__gte=start, created_at__lt=end).aggregate(
        n=Count("pk"), responded=Count("pk", filter=Q(response__isnull=False))
    )
    return Satisfaction(r["n"], r["satisfied"], i["n"], i["responded"])


def satisfaction_by_partner(responses, invitations, *, start, end) -> dict[int, Satisfaction]:
    partner_ids = set(
        invitations.filter(created_at__gte=start, created_at__lt=end).values_list(
            "partner_id", flat=True
        )
    ) | set(
        responses.filter(submitted_at__gte=start, submitted_at__lt=end).values_list(
            "partner_id", flat=True
        )
    )
    return {
        pid: satisfaction(
            responses.filter(partner_id=pid),
            invitations.filter(partner_id=pid),
            start=start,
            end=end,
        )
        for pid in sorted(partner_ids)
    }


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of `first`, start of the day after `last`) in local time."""
    zone = local_zone()
    return (
        dt.datetime.combine(first, dt.time(0), tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
    )


def sum_stats(stats: Iterable[CallStats]) -> CallStats:
    total = CallStats()
    for s in stats:
        total = total + s
    return total
