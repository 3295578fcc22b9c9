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
counted and reported with their line number; they never stop the import. The parser is plain
`str.split` and integer arithmetic: no regular expressions, no datetime objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO, NamedTuple

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

# A call record as the parser hands it over:
# (queue, call_id, entered, answered, ended, outcome, wait, talk, agent, transferred,
#  entry_position); times are Unix epochs (int) or None. Orphans (calls whose ENTERQUEUE was
# in an earlier file, their entered time rebuilt from the closing event's hold time) are
# handed over separately, for the importer to join to the record that file left open.
CallTuple = tuple
# An agent event: (epoch, agent, kind, queue, reason, call_id).
AgentTuple = tuple


class Batch(NamedTuple):
    """What the parser has found since the last `take()`."""

    calls: list[CallTuple]
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
        calls, orphans, events = self.calls, self.orphans, self.agent_events
        self.calls, self.orphans, self.agent_events = [], [], []
        queues = {c[0] for c in calls}
        queues.update(c[0] for c in orphans)
        queues.update(e[3] for e in events if e[3] != "NONE")
        first = last = None
        if calls or orphans:
            entered = [c[2] for c in calls]
            entered += [c[2] for c in orphans]
            first, last = min(entered), max(entered)
        return Batch(calls, orphans, events, queues, first, last)

    def feed(self, lines: Iterable[str]) -> None:
        """Parse lines in order. The three events that make up most of a log (ENTERQUEUE,
        CONNECT, COMPLETECALLER/COMPLETEAGENT) take a short path when they are well formed
        and follow their call's earlier events; every other line, and any doubt, goes through
        `_line`, which checks everything and reports what is wrong."""
        if not isinstance(lines, list):
            lines = list(lines)
        if "\x00" in "".join(lines):  # a damaged file: no database stores NUL in text
            lines = [NUL_LINE if "\x00" in line else line for line in lines]
        open_calls = self.open
        add_call = self.calls.append
        add_orphan = self.orphans.append
        slow = self._line
        line_no = self.lines
        for line in lines:
            line_no += 1
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
        self.lines = line_no

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
                    (t, agent[:80], kind, fields[2].strip() or "NONE", reason, call_id)
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


def parse_file_to(path: str, out: BinaryIO, read_hint: int) -> None:
    """Parse the queue_log at `path`, writing pickled messages to `out`: ("batch", Batch,
    characters read) as each chunk is parsed, then ("done", lines, errors, error_count), or
    ("failed", message). The importer runs this in a process of its own (`python -m`)."""
    import gc
    import pickle

    gc.disable()  # millions of small acyclic tuples: collecting would only walk them

    def send(message: tuple) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        parser = QueueLogParser()
        with open(path, encoding="utf-8", errors="replace", newline="") as stream:
            while lines := stream.readlines(read_hint):
                parser.feed(lines)
                send(("batch", parser.take(), sum(map(len, lines))))
        parser.finish()
        send(("batch", parser.take(), 0))
        send(("done", parser.lines, parser.errors, parser.error_count))
    except BrokenPipeError:
        pass  # the importer stopped reading (it failed, or was interrupted): nothing to tell
    except Exception as exc:  # noqa: BLE001 - reported to the importing process
        send(("failed", f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    import sys

    # By its package name, so that the batches pickle as firstcontact's Batch, not __main__'s.
    from firstcontact.telephony import queue_log

    queue_log.parse_file_to(sys.argv[1], sys.stdout.buffer, int(sys.argv[2]))
