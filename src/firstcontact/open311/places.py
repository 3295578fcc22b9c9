"""A request's place as the public may see it (docs/access.md, "Public"): the street and town,
never a house number, flat, house name or full postcode; coordinates rounded to about 100 m
unless the service shows the exact point (a pothole, a street light)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from firstcontact.catalogue.models import PublicLocation, Service

# Rounded to 3 decimal places a point moves at most about 55 m north-south (and less
# east-west in Britain): enough to find the street, not the house.
STREET_DECIMALS = 3
POINT_DECIMALS = 6

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.I)
_OUTWARD = re.compile(r"^\s*([A-Z]{1,2}[0-9][A-Z0-9]?)\b", re.I)
# A flat, unit or floor within a building: "Flat 3", "Apt 2b", "Unit 4", "Ground floor flat".
_SUBUNIT = re.compile(
    r"\b(?:(?:ground|first|second|third|top|basement|lower|upper)\s+floor(?:\s+flat)?"
    r"|(?:flat|apartment|apt|unit|suite|room|studio|maisonette|bedsit|floor)\.?"
    r"(?:\s+(?:no\.?\s*)?[0-9]+[a-z]?\b|\s+[a-z]\b)?)",
    re.I,
)
# A house number and ranges or variants of it: "14", "14a", "12-14", "12/14", "No. 7".
_NUMBER = re.compile(
    r"(?<![\w/-])(?:(?:no\.?|number)\s*)?[0-9]+[a-z]?(?:\s*[-/–]\s*[0-9]+[a-z]?)?(?![\w/-])",
    re.I,
)
# Words that name a street (the place is that street); "Court" and "Mews" may also be a
# building's name, so they count only when no other street word is found.
_STREET_WORDS = re.compile(
    r"\b(?:street|st|road|rd|lane|ln|avenue|ave|way|drive|dr|close|cl|crescent|cres|place|pl"
    r"|terrace|row|hill|grove|gardens|gdns|green|square|sq|parade|rise|walk|view|vale"
    r"|bypass|highway|broadway|boulevard|embankment|quay|wharf|causeway|path|promenade"
    r"|circus|approach|market|park)\b\.?",
    re.I,
)
_WEAK_STREET_WORDS = re.compile(r"\b(?:court|ct|mews|yard)\b\.?", re.I)
# Words that name one building (a home, most often).
_BUILDING_WORDS = re.compile(
    r"\b(?:house|cottage|cottages|farm|farmhouse|lodge|barn|villa|manor|rectory|vicarage"
    r"|bungalow|mansions|flats|apartments|chalet|annexe|hall|grange|croft)\b",
    re.I,
)
_SPACES = re.compile(r"\s+")


def _tidy(part: str) -> str:
    return _SPACES.sub(" ", part).strip(" ,.;:-–/")


def street_only(address: str) -> str:
    """The address without what identifies one home: house numbers (and ranges), flats and
    units, house or building names before the street, and postcodes. "Flat 2, 14a High
    Street, Casterbridge, WX1 2AB" → "High Street, Casterbridge"; "Outside 22 Mill Lane" →
    "Outside Mill Lane". Empty when nothing but those is left."""
    text = _POSTCODE.sub(" ", address or "")
    parts = [p for p in (_tidy(p) for p in re.split(r"[,\n;]", text)) if p]
    # The street is the first part that starts with a house number (after "Outside" and the
    # like), else the first with a street word, else a building-ish street word ("Court").
    street_at = None
    for index, part in enumerate(parts):
        rest = _SUBUNIT.sub(" ", part)
        if re.match(r"^\s*(?:[a-z]+\s+){0,2}(?:no\.?\s*)?[0-9]", rest, re.I) and re.search(
            r"[0-9]+[a-z]?\s+[a-z]{2,}", rest, re.I
        ):
            street_at = index
            break
    if street_at is None:
        street_at = next((i for i, p in enumerate(parts) if _STREET_WORDS.search(p)), None)
    if street_at is None:
        street_at = next((i for i, p in enumerate(parts) if _WEAK_STREET_WORDS.search(p)), None)
    if street_at is None:
        # No street to be found: drop building names, then the first part when there are
        # several (a house name, most often); keep a lone description ("Bus station").
        parts = [p for p in parts if not _BUILDING_WORDS.search(p)]
        street_at = 1 if len(parts) > 1 else 0
    kept = []
    for part in parts[street_at:]:
        part = _tidy(_NUMBER.sub(" ", _SUBUNIT.sub(" ", part)))
        buildings = list(_BUILDING_WORDS.finditer(part))
        if buildings and _STREET_WORDS.search(part[buildings[-1].end() :]):
            part = _tidy(part[buildings[-1].end() :])  # "Rose Cottage High Street"
        if _BUILDING_WORDS.search(part) and not _STREET_WORDS.search(part):
            continue  # a building's name ("3 Rose Cottages"), not the street
        if part and re.search(r"[^\W\d_]", part):
            kept.append(part)
    return ", ".join(kept)


def outward_code(postcode: str) -> str:
    """The postcode's district ("WX1" of "WX1 2AB"): a full postcode covers a few homes."""
    match = _OUTWARD.match(postcode or "")
    return match.group(1).upper() if match else ""


@dataclass(frozen=True)
class PublicPlace:
    address: str | None
    zipcode: str | None
    lat: float | None
    long: float | None


def public_place(
    service: Service,
    *,
    address: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> PublicPlace:
    """Where a public request is, as precisely as its service allows."""
    exact = service.public_location == PublicLocation.POINT
    decimals = POINT_DECIMALS if exact else STREET_DECIMALS

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(float(value), decimals)

    return PublicPlace(
        address=street_only(address) or None,
        zipcode=outward_code(postcode) or None,
        lat=rounded(latitude),
        long=rounded(longitude),
    )
