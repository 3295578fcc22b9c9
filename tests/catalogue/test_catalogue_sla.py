"""SLA clocks: due times count working time (09:00–17:00 on weekdays that are not bank
holidays) or hours around the clock, and a pause pushes the due time back.

Every expected time below was worked out by hand from the 2026 England and Wales bank
holidays: Good Friday 3 Apr, Easter Monday 6 Apr, Christmas Day Fri 25 Dec, Boxing Day
Sat 26 Dec (substitute Mon 28 Dec). Clocks go forward Sun 29 Mar, back Sun 25 Oct 2026.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from firstcontact.catalogue.models import SLAPolicy, SLAUnit
from firstcontact.catalogue.sla import due_at, extend_for_pause

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def policy(unit: str, amount: int, subdivision: str = "ENG") -> SLAPolicy:
    return SLAPolicy(
        name=f"{amount} {unit}", unit=unit, amount=amount, holiday_subdivision=subdivision
    )


FIVE_DAYS = policy(SLAUnit.WORKING_DAYS, 5)


def test_five_working_days_from_friday_afternoon_is_next_friday_afternoon():
    # Fri 6 Mar 15:00: 2h Fri + 8h Mon–Thu + 6h Fri = 40h -> Fri 13 Mar 15:00.
    assert due_at(FIVE_DAYS, london(2026, 3, 6, 15)) == london(2026, 3, 13, 15)


def test_five_working_days_skip_christmas_and_the_boxing_day_substitute():
    # Fri 18 Dec 15:00: Fri 2h, Mon 21–Thu 24 32h (34h), then Fri 25 Christmas, the weekend,
    # Mon 28 Boxing Day (substitute) -> the last 6h on Tue 29 Dec, due 15:00.
    due = due_at(FIVE_DAYS, london(2026, 12, 18, 15))
    assert due == london(2026, 12, 29, 15)
    assert due.astimezone(UTC) == utc(2026, 12, 29, 15)  # GMT in winter


def test_five_working_days_skip_easter():
    # Thu 2 Apr 09:00: 8h Thu; Good Friday, weekend, Easter Monday; Tue 7–Fri 10 Apr 32h.
    assert due_at(FIVE_DAYS, london(2026, 4, 2, 9)) == london(2026, 4, 10, 17)


def test_request_received_on_saturday_starts_monday_morning():
    two_working_hours = policy(SLAUnit.WORKING_HOURS, 2)
    assert due_at(two_working_hours, london(2026, 3, 7, 10)) == london(2026, 3, 9, 11)
    # 40 working hours from Monday 09:00 end at Friday 17:00, not Monday 09:00 after it.
    assert due_at(FIVE_DAYS, london(2026, 3, 7, 10)) == london(2026, 3, 13, 17)


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        (london(2026, 3, 9, 7, 0), 2, london(2026, 3, 9, 11)),  # before opening
        (london(2026, 3, 9, 18, 30), 2, london(2026, 3, 10, 11)),  # after closing
        (london(2026, 3, 5, 16, 0), 4, london(2026, 3, 6, 12)),  # over the night
        (london(2026, 3, 6, 16, 30), 1, london(2026, 3, 9, 9, 30)),  # over the weekend
        (london(2026, 4, 2, 16, 0), 3, london(2026, 4, 7, 11)),  # over Easter
        (london(2026, 3, 9, 10, 15), 8, london(2026, 3, 10, 10, 15)),  # one whole day
    ],
)
def test_working_hours_policy(received, hours, expected):
    assert due_at(policy(SLAUnit.WORKING_HOURS, hours), received) == expected


def test_calendar_hours_run_around_the_clock():
    two_hours = policy(SLAUnit.CALENDAR_HOURS, 2)
    # Saturday evening and Christmas night are not skipped.
    assert due_at(two_hours, london(2026, 3, 7, 22, 30)) == london(2026, 3, 8, 0, 30)
    assert due_at(two_hours, london(2026, 12, 25, 23)) == london(2026, 12, 26, 1)


def test_scottish_policy_uses_scottish_bank_holidays():
    # 2 Jan 2026 (a Friday) is a bank holiday in Scotland but not in England.
    received = london(2025, 12, 31, 16)
    assert due_at(policy(SLAUnit.WORKING_HOURS, 2), received) == london(2026, 1, 2, 10)
    assert due_at(policy(SLAUnit.WORKING_HOURS, 2, "SCT"), received) == london(2026, 1, 5, 10)


# --- across the change between GMT and BST ----------------------------------------------


@pytest.mark.parametrize(
    "received",
    [london(2026, 3, 27, 15), utc(2026, 3, 27, 15)],  # Friday 15:00 GMT, either way
    ids=["london", "utc"],
)
def test_working_days_into_summer_time(received):
    # Fri 27 Mar 2h, Mon 30 Mar–Thu 2 Apr 32h, Easter 3–6 Apr, Tue 7 Apr 6h -> 15:00 BST.
    due = due_at(FIVE_DAYS, received)
    assert due == london(2026, 4, 7, 15)
    assert due.astimezone(UTC) == utc(2026, 4, 7, 14)


def test_working_days_into_winter_time():
    # Fri 23 Oct 15:00 BST (14:00 UTC); clocks go back on Sunday 25 Oct.
    due = due_at(FIVE_DAYS, utc(2026, 10, 23, 14))
    assert due == london(2026, 10, 30, 15)
    assert due.astimezone(UTC) == utc(2026, 10, 30, 15)


@pytest.mark.parametrize(
    "received",
    [london(2026, 3, 29, 0, 30), utc(2026, 3, 29, 0, 30)],  # 00:30 GMT, just before the change
    ids=["london", "utc"],
)
def test_calendar_hours_are_real_hours_when_the_clocks_go_forward(received):
    # Four real hours after 00:30 GMT is 04:30 UTC, which Londoners call 05:30 BST.
    due = due_at(policy(SLAUnit.CALENDAR_HOURS, 4), received)
    assert due.astimezone(UTC) == utc(2026, 3, 29, 4, 30)
    assert due == london(2026, 3, 29, 5, 30)


@pytest.mark.parametrize(
    "received",
    [london(2026, 10, 25, 0, 30), utc(2026, 10, 24, 23, 30)],  # 00:30 BST
    ids=["london", "utc"],
)
def test_calendar_hours_are_real_hours_when_the_clocks_go_back(received):
    # Two real hours after 23:30 UTC is 01:30 UTC (01:30 GMT, after the hour repeats).
    due = due_at(policy(SLAUnit.CALENDAR_HOURS, 2), received)
    assert due.astimezone(UTC) == utc(2026, 10, 25, 1, 30)


# --- pauses (on hold) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paused", "resumed"),
    [
        (london(2026, 3, 6, 17), london(2026, 3, 9, 9)),  # Friday close to Monday open
        (london(2026, 3, 7, 10), london(2026, 3, 8, 16)),  # within the weekend
        (london(2026, 3, 9, 18), london(2026, 3, 10, 8, 30)),  # overnight
        (london(2026, 4, 2, 17), london(2026, 4, 7, 9)),  # over the Easter weekend
    ],
)
def test_hold_outside_working_time_costs_nothing(paused, resumed):
    due = london(2026, 4, 9, 12)
    assert extend_for_pause(FIVE_DAYS, due, paused, resumed) == due


def test_hold_of_two_working_days_pushes_two_working_days():
    # Held Mon 9 Mar 09:00 to Wed 11 Mar 09:00 (16 working hours); due Fri 13 Mar 15:00
    # -> Fri 2h, Mon 16 Mar 8h, Tue 17 Mar 6h -> Tue 17 Mar 15:00.
    due = extend_for_pause(
        FIVE_DAYS, london(2026, 3, 13, 15), london(2026, 3, 9, 9), london(2026, 3, 11, 9)
    )
    assert due == london(2026, 3, 17, 15)


def test_hold_spanning_a_weekend_counts_only_the_working_hours():
    # Held Fri 6 Mar 16:00 to Mon 9 Mar 10:00: 1h Friday + 1h Monday = 2h.
    # Due Fri 13 Mar 15:00 + 2h = Fri 17:00 exactly.
    due = extend_for_pause(
        FIVE_DAYS, london(2026, 3, 13, 15), london(2026, 3, 6, 16), london(2026, 3, 9, 10)
    )
    assert due == london(2026, 3, 13, 17)


def test_hold_pushes_the_due_time_past_a_bank_holiday():
    # Held 4 working hours; due Thu 2 Apr 15:00 -> 2h Thu, Good Friday/weekend/Easter Monday,
    # 2h Tue 7 Apr -> 11:00 BST.
    due = extend_for_pause(
        FIVE_DAYS, london(2026, 4, 2, 15), london(2026, 3, 30, 9), london(2026, 3, 30, 13)
    )
    assert due == london(2026, 4, 7, 11)


def test_calendar_hours_hold_pushes_by_the_real_time_on_hold():
    two_hours = policy(SLAUnit.CALENDAR_HOURS, 2)
    due = london(2026, 3, 7, 12)
    held = extend_for_pause(two_hours, due, london(2026, 3, 7, 10), london(2026, 3, 7, 13, 30))
    assert held == london(2026, 3, 7, 15, 30)
    # Sat 28 Mar 22:00 GMT to Sun 29 Mar 10:00 BST is 11 real hours (22:00 to 09:00 UTC).
    held = extend_for_pause(
        two_hours, utc(2026, 3, 29, 12), london(2026, 3, 28, 22), london(2026, 3, 29, 10)
    )
    assert held.astimezone(UTC) == utc(2026, 3, 29, 23)
