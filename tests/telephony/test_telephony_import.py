"""Importing queue_log and CSV call records: incremental, tolerant, joined across files."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from tests.telephony.telephony_helpers import agent_event, answered_call, at, left_call, line, load

from firstcontact.telephony.importer import import_csv, import_queue_log, open_binary
from firstcontact.telephony.models import AgentEvent, CallRecord, ImportRun, Queue
from firstcontact.telephony.queue_log import QueueLogParser

DAY = dt.date(2026, 5, 5)


def test_parser_reads_every_closing_event():
    t = at(DAY, "10:00:00")
    s = int(t.timestamp())
    parser = QueueLogParser()
    parser.feed(
        [
            f"{s}|1|q|NONE|ENTERQUEUE||0123|1\n",
            f"{s + 4}|1|q|SIP/a|CONNECT|4|19|2\n",
            f"{s + 64}|1|q|SIP/a|ATTENDEDTRANSFER|BRIDGE|abc|4|60|1\n",
            f"{s}|2|q|NONE|ENTERQUEUE||0123|2\n",
            f"{s + 30}|2|q|NONE|EXITWITHKEY|1|1|2|30\n",
            f"{s}|3|q|NONE|ENTERQUEUE||0123|3\n",
            f"{s + 9}|3|q|NONE|EXITEMPTY|1|3|9\n",
            f"{s + 100}|4|q|SIP/b|COMPLETEAGENT|20|80|1\n",  # no ENTERQUEUE: an orphan
            f"{s + 5}|5|q|NONE|ENTERQUEUE||0123|1\r\n",  # Windows line ending
        ]
    )
    parser.finish()
    calls, orphans, events, queues, first, last = parser.take()
    by_id = {c[1]: c for c in calls.rows() + orphans}
    assert by_id["1"][5:10] == ("answered", 4, 60, "SIP/a", True)
    assert by_id["2"][5:7] == ("exit_key", 30)
    assert by_id["3"][5:7] == ("exit_empty", 9)
    # Rebuilt from COMPLETEAGENT's hold (20) and talk (80) times alone.
    assert by_id["4"][2:7] == (s, s + 20, s + 100, "answered", 20)
    assert [c[1] for c in orphans] == ["4"]
    assert queues == {"q"} and (first, last) == (s, s + 5)
    assert by_id["5"][5] == "waiting"
    assert parser.error_count == 0 and events == []


def test_malformed_lines_are_counted_with_line_numbers_and_skipped(partnership):
    good = answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a")
    result = load(
        [
            good[0],
            "this is not a queue_log line",
            "notanumber|X|q1|NONE|ENTERQUEUE||0|1",
            line(at(DAY, "10:00:01"), "Y", "q1", "NONE", "FROBNICATE"),
            line(at(DAY, "10:00:02"), "Z", "q1", "SIP/a", "CONNECT", "soon"),
            "",
            *good[1:],
        ]
    )
    assert result.error_count == 4
    assert [n for n, _ in result.errors] == [2, 3, 4, 5]
    assert "unknown event 'FROBNICATE'" in result.errors[2][1]
    assert CallRecord.objects.get().call_id == "A"
    run = ImportRun.objects.get()
    assert run.error_count == 4 and run.errors[0] == {"line": 2, "problem": result.errors[0][1]}
    assert run.lines == 8


def test_reimporting_the_same_file_adds_nothing(partnership):
    lines = [
        agent_event(DAY, "09:00:00", "q1", "SIP/a", "ADDMEMBER", ""),
        *answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a"),
        *left_call(DAY, "q1", "B", "10:01:00", 40),
        line(at(DAY, "10:05:00"), "C", "q1", "NONE", "ENTERQUEUE", "", "0", 1),  # still waiting
    ]
    first = load(lines)
    assert (first.calls_written, first.agent_events_written) == (3, 1)
    again = load(lines)
    assert (again.calls_written, again.agent_events_written) == (0, 0)
    assert CallRecord.objects.count() == 3
    assert AgentEvent.objects.count() == 1
    assert ImportRun.objects.count() == 2


def test_a_call_split_across_two_files_is_completed(partnership):
    enter = at(DAY, "23:59:50")
    load(
        [
            line(enter, "S1", "q1", "NONE", "ENTERQUEUE", "", "0", 1),
            line(enter, "S2", "q1", "NONE", "ENTERQUEUE", "", "0", 2),
            line(enter + dt.timedelta(seconds=5), "S1", "q1", "SIP/a", "CONNECT", 5, "x", 1),
        ]
    )
    assert dict(CallRecord.objects.values_list("call_id", "outcome")) == {
        "S1": "talking",
        "S2": "waiting",
    }
    result = load(
        [
            # The next file: S1 ends (its hold time here is one second off the real wait, as
            # Asterisk's rounding can be: the record left open is still found), S2 hangs up.
            line(
                enter + dt.timedelta(seconds=125), "S1", "q1", "SIP/a", "COMPLETECALLER", 6, 120, 1
            ),
            line(enter + dt.timedelta(seconds=30), "S2", "q1", "NONE", "ABANDON", 1, 2, 30),
        ]
    )
    assert result.calls_written == 2
    s1 = CallRecord.objects.get(call_id="S1")
    assert (s1.outcome, s1.wait_seconds, s1.talk_seconds, s1.entered_at) == (
        "answered",
        5,
        120,
        enter,
    )
    s2 = CallRecord.objects.get(call_id="S2")
    assert (s2.outcome, s2.wait_seconds, s2.ended_at) == (
        "abandoned",
        30,
        enter + dt.timedelta(seconds=30),
    )
    assert CallRecord.objects.count() == 2


def test_new_queues_are_created_unmapped_and_reported(partnership):
    Queue.objects.create(name="known", partner=partnership.south)
    result = load(
        [
            *answered_call(DAY, "known", "A", "10:00:00", 1, 10, "SIP/a"),
            *answered_call(DAY, "brand-new", "B", "10:00:00", 1, 10, "SIP/a"),
        ]
    )
    assert result.new_queues == ["brand-new"]
    assert Queue.objects.get(name="brand-new").partner is None


def test_agent_events(partnership):
    load(
        [
            agent_event(DAY, "09:00:00", "q1", "SIP/a", "ADDMEMBER", ""),
            agent_event(DAY, "09:10:00", "NONE", "SIP/a", "PAUSEALL", "Lunch"),
            agent_event(DAY, "09:20:00", "NONE", "Agent/7", "AGENTLOGIN", "SIP/7"),
            line(at(DAY, "09:21:00"), "C9", "q1", "SIP/a", "RINGNOANSWER", 15000),
        ]
    )
    events = list(
        AgentEvent.objects.values_list("agent", "kind", "queue_name", "reason", "call_id")
    )
    assert events == [
        ("SIP/a", "add_member", "q1", "", ""),
        ("SIP/a", "pause", "NONE", "Lunch", ""),
        ("Agent/7", "login", "NONE", "SIP/7", ""),
        ("SIP/a", "ring_no_answer", "q1", "", "C9"),
    ]
    assert AgentEvent.objects.filter(queue_name="NONE", queue__isnull=True).count() == 2


def test_an_agent_event_logged_twice_is_stored_once_as_first_logged(partnership):
    result = load(
        [
            agent_event(DAY, "09:10:00", "NONE", "SIP/a", "PAUSEALL", "Lunch"),
            agent_event(DAY, "09:10:00", "NONE", "SIP/a", "PAUSEALL", "Training"),
            agent_event(DAY, "09:10:00", "NONE", "SIP/b", "PAUSEALL", "Training"),
        ]
    )
    assert result.agent_events_written == 2
    assert sorted(AgentEvent.objects.values_list("agent", "reason")) == [
        ("SIP/a", "Lunch"),
        ("SIP/b", "Training"),
    ]
    assert (
        load(
            [agent_event(DAY, "09:10:00", "NONE", "SIP/a", "PAUSEALL", "Other")]
        ).agent_events_written
        == 0
    )


CSV = """call_id,queue,entered_at,outcome,wait_seconds,talk_seconds,agent,transferred
1,council-tax,2026-05-05T09:00:05+01:00,answered,35,240,SIP/1001,no
2,council-tax,2026-05-05 09:01:00,abandoned,62,,,
3,council-tax,yesterday,answered,1,1,,
4,council-tax,2026-05-05 09:02:00,answered,10,,,
5,council-tax,2026-05-05 09:03:00,hung up,10,,,
6,waste,2026-05-05 09:04:00,timeout,600,,,yes
"""


def test_csv_import(partnership):
    result = import_csv(io.StringIO(CSV), source="calls.csv")
    assert result.calls_written == 3
    assert [n for n, _ in result.errors] == [4, 5, 6]
    assert "an answered call needs talk_seconds" in result.errors[1][1]
    first = CallRecord.objects.get(call_id="1")
    assert first.entered_at == dt.datetime(2026, 5, 5, 8, 0, 5, tzinfo=dt.UTC)
    assert first.answered_at == first.entered_at + dt.timedelta(seconds=35)
    assert first.talk_seconds == 240 and first.agent == "SIP/1001"
    # Without an offset the time is local: 09:01 BST is 08:01 UTC.
    assert CallRecord.objects.get(call_id="2").entered_at.hour == 8
    assert CallRecord.objects.get(call_id="6").transferred is True
    assert import_csv(io.StringIO(CSV)).calls_written == 0


def test_csv_without_the_required_columns(partnership):
    result = import_csv(io.StringIO("id,when\n1,2\n"))
    assert result.error_count == 1 and "call_id" in result.errors[0][1]


def test_import_calls_command_reads_files_and_stdin(partnership, tmp_path, monkeypatch):
    path = tmp_path / "queue_log"
    path.write_text(
        "\n".join(answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a")) + "\n" + "garbage\n"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_calls", str(path), "--no-progress", stdout=out, stderr=err)
    assert "4 lines, 1 call records added or completed" in out.getvalue()
    assert "1 malformed lines" in out.getvalue()
    assert "line 4: fewer than 5 fields" in err.getvalue()
    assert "New queues" in out.getvalue()
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text(CSV)
    out = io.StringIO()
    call_command("import_calls", str(csv_path), "--no-progress", stdout=out, stderr=io.StringIO())
    assert "3 call records added" in out.getvalue()
    stdin = io.TextIOWrapper(
        io.BytesIO("\n".join(answered_call(DAY, "q1", "B", "11:00:00", 5, 60, "SIP/a")).encode())
    )
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()
    call_command("import_calls", "-", "--no-progress", stdout=out, stderr=io.StringIO())
    assert "1 call records added" in out.getvalue()


def test_generated_queue_log_imports_cleanly(partnership, tmp_path):
    path = tmp_path / "generated.log"
    call_command(
        "generate_queue_log",
        "--days",
        "2",
        "--start",
        "2026-05-04",
        "--queue",
        "south-main:200:200:150",
        "--seed",
        "3",
        "--output",
        str(path),
    )
    text = path.read_text()
    again = tmp_path / "again.log"
    call_command(
        "generate_queue_log",
        "--days",
        "2",
        "--start",
        "2026-05-04",
        "--queue",
        "south-main:200:200:150",
        "--seed",
        "3",
        "--output",
        str(again),
    )
    assert again.read_text() == text  # deterministic for a seed
    stamps = [int(t.split("|", 1)[0]) for t in text.splitlines()]
    assert stamps == sorted(stamps)
    out = io.StringIO()
    call_command("import_calls", str(path), "--no-progress", stdout=out, stderr=io.StringIO())
    assert "0 malformed lines" in out.getvalue()
    calls = CallRecord.objects.all()
    # Monday ≈ 1.25 × 200 and Tuesday ≈ 1.1 × 200 calls.
    assert 350 < calls.count() < 600
    outcomes = set(calls.values_list("outcome", flat=True))
    assert {"answered", "abandoned"} <= outcomes
    assert AgentEvent.objects.filter(kind="add_member").exists()


@pytest.mark.parametrize("bad", ["--days=0", "--start=May"])
def test_generate_queue_log_rejects_bad_arguments(bad, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_queue_log", bad, stdout=io.StringIO())


def test_demo_calls_load_for_the_partners_there_are(partnership):
    from firstcontact.contacts.models import Contact
    from firstcontact.insight.models import RechargeRate, SamplingRule, UnitCost
    from firstcontact.telephony.demo import load_demo_calls

    now = dt.datetime.now(dt.UTC)
    for i in range(40):
        Contact.objects.create(
            partner=partnership.south,
            channel="phone",
            outcome="resolved",
            started_at=now - dt.timedelta(days=2, minutes=i),
            ended_at=now - dt.timedelta(days=2),
        )
    out = io.StringIO()
    load_demo_calls(out, days=2)
    assert "Demo calls:" in out.getvalue()
    names = set(Queue.objects.values_list("name", flat=True))
    assert {"wessex-general", "north-general", "south-missed-bin", "police-general"} <= names
    county = Queue.objects.get(name="wessex-general")
    assert county.handled_by == partnership.north  # the hub answers for the county
    assert CallRecord.objects.exists()
    assert SamplingRule.objects.filter(queue=county).exists()
    assert UnitCost.objects.exists() and RechargeRate.objects.filter(hub=partnership.north)
    count = CallRecord.objects.count()
    load_demo_calls(io.StringIO(), days=2)  # again: nothing duplicated
    assert CallRecord.objects.count() >= count
    assert CallRecord.objects.values("queue", "call_id").distinct().count() == (
        CallRecord.objects.count()
    )
    assert Queue.objects.filter(name="wessex-general").count() == 1


def _calls_snapshot():
    return sorted(
        CallRecord.objects.values_list(
            "queue__name", "call_id", "entered_at", "answered_at", "ended_at", "outcome",
            "wait_seconds", "talk_seconds", "agent", "transferred", "entry_position",
        )
    )  # fmt: skip


def test_a_file_parsed_by_columns_imports_as_one_parsed_line_by_line(
    partnership, tmp_path, monkeypatch
):
    """Most of a file is parsed by columns (polars): the records, counts, reported line
    numbers and bytes read must be exactly what the line-by-line parser gives."""
    generated = tmp_path / "generated.log"
    call_command(
        "generate_queue_log", "--days", "1", "--start", "2026-05-04",
        "--queue", "south-main:300:200:150", "--queue", "north-main:200:200:150",
        "--seed", "5", "--output", str(generated),
    )  # fmt: skip
    lines = generated.read_text().splitlines(keepends=True)
    lines.insert(40, "this is not a queue_log line\n")
    lines.insert(400, "notanumber|X|q1|NONE|ENTERQUEUE||0|1\n")
    path = tmp_path / "with-errors.log"
    path.write_text("".join(lines))

    def run(by_columns: bool):
        seen = []
        if not by_columns:  # every chunk through the line-by-line parser
            monkeypatch.setattr(
                QueueLogParser,
                "_feed_columns",
                lambda parser, data: parser.feed(data.decode().splitlines(keepends=True)),
            )
        with open_binary(str(path)) as stream:
            result = import_queue_log(stream, progress=seen.append)
        snapshot = _calls_snapshot()
        events = AgentEvent.objects.count()
        CallRecord.objects.all().delete()
        AgentEvent.objects.all().delete()
        return result, snapshot, events, sum(seen)

    columns, column_calls, column_events, column_read = run(True)
    lines_, line_calls, line_events, line_read = run(False)
    assert len(line_calls) > 300 and line_events > 0
    assert column_calls == line_calls
    assert column_events == line_events
    assert (columns.lines, columns.error_count, columns.errors) == (
        lines_.lines,
        2,
        lines_.errors,
    )
    assert [n for n, _ in columns.errors] == [41, 401]
    assert column_read == line_read == len("".join(lines))


def test_a_call_logged_twice_in_one_file_is_stored_once(partnership):
    call = answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a")
    waiting = line(at(DAY, "10:05:00"), "B", "q1", "NONE", "ENTERQUEUE", "", "0", 1)
    result = load([*call, *call, waiting])
    assert result.error_count == 0
    assert sorted(CallRecord.objects.values_list("call_id", "outcome")) == [
        ("A", "answered"),
        ("B", "waiting"),
    ]
    # The same again, with the earlier file's open record to complete: the careful path.
    ended = line(at(DAY, "10:06:00"), "B", "q1", "NONE", "ABANDON", 1, 1, 60)
    load([*call, waiting, ended, *call])
    assert sorted(CallRecord.objects.values_list("call_id", "outcome")) == [
        ("A", "answered"),
        ("B", "abandoned"),
    ]


def test_a_queue_with_calls_cannot_be_deleted(partnership):
    load(answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a"))
    with pytest.raises(ProtectedError):
        Queue.objects.get(name="q1").delete()


def test_values_no_database_can_store_are_malformed_lines_not_a_failed_import(partnership):
    good = answered_call(DAY, "q1", "A", "10:00:00", 5, 60, "SIP/a")
    s = int(at(DAY, "10:00:00").timestamp())
    result = load(
        [
            "999999999999999|X|q1|NONE|ENTERQUEUE||0|1",  # the year 31 million
            f"{s}|Y|q1|NONE|ENTERQUEUE||0|99999999999",  # a position no integer column holds
            f"{s + 5}|Z|q1|SIP/a|COMPLETECALLER|4|99999999999|1",  # talked for 3,000 years
            *good,
        ]
    )
    assert [n for n, _ in result.errors] == [1, 3]
    assert "between 1970 and 2100" in result.errors[0][1]
    assert "talk time" in result.errors[1][1]
    calls = dict(CallRecord.objects.values_list("call_id", "entry_position"))
    assert calls == {"A": 1, "Y": None}


def test_lines_with_a_nul_character_are_malformed_lines(partnership):
    damaged = answered_call(DAY, "q1", "A\x00B", "10:00:00", 5, 60, "SIP/a")
    good = answered_call(DAY, "q1", "C", "10:01:00", 5, 60, "SIP/a")
    result = load([*damaged, agent_event(DAY, "09:00:00", "q\x001", "SIP/a", "ADDMEMBER"), *good])
    assert [n for n, _ in result.errors] == [1, 2, 3, 4]
    assert "NUL" in result.errors[0][1]
    assert list(CallRecord.objects.values_list("call_id", flat=True)) == ["C"]
    assert not AgentEvent.objects.exists()


def test_csv_rows_with_a_nul_character_are_malformed(partnership):
    result = import_csv(
        io.StringIO(
            "call_id,queue,entered_at,outcome,wait_seconds,talk_seconds\n"
            "1\x00,q1,2026-05-05T10:00:00,abandoned,30,\n"
            "2,q1,2026-05-05T10:01:00,abandoned,30,\n"
        )
    )
    assert [n for n, _ in result.errors] == [2]
    assert list(CallRecord.objects.values_list("call_id", flat=True)) == ["2"]
