"""Checks shared by every app's service functions at the edge."""

from __future__ import annotations

from collections.abc import Mapping

UNSTORABLE_MESSAGE = "Remove the unusual characters (such as NUL) from this answer."


def is_storable_text(value: object) -> bool:
    """False for text PostgreSQL cannot store (NUL characters) — it would be a 500 otherwise."""
    return not (isinstance(value, str) and "\x00" in value)


def unstorable_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """Field errors for each value that cannot be stored."""
    return {
        name: UNSTORABLE_MESSAGE for name, value in fields.items() if not is_storable_text(value)
    }
