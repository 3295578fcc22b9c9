"""Distances on the ground, bounding boxes for proximity search, and OS grid references."""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points (within 0.5% of the
    ellipsoid's, plenty for "within 5 km")."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) around a point that holds every point within `metres`:
    the SQL prefilter before the exact distance."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    # The widest the circle gets in longitude is at its pole-ward edge.
    widest = min(89.9, abs(lat) + dlat)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * math.cos(math.radians(widest))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@lru_cache(maxsize=1)
def _osgb_to_wgs84():
    from pyproj import Transformer

    # EPSG:27700 (OSGB36 / British National Grid) to EPSG:4326 (WGS84), x=easting first.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def osgb_to_wgs84(
    points: Iterable[tuple[float, float]],
) -> list[tuple[float, float]]:
    """(easting, northing) pairs on the British National Grid to (latitude, longitude).

    PROJ's transformation without the OSTN15 grid (a Helmert shift) is good to a few metres,
    well within a postcode's size."""
    points = list(points)
    if not points:
        return []
    eastings, northings = zip(*points, strict=True)
    longitudes, latitudes = _osgb_to_wgs84().transform(eastings, northings)
    return [(round(la, 6), round(lo, 6)) for la, lo in zip(latitudes, longitudes, strict=True)]
