"""Forecasts for staffing: calls and handle time per interval of a day, from the same weekday
in the weeks before it (the simple, explainable forecast most contact centres start from)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from firstcontact.insight.indicators import Thresholds, local_day_bounds, local_zone
from firstcontact.telephony.models import CallOutcome, CallRecord

DEFAULT_AHT = 240.0


@dataclass
class SlotForecast:
    start: dt.time
    calls: float
    aht_seconds: float


@dataclass
class Forecast:
    slots: list[SlotForecast]
    days_used: list[dt.date]
    patience_seconds: float | None  # estimated from the history (None: nobody abandoned)
    aht_seconds: float


def forecast_day(
    calls: QuerySet[CallRecord],
    day: dt.date,
    *,
    interval_seconds: int = 1800,
    weeks: int = 4,
    growth: float = 0.0,
    group_by: str | None = None,
) -> dict[object, Forecast]:
    """Forecast per group (group_by e.g. "queue__partner"; None: one group) for `day`:
    mean offered calls per interval over the same weekday of the previous `weeks` weeks,
    times (1 + growth), and the mean handle time in each interval."""
    thresholds = Thresholds.resolve()
    zone = local_zone()
    days = [day - dt.timedelta(days=7 * k) for k in range(1, weeks + 1)]
    counts: dict = defaultdict(lambda: defaultdict(float))
    talk: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    waits: dict = defaultdict(float)
    abandons: dict = defaultdict(int)
    total_talk: dict = defaultdict(lambda: [0, 0])
    minutes = interval_seconds // 60
    columns = ["entered_at", "outcome", "wait_seconds", "talk_seconds"]
    if group_by:
        columns.append(group_by)
    for past in days:
        start, end = local_day_bounds(past, past)
        rows = calls.filter(entered_at__gte=start, entered_at__lt=end).values_list(*columns)
        for row in rows.order_by().iterator(chunk_size=20_000):
            entered, outcome, wait, talk_s = row[:4]
            group = row[4] if group_by else None
            if outcome == CallOutcome.ABANDONED and wait < thresholds.short_abandon_seconds:
                continue
            local = entered.astimezone(zone)
            slot_minute = (local.hour * 60 + local.minute) // minutes * minutes
            slot = dt.time(slot_minute // 60, slot_minute % 60)
            counts[group][slot] += 1
            waits[group] += wait
            if outcome == CallOutcome.ABANDONED:
                abandons[group] += 1
            if talk_s is not None:
                t = talk[group][slot]
                t[0] += talk_s
                t[1] += 1
                total_talk[group][0] += talk_s
                total_talk[group][1] += 1
    out = {}
    for group, slots in counts.items():
        overall = total_talk[group]
        aht = overall[0] / overall[1] if overall[1] else DEFAULT_AHT
        forecasts = []
        for slot in sorted(slots):
            t = talk[group][slot]
            forecasts.append(
                SlotForecast(
                    start=slot,
                    calls=slots[slot] / weeks * (1 + growth),
                    aht_seconds=t[0] / t[1] if t[1] else aht,
                )
            )
        patience = waits[group] / abandons[group] if abandons[group] else None
        out[group] = Forecast(forecasts, days, patience, aht)
    return out
