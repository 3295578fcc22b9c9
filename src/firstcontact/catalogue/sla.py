"""Service-standard clocks: add working time to a moment, and measure working time between two.

Working time is the span `day_starts`–`day_ends` (local time, Europe/London) on weekdays that
are not bank holidays. Kept free of the ORM so it is cheap enough to run for every request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=256)
def bank_holidays(year: int, subdivision: str = "ENG") -> frozenset[dt.date]:
    country = settings.FIRSTCONTACT.get("HOLIDAY_COUNTRY", "GB")
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


Span = tuple[dt.datetime, dt.datetime]


@lru_cache(maxsize=128)
def _working_spans(
    year: int, day_starts: dt.time, day_ends: dt.time, subdivision: str
) -> tuple[Span | None, ...]:
    """Each day of `year` in turn: when it opens and closes (London), or None if not worked.

    Worked out once per year and calendar, so that adding working time does no date arithmetic
    or holiday look-ups beyond stepping through this.
    """
    closed = bank_holidays(year, subdivision)
    first = dt.date(year, 1, 1)
    spans: list[Span | None] = []
    for offset in range((dt.date(year + 1, 1, 1) - first).days):
        day = first + dt.timedelta(days=offset)
        if day.weekday() < 5 and day not in closed:
            spans.append(
                (
                    dt.datetime.combine(day, day_starts, tzinfo=LONDON),
                    dt.datetime.combine(day, day_ends, tzinfo=LONDON),
                )
            )
        else:
            spans.append(None)
    return tuple(spans)


@dataclass(frozen=True)
class WorkingCalendar:
    day_starts: dt.time = dt.time(9, 0)
    day_ends: dt.time = dt.time(17, 0)
    subdivision: str = "ENG"

    @cached_property
    def day_length(self) -> dt.timedelta:
        today = dt.date(2000, 1, 3)
        return dt.datetime.combine(today, self.day_ends) - dt.datetime.combine(
            today, self.day_starts
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year, self.subdivision)

    def _open(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.day_starts, tzinfo=LONDON)

    def _close(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.day_ends, tzinfo=LONDON)

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of working time after `start` (aware datetime)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        cursor: dt.datetime | None = start.astimezone(LONDON)
        remaining = duration
        day = cursor.date()
        year, index = day.year, day.timetuple().tm_yday - 1
        spans = _working_spans(year, self.day_starts, self.day_ends, self.subdivision)
        while True:
            span = spans[index]
            if span is not None:
                opens, closes = span
                # From the second day on, the clock starts when the day opens (cursor None).
                if cursor is None or cursor < opens:
                    cursor = opens
                if cursor < closes:
                    available = closes - cursor
                    if remaining <= available:
                        return cursor + remaining
                    remaining -= available
            cursor = None
            index += 1
            if index == len(spans):
                year, index = year + 1, 0
                spans = _working_spans(year, self.day_starts, self.day_ends, self.subdivision)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (zero if end is not after start)."""
        if end <= start:
            return dt.timedelta(0)
        start, end = start.astimezone(LONDON), end.astimezone(LONDON)
        total = dt.timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                lo = max(start, self._open(day))
                hi = min(end, self._close(day))
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total


def calendar_for(policy) -> WorkingCalendar:
    return _calendar(policy.day_starts, policy.day_ends, policy.holiday_subdivision)


@lru_cache(maxsize=128)
def _calendar(day_starts: dt.time, day_ends: dt.time, subdivision: str) -> WorkingCalendar:
    # Calendars are immutable: one per distinct policy shape keeps its day_length worked out.
    return WorkingCalendar(day_starts, day_ends, subdivision)


def sla_duration(policy) -> dt.timedelta:
    from firstcontact.catalogue.models import SLAUnit

    if policy.unit == SLAUnit.WORKING_DAYS:
        return calendar_for(policy).day_length * policy.amount
    return dt.timedelta(hours=policy.amount)


def due_at(policy, received: dt.datetime) -> dt.datetime:
    """When a request received at `received` is due under `policy`."""
    from firstcontact.catalogue.models import SLAUnit

    if policy.unit == SLAUnit.CALENDAR_HOURS:
        # In UTC: arithmetic on Europe/London datetimes is wall-clock time, an hour out
        # across the change between GMT and BST.
        return received.astimezone(dt.UTC) + dt.timedelta(hours=policy.amount)
    return calendar_for(policy).add(received, sla_duration(policy))


def extend_for_pause(
    policy, due: dt.datetime, paused_from: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """Push a due time back by the clock time that ran while the request was on hold."""
    from firstcontact.catalogue.models import SLAUnit

    if policy.unit == SLAUnit.CALENDAR_HOURS:
        return due.astimezone(dt.UTC) + (
            resumed_at.astimezone(dt.UTC) - paused_from.astimezone(dt.UTC)
        )
    calendar = calendar_for(policy)
    lost = calendar.between(paused_from, resumed_at)
    return calendar.add(due, lost) if lost else due
