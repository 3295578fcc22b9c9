"""The two queue_log parsers agree: whatever the lines and however a file is cut into chunks,
parsing by columns (`feed_chunk`) finds the same calls, agent events and malformed lines, with
the same line numbers, as parsing line by line (`feed`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firstcontact.telephony.generator import QueueProfile, generate_queue_log
from firstcontact.telephony.queue_log import QueueLogParser

# A short generated morning: answered, abandoned and transferred calls and agent events.
GENERATED = list(
    itertools.islice(
        generate_queue_log(
            [QueueProfile("south", 400, 120, 150), QueueProfile("north", 300, 120, 150)],
            dt.date(2026, 5, 4),
            1,
            seed=11,
        ),
        1500,
    )
)


def parsed(parser: QueueLogParser) -> tuple:
    parser.finish()
    batch = parser.take()
    return (
        sorted(batch.calls.rows(), key=repr),
        sorted(batch.orphans, key=repr),
        sorted(batch.agent_events, key=repr),
        parser.errors,
        parser.error_count,
        parser.lines,
        batch.queues,
        (batch.first, batch.last),
    )


def rearrange(items: list, kind: str, i: int) -> None:
    """Lose, repeat or move item i, as lines of a log get lost, repeated or reordered."""
    if kind == "drop" and len(items) > 1:
        del items[i]
    elif kind == "repeat":
        items.insert(i, items[i])
    elif kind == "swap" and i + 1 < len(items):
        items[i], items[i + 1] = items[i + 1], items[i]


def line_by_line(text: str) -> tuple:
    parser = QueueLogParser()
    parser.feed(io.StringIO(text, newline="").readlines())
    return parsed(parser)


def by_columns(data: bytes, cuts: list[int]) -> tuple:
    """Chunks cut after the given line ends, as the importer cuts a file."""
    parser = QueueLogParser()
    ends = [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    start = 0
    for cut in sorted({ends[c % len(ends)] for c in cuts} if ends else set()):
        parser.feed_chunk(data[start:cut])
        start = cut
    parser.feed_chunk(data[start:])
    return parsed(parser)


def test_a_generated_log_parses_alike_and_mostly_by_columns():
    text = "".join(GENERATED)
    expected = line_by_line(text)
    parser = QueueLogParser()
    fed_line_by_line = []
    original_feed = parser.feed

    def counting_feed(lines, numbers=None):
        fed_line_by_line.extend(lines)
        original_feed(lines, numbers)

    parser.feed = counting_feed
    parser.feed_chunk(text.encode())
    assert parsed(parser) == expected
    assert len(expected[0]) > 200 and expected[3] == []
    # The point of the columns: most lines never reach the line-by-line parser.
    assert len(fed_line_by_line) < len(GENERATED) / 2


# Damage a line the ways real files are damaged, or that an attacker might try.
DAMAGE = [
    lambda fields: fields[:3],
    lambda fields: fields[:7],
    lambda fields: ["x", *fields[1:]],
    lambda fields: [f" {fields[0]}", *fields[1:]],
    lambda fields: ["-5", *fields[1:]],
    lambda fields: ["99999999999", *fields[1:]],
    lambda fields: [fields[0], "", *fields[2:]],
    lambda fields: [*fields[:4], fields[4].lower(), *fields[5:]],
    lambda fields: [*fields[:4], fields[4] + " ", *fields[5:]],
    lambda fields: [*fields[:7], " 3", *fields[8:]],
    lambda fields: [*fields[:7], "+3", *fields[8:]],
    lambda fields: [*fields[:7], "abc", *fields[8:]],
    lambda fields: [*fields[:5], "-1", *fields[6:]],
    lambda fields: [*fields, "extra", "fields"],
    lambda fields: [*fields[:3], "Zoë/ü", *fields[4:]],
    lambda fields: [str(int(fields[0]) - 100000) if fields[0].isdigit() else "0", *fields[1:]],
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.integers(0, len(GENERATED) - 1), min_size=1, max_size=200),
    edits=st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.sampled_from(["damage", "drop", "repeat", "swap", "blank", "raw"]),
            st.integers(0, len(DAMAGE) - 1),
            st.sampled_from(["", "\n", "\r\n", "\r", "\x00", "\x1f", "\xff", "|", "|||||||"]),
        ),
        max_size=12,
    ),
    cuts=st.lists(st.integers(0, 10_000), max_size=6),
    final_newline=st.booleans(),
)
def test_any_lines_in_any_chunks_parse_alike(picks, edits, cuts, final_newline):
    start = min(picks)
    lines = [line.rstrip("\n") for line in GENERATED[start : start + len(picks)]]
    for position, kind, damage, raw in edits:
        i = position % len(lines)
        if kind == "damage":
            with contextlib.suppress(IndexError):  # a line already cut short stays as it is
                lines[i] = "|".join(DAMAGE[damage](lines[i].split("|")))
        elif kind in ("drop", "repeat", "swap"):
            rearrange(lines, kind, i)
        elif kind == "blank":
            lines.insert(i, "")
        elif kind == "raw":
            lines[i] = lines[i][: len(lines[i]) // 2] + raw + lines[i][len(lines[i]) // 2 :]
    text = "\n".join(lines) + ("\n" if final_newline else "")
    data = text.encode("utf-8", "surrogatepass").replace("\xff".encode(), b"\xff")
    expected = line_by_line(data.decode("utf-8", "replace"))
    assert by_columns(data, cuts) == expected


# Calls' stories: a call's events as an ACD writes them, then edited (an event added, lost,
# repeated or moved) and interleaved with other calls', few ids and queues so that they meet.
BASE = 1_777_000_000
number = st.sampled_from(["0", "5", "20", "-1", "x", " 7", "+2", ""])
DATA = {
    "ENTERQUEUE": st.tuples(st.just(""), st.just("0123"), number),
    "CONNECT": st.tuples(number, st.just("chan"), number),
    "COMPLETECALLER": st.tuples(number, number, number),
    "COMPLETEAGENT": st.tuples(number, number, number),
    "ABANDON": st.tuples(number, number, number),
    "TRANSFER": st.tuples(st.just("2001"), st.just("ctx"), number, number, number),
    "EXITWITHKEY": st.tuples(number, number, number, number),
    "RINGNOANSWER": st.tuples(number),
    "PAUSE": st.tuples(st.just("lunch")),
    "CONNECT ": st.tuples(number, st.just("chan"), number),
    "FROB": st.tuples(),
}
STORIES = [
    ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"],
    ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"],
    ["ENTERQUEUE", "ABANDON"],
    ["ENTERQUEUE", "CONNECT", "TRANSFER"],
    ["ENTERQUEUE", "CONNECT"],
]
edit = st.tuples(
    st.sampled_from(["add", "drop", "repeat", "swap"]),
    st.integers(0, 5),
    st.sampled_from(sorted(DATA)),
)


@st.composite
def story(draw) -> list[tuple[int, str]]:
    events = list(draw(st.sampled_from(STORIES)))
    for kind, position, event in draw(st.lists(edit, max_size=2)):
        i = position % len(events)
        if kind == "add":
            events.insert(i, event)
        else:
            rearrange(events, kind, i)
    call, queue = draw(st.sampled_from(["1", "2"])), draw(st.sampled_from(["q", "r"]))
    start = draw(st.integers(0, 30))
    lines = []
    for i, event in enumerate(events):
        # Lines go into the file in this order; the ACD's clock may disagree a little.
        order = start + 10 * i
        t = BASE + order + draw(st.sampled_from([0, 0, 1, -1, 9, -9, 10]))
        data = draw(DATA[event])
        if draw(st.integers(0, 3)):  # most lines carry good numbers, as a real ACD writes them
            data = [value if value.isdigit() else "5" for value in data]
        agent = "NONE" if event in ("ENTERQUEUE", "ABANDON") else "SIP/a"
        lines.append((order, "|".join([str(t), call, queue, agent, event, *data]) + "\n"))
    return lines


@settings(max_examples=400, deadline=None)
@given(stories=st.lists(story(), min_size=1, max_size=6), cuts=st.lists(st.integers(0, 99)))
def test_calls_that_meet_odd_lines_parse_alike(stories, cuts):
    text = "".join(
        line for _, line in sorted((line for s in stories for line in s), key=lambda x: x[0])
    )
    assert by_columns(text.encode(), cuts) == line_by_line(text)


def call_lines(*events: tuple[int, str, str]) -> str:
    return "".join(f"{BASE + t}|1|q|SIP/a|{event}|{data}\n" for t, event, data in events)


@pytest.mark.parametrize(
    "text",
    [
        # Closed before it was answered, in the file's order, at the same second.
        call_lines((0, "ENTERQUEUE", "|0123|1"), (5, "COMPLETECALLER", "5|0|1"),
                   (5, "CONNECT", "5|chan|1")),
        # Closed a second before it was answered.
        call_lines((0, "ENTERQUEUE", "|0123|1"), (5, "CONNECT", "5|chan|1"),
                   (4, "COMPLETEAGENT", "5|0|1")),
        # Answered before it entered, in the file's order or by the clock.
        call_lines((0, "CONNECT", "5|chan|1"), (0, "ENTERQUEUE", "|0123|1"),
                   (9, "COMPLETECALLER", "0|9|1")),
        call_lines((5, "ENTERQUEUE", "|0123|1"), (4, "CONNECT", "0|chan|1"),
                   (9, "COMPLETECALLER", "0|5|1")),
        # Entered twice, or abandoned and then answered.
        call_lines((0, "ENTERQUEUE", "|0123|1"), (1, "ENTERQUEUE", "|0123|2"),
                   (5, "CONNECT", "4|chan|1"), (9, "COMPLETECALLER", "4|4|1")),
        call_lines((0, "ENTERQUEUE", "|0123|1"), (3, "ABANDON", "1|1|3"),
                   (5, "CONNECT", "5|chan|1"), (9, "COMPLETECALLER", "5|4|1")),
    ],
)  # fmt: skip
def test_calls_out_of_order_parse_alike(text):
    expected = line_by_line(text)
    for cuts in ([], [0], [1], [0, 1, 2]):
        assert by_columns(text.encode(), cuts) == expected


def test_a_byte_order_mark_starting_the_file_is_no_part_of_its_first_line():
    text = call_lines(
        (0, "ENTERQUEUE", "|0123|1"), (5, "CONNECT", "5|chan|1"), (9, "COMPLETECALLER", "5|4|1")
    )
    with_mark = "\ufeff".encode() + text.encode()
    assert by_columns(with_mark, []) == line_by_line(text)
    assert by_columns(with_mark, [])[3] == []  # no malformed lines
    # Anywhere else it is data, read alike by both parsers.
    assert by_columns(text.encode() + with_mark, [2]) == line_by_line(text + "\ufeff" + text)
