"""The demo partnership's fictional map.

Wessex is a rectangle of longitude -2.5..-1.0 and latitude 50.7..51.3, cut into three districts
side by side, each cut into three postcode districts (WX1..WX9: WX is not a UK postcode area, so
no demo postcode is anyone's real address). A small gazetteer of postcode units, streets and
property numbers (with made-up UPRNs) gives customers addresses and requests places.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle in WGS84 degrees."""

    west: float
    south: float
    east: float
    north: float

    def polygon(self) -> dict:
        """GeoJSON Polygon, (longitude, latitude), closed, anticlockwise."""
        w, s, e, n = self.west, self.south, self.east, self.north
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}

    @property
    def centre(self) -> tuple[float, float]:
        """(latitude, longitude) of the middle."""
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    def random_point(self, rng: random.Random, margin: float = 0.01) -> tuple[float, float]:
        """A (latitude, longitude) inside, at least `margin` degrees from every edge."""
        return (
            round(rng.uniform(self.south + margin, self.north - margin), 6),
            round(rng.uniform(self.west + margin, self.east - margin), 6),
        )

    def clamp(
        self, latitude: float, longitude: float, margin: float = 0.005
    ) -> tuple[float, float]:
        return (
            round(min(max(latitude, self.south + margin), self.north - margin), 6),
            round(min(max(longitude, self.west + margin), self.east - margin), 6),
        )

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


COUNTY_BOX = Box(west=-2.5, south=50.7, east=-1.0, north=51.3)


@dataclass(frozen=True)
class PostcodeDistrict:
    outward: str
    town: str
    district: str  # the slug of the district council whose area it is in
    box: Box


@dataclass(frozen=True)
class DistrictArea:
    slug: str
    name: str
    box: Box
    postcode_districts: tuple[PostcodeDistrict, ...]


def _district(slug: str, name: str, west: float, east: float, towns: list[tuple[str, str]]):
    bands = [(50.7, 50.9), (50.9, 51.1), (51.1, 51.3)]
    postcode_districts = tuple(
        PostcodeDistrict(outward, town, slug, Box(west, south, east, north))
        for (outward, town), (south, north) in zip(towns, bands, strict=True)
    )
    return DistrictArea(slug, name, Box(west, 50.7, east, 51.3), postcode_districts)


# West to east: Budmouth on the coast, Casterbridge (the county town, and the hub) in the middle,
# Melchester in the east.
DISTRICT_AREAS = [
    _district(
        "casterbridge",
        "Casterbridge",
        -2.0,
        -1.5,
        [("WX1", "Casterbridge"), ("WX2", "Weatherbury"), ("WX3", "Mellstock")],
    ),
    _district(
        "melchester",
        "Melchester",
        -1.5,
        -1.0,
        [("WX4", "Melchester"), ("WX5", "Shaston"), ("WX6", "Stourcastle")],
    ),
    _district(
        "budmouth",
        "Budmouth",
        -2.5,
        -2.0,
        [("WX7", "Budmouth"), ("WX8", "Port Bredy"), ("WX9", "Sherton Abbas")],
    ),
]
POSTCODE_DISTRICTS = {pd.outward: pd for area in DISTRICT_AREAS for pd in area.postcode_districts}
ALL_OUTWARD_CODES = sorted(POSTCODE_DISTRICTS)

# Letters allowed in the inward code of a UK postcode (no C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class PostcodeUnit:
    """One postcode: a street (or part of one) with a few dozen properties."""

    postcode: str
    street: str
    town: str
    outward: str
    district: str
    latitude: float
    longitude: float
    uprn_base: int
    properties: int

    def uprn(self, number: int) -> str:
        return str(self.uprn_base + number)

    def property_point(self, number: int) -> tuple[float, float]:
        """A point for house `number`: houses run along the street from the unit's centre."""
        box = POSTCODE_DISTRICTS[self.outward].box
        return box.clamp(self.latitude + number * 0.00004, self.longitude + number * 0.00006)


def build_gazetteer(rng: random.Random, units_per_district: int = 30) -> list[PostcodeUnit]:
    """Postcode units for every postcode district: unique postcodes and street names, points
    inside the postcode district's box, and UPRNs (12 digits, starting 99) for each property."""
    from firstcontact.demo.names import STREET_STEMS, STREET_TYPES

    units: list[PostcodeUnit] = []
    serial = 0
    for outward in ALL_OUTWARD_CODES:
        pd = POSTCODE_DISTRICTS[outward]
        inward_seen: set[str] = set()
        streets_seen: set[str] = set()
        while len(inward_seen) < units_per_district:
            inward = (
                f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            street = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_TYPES)}"
            if inward in inward_seen or street in streets_seen:
                continue
            inward_seen.add(inward)
            streets_seen.add(street)
            serial += 1
            latitude, longitude = pd.box.random_point(rng, margin=0.02)
            units.append(
                PostcodeUnit(
                    postcode=f"{outward} {inward}",
                    street=street,
                    town=pd.town,
                    outward=outward,
                    district=pd.district,
                    latitude=latitude,
                    longitude=longitude,
                    uprn_base=990_000_000_000 + serial * 1000,
                    properties=rng.randint(12, 90),
                )
            )
    return units
