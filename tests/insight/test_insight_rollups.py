"""Daily rollups give the same figures as the raw records."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.selectors import first_contact_resolution
from firstcontact.insight import rollups
from firstcontact.insight.indicators import Thresholds, call_stats, local_day_bounds
from firstcontact.insight.models import CallDailyRollup, IndicatorSettings, RollupState
from firstcontact.telephony.generator import QueueProfile, generate_queue_log
from firstcontact.telephony.importer import import_queue_log
from firstcontact.telephony.models import CallRecord, Queue

FIRST = dt.date(2026, 3, 23)  # Monday; the clocks change on Sunday 29 March
LAST = dt.date(2026, 3, 31)
_LOG: list[str] = []


def generated_log() -> str:
    """Generated once per test run (the database is rebuilt for each test)."""
    if not _LOG:
        profiles = [QueueProfile("south-main", 60), QueueProfile("north-main", 40)]
        _LOG.append("".join(generate_queue_log(profiles, FIRST, (LAST - FIRST).days + 1, seed=5)))
    return _LOG[0]


@pytest.fixture
def imported(partnership):
    Queue.objects.create(name="south-main", partner=partnership.south)
    Queue.objects.create(name="north-main", partner=partnership.north)
    import_queue_log(io.StringIO(generated_log()))  # its task builds the call rollups
    return partnership


def test_import_builds_call_rollups(imported):
    assert rollups.rolled_days(rollups.CALLS) == (FIRST, LAST)
    assert CallDailyRollup.objects.filter(date=FIRST).count() == 2


@pytest.mark.parametrize(
    ("group_by", "interval"), [(None, None), ("queue", "day"), ("partner", "week"), (None, "month")]
)
def test_rollups_equal_the_raw_records(imported, group_by, interval):
    queues = list(Queue.objects.all())
    t = Thresholds.resolve()
    from_rollups = rollups.daily_call_stats(
        queues, FIRST, LAST, group_by=group_by, interval=interval, thresholds=t
    )
    raw = rollups.daily_call_stats(
        queues, FIRST, LAST, group_by=group_by, interval=interval, thresholds=t, use_rollups=False
    )
    from_rollups = {k: v for k, v in from_rollups.items() if v.offered_all}
    raw_nonzero = {k: v for k, v in raw.items() if v.offered_all}
    assert from_rollups.keys() == raw_nonzero.keys()
    for key, stats in raw_nonzero.items():
        rolled = from_rollups[key]
        for field in (
            "offered_all",
            "short_abandoned",
            "answered",
            "abandoned",
            "answered_within",
            "answered_wait_sum",
            "talk_sum",
            "talk_count",
            "max_wait",
            "wait_sum_all",
        ):
            assert getattr(rolled, field) == getattr(stats, field), (key, field)
        assert rolled.staffed_seconds == pytest.approx(stats.staffed_seconds, abs=40)
        assert rolled.busy_seconds == pytest.approx(stats.busy_seconds, abs=40)


def test_days_outside_the_rollup_are_read_raw(imported):
    RollupState.objects.filter(name=rollups.CALLS).update(built_through=LAST - dt.timedelta(2))
    CallDailyRollup.objects.filter(date__gt=LAST - dt.timedelta(2)).delete()
    queues = list(Queue.objects.all())
    total = rollups.daily_call_stats(queues, FIRST, LAST)[(None, None)]
    start, end = local_day_bounds(FIRST, LAST)
    assert (
        total.offered_all
        == CallRecord.objects.filter(entered_at__gte=start, entered_at__lt=end).count()
    )


def test_changing_thresholds_rebuilds_the_rollups(imported, django_capture_on_commit_callbacks):
    settings = IndicatorSettings.current()
    settings.service_level_seconds = 30
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        settings.save()
    assert rollups.rolled_days(rollups.CALLS) is None  # not read until rebuilt
    for callback in callbacks:
        callback()
    assert rollups.rolled_days(rollups.CALLS) == (FIRST, LAST)
    assert set(CallDailyRollup.objects.values_list("service_level_seconds", flat=True)) == {30}
    queues = list(Queue.objects.all())
    start, end = local_day_bounds(FIRST, LAST)
    expected = call_stats(CallRecord.objects.all(), start=start, end=end, service_level_seconds=30)[
        (None, None)
    ]
    assert rollups.daily_call_stats(queues, FIRST, LAST)[(None, None)].answered_within == (
        expected.answered_within
    )


def test_contact_rollups_give_first_contact_resolution(partnership):
    s, n = partnership.south, partnership.north
    day = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    outcomes = [Outcome.RESOLVED, Outcome.RESOLVED, Outcome.REFERRED, Outcome.ABANDONED, ""]
    for i, outcome in enumerate(outcomes * 3):
        started = day + dt.timedelta(days=i % 3, minutes=i)
        Contact.objects.create(
            partner=s if i % 2 else n,
            channel="phone" if i % 4 else "web",
            started_at=started,
            ended_at=started + dt.timedelta(minutes=3) if outcome else None,
            outcome=outcome,
            handled_by=n if i % 2 else None,
        )
    first, last = dt.date(2026, 3, 2), dt.date(2026, 3, 4)
    rollups.build_contact_rollups(first, last)
    rows = rollups.daily_contact_counts(None, first, last)
    raw = rollups.daily_contact_counts(None, first, last, use_rollups=False)
    key = lambda r: (r["partner_id"], r["handled_by_id"] or 0, r["channel"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(raw, key=key)
    start, end = local_day_bounds(first, last)
    for partner in (s, n):
        fcr = first_contact_resolution(
            Contact.objects.filter(partner=partner), start=start, end=end
        )
        mine = [r for r in rows if r["partner_id"] == partner.pk]
        eligible = sum(r["ended"] - r["abandoned"] for r in mine)
        assert (sum(r["resolved"] for r in mine), eligible) == (fcr.resolved, fcr.eligible)


def test_refresh_command(partnership):
    out = io.StringIO()
    call_command("refresh_insight_rollups", "--days", "2", stdout=out)
    assert "Call rollups" in out.getvalue() and "Contact rollups" in out.getvalue()
    assert rollups.rolled_days(rollups.CONTACTS) is not None
