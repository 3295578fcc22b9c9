"""Daily rollups of calls and contacts, so dashboards over months of data read a few thousand
rows instead of millions.

Call rollups are rebuilt for the days an import touches (a task sent by the calls_imported
signal); contact rollups by `refresh_insight_rollups` (run it nightly: it rebuilds the last
week to catch contacts ended late). RollupState records which days each table holds; pages
read the rollup for those days and the raw records for any others (today's contacts, say), so
figures are always complete.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, Max, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from firstcontact.contacts.models import FCR_OUTCOMES, NOT_COUNTED_IN_FCR, Contact
from firstcontact.customers.models import Channel
from firstcontact.insight.indicators import (
    SUB_DAY_INTERVALS,
    CallStats,
    Thresholds,
    bucket_of,
    call_stats,
    local_day_bounds,
    local_zone,
)
from firstcontact.insight.models import CallDailyRollup, ContactDailyRollup, RollupState
from firstcontact.telephony.models import CallRecord, Queue

CALLS = "calls"
CONTACTS = "contacts"


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _extend_state(name: str, first: dt.date, last: dt.date) -> None:
    state, _ = RollupState.objects.select_for_update().get_or_create(name=name)
    if state.built_from is None or state.built_through is None:
        state.built_from, state.built_through = first, last
    elif first <= state.built_through + dt.timedelta(days=1) and (
        last >= state.built_from - dt.timedelta(days=1)
    ):
        state.built_from = min(state.built_from, first)
        state.built_through = max(state.built_through, last)
    # else: not contiguous with what is built; the rows are written but not yet relied on.
    state.built_at = timezone.now()
    state.save()


def rolled_days(name: str) -> tuple[dt.date, dt.date] | None:
    state = RollupState.objects.filter(name=name).first()
    if state is None or state.built_from is None or state.built_through is None:
        return None
    return state.built_from, state.built_through


def reset(name: str) -> None:
    RollupState.objects.filter(name=name).update(built_from=None, built_through=None)


def build_call_rollups(first: dt.date, last: dt.date) -> int:
    """Recompute every queue's CallDailyRollup for each local day from first to last."""
    thresholds = Thresholds.resolve()
    written = 0
    for day in _days(first, last):
        start, end = local_day_bounds(day, day)
        stats = call_stats(
            CallRecord.objects.all(),
            start=start,
            end=end,
            group_by="queue",
            service_level_seconds=thresholds.service_level_seconds,
            short_abandon_seconds=thresholds.short_abandon_seconds,
            with_occupancy=True,
        )
        rows = [
            CallDailyRollup(
                queue_id=queue_id,
                date=day,
                offered_all=s.offered_all,
                short_abandoned=s.short_abandoned,
                answered=s.answered,
                abandoned=s.abandoned,
                answered_within=s.answered_within,
                answered_wait_sum=s.answered_wait_sum,
                talk_sum=s.talk_sum,
                talk_count=s.talk_count,
                max_wait=s.max_wait,
                wait_sum_all=s.wait_sum_all,
                staffed_seconds=round(s.staffed_seconds),
                busy_seconds=round(s.busy_seconds),
                service_level_seconds=thresholds.service_level_seconds,
                short_abandon_seconds=thresholds.short_abandon_seconds,
            )
            for (queue_id, _), s in stats.items()
            if queue_id is not None and (s.offered_all or s.staffed_seconds)
        ]
        with transaction.atomic():
            CallDailyRollup.objects.filter(date=day).delete()
            CallDailyRollup.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    with transaction.atomic():
        _extend_state(CALLS, first, last)
    return written


def build_contact_rollups(first: dt.date, last: dt.date) -> int:
    """Recompute ContactDailyRollup for each local day from first to last."""
    written = 0
    ended = Q(ended_at__isnull=False)
    for day in _days(first, last):
        start, end = local_day_bounds(day, day)
        groups = (
            Contact.objects.filter(started_at__gte=start, started_at__lt=end)
            .values("partner_id", "handled_by_id", "channel")
            .annotate(
                contacts=Count("pk"),
                ended=Count("pk", filter=ended),
                resolved=Count("pk", filter=ended & Q(outcome__in=FCR_OUTCOMES)),
                abandoned=Count("pk", filter=ended & Q(outcome__in=NOT_COUNTED_IN_FCR)),
            )
            .order_by()
        )
        rows = [ContactDailyRollup(date=day, **g) for g in groups]
        with transaction.atomic():
            ContactDailyRollup.objects.filter(date=day).delete()
            ContactDailyRollup.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    with transaction.atomic():
        _extend_state(CONTACTS, first, last)
    return written


