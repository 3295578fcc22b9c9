"""Import queue_log and CSV call records: incremental, tolerant, fast.

Incremental: a call record is identified by (queue, entered time, call id) and an agent event
by (time, agent, event, queue), so importing the same file twice adds nothing. A call still
waiting or talking at the end of a file is stored as such and completed by the next file.

Tolerant: a malformed line is counted and kept (line number and problem, the first
MAX_ERRORS_KEPT of them) on the ImportRun; the import carries on.

Fast: the file is read in chunks of bytes and parsed by columns with polars (queue_log.py),
on a second thread while this one writes the previous chunk's calls: on PostgreSQL by COPY in
the binary format straight into the table (the rows encoded by numpy, not row by row, on a
third thread while the batch before is copied), on SQLite by executemany. A batch goes in with
a plain INSERT/COPY and only when it meets records already there (a re-import, a call left
open by the previous file) by INSERT … ON CONFLICT. Agent events, far fewer, are written
together every BATCH_EVENTS.

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
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import Queue as _Queue
from typing import BinaryIO, TextIO
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
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
BATCH_EVENTS = 20_000
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


CALLS_TABLE = CallRecord._meta.db_table
CALL_COLUMNS = (
    "queue_id, call_id, entered_at, answered_at, ended_at, outcome, wait_seconds, "
    "talk_seconds, agent, transferred, entry_position"
)
ON_CONFLICT_COMPLETE_OPEN_CALL = (
    f"ON CONFLICT (entered_at, queue_id, call_id) DO UPDATE SET "
    f"answered_at = excluded.answered_at, ended_at = excluded.ended_at, "
    f"outcome = excluded.outcome, wait_seconds = excluded.wait_seconds, "
    f"talk_seconds = excluded.talk_seconds, agent = excluded.agent, "
    f"transferred = excluded.transferred "
    f"WHERE {CALLS_TABLE}.ended_at IS NULL AND (excluded.ended_at IS NOT NULL OR "
    f"({CALLS_TABLE}.answered_at IS NULL AND excluded.answered_at IS NOT NULL))"
)
_PG_EPOCH = 946_684_800  # PostgreSQL counts time from 2000-01-01, in microseconds
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
# CALL_COLUMNS' fields as the binary COPY rows hold them: (column, numpy type or "text").
_COPY_FIELDS = (
    ("queue_id", ">i8"), ("call_id", "text"), ("entered", ">i8"), ("answered", ">i8"),
    ("ended", ">i8"), ("outcome", "text"), ("wait", ">i4"), ("talk", ">i4"), ("agent", "text"),
    ("transferred", "u1"), ("position", ">i4"),
)  # fmt: skip
_NULLABLE = ("answered", "ended", "talk", "position")


def _binary_copy(calls: pl.DataFrame) -> list[bytes | memoryview]:
    """Calls (CALL_SCHEMA with queue_id) in PostgreSQL's binary COPY format, for the
    CALL_COLUMNS of CallRecord: pieces to write one after another.

    Binary, because the database then stores times and numbers without parsing any text,
    which halves its share of an import's work. Encoding a million rows one by one in Python
    took longer than the database took to store them, so rows are encoded by numpy, in groups
    whose rows all have the same layout (the same text lengths, the same NULLs): a group is
    one array of fixed-size records, and its bytes are the rows."""

    def microseconds(name: str) -> pl.Expr:
        return (pl.col(name) - _PG_EPOCH) * 1_000_000

    layout = ["call_id_bytes", "outcome_bytes", "agent_bytes", *(f"{n}_null" for n in _NULLABLE)]
    rows = calls.select(
        "queue_id",
        pl.col("call_id").str.slice(0, 64),
        microseconds("entered"),
        microseconds("answered"),
        microseconds("ended"),
        "outcome",
        "wait",
        "talk",
        "agent",
        "transferred",
        "position",
    ).with_columns(
        call_id_bytes=pl.col("call_id").str.len_bytes(),
        outcome_bytes=pl.col("outcome").str.len_bytes(),
        agent_bytes=pl.col("agent").str.len_bytes(),
        **{f"{name}_null": pl.col(name).is_null() for name in _NULLABLE},
    )
    parts = [_COPY_HEADER]
    for shape, group in rows.partition_by(layout, as_dict=True).items():
        lengths = dict(zip(layout, shape, strict=True))
        fields: list[tuple[str, str]] = [("fields", ">i2")]
        values: dict[str, object] = {"fields": len(_COPY_FIELDS)}
        for name, kind in _COPY_FIELDS:
            if kind == "text":
                size = lengths[f"{name}_bytes"]
                fields.append((f"{name}_length", ">i4"))
                values[f"{name}_length"] = size
                if size:
                    fields.append((name, f"S{size}"))
                    text = group[name].str.join("").item().encode()
                    values[name] = np.frombuffer(text, f"S{size}")
            elif lengths.get(f"{name}_null"):
                fields.append((f"{name}_length", ">i4"))
                values[f"{name}_length"] = -1
            else:
                fields.append((f"{name}_length", ">i4"))
                fields.append((name, kind))
                values[f"{name}_length"] = np.dtype(kind).itemsize
                values[name] = group[name].to_numpy()
        records = np.empty(group.height, np.dtype(fields))
        for name, value in values.items():
            records[name] = value
        parts.append(memoryview(records).cast("B"))
    parts.append(_COPY_TRAILER)
    return parts


EVENTS_TABLE = AgentEvent._meta.db_table
EVENT_COLUMNS = "at, agent, kind, queue_name, queue_id, reason, call_id"
_EVENT_IMPORT_SCHEMA = pl.Schema(
    {
        "at": pl.Int64,
        "agent": pl.String,
        "kind": pl.String,
        "queue_name": pl.String,
        "queue_id": pl.Int64,
        "reason": pl.String,
        "call_id": pl.String,
        "line": pl.Int64,
    }
)


def _copied_unless_conflict(
    cursor, copy_sql: str, data: Iterable[bytes | memoryview | str]
) -> bool:
    """COPY the data in a savepoint: False, with nothing stored, if a row clashes with a
    stored one or another of the data (then the caller takes its de-duplicating path)."""
    try:
        with (
            transaction.atomic(),
            connection.wrap_database_errors,
            cursor.cursor.copy(copy_sql) as copy,
        ):
            for part in data:
                copy.write(part)
    except IntegrityError:
        return False
    return True


class _Writer:
    """Resolves queue names and writes batches of parsed calls and agent events."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.queue_ids: dict[str, int] = dict(Queue.objects.values_list("name", "id"))
        self.touched_queues: set[int] = set()
        self.vendor = connection.vendor
        # Agent events are few and cost a few statements per write: they go in together.
        self.pending_events: list[tuple] = []
        # On PostgreSQL a batch's rows are encoded on a thread while the database stores the
        # batch before: (the calls, their encoding) waiting to be copied.
        self.encoder = (
            ThreadPoolExecutor(1, "call encoder") if self.vendor == "postgresql" else None
        )
        self.encoded: tuple[pl.DataFrame, Future] | None = None

    def queue_id(self, name: str) -> int:
        qid = self.queue_ids.get(name)
        if qid is None:
            queue, created = Queue.objects.get_or_create(name=name[:128])
            if created:
                self.result.new_queues.append(queue.name)
            qid = self.queue_ids[name] = queue.pk
        return qid

    def write(self, batch: queue_log.Batch) -> None:
        queue_id = self.queue_id
        self.touched_queues.update(queue_id(name) for name in batch.queues)
        first, last = batch.first, batch.last
        if batch.calls.height:
            self._write_calls(batch.calls, may_conflict=False)
        if batch.orphans:
            # Most complete a record an earlier file left open: always the careful path.
            self._copy_encoded()  # a record to complete may be in the batch before
            joined = self._join_orphans(batch.orphans)
            first = min(first, *(row[2] for row in joined))
            self._write_calls(queue_log.calls_frame(joined), may_conflict=True)
        if first is not None:
            result = self.result
            if result.first_epoch is None or first < result.first_epoch:
                result.first_epoch = first
            if result.last_epoch is None or last > result.last_epoch:
                result.last_epoch = last
        self.pending_events += batch.agent_events
        if len(self.pending_events) >= BATCH_EVENTS:
            self.flush()

    def flush(self) -> None:
        """Write what is waiting: after the last batch, or before writing out of turn."""
        self._copy_encoded()
        if self.pending_events:
            self._write_events(self.pending_events)
            self.pending_events = []

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.encoder is not None:
            self.encoder.shutdown(cancel_futures=True)

    def _copy_encoded(self) -> None:
        if self.encoded is not None:
            calls, encoding = self.encoded
            self.encoded = None
            self._copy_calls_postgres(calls, encoding.result(), may_conflict=False)

    def _join_orphans(self, orphans: list[tuple]) -> list[tuple]:
        """A call whose ENTERQUEUE was in an earlier file: use the entered time of the record
        that import left open, so the record is completed rather than duplicated."""
        open_records = {
            (qid, call_id): entered
            for qid, call_id, entered in CallRecord.objects.filter(
                call_id__in={row[1] for row in orphans}, outcome__in=OPEN_OUTCOMES
            ).values_list("queue_id", "call_id", "entered_at")
        }
        joined = []
        for orphan in orphans:
            row = list(orphan)
            entered = open_records.get((self.queue_ids[row[0]], row[1]))
            if entered is not None:
                epoch = int(entered.timestamp())
                if row[3] is not None:
                    row[6] = max(0, row[3] - epoch)  # wait until answered
                elif row[4] is not None:
                    row[6] = max(0, row[4] - epoch)
                row[2] = epoch
            joined.append(tuple(row))
        return joined

    def _write_calls(self, calls: pl.DataFrame, *, may_conflict: bool) -> None:
        # Most imports bring calls the database has not seen: then a plain INSERT (or COPY)
        # spares the database a speculative insertion per row. A batch that meets existing
        # records (a re-import, a growing file imported again) or repeats a call fails at its
        # first such row, and takes the careful path: only a record left open by an earlier
        # import is changed; finished calls are final.
        # In the order of the primary key's index, so that its pages fill one after another.
        calls = calls.with_columns(
            queue_id=pl.col("queue").replace_strict(self.queue_ids, return_dtype=pl.Int64)
        ).sort("entered", "queue_id")
        if self.vendor == "postgresql":
            self._write_calls_postgres(calls, may_conflict)
        elif self.vendor == "sqlite":
            self._write_calls_sqlite(calls, may_conflict)
        else:  # pragma: no cover - FirstContact runs on PostgreSQL or SQLite
            raise NotImplementedError(f"call import does not support {self.vendor}")

    def _write_calls_sqlite(self, calls: pl.DataFrame, may_conflict: bool) -> None:
        insert = (
            f"INSERT INTO {CALLS_TABLE} ({CALL_COLUMNS}) VALUES (%s, substr(%s, 1, 64), "
            f"datetime(%s, 'unixepoch'), datetime(%s, 'unixepoch'), datetime(%s, 'unixepoch'), "
            f"%s, %s, %s, %s, %s, %s)"
        )
        rows = calls.select(
            "queue_id", "call_id", "entered", "answered", "ended", "outcome", "wait", "talk",
            "agent", "transferred", "position",
        ).rows()  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            if not may_conflict:
                try:
                    with transaction.atomic():
                        cursor.executemany(insert, rows)
                    self.result.calls_written += len(rows)
                    return
                except IntegrityError:
                    pass
            cursor.executemany(f"{insert} {ON_CONFLICT_COMPLETE_OPEN_CALL}", rows)
            self.result.calls_written += max(cursor.rowcount, 0)

    def _write_calls_postgres(self, calls: pl.DataFrame, may_conflict: bool) -> None:
        if may_conflict:
            self._copy_calls_postgres(calls, _binary_copy(calls), may_conflict=True)
            return
        encoding = self.encoder.submit(_binary_copy, calls)
        self._copy_encoded()
        self.encoded = (calls, encoding)

    def _copy_calls_postgres(
        self, calls: pl.DataFrame, data: list[bytes | memoryview], *, may_conflict: bool
    ) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            copy_sql = f"COPY {CALLS_TABLE} ({CALL_COLUMNS}) FROM STDIN (FORMAT BINARY)"
            if not may_conflict and _copied_unless_conflict(cursor, copy_sql, data):
                self.result.calls_written += calls.height
                return
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fc_call_import (queue_id bigint, "
                "call_id varchar(64), entered_at timestamptz, answered_at timestamptz, "
                "ended_at timestamptz, outcome varchar(12), wait_seconds integer, "
                "talk_seconds integer, agent varchar(80), transferred boolean, "
                "entry_position integer) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE fc_call_import")
            with cursor.cursor.copy(
                f"COPY fc_call_import ({CALL_COLUMNS}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                for part in data:
                    copy.write(part)
            # One row per call: ON CONFLICT DO UPDATE may not touch a row twice in one
            # statement, and a file may hold the same call twice (the completed one wins).
            cursor.execute(
                f"INSERT INTO {CALLS_TABLE} ({CALL_COLUMNS}) "
                f"SELECT DISTINCT ON (entered_at, queue_id, call_id) {CALL_COLUMNS} "
                f"FROM fc_call_import ORDER BY entered_at, queue_id, call_id, "
                f"ended_at IS NULL, answered_at IS NULL {ON_CONFLICT_COMPLETE_OPEN_CALL}"
            )
            self.result.calls_written += max(cursor.rowcount, 0)

    def _write_events(self, events: list) -> None:
        queue_ids = self.queue_ids
        rows = [
            (t, agent, kind, queue[:128], None if queue == "NONE" else queue_ids[queue], reason,
             call_id[:64], line)
            for t, agent, kind, queue, reason, call_id, line in events
        ]  # fmt: skip
        if self.vendor == "postgresql":
            self._write_events_postgres(rows)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {EVENTS_TABLE} ({EVENT_COLUMNS}) VALUES (datetime(%s, 'unixepoch'), "
                f"%s, %s, %s, %s, %s, %s) ON CONFLICT (at, agent, kind, queue_name) DO NOTHING",
                [row[:-1] for row in rows],
            )
            self.result.agent_events_written += max(cursor.rowcount, 0)

    def _write_events_postgres(self, rows: list[tuple]) -> None:
        # As for calls: a plain COPY, unless the events meet stored ones or repeat one.
        events = pl.DataFrame(rows, schema=_EVENT_IMPORT_SCHEMA, orient="row")
        with transaction.atomic(), connection.cursor() as cursor:
            text = events.with_columns(
                pl.from_epoch("at", "s").dt.strftime("%Y-%m-%d %H:%M:%S+00")
            ).drop("line")
            copy_sql = f"COPY {EVENTS_TABLE} ({EVENT_COLUMNS}) FROM STDIN (FORMAT CSV)"
            if _copied_unless_conflict(cursor, copy_sql, [text.write_csv(include_header=False)]):
                self.result.agent_events_written += events.height
                return
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fc_agent_event_import (at bigint, "
                "agent text, kind text, queue_name text, queue_id bigint, reason text, "
                "call_id text, line bigint) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE fc_agent_event_import")
            with cursor.cursor.copy("COPY fc_agent_event_import FROM STDIN (FORMAT CSV)") as copy:
                copy.write(events.write_csv(include_header=False))
            # An event logged twice is stored once, as its first line says (as on SQLite).
            cursor.execute(
                f"INSERT INTO {EVENTS_TABLE} ({EVENT_COLUMNS}) SELECT DISTINCT ON (at, agent, "
                f"kind, queue_name) to_timestamp(at), agent, kind, queue_name, queue_id, reason, "
                f"call_id FROM fc_agent_event_import ORDER BY at, agent, kind, queue_name, line "
                f"ON CONFLICT (at, agent, kind, queue_name) DO NOTHING"
            )
            self.result.agent_events_written += max(cursor.rowcount, 0)


def _chunks(stream: TextIO, progress: Progress | None) -> Iterable[list[str]]:
    while True:
        lines = stream.readlines(READ_HINT)
        if not lines:
            return
        if progress is not None:
            progress(sum(map(len, lines)))
        yield lines


def _byte_chunks(stream: TextIO | BinaryIO, progress: Progress | None) -> Iterator[bytes]:
    """The stream in chunks of whole lines, as UTF-8 bytes (the last may lack its line end)."""
    if isinstance(stream, io.TextIOBase):
        for lines in _chunks(stream, progress):
            yield "".join(lines).encode("utf-8", "surrogatepass")
        return
    rest = b""
    while block := stream.read(READ_HINT):
        if progress is not None:
            progress(len(block))
        # A chunk never ends between \r and \n: that pair is one line end.
        last = len(block) - 1 if block.endswith(b"\r") else len(block)
        end = max(block.rfind(b"\n", 0, last), block.rfind(b"\r", 0, last)) + 1
        if end:
            yield rest + block[:end]
            rest = block[end:]
        else:
            rest += block
    if rest:
        yield rest


def _finish(result: ImportResult, writer: _Writer) -> ImportResult:
    writer.flush()
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
    stream: TextIO | BinaryIO, *, source: str = "-", progress: Progress | None = None
) -> ImportResult:
    """Import an Asterisk queue_log from a binary stream (`open_binary`) or a text one."""
    with _bulk_mode():
        run = ImportRun.objects.create(source=source[:500], format=ImportFormat.QUEUE_LOG)
        result = ImportResult(run=run)
        with _Writer(result) as writer:
            for batch in _parse_in_thread(stream, progress, result):
                writer.write(batch)
            return _finish(result, writer)


