"""Import queue_log and CSV call records: incremental, tolerant, fast.

Incremental: a call record is identified by (queue, entered time, call id) and an agent event
by (time, agent, event, queue), so importing the same file twice adds nothing. A call still
waiting or talking at the end of a file is stored as such and completed by the next file.

Tolerant: a malformed line is counted and kept (line number and problem, the first
MAX_ERRORS_KEPT of them) on the ImportRun; the import carries on.

Fast: lines are parsed with str.split (queue_log.py) and written in large batches with one
INSERT … ON CONFLICT per batch: PostgreSQL's COPY into a temporary table, SQLite's
executemany. Times travel as Unix epochs and are converted by the database.

CSV call records (one line per call's visit to a queue, UTF-8, with a header row):

    call_id,queue,entered_at,outcome,wait_seconds,talk_seconds,agent,transferred
    1714.1,council-tax,2026-05-04T09:00:05+01:00,answered,35,240,SIP/1001,no
    1714.2,council-tax,2026-05-04 09:01:00,abandoned,62,,,

  call_id       the ACD's id for the call (with queue and entered_at, identifies the record)
  queue         the queue's name (mapped to a partner and service in the admin)
  entered_at    ISO 8601; without an offset it is local time (Europe/London)
  outcome       answered, abandoned, timeout, exit_key or exit_empty
  wait_seconds  seconds in the queue until answered or until the caller left
  talk_seconds  seconds talking (answered calls only; required for them)
  agent         optional: who answered
  transferred   optional: yes/no, true/false or 1/0
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from queue import Queue as _Queue
from typing import TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from firstcontact.telephony import queue_log
from firstcontact.telephony.models import (
    OPEN_OUTCOMES,
    AgentEvent,
    CallRecord,
    ImportFormat,
    ImportRun,
    Queue,
)

# Sent after each import with run (ImportRun), first and last (aware datetimes of the calls
# written, or None) and queue_ids: insight refreshes its rollups and sampling from it.
calls_imported = Signal()

READ_HINT = 8 * 1024 * 1024  # bytes of lines read at a time
BATCH_CALLS = 100_000
ERRORS_STORED = 200
CSV_OUTCOMES = {"answered", "abandoned", "timeout", "exit_key", "exit_empty"}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


@dataclass
class ImportResult:
    run: ImportRun
    lines: int = 0
    calls_written: int = 0
    agent_events_written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    new_queues: list[str] = field(default_factory=list)
    first_epoch: int | None = None
    last_epoch: int | None = None


Progress = Callable[[int], None]  # called with the number of bytes (or lines) just read


class _Writer:
    """Resolves queue names and writes batches of parsed tuples."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.queue_ids: dict[str, int] = dict(Queue.objects.values_list("name", "id"))
        self.touched_queues: set[int] = set()
        self.vendor = connection.vendor

    def queue_id(self, name: str) -> int:
        qid = self.queue_ids.get(name)
        if qid is None:
            queue, created = Queue.objects.get_or_create(name=name[:128])
            if created:
                self.result.new_queues.append(queue.name)
            qid = self.queue_ids[name] = queue.pk
        return qid

    def write(self, calls: list, events: list) -> None:
        if calls:
            self._write_calls(calls)
        if events:
            self._write_events(events)

    def _rows(self, calls: list) -> list[tuple]:
        queue_ids, queue_id = self.queue_ids, self.queue_id
        rows = []
        orphans = []
        first, last = self.result.first_epoch, self.result.last_epoch
        for c in calls:
            qid = queue_ids.get(c[0]) or queue_id(c[0])
            row = [qid, c[1][:64], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]]
            if c[11]:
                orphans.append(row)
            rows.append(row)
            if first is None or c[2] < first:
                first = c[2]
            if last is None or c[2] > last:
                last = c[2]
        self.result.first_epoch, self.result.last_epoch = first, last
        if orphans:
            self._join_orphans(orphans)
        self.touched_queues.update(r[0] for r in rows)
        return rows

    def _join_orphans(self, orphans: list[list]) -> None:
        """A call whose ENTERQUEUE was in an earlier file: use the entered time of the record
        that import left open, so the record is completed rather than duplicated."""
        open_records = {
            (qid, call_id): entered
            for qid, call_id, entered in CallRecord.objects.filter(
                call_id__in={row[1] for row in orphans}, outcome__in=OPEN_OUTCOMES
            ).values_list("queue_id", "call_id", "entered_at")
        }
        for row in orphans:
            entered = open_records.get((row[0], row[1]))
            if entered is not None:
                epoch = int(entered.timestamp())
                if row[3] is not None:
                    row[6] = max(0, row[3] - epoch)  # wait until answered
                elif row[4] is not None:
                    row[6] = max(0, row[4] - epoch)
                row[2] = epoch

    def _write_calls(self, calls: list) -> None:
        rows = self._rows(calls)
        table = CallRecord._meta.db_table
        columns = (
            "queue_id, call_id, entered_at, answered_at, ended_at, outcome, wait_seconds, "
            "talk_seconds, agent, transferred, entry_position"
        )
        # Only a record left open by an earlier import is changed: finished calls are final.
        update = (
            f"ON CONFLICT (queue_id, entered_at, call_id) DO UPDATE SET "
            f"answered_at = excluded.answered_at, ended_at = excluded.ended_at, "
            f"outcome = excluded.outcome, wait_seconds = excluded.wait_seconds, "
            f"talk_seconds = excluded.talk_seconds, agent = excluded.agent, "
            f"transferred = excluded.transferred "
            f"WHERE {table}.ended_at IS NULL AND (excluded.ended_at IS NOT NULL OR "
            f"({table}.answered_at IS NULL AND excluded.answered_at IS NOT NULL))"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # COPY (fast, typed, escaped in C) into a temporary table, then one
                # INSERT … SELECT … ON CONFLICT converts the epochs and skips what is there.
                cursor.execute("DROP TABLE IF EXISTS fc_call_import")
                cursor.execute(
                    "CREATE TEMP TABLE fc_call_import (queue_id bigint, call_id text, "
                    "entered bigint, answered bigint, ended bigint, outcome text, wait integer, "
                    "talk integer, agent text, transferred boolean, entry_position integer)"
                )
                with cursor.cursor.copy("COPY fc_call_import FROM STDIN") as copy:
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row)
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT queue_id, call_id, "
                    f"to_timestamp(entered), to_timestamp(answered), to_timestamp(ended), "
                    f"outcome, wait, talk, agent, transferred, entry_position "
                    f"FROM fc_call_import {update}"
                )
                self.result.calls_written += max(cursor.rowcount, 0)
                cursor.execute("DROP TABLE fc_call_import")
            elif self.vendor == "sqlite":
                sql = (
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, datetime(%s, 'unixepoch'), "
                    f"datetime(%s, 'unixepoch'), datetime(%s, 'unixepoch'), %s, %s, %s, %s, %s, "
                    f"%s) {update}"
                )
                cursor.executemany(sql, rows)
                self.result.calls_written += max(cursor.rowcount, 0)
            else:  # pragma: no cover - FirstContact runs on PostgreSQL or SQLite
                raise NotImplementedError(f"call import does not support {self.vendor}")

    def _write_events(self, events: list) -> None:
        queue_ids = self.queue_ids
        rows = []
        for t, agent, kind, queue, reason, call_id in events:
            qid = None
            if queue != "NONE":
                qid = queue_ids.get(queue) or self.queue_id(queue)
            rows.append((t, agent, kind, queue[:128], qid, reason, call_id[:64]))
        table = AgentEvent._meta.db_table
        columns = "at, agent, kind, queue_name, queue_id, reason, call_id"
        at = "to_timestamp(%s)" if self.vendor == "postgresql" else "datetime(%s, 'unixepoch')"
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({at}, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (at, agent, kind, queue_name) DO NOTHING"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
            self.result.agent_events_written += max(cursor.rowcount, 0)


def _chunks(stream: TextIO, progress: Progress | None) -> Iterable[list[str]]:
    while True:
        lines = stream.readlines(READ_HINT)
        if not lines:
            return
        if progress is not None:
            progress(sum(map(len, lines)))
        yield lines


def _finish(result: ImportResult, writer: _Writer) -> ImportResult:
    run = result.run
    run.finished_at = timezone.now()
    run.lines = result.lines
    run.calls_written = result.calls_written
    run.agent_events_written = result.agent_events_written
    run.error_count = result.error_count
    run.errors = [{"line": n, "problem": p} for n, p in result.errors[:ERRORS_STORED]]
    run.new_queues = result.new_queues
    run.save()

    def to_dt(epoch):
        return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)

    calls_imported.send(
        sender=ImportRun,
        run=run,
        first=to_dt(result.first_epoch),
        last=to_dt(result.last_epoch),
        queue_ids=sorted(writer.touched_queues),
    )
    return result


