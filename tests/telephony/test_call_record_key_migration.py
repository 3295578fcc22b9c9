"""Call records imported before they were keyed by (entered_at, queue, call_id) keep every
field through the change of key, and a re-import of their file still adds nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from tests.telephony.telephony_helpers import answered_call, load

from firstcontact.telephony.models import CallRecord

BEFORE = ("telephony", "0002_call_record_import_speed")
DAY = dt.date(2026, 5, 5)


@pytest.mark.django_db(transaction=True)
def test_call_records_survive_the_change_to_a_composite_key():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_apps = executor.loader.project_state([BEFORE]).apps
        Queue = old_apps.get_model("telephony", "Queue")
        OldCallRecord = old_apps.get_model("telephony", "CallRecord")
        queue = Queue.objects.create(name="q1")
        entered = dt.datetime(2026, 5, 5, 9, 0, 0, tzinfo=dt.UTC)
        seconds = dt.timedelta(seconds=1)
        OldCallRecord.objects.create(
            queue=queue, call_id="A", entered_at=entered, answered_at=entered + 5 * seconds,
            ended_at=entered + 65 * seconds, outcome="answered", wait_seconds=5,
            talk_seconds=60, agent="SIP/a", transferred=True, entry_position=2,
        )  # fmt: skip
        OldCallRecord.objects.create(
            queue=queue, call_id="B", entered_at=entered, outcome="waiting", wait_seconds=0,
        )  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest: going back unapplied other apps' migrations that depend on
        # this app's later ones, and the next tests need them.
        executor.migrate(executor.loader.graph.leaf_nodes())

    records = {r.call_id: r for r in CallRecord.objects.all()}
    assert set(records) == {"A", "B"}
    a = records["A"]
    assert a.pk == (entered, queue.pk, "A")
    assert (a.outcome, a.wait_seconds, a.talk_seconds, a.agent, a.transferred) == (
        "answered", 5, 60, "SIP/a", True,
    )  # fmt: skip
    assert (a.answered_at - a.entered_at, a.entry_position) == (dt.timedelta(seconds=5), 2)
    assert records["B"].outcome == "waiting"
    # The key still keeps a call from being stored twice.
    call = answered_call(DAY, "q1", "C", "10:00:00", 5, 60, "SIP/a")
    assert load(call).calls_written == 1
    assert load(call).calls_written == 0
    assert CallRecord.objects.count() == 3
