"""Postcodes, boundaries and which partners' areas contain a place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(value: str) -> str | None:
    """'bo1  2ab' -> 'BO1 2AB'; None when it is not a full UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_outward_code(value: str) -> str | None:
    """The postcode district ('BO1') of a full postcode or of an outward code on its own."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if _OUTWARD.match(compact):
        return compact
    full = normalise_postcode(compact)
    return full.split(" ")[0] if full else None


@dataclass(frozen=True)
class Location:
    """Where something is: coordinates (WGS84), a postcode, or both."""

    latitude: float | None = None
    longitude: float | None = None
    postcode: str = ""
    uprn: str = ""
    address: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def outward_code(self) -> str | None:
        return normalise_outward_code(self.postcode) if self.postcode else None

    @property
    def is_empty(self) -> bool:
        return not self.has_point and not self.postcode


def validate_coordinates(latitude: float, longitude: float) -> list[str]:
    problems = []
    if not -90 <= latitude <= 90:
        problems.append("Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        problems.append("Longitude must be between -180 and 180.")
    return problems


def parse_boundary(geojson: dict) -> BaseGeometry:
    """A shapely geometry from a GeoJSON Polygon/MultiPolygon; ValueError if it is not one."""
    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValueError("The boundary must be a GeoJSON Polygon or MultiPolygon.")
    try:
        geometry = shape(geojson)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"The boundary is not valid GeoJSON: {exc}") from exc
    if geometry.is_empty or not geometry.is_valid:
        raise ValueError("The boundary polygon is empty or crosses itself.")
    return geometry


@lru_cache(maxsize=512)
def _prepared(geojson_key: str) -> PreparedGeometry:
    import json

    return prep(parse_boundary(json.loads(geojson_key)))


def boundary_contains(geojson: dict, latitude: float, longitude: float) -> bool:
    import json

    prepared = _prepared(json.dumps(geojson, sort_keys=True))
    # GeoJSON is (longitude, latitude).
    return prepared.covers(Point(longitude, latitude))