@contextlib.contextmanager
def _bulk_mode():
    """No cyclic garbage collection while millions of small tuples are made (they hold no
    cycles, and collecting would walk them again and again), and for SQLite a larger page
    cache for the indexes being filled."""
    enabled = gc.isenabled()
    gc.disable()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_queue_log(
    stream: TextIO, *, source: str = "-", progress: Progress | None = None
) -> ImportResult:
    """Import an Asterisk queue_log from a text stream."""
    with _bulk_mode():
        return _import_queue_log(stream, source=source, progress=progress)


def _parse_in_background(stream: TextIO, parser, progress: Progress | None):
    """Parse on a second thread, handing over (calls, agent events) a chunk at a time, so
    parsing goes on while the database works on the previous batch (the database driver lets
    go of the GIL while it waits). Yields the batches; re-raises the parser's exceptions."""
    batches: _Queue = _Queue(maxsize=4)
    done = object()

    def produce() -> None:
        try:
            for lines in _chunks(stream, progress):
                parser.feed(lines)
                batches.put(parser.take())
            parser.finish()
            batches.put(parser.take())
        except BaseException as exc:  # noqa: BLE001 - handed to the importing thread
            batches.put(exc)
        finally:
            batches.put(done)

    thread = threading.Thread(target=produce, name="queue_log parser", daemon=True)
    thread.start()
    try:
        while (item := batches.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        thread.join()


def _import_queue_log(stream: TextIO, *, source: str, progress: Progress | None) -> ImportResult:
    run = ImportRun.objects.create(source=source[:500], format=ImportFormat.QUEUE_LOG)
    result = ImportResult(run=run)
    writer = _Writer(result)
    parser = queue_log.QueueLogParser()
    pending_calls: list = []
    pending_events: list = []
    for calls, events in _parse_in_background(stream, parser, progress):
        pending_calls += calls
        pending_events += events
        if len(pending_calls) >= BATCH_CALLS:
            writer.write(pending_calls, pending_events)
            pending_calls, pending_events = [], []
    writer.write(pending_calls, pending_events)
    result.lines = parser.lines
    result.errors = parser.errors
    result.error_count = parser.error_count
    return _finish(result, writer)


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _parse_csv_row(row: dict[str, str], zone: ZoneInfo) -> tuple:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    call_id, queue = text("call_id"), text("queue")
    if not call_id or not queue:
        raise ValueError("call_id and queue are required")
    try:
        entered_at = dt.datetime.fromisoformat(text("entered_at"))
    except ValueError:
        raise ValueError(f"entered_at {text('entered_at')!r} is not an ISO 8601 time") from None
    if entered_at.tzinfo is None:
        entered_at = entered_at.replace(tzinfo=zone)
    entered = int(entered_at.timestamp())
    outcome = text("outcome").lower()
    if outcome not in CSV_OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {', '.join(sorted(CSV_OUTCOMES))}")
    try:
        wait = int(text("wait_seconds") or "0")
        talk_text = text("talk_seconds")
        talk = int(talk_text) if talk_text else None
    except ValueError:
        raise ValueError("wait_seconds and talk_seconds must be whole numbers") from None
    if wait < 0 or (talk is not None and talk < 0):
        raise ValueError("wait_seconds and talk_seconds cannot be negative")
    transferred_text = text("transferred").lower()
    if transferred_text not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"transferred {transferred_text!r} is not yes or no")
    transferred = transferred_text in TRUE_WORDS
    if outcome == "answered":
        if talk is None:
            raise ValueError("an answered call needs talk_seconds")
        answered = entered + wait
        ended = answered + talk
    else:
        answered, ended, talk = None, entered + wait, None
    return (
        queue,
        call_id,
        entered,
        answered,
        ended,
        outcome,
        wait,
        talk,
        text("agent")[:80],
        transferred,
        None,
        False,
    )


