"""Parse Asterisk's queue_log into call records and agent events, fast and tolerantly.

A queue_log line is `epoch|callid|queue|agent|event|data1|data2|…`. A call's visit to a queue
starts with ENTERQUEUE and ends with one of COMPLETECALLER, COMPLETEAGENT, TRANSFER,
BLINDTRANSFER, ATTENDEDTRANSFER (answered), ABANDON, EXITWITHTIMEOUT, EXITWITHKEY or
EXITEMPTY; CONNECT in between says it was answered. The data fields of the closing event
carry the hold and talk times, so a call whose ENTERQUEUE was in an earlier file is still
rebuilt (it is marked `orphan` and the importer joins it to the record left open then).

Agent events: AGENTLOGIN/AGENTLOGOFF (and the AGENTCALLBACK forms), ADDMEMBER/REMOVEMEMBER,
PAUSE/UNPAUSE (and PAUSEALL/UNPAUSEALL), RINGNOANSWER.

Malformed lines (too few fields, a time or a number that is not one, an unknown event) are
counted and reported with their line number; they never stop the import.

Two parsers share one state, so that they give the same answer for any input (the hypothesis
tests in tests/telephony/test_queue_log_columns.py hold them to it):
- `feed_chunk` takes raw bytes and parses them column by column with polars and numpy
  (compiled code, on every core): it takes each call whose ENTERQUEUE, CONNECT and
  COMPLETECALLER/COMPLETEAGENT all lie in the chunk, well formed and in order, which is most
  of a real log, and the well-formed agent events.
- every other line (abandoned and transferred calls, calls that span chunks, anything odd)
  goes, in order and with its line number, to `feed`: plain `str.split` and integer
  arithmetic, which checks everything and says what is wrong. A call's lines never split
  between the two: one odd line sends all of its call's lines in that chunk to `feed`.
A chunk holding bytes the two would read differently (see _NOT_COLUMNAR) goes to `feed` whole.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import polars as pl

# Outcome codes as stored in CallRecord.outcome (kept as plain strings for speed).
ANSWERED = "answered"
ABANDONED = "abandoned"
TIMEOUT = "timeout"
EXIT_KEY = "exit_key"
EXIT_EMPTY = "exit_empty"
WAITING = "waiting"
TALKING = "talking"

# Events that say nothing about calls' waits or agents' availability.
IGNORED_EVENTS = frozenset(
    {
        "QUEUESTART",
        "CONFIGRELOAD",
        "DID",
        "INFO",
        "SYSCOMPAT",
        "AGENTDUMP",
        "AGENTCALLED",
        "HOLD",
        "UNHOLD",
        "CALLERONHOLD",
        "CALLEROFFHOLD",
    }
)
AGENT_EVENTS = {
    "ADDMEMBER": "add_member",
    "REMOVEMEMBER": "remove_member",
    "AGENTLOGIN": "login",
    "AGENTCALLBACKLOGIN": "login",
    "AGENTLOGOFF": "logoff",
    "AGENTCALLBACKLOGOFF": "logoff",
    "PAUSE": "pause",
    "PAUSEALL": "pause",
    "UNPAUSE": "unpause",
    "UNPAUSEALL": "unpause",
    "RINGNOANSWER": "ring_no_answer",
}
EXIT_EVENTS = {
    # event: (outcome, index of the wait-time field)
    "ABANDON": (ABANDONED, 7),
    "EXITWITHTIMEOUT": (TIMEOUT, 7),
    "EXITEMPTY": (EXIT_EMPTY, 7),
    "EXITWITHKEY": (EXIT_KEY, 8),
}
MAX_ERRORS_KEPT = 1000
# Bounds that keep every value storable (times as timestamps, seconds and positions as 32-bit
# integers): a line outside them is malformed, never a failed import.
MAX_EPOCH = 4_102_444_800  # 2100-01-01
MAX_SECONDS = 2**31 - 1
# Stands in for a line holding a NUL character, which the careful path reports.
NUL_LINE = "\x00"

# A call record as the parser hands it over, a row of CALL_SCHEMA (as a tuple in `feed`):
# (queue, call_id, entered, answered, ended, outcome, wait, talk, agent, transferred,
#  entry_position); times are Unix epochs or None. Orphans (calls whose ENTERQUEUE was in an
# earlier file, their entered time rebuilt from the closing event's hold time) are handed over
# separately, as tuples, for the importer to join to the record that file left open.
CALL_SCHEMA = pl.Schema(
    {
        "queue": pl.String,
        "call_id": pl.String,
        "entered": pl.Int64,
        "answered": pl.Int64,
        "ended": pl.Int64,
        "outcome": pl.String,
        "wait": pl.Int64,
        "talk": pl.Int64,
        "agent": pl.String,
        "transferred": pl.Boolean,
        "position": pl.Int64,
    }
)
CallTuple = tuple
# An agent event: (epoch, agent, kind, queue, reason, call_id, line number).
AgentTuple = tuple
# Events of `feed_chunk`'s columns: the call's three lines, in this order.
_ENTER, _CONNECT, _COMPLETE = 0, 1, 2
_CALL_STEPS = {"ENTERQUEUE": _ENTER, "CONNECT": _CONNECT, "COMPLETECALLER": _COMPLETE,
               "COMPLETEAGENT": _COMPLETE}  # fmt: skip
# Lines that change no call's state: they never send a call's lines to `feed`.
_STATELESS_EVENTS = sorted(IGNORED_EVENTS | AGENT_EVENTS.keys())
# Bytes after which a chunk is not parsed by columns: line ends other than \n (Python's
# universal newlines would split there), NUL (reported as damage), the column separator polars
# is given, which must not occur in a line, and the other ASCII separators, which Python's
# str.strip() takes for spaces and polars does not.
_COLUMN_SEPARATOR = b"\x1f"
_BYTE_ORDER_MARK = "\ufeff".encode()
# Two independent 64-bit hashes of a line's (call id, queue): see _feed_columns.
_CALL_KEY = pl.col("call_id").hash(seed=1) ^ pl.col("queue").hash(seed=2)
_CALL_CHECK = pl.col("call_id").hash(seed=3) ^ pl.col("queue").hash(seed=4)
_NOT_COLUMNAR = (b"\r", b"\x00", b"\x1c", b"\x1d", b"\x1e", _COLUMN_SEPARATOR)


def _line_number(event: AgentTuple) -> int:
    return event[6]


def empty_calls() -> pl.DataFrame:
    return pl.DataFrame(schema=CALL_SCHEMA)


def calls_frame(calls: Sequence[CallTuple]) -> pl.DataFrame:
    return pl.DataFrame(calls, schema=CALL_SCHEMA, orient="row")


class Batch(NamedTuple):
    """What the parser has found since the last `take()`."""

    calls: pl.DataFrame  # CALL_SCHEMA
    orphans: list[CallTuple]
    agent_events: list[AgentTuple]
    queues: set[str]  # every queue named by the calls and agent events
    first: int | None  # the earliest and latest entered time of the calls and orphans
    last: int | None


class MalformedLine(ValueError):
    pass


def _epoch(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        number = float(text)  # some builds log fractional seconds
        if number != number or number in (float("inf"), float("-inf")):
            raise MalformedLine(f"the time {text!r} is not a number") from None
        value = int(number)
    if not 0 <= value < MAX_EPOCH:
        raise MalformedLine(f"the time {text[:30]!r} is not between 1970 and 2100")
    return value


def _within(seconds: int, event: str, what: str) -> int:
    if seconds > MAX_SECONDS:
        raise MalformedLine(f"{event} comes {seconds} seconds after {what}")
    return seconds


def _optional_int(fields: list[str], index: int) -> int | None:
    if len(fields) <= index:
        return None
    text = fields[index].strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if 0 <= value <= MAX_SECONDS else None


def _required_int(fields: list[str], index: int, what: str) -> int:
    try:
        value = int(fields[index])
    except (IndexError, ValueError):
        raise MalformedLine(f"{fields[4]} needs a whole number of seconds for {what}") from None
    if value < 0:
        raise MalformedLine(f"{fields[4]} has a negative {what}")
    if value > MAX_SECONDS:
        raise MalformedLine(f"{fields[4]} has a {what} of more than {MAX_SECONDS} seconds")
    return value


class QueueLogParser:
    """Feed lines in order (file by file); take `calls` and `agent_events` as they fill up;
    call `finish()` at the end to hand over calls still waiting or talking."""

    def __init__(self) -> None:
        # (call_id, queue) -> [entered, entry_position, answered, agent, orphan]
        self.open: dict[tuple[str, str], list] = {}
        self.calls: list[CallTuple] = []
        self.frames: list[pl.DataFrame] = []  # calls rebuilt by columns
        self.orphans: list[CallTuple] = []
        self.agent_events: list[AgentTuple] = []
        self.errors: list[tuple[int, str]] = []
        self.error_count = 0
        self.lines = 0
        self.ignored = 0

    def error(self, line_no: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append((line_no, message))

    def take(self) -> Batch:
        frames = self.frames
        if self.calls:
            frames.append(calls_frame(self.calls))
        calls = pl.concat(frames, rechunk=False) if frames else empty_calls()
        orphans, events = self.orphans, self.agent_events
        events.sort(key=_line_number)  # in the file's order, whichever parser read them
        self.calls, self.frames, self.orphans, self.agent_events = [], [], [], []
        queues = set(calls["queue"].unique().to_list())
        queues.update(c[0] for c in orphans)
        queues.update(e[3] for e in events if e[3] != "NONE")
        entered = [c[2] for c in orphans]
        if calls.height:
            entered += [calls["entered"].min(), calls["entered"].max()]
        first, last = (min(entered), max(entered)) if entered else (None, None)
        return Batch(calls, orphans, events, queues, first, last)

    def feed_chunk(self, data: bytes) -> None:
        """Parse a chunk of whole lines (the last may lack its line end), as bytes."""
        if not self.lines and data.startswith(_BYTE_ORDER_MARK):
            data = data[len(_BYTE_ORDER_MARK) :]  # a file saved "with BOM" by a text editor
        if not data:
            return
        if not data.isascii():
            # Undecodable bytes become U+FFFD, as they do for text read with errors="replace".
            data = data.decode("utf-8", "replace").encode()
        if data.startswith(_BYTE_ORDER_MARK) or any(byte in data for byte in _NOT_COLUMNAR):
            # (polars would drop a byte order mark that begins a later chunk: `feed` keeps it)
            text = data.decode()
            self.feed(io.StringIO(text, newline="").readlines())
            return
        self._feed_columns(data)

    def _feed_columns(self, data: bytes) -> None:
        first_line = self.lines + 1
        lines = pl.read_csv(
            data,
            has_header=False,
            separator=_COLUMN_SEPARATOR.decode(),
            quote_char=None,
            schema={"text": pl.String},
        ).rechunk()  # one piece: gathering rows from several is much slower
        count = lines.height
        self.lines += count
        t, event = pl.col("time"), pl.col("event")
        position = pl.col("field_7").cast(pl.Int64, strict=False)
        step = event.replace_strict(_CALL_STEPS, default=None, return_dtype=pl.Int8)
        # A line `feed` would take its short path for, and whose value this code reads alike.
        simple = (
            step.is_not_null()
            & pl.col("field_7").is_not_null()
            & t.is_not_null()
            & (pl.col("call_id") != "")
            & (pl.col("queue") != "")
            & (
                (step != _ENTER)
                | (t.is_between(0, MAX_EPOCH, closed="left")
                   & ((pl.col("field_7") == "") | position.is_not_null()))
            )
        ).fill_null(False)  # fmt: skip
        parsed = (
            lines.lazy()
            .with_columns(pl.col("text").str.splitn("|", 9).alias("f"))
            .unnest("f")
            .rename({"field_1": "call_id", "field_2": "queue", "field_4": "event"})
            .with_columns(time=pl.col("field_0").cast(pl.Int64, strict=False))
            .select(
                "call_id",
                "queue",
                "field_3",
                "field_5",
                "event",
                "time",
                step=pl.when(simple).then(step),
                position=pl.when(position.is_between(0, MAX_SECONDS)).then(position),
                # Lines that change a call's state but not as `feed`'s short path does.
                odd=(~simple & ~event.is_in(_STATELESS_EVENTS)).fill_null(True),
                # Lines are grouped by a hash of (call id, queue), far faster than by the
                # strings, and a call's three lines must agree on a second, independent hash
                # too: lines of different calls pass for one call only if both 64-bit hashes
                # collide at once.
                key=_CALL_KEY,
                check=_CALL_CHECK,
            )  # fmt: skip
            .collect()
        )
        left = np.ones(count, np.bool_)  # the lines `feed` has still to parse
        self._take_whole_calls(parsed, left)
        self._take_agent_events(parsed, left, first_line)
        rest = lines.filter(pl.Series(left))["text"].fill_null("")
        self.feed(rest.to_list(), (np.flatnonzero(left) + first_line).tolist())

    def _take_whole_calls(self, parsed: pl.DataFrame, left: np.ndarray) -> None:
        """The calls whose ENTERQUEUE, CONNECT and COMPLETECALLER/COMPLETEAGENT lines (and no
        others of theirs) are all in this chunk, well formed and in order."""
        # Every line that touches a call, grouped by call (in the file's order within each):
        # a whole call is three neighbours ENTERQUEUE, CONNECT, closing line, with no line of
        # the same key before them. (Lines after them meet a closed call, in `feed` as they
        # would line by line.)
        step = parsed["step"].fill_null(-1).to_numpy()
        key = parsed["key"].to_numpy()
        rows = np.flatnonzero((step >= 0) | parsed["odd"].to_numpy())
        order = rows[np.argsort(key[rows], kind="stable")]
        keys, steps = key[order], step[order]
        begins = np.r_[True, keys[1:] != keys[:-1]]  # the first line of its key
        at = np.flatnonzero(steps == _COMPLETE)
        at = at[at >= 2]
        at = at[
            begins[at - 2] & ~begins[at - 1] & ~begins[at]
            & (steps[at - 2] == _ENTER) & (steps[at - 1] == _CONNECT)
        ]  # fmt: skip
        if self.open:  # calls left open by an earlier chunk go on in `feed`, which holds them
            still_open = pl.DataFrame(list(self.open), schema=["call_id", "queue"], orient="row")
            open_keys = still_open.select(_CALL_KEY).to_series().to_numpy()
            at = at[~np.isin(keys[at], open_keys)]
        if not len(at):
            return
        lines = [order[at - 2], order[at - 1], order[at]]
        # Only the columns needed from each line: gathering text is the costly part.
        enter = parsed.select("time", "position", "check")[lines[0]]
        connect = parsed.select("time", "field_3", "check")[lines[1]]
        close = parsed.select("call_id", "queue", "field_3", "time", "check")[lines[2]]
        entered, answered, ended = enter["time"], connect["time"], close["time"]
        well_ordered = (
            (entered <= answered)
            & (answered <= entered + MAX_SECONDS)
            & (answered <= ended)
            & (ended <= answered + MAX_SECONDS)
            & (enter["check"] == close["check"])
            & (connect["check"] == close["check"])
        )
        agent = connect["field_3"]
        height = close.height
        calls = pl.DataFrame(
            {
                "queue": close["queue"],
                "call_id": close["call_id"],
                "entered": entered,
                "answered": answered,
                "ended": ended,
                "outcome": pl.repeat(ANSWERED, height, eager=True),
                "wait": answered - entered,
                "talk": ended - answered,
                "agent": pl.select(
                    pl.when(agent != "").then(agent).otherwise(close["field_3"]).str.slice(0, 80)
                ).to_series(),
                "transferred": pl.repeat(False, height, eager=True),
                "position": enter["position"],
            },
            schema=CALL_SCHEMA,
        ).filter(well_ordered)
        if calls.height:
            self.frames.append(calls)
            taken = well_ordered.to_numpy()
            for call_lines in lines:
                left[call_lines[taken]] = False

    def _take_agent_events(self, parsed: pl.DataFrame, left: np.ndarray, first_line: int) -> None:
        """Agent events whose every field `feed` would read alike."""

        def bare(name: str) -> pl.Expr:  # no spaces around it for `feed` to strip
            return pl.col(name) == pl.col(name).str.strip_chars()

        t = pl.col("time")
        kind = pl.col("event").replace_strict(AGENT_EVENTS, default=None)
        ringing = kind == "ring_no_answer"
        events = (
            parsed.with_row_index("i")
            .filter(pl.col("event").is_in(AGENT_EVENTS.keys()))
            .filter(
                t.is_between(0, MAX_EPOCH, closed="left")
                & bare("field_3")
                & ~pl.col("field_3").is_in(["", "NONE"])
                & bare("queue")
                & (bare("field_5") | pl.col("field_5").is_null())
            )
            .select(
                t,
                pl.col("field_3").str.slice(0, 80),
                kind,
                pl.when(pl.col("queue") != "").then("queue").otherwise(pl.lit("NONE")),
                pl.when(ringing)
                .then(pl.lit(""))
                .otherwise(pl.col("field_5").fill_null(""))
                .str.slice(0, 80),
                pl.when(ringing).then("call_id").otherwise(pl.lit("")),
                line=pl.col("i") + first_line,
                i="i",
            )
        )
        left[events["i"].to_numpy()] = False
        self.agent_events += events.drop("i").rows()

    def feed(self, lines: Iterable[str], numbers: Sequence[int] | None = None) -> None:
        """Parse lines in order: the next lines of the log, or the lines with these numbers.

        The three events that make up most of a log (ENTERQUEUE, CONNECT,
        COMPLETECALLER/COMPLETEAGENT) take a short path when they are well formed and follow
        their call's earlier events; every other line, and any doubt, goes through `_line`,
        which checks everything and reports what is wrong."""
        if not isinstance(lines, list):
            lines = list(lines)
        if "\x00" in "".join(lines):  # a damaged file: no database stores NUL in text
            lines = [NUL_LINE if "\x00" in line else line for line in lines]
        if numbers is None:
            numbers = range(self.lines + 1, self.lines + len(lines) + 1)
            self.lines += len(lines)
        open_calls = self.open
        add_call = self.calls.append
        add_orphan = self.orphans.append
        slow = self._line
        for line_no, line in zip(numbers, lines, strict=True):
            fields = line.split("|")
            if len(fields) < 8:
                slow(line_no, line, fields)
                continue
            event = fields[4]
            try:
                if event == "ENTERQUEUE":
                    t = int(fields[0])
                    if fields[1] and fields[2] and 0 <= t < MAX_EPOCH:
                        try:
                            position = int(fields[7])
                            if not 0 <= position <= MAX_SECONDS:
                                position = None
                        except ValueError:
                            position = None
                        open_calls[(fields[1], fields[2])] = [t, position, None, "", False]
                        continue
                elif event == "CONNECT":
                    t = int(fields[0])
                    call = open_calls.get((fields[1], fields[2]))
                    if call is not None and call[0] <= t <= call[0] + MAX_SECONDS:
                        call[2] = t
                        call[3] = fields[3]
                        continue
                elif event == "COMPLETECALLER" or event == "COMPLETEAGENT":
                    t = int(fields[0])
                    key = (fields[1], fields[2])
                    call = open_calls.get(key)
                    if call is not None:
                        answered = call[2]
                        if answered is not None and answered <= t <= answered + MAX_SECONDS:
                            del open_calls[key]
                            entered = call[0]
                            (add_orphan if call[4] else add_call)(
                                (fields[2], fields[1], entered, answered, t, ANSWERED,
                                 answered - entered, t - answered, (call[3] or fields[3])[:80],
                                 False, call[1])
                            )  # fmt: skip
                            continue
            except ValueError:
                pass  # the careful path says what is wrong
            slow(line_no, line, fields)

    def _add(self, call: CallTuple, orphan: bool) -> None:
        (self.orphans if orphan else self.calls).append(call)

    def _line(self, line_no: int, line: str, fields: list[str]) -> None:
        """Parse one line carefully; record what is wrong with it, if anything."""
        open_calls = self.open
        if line is NUL_LINE:
            self.error(line_no, "a NUL character: the file is damaged here")
            return
        if len(fields) < 5:
            if line.strip():
                self.error(line_no, "fewer than 5 fields separated by |")
            return
        fields[-1] = fields[-1].rstrip("\r\n")  # the line end is no part of a value
        event = fields[4].rstrip()
        try:
            if event == "ENTERQUEUE":
                t = _epoch(fields[0])
                if not fields[1] or not fields[2]:
                    raise MalformedLine("ENTERQUEUE without a call id or queue")
                open_calls[(fields[1], fields[2])] = [
                    t,
                    _optional_int(fields, 7),
                    None,
                    "",
                    False,
                ]
            elif event == "CONNECT":
                t = _epoch(fields[0])
                key = (fields[1], fields[2])
                call = open_calls.get(key)
                if call is None:
                    hold = _required_int(fields, 5, "hold time")
                    call = open_calls[key] = [t - hold, None, None, "", True]
                elif t < call[0]:
                    raise MalformedLine("CONNECT before the call entered the queue")
                else:
                    _within(t - call[0], "CONNECT", "the call entered the queue")
                call[2] = t
                call[3] = fields[3]
            elif event == "COMPLETECALLER" or event == "COMPLETEAGENT":
                t = _epoch(fields[0])
                self._answered(fields, t, 5, 6, False)
            elif event in AGENT_EVENTS:
                t = _epoch(fields[0])
                kind = AGENT_EVENTS[event]
                agent = fields[3].strip()
                if not agent or agent == "NONE":
                    raise MalformedLine(f"{event} without an agent")
                reason = fields[5].strip()[:80] if len(fields) > 5 else ""
                if kind == "ring_no_answer":
                    reason = ""
                call_id = fields[1] if kind == "ring_no_answer" else ""
                self.agent_events.append(
                    (t, agent[:80], kind, fields[2].strip() or "NONE", reason, call_id, line_no)
                )
            elif event in EXIT_EVENTS:
                t = _epoch(fields[0])
                outcome, wait_index = EXIT_EVENTS[event]
                key = (fields[1], fields[2])
                call = open_calls.pop(key, None)
                if call is None:
                    wait = _required_int(fields, wait_index, "wait time")
                    call = [t - wait, None, None, "", True]
                elif call[2] is not None:
                    raise MalformedLine(f"{event} after the call was answered")
                wait = t - call[0]
                if wait < 0:
                    raise MalformedLine(f"{event} before the call entered the queue")
                _within(wait, event, "the call entered the queue")
                position = call[1]
                if position is None:
                    position = _optional_int(fields, wait_index - 1)
                self._add(
                    (fields[2], fields[1], call[0], None, t, outcome, wait, None, "", False,
                     position),
                    call[4],
                )  # fmt: skip
            elif event == "TRANSFER" or event == "BLINDTRANSFER":
                t = _epoch(fields[0])
                self._answered(fields, t, 7, 8, True)
            elif event == "ATTENDEDTRANSFER":
                t = _epoch(fields[0])
                method = fields[5].strip() if len(fields) > 5 else ""
                if method in ("LINK", "THREEWAY"):
                    self._answered(fields, t, 8, 9, True)
                else:
                    self._answered(fields, t, 7, 8, True)
            elif event in IGNORED_EVENTS:
                self.ignored += 1
            else:
                raise MalformedLine(f"unknown event {event[:40]!r}")
        except MalformedLine as exc:
            self.error(line_no, str(exc))
        except ValueError:
            self.error(line_no, f"the time {fields[0][:30]!r} is not a number")

    def _answered(self, fields, t, hold_index, talk_index, transferred) -> None:
        key = (fields[1], fields[2])
        call = self.open.pop(key, None)
        if call is None or call[2] is None:
            hold = _required_int(fields, hold_index, "hold time")
            talk = _required_int(fields, talk_index, "talk time")
            answered = t - talk
            if call is None:
                call = [answered - hold, None, answered, fields[3], True]
            else:
                call[2] = answered
                call[3] = fields[3]
        entered, position, answered, agent = call[0], call[1], call[2], call[3]
        if t < answered:
            raise MalformedLine(f"{fields[4]} before the call was answered")
        _within(t - answered, fields[4], "the call was answered")
        if position is None:
            position = _optional_int(fields, talk_index + 1)
        self._add(
            (fields[2], fields[1], entered, answered, t, ANSWERED, answered - entered,
             t - answered, (agent or fields[3])[:80], transferred, position),
            call[4],
        )  # fmt: skip

    def finish(self) -> None:
        """Hand over calls with no closing event yet, as waiting or talking."""
        for (call_id, queue), (entered, position, answered, agent, orphan) in self.open.items():
            self._add(
                (queue, call_id, entered, answered, None,
                 WAITING if answered is None else TALKING,
                 0 if answered is None else answered - entered, None, agent[:80], False,
                 position),
                orphan,
            )  # fmt: skip
        self.open = {}