def _split(first: dt.date, last: dt.date, rolled: tuple[dt.date, dt.date] | None):
    """(rolled-up part or None, list of raw (first, last) parts)."""
    if rolled is None or rolled[1] < first or rolled[0] > last:
        return None, [(first, last)]
    a, b = max(first, rolled[0]), min(last, rolled[1])
    raw = []
    if first < a:
        raw.append((first, a - dt.timedelta(days=1)))
    if b < last:
        raw.append((b + dt.timedelta(days=1), last))
    return (a, b), raw


ADDITIVE_CALL_FIELDS = (
    "offered_all",
    "short_abandoned",
    "answered",
    "abandoned",
    "answered_within",
    "answered_wait_sum",
    "talk_sum",
    "talk_count",
    "wait_sum_all",
    "staffed_seconds",
    "busy_seconds",
)


def _date_bucket(interval: str):
    """The rollup's date truncated to the interval, in the database. SQLite keeps dates as
    'YYYY-MM-DD' text, so plain string functions do there what Django's Trunc would do with a
    Python function called per row."""
    sqlite = connection.vendor == "sqlite"
    if interval == "month":
        if sqlite:
            return Func(
                F("date"),
                template="substr(%(expressions)s, 1, 7) || '-01'",
                output_field=CharField(),
            )
        return TruncMonth("date")
    if interval == "week":
        if sqlite:
            return Func(
                F("date"),
                template="date(%(expressions)s, '-6 days', 'weekday 1')",
                output_field=CharField(),
            )
        return TruncWeek("date")
    if interval == "day":
        return F("date")
    raise ValueError(f"rollups hold whole days, not {interval!r}")


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _day_bucket(day: dt.date | str, interval: str | None):
    if interval is None:
        return None
    day = _as_date(day)
    zone = local_zone()
    return bucket_of(dt.datetime.combine(day, dt.time(12), tzinfo=zone), interval, zone)


def daily_call_stats(
    queues: Iterable[Queue] | None,
    first: dt.date,
    last: dt.date,
    *,
    group_by: str | None = None,
    interval: str | None = None,
    thresholds: Thresholds | None = None,
    use_rollups: bool = True,
) -> dict[tuple, CallStats]:
    """CallStats for the queues' calls on local days first…last, keyed (group, bucket) as in
    indicators.call_stats; group_by: None, "queue", "partner" or "service"; interval: None,
    "day", "week" or "month". Reads rollups where built (with matching thresholds)."""
    thresholds = thresholds or Thresholds.resolve()
    queue_list = list(queues) if queues is not None else list(Queue.objects.all())
    queue_ids = [q.pk for q in queue_list]
    group_of = {
        q.pk: (q.pk if group_by == "queue" else getattr(q, f"{group_by}_id")) if group_by else None
        for q in queue_list
    }
    out: dict[tuple, CallStats] = defaultdict(CallStats)
    use_rollups = use_rollups and interval not in SUB_DAY_INTERVALS  # rollups are whole days
    rolled, raw_parts = _split(first, last, rolled_days(CALLS) if use_rollups else None)
    if rolled is not None:
        rows = CallDailyRollup.objects.filter(
            date__gte=rolled[0],
            date__lte=rolled[1],
            queue_id__in=queue_ids,
            service_level_seconds=thresholds.service_level_seconds,
            short_abandon_seconds=thresholds.short_abandon_seconds,
        )
        keys = ["queue_id"]
        if interval is not None:
            rows = rows.annotate(bucket_date=_date_bucket(interval))
            keys.append("bucket_date")
        sums = (
            rows.values(*keys)
            .annotate(
                **{name: Sum(name) for name in ADDITIVE_CALL_FIELDS}, max_wait_=Max("max_wait")
            )
            .order_by()
        )
        for row in sums:
            bucket = _day_bucket(row["bucket_date"], interval) if interval else None
            key = (group_of[row["queue_id"]], bucket)
            stats = CallStats(
                max_wait=row["max_wait_"], **{name: row[name] for name in ADDITIVE_CALL_FIELDS}
            )
            out[key] = out[key] + stats
    calls = CallRecord.objects.filter(queue_id__in=queue_ids)
    for a, b in raw_parts:
        start, end = local_day_bounds(a, b)
        raw_group = {
            None: None,
            "queue": "queue",
            "partner": "queue__partner",
            "service": "queue__service",
        }[group_by]
        stats = call_stats(
            calls,
            start=start,
            end=end,
            interval=interval,
            group_by=raw_group,
            service_level_seconds=thresholds.service_level_seconds,
            short_abandon_seconds=thresholds.short_abandon_seconds,
            with_occupancy=True,
        )
        for key, s in stats.items():
            out[key] = out[key] + s
    return dict(out)