def _parse_in_thread(
    stream: TextIO | BinaryIO, progress: Progress | None, result: ImportResult
) -> Iterator[queue_log.Batch]:
    """Parse on a second thread, handing over a batch a chunk at a time, so parsing goes on
    while the database works on the previous batch (polars and the database driver let go of
    the GIL while they work). Re-raises the parser's exceptions."""
    parser = queue_log.QueueLogParser()
    batches: _Queue = _Queue(maxsize=2)
    done = object()

    def produce() -> None:
        try:
            for chunk in _byte_chunks(stream, progress):
                parser.feed_chunk(chunk)
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
    result.lines, result.errors, result.error_count = (
        parser.lines,
        parser.errors,
        parser.error_count,
    )


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _parse_csv_row(row: dict[str, str], zone: ZoneInfo) -> tuple:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    if any("\x00" in value for value in row.values() if isinstance(value, str)):
        raise ValueError("a NUL character: the file is damaged here")
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
    )


def import_csv(
    stream: TextIO, *, source: str = "-", progress: Progress | None = None
) -> ImportResult:
    """Import CSV call records (the format is in this module's docstring)."""
    run = ImportRun.objects.create(source=source[:500], format=ImportFormat.CSV)
    result = ImportResult(run=run)
    with _Writer(result) as writer:
        return _import_csv_rows(stream, progress, result, writer)


def _import_csv_rows(
    stream: TextIO, progress: Progress | None, result: ImportResult, writer: _Writer
) -> ImportResult:
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
            writer.write(_calls_batch(calls))
            calls = []
    writer.write(_calls_batch(calls))
    result.lines = reader.line_num
    return _finish(result, writer)


def _calls_batch(calls: list[tuple]) -> queue_log.Batch:
    entered = [c[2] for c in calls]
    return queue_log.Batch(
        queue_log.calls_frame(calls),
        [],
        [],
        {c[0] for c in calls},
        min(entered, default=None),
        max(entered, default=None),
    )


def _progress_lines(stream: TextIO, progress: Progress | None) -> Iterable[str]:
    for lines in _chunks(stream, progress):
        yield from lines


def open_binary(path: str) -> BinaryIO:
    """A file (or "-" for standard input) to read bytes from: what `import_queue_log` reads
    fastest."""
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # noqa: SIM115


def open_text(path: str) -> TextIO:
    """A file (or "-" for standard input) as UTF-8 text, bad bytes replaced, not refused."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115
