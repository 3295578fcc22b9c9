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


def search_names(
    *, organisation: bool, given_name: str, family_name: str, organisation_name: str
) -> tuple[str, str, str]:
    """A customer's normalised (search_name, search_given, search_family).

    search_name is the whole name, for any customer; search_given and search_family are a
    person's two names apart (empty for an organisation), for the quick look-up of names
    within a typo of each word typed.
    """
    if organisation:
        return normalise_name(organisation_name), "", ""
    whole = normalise_name(f"{given_name} {family_name}")
    return whole, normalise_name(given_name), normalise_name(family_name)


# What a typo puts into a normalised name (digits are too rare in names to be worth it).
_TYPED = "abcdefghijklmnopqrstuvwxyz "


def one_typo_away(value: str) -> set[str]:
    """`value` and every string one typo from it: a letter dropped, added, replaced, or two
    neighbouring letters swapped (Damerau-Levenshtein distance 1).

    Hundreds of strings for a name (55n + 27 at most for n letters), which an index looks up
    exactly: cheaper than a trigram search, which a typo in a short name defeats ("jnoes" has
    no trigram in common with "jones").
    """
    found = {value}
    for i in range(len(value) + 1):
        head, tail = value[:i], value[i:]
        found.update(head + c + tail for c in _TYPED)
        if tail:
            found.add(head + tail[1:])
            found.update(head + c + tail[1:] for c in _TYPED)
        if len(tail) > 1:
            found.add(head + tail[1] + tail[0] + tail[2:])
    return {v for v in found if v and v == v.strip() and "  " not in v}


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
