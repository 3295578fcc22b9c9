"""Helpers for building small queue_log files by hand in tests."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from firstcontact.telephony.importer import import_queue_log

LONDON = ZoneInfo("Europe/London")


def at(day: dt.date, hhmmss: str) -> dt.datetime:
    """A local (Europe/London) time on `day`."""
    h, m, s = (int(p) for p in hhmmss.split(":"))
    return dt.datetime.combine(day, dt.time(h, m, s), tzinfo=LONDON)


def line(when: dt.datetime, call_id: str, queue: str, agent: str, event: str, *data) -> str:
    return "|".join([str(int(when.timestamp())), call_id, queue, agent, event, *map(str, data)])


def load(lines: list[str], source: str = "test.log"):
    return import_queue_log(io.StringIO("\n".join(lines) + "\n"), source=source)


def answered_call(day, queue, call_id, enter, wait, talk, agent, *, end="COMPLETECALLER"):
    """ENTERQUEUE, CONNECT after `wait` seconds, then `end` after `talk` seconds."""
    entered = at(day, enter)
    connected = entered + dt.timedelta(seconds=wait)
    ended = connected + dt.timedelta(seconds=talk)
    closing = (
        line(ended, call_id, queue, agent, end, "2001", "ctx", wait, talk, 1)
        if end == "TRANSFER"
        else line(ended, call_id, queue, agent, end, wait, talk, 1)
    )
    return [
        line(entered, call_id, queue, "NONE", "ENTERQUEUE", "", "07700900001", 1),
        line(connected, call_id, queue, agent, "CONNECT", wait, call_id + "9", 2),
        closing,
    ]


def left_call(day, queue, call_id, enter, wait, event="ABANDON"):
    """ENTERQUEUE, then ABANDON (or EXITWITHTIMEOUT, EXITEMPTY) after `wait` seconds."""
    entered = at(day, enter)
    left = entered + dt.timedelta(seconds=wait)
    closing = (
        line(left, call_id, queue, "NONE", event, 1, 1, 1, wait)
        if event == "EXITWITHKEY"
        else line(left, call_id, queue, "NONE", event, 1, 1, wait)
    )
    return [line(entered, call_id, queue, "NONE", "ENTERQUEUE", "", "07700900002", 1), closing]


def agent_event(day, hhmmss, queue, agent, event, *data):
    return line(at(day, hhmmss), "NONE", queue, agent, event, *data)
