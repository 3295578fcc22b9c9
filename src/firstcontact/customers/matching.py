"""Name normalisation and fuzzy scoring shared by search and duplicate checks."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def normalise_name(value: str) -> str:
    """'  Siân O'Brien-Smith ' -> 'sian obrien smith'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", ascii_only)).strip()


def name_score(query: str, candidate: str) -> float:
    """0–100: how well a typed name matches a stored (normalised) name, typos allowed.

    token_sort handles "Smith John"; WRatio handles partial names ("j smith") and typos.
    """
    return max(fuzz.token_sort_ratio(query, candidate), fuzz.WRatio(query, candidate))


def trigrams(value: str) -> set[str]:
    """Distinct three-letter pieces of each word, for candidate look-up."""
    grams: set[str] = set()
    for word in value.split():
        padded = word if len(word) >= 3 else word
        for i in range(max(1, len(padded) - 2)):
            gram = padded[i : i + 3]
            if len(gram) == 3:
                grams.add(gram)
    return grams