def import_csv(
    stream: TextIO, *, source: str = "-", progress: Progress | None = None
) -> ImportResult:
    """Import CSV call records (the format is in this module's docstring)."""
    run = ImportRun.objects.create(source=source[:500], format=ImportFormat.CSV)
    result = ImportResult(run=run)
    writer = _Writer(result)
    zone = _local_zone()
    reader = csv.DictReader(_progress_lines(stream, progress))
    missing = {"call_id", "queue", "entered_at", "outcome", "wait_seconds"} - set(
        reader.fieldnames or []
    )
    calls: list = []
    if missing:
        result.error_count = 1
        result.errors = [(1, f"the header lacks {', '.join(sorted(missing))}")]
        result.lines = 1
        return _finish(result, writer)
    for row in reader:
        line_no = reader.line_num
        try:
            if None in row:
                raise ValueError("more fields than the header names")
            calls.append(_parse_csv_row(row, zone))
        except ValueError as exc:
            result.error_count += 1
            if len(result.errors) < queue_log.MAX_ERRORS_KEPT:
                result.errors.append((line_no, str(exc)))
        if len(calls) >= BATCH_CALLS:
            writer.write(calls, [])
            calls = []
    writer.write(calls, [])
    result.lines = reader.line_num
    return _finish(result, writer)


def _progress_lines(stream: TextIO, progress: Progress | None) -> Iterable[str]:
    for lines in _chunks(stream, progress):
        yield from lines


def open_text(path: str) -> TextIO:
    """A file (or "-" for standard input) as UTF-8 text, bad bytes replaced, not refused."""
    import sys

    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
