"""Calendar arithmetic shared by the domain apps (privacy, retention)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier if negative); the month's last day when that
    month is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def one_calendar_month_after(day: dt.date) -> dt.date:
    """The statutory response date for a subject access or erasure request: one calendar
    month from receipt (ICO guidance: the corresponding day of the next month, or that
    month's last day where it has no such day, so 31 January is due 28 or 29 February)."""
    return add_months(day, 1)
