"""Answers to a service's questions as people read them: choice names rather than keys, and
dates as dates ("30 November 2026", not "2026-11-30T00:00:00"). Stored answers stay as
validate_answers keeps them (ISO 8601 for dates)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime

from firstcontact.catalogue.models import Datatype


def display_date(value: object) -> str:
    """An ISO 8601 date or date-time as a reader would write it: the date alone when no time
    was given (midnight, as validate_answers stores a bare date), else the date and the time
    in local time. Anything unreadable is shown as it is."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            return formats.date_format(dt.date.fromisoformat(text[:10]), "j F Y")
        except ValueError:
            return text
    if parsed.tzinfo is not None:
        parsed = timezone.localtime(parsed)
    if parsed.time() == dt.time():
        return formats.date_format(parsed.date(), "j F Y")
    return f"{formats.date_format(parsed.date(), 'j F Y')}, {parsed:%H:%M}"


def display_answer(attribute, value: object) -> str:
    """One stored answer to `attribute` (a ServiceAttribute, or None when the service no
    longer asks it) as text."""
    if value in (None, "", []):
        return ""
    names = {str(v["key"]): str(v["name"]) for v in (attribute.values if attribute else []) or []}
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value)
    if attribute is not None and attribute.datatype == Datatype.DATETIME:
        return display_date(value)
    return names.get(str(value), str(value))
