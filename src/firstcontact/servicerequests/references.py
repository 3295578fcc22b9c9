"""References residents can read out and type back: 8 characters, no I, O, 0 or 1,
the last a Luhn mod 32 check character that catches any single wrong character and any
swap of two neighbours. Shown as ABCD-EFGH; accepted in any case, with or without spaces."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
BASE = len(ALPHABET)
LENGTH = 8


class ReferenceError(ValueError):
    """The text is not a valid reference; the message says why, for the resident."""


def check_character(payload: str) -> str:
    factor, total = 2, 0
    for ch in reversed(payload):
        addend = factor * _INDEX[ch]
        total += addend // BASE + addend % BASE
        factor = 1 if factor == 2 else 2
    return ALPHABET[(BASE - total % BASE) % BASE]


def is_valid(reference: str) -> bool:
    return (
        len(reference) == LENGTH
        and all(ch in _INDEX for ch in reference)
        and check_character(reference[:-1]) == reference[-1]
    )


# Luhn mod N cannot see a swap of the first and last characters of the alphabet ("A9" and
# "9A", as Luhn mod 10 misses "09"/"90"), so references holding that pair are never issued.
_UNCHECKED_SWAP = re.compile(f"{ALPHABET[0]}{ALPHABET[-1]}|{ALPHABET[-1]}{ALPHABET[0]}")


def new_reference() -> str:
    while True:
        payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
        reference = payload + check_character(payload)
        if not _UNCHECKED_SWAP.search(reference):
            return reference


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}"


def parse_reference(text: str) -> str:
    """The stored form of a typed reference, or ReferenceError saying what is wrong."""
    compact = re.sub(r"[\s\-]", "", text or "").upper()
    if compact.startswith("FC") and len(compact) == LENGTH + 2:
        compact = compact[2:]
    if not compact:
        raise ReferenceError("Enter a reference.")
    confusable = sorted({ch for ch in compact if ch in "IO01"})
    if confusable:
        raise ReferenceError(
            "References never contain the letters I or O or the numbers 0 or 1. "
            f"Check the characters {', '.join(confusable)}."
        )
    if not all(ch in _INDEX for ch in compact):
        raise ReferenceError("A reference contains only letters and numbers.")
    if len(compact) != LENGTH:
        raise ReferenceError(f"A reference is {LENGTH} characters long, like ABCD-EFGH.")
    if not is_valid(compact):
        raise ReferenceError(
            "That reference has a mistake in it. Check each character and try again."
        )
    return compact


def looks_like_reference(text: str) -> bool:
    compact = re.sub(r"[\s\-]", "", text or "").upper()
    # About one reference in ten is all letters: those are recognised by their check
    # character (a name that happens to pass falls back to a name search in the caller).
    return (
        len(compact) == LENGTH
        and compact.isalnum()
        and (any(ch.isdigit() for ch in compact) or is_valid(compact))
    )