def daily_contact_counts(
    partner_ids: set[int] | None,
    first: dt.date,
    last: dt.date,
    *,
    interval: str | None = None,
    use_rollups: bool = True,
) -> list[dict]:
    """Rows {partner_id, handled_by_id, channel, bucket, contacts, ended, resolved, abandoned}
    for contacts started on local days first…last, from the rollup where built."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    use_rollups = use_rollups and interval not in SUB_DAY_INTERVALS
    rolled, raw_parts = _split(first, last, rolled_days(CONTACTS) if use_rollups else None)
    if rolled is not None:
        rows = ContactDailyRollup.objects.filter(date__gte=rolled[0], date__lte=rolled[1])
        if partner_ids is not None:
            rows = rows.filter(partner_id__in=partner_ids)
        # Summed in the database, by bucket: a year by month is a few hundred rows.
        keys = ["partner_id", "handled_by_id", "channel"]
        if interval is not None:
            rows = rows.annotate(bucket_date=_date_bucket(interval))
            keys.append("bucket_date")
        sums = (
            rows.values(*keys)
            .annotate(n=Sum("contacts"), e=Sum("ended"), r=Sum("resolved"), a=Sum("abandoned"))
            .order_by()
        )
        for row in sums:
            bucket = _day_bucket(row["bucket_date"], interval) if interval else None
            t = totals[(row["partner_id"], row["handled_by_id"], row["channel"], bucket)]
            t[0] += row["n"]
            t[1] += row["e"]
            t[2] += row["r"]
            t[3] += row["a"]
    ended_q = Q(ended_at__isnull=False)
    zone = local_zone()
    for a, b in raw_parts:
        start, end = local_day_bounds(a, b)
        contacts = Contact.objects.filter(started_at__gte=start, started_at__lt=end)
        if partner_ids is not None:
            contacts = contacts.filter(partner_id__in=partner_ids)
        if interval is None:
            groups = (
                contacts.values("partner_id", "handled_by_id", "channel")
                .annotate(
                    n=Count("pk"),
                    ended=Count("pk", filter=ended_q),
                    resolved=Count("pk", filter=ended_q & Q(outcome__in=FCR_OUTCOMES)),
                    abandoned=Count("pk", filter=ended_q & Q(outcome__in=NOT_COUNTED_IN_FCR)),
                )
                .order_by()
            )
            for g in groups:
                t = totals[(g["partner_id"], g["handled_by_id"], g["channel"], None)]
                t[0] += g["n"]
                t[1] += g["ended"]
                t[2] += g["resolved"]
                t[3] += g["abandoned"]
        else:
            for pid, hid, channel, started_at, ended_at, outcome in (
                contacts.values_list(
                    "partner_id", "handled_by_id", "channel", "started_at", "ended_at", "outcome"
                )
                .order_by()
                .iterator(chunk_size=20_000)
            ):
                t = totals[(pid, hid, channel, bucket_of(started_at, interval, zone))]
                t[0] += 1
                if ended_at is not None:
                    t[1] += 1
                    t[2] += outcome in FCR_OUTCOMES
                    t[3] += outcome in NOT_COUNTED_IN_FCR
    return [
        {
            "partner_id": pid,
            "handled_by_id": hid,
            "channel": channel,
            "bucket": bucket,
            "contacts": v[0],
            "ended": v[1],
            "resolved": v[2],
            "abandoned": v[3],
        }
        for (pid, hid, channel, bucket), v in totals.items()
    ]


def channel_counts(contact_rows: list[dict]) -> dict[str, int]:
    """Contacts per channel (every channel, 0 where none) from daily_contact_counts rows:
    the dashboard's contacts by channel, and a monthly statement's."""
    counts = dict.fromkeys(Channel.values, 0)
    for row in contact_rows:
        counts[row["channel"]] += row["contacts"]
    return counts


def fcr_counts(contact_rows: list[dict]) -> tuple[int, int]:
    """(ended contacts that could be resolved, resolved at first contact) from
    daily_contact_counts rows, as the dashboard counts them: abandoned contacts left out."""
    eligible = sum(row["ended"] - row["abandoned"] for row in contact_rows)
    return eligible, sum(row["resolved"] for row in contact_rows)
