"""Keep Open311 api_key values out of the logs.

Clients send their key as a parameter (`?api_key=…` on GETs, in the form on POSTs), so any log
line that carries a request line, a query string or a form (Django's development server, an
error report, an exception's message) could carry a key. `RedactAPIKeys`, a logging filter on
the project's log handlers (settings.LOGGING), replaces every key and every `api_key=` value
in a record's message, arguments and traceback with "[redacted]" before it is written.
"""

from __future__ import annotations

import logging
import re
import traceback

# open311.models.KEY_PREFIX (not imported: logging is configured before the apps load).
KEY_PREFIX = "fc311_"
REDACTED = "[redacted]"
# api_key=VALUE in a query string or form (also URL-encoded: api_key%3D), api_key: VALUE and
# 'api_key': 'VALUE' in a repr of a QueryDict or dict, and any key by its prefix.
_PATTERNS = [
    re.compile(r"(?i)(api_key(?:=|%3D))[^&\s\"'<>]+"),
    re.compile(r"(?i)(['\"]api_key['\"]\s*:\s*\[?\s*['\"])[^'\"]*"),
    re.compile(rf"()(?<![\w-]){re.escape(KEY_PREFIX)}[\w-]+"),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _redact_value(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes):
        return redact(value.decode("utf-8", "replace"))
    if value is None or isinstance(value, int | float):
        return value
    # An object whose text holds a key (a request's repr has its full path): its text.
    text = str(value)
    cleaned = redact(text)
    return cleaned if cleaned != text else value


class RedactAPIKeys(logging.Filter):
    """Always lets the record through, with api_key values replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = _redact_value(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(_redact_value(a) for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {k: _redact_value(v) for k, v in record.args.items()}
            if record.exc_info and not record.exc_text:
                # Formatted here (as the handler's formatter would) so it can be redacted.
                record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
        except Exception:  # a filter must never stop a record from being logged
            pass
        return True
