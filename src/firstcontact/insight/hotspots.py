"""Community-safety hotspots: counts of requests by grid square (binned in the database, so
no exact point ever leaves it), by area, by category, by hour and by day, with small numbers
suppressed.

Suppression, for every group of counts shown with its total (a table column and its total
row): a count of 1 to 4 is shown as "fewer than 5" (primary). Where the total less the shown
counts would then give a suppressed count away (one suppressed cell alone; or a few whose
possible values are pinned by their bounds: 1–4 for "fewer than 5", 5 or more for a withheld
one), the smallest other non-zero counts are withheld too (secondary), until none can be
worked out; if that is impossible, the total is not shown either. A chart or map never shows
what its table withholds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import CharField, Count, DateTimeField, F, Func, IntegerField, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from firstcontact.insight.tables import Withheld

SMALL = 5
FEWER_THAN_5 = Withheld("fewer than 5")
WITHHELD = Withheld("withheld")
NOT_SHOWN = Withheld("not shown")  # a total that would give its cells away

# About 500 metres each way in southern England (51°N).
CELL_LAT = 0.0045
CELL_LON = 0.0072


# --- Suppression ----------------------------------------------------------------------------


def _disclosed(suppressed: dict[int, tuple[int, float]], hidden_sum: int) -> bool:
    """Whether any suppressed cell's value is pinned by the known sum of them all and the
    bounds (low, high) of the others."""
    if not suppressed:
        return False
    lows = sum(lo for lo, _ in suppressed.values())
    highs = sum(hi for _, hi in suppressed.values())
    for lo, hi in suppressed.values():
        least = max(lo, hidden_sum - (highs - hi))
        most = min(hi, hidden_sum - (lows - lo))
        if least == most:
            return True
    return False


def suppress(values: Sequence[int]) -> tuple[list, int | Withheld]:
    """The values as shown (each an int or a Withheld) and the total as shown."""
    shown: list = list(values)
    total = sum(values)
    bounds: dict[int, tuple[int, float]] = {}
    for i, v in enumerate(values):
        if 0 < v < SMALL:
            shown[i] = FEWER_THAN_5
            bounds[i] = (1, SMALL - 1)
    if 0 < total < SMALL:
        # Four cells of "fewer than 5" in a total under 5 are each 1.
        nonzero = sum(1 for v in values if v)
        return shown, (NOT_SHOWN if nonzero >= SMALL - 1 else FEWER_THAN_5)
    hidden = sum(values[i] for i in bounds)
    while _disclosed(bounds, hidden):
        candidates = [i for i, v in enumerate(values) if v > 0 and i not in bounds]
        if not candidates:
            return shown, NOT_SHOWN
        i = min(candidates, key=lambda i: (values[i], i))
        shown[i] = WITHHELD
        bounds[i] = (SMALL, math.inf)
        hidden += values[i]
    return shown, total


def change(current, previous) -> int | None:
    """The change from the previous period, only where both counts are shown."""
    if isinstance(current, Withheld) or isinstance(previous, Withheld):
        return None
    return current - previous


def sort_key(value) -> tuple:
    """Order by what is shown: shown counts largest first, then the suppressed ones (whose
    order must not hint at their size)."""
    return (1, 0) if isinstance(value, Withheld) else (0, -value)


# --- Grid squares ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Square:
    row: int  # floor(latitude / CELL_LAT)
    col: int  # floor(longitude / CELL_LON)

    @property
    def key(self) -> str:
        return f"g{self.row}_{self.col}"

    @classmethod
    def parse(cls, key: str) -> Square | None:
        if not key.startswith("g") or "_" not in key:
            return None
        row, _, col = key[1:].partition("_")
        try:
            square = cls(int(row), int(col))
        except ValueError:
            return None
        if abs(square.row) > 90 / CELL_LAT or abs(square.col) > 180 / CELL_LON:
            return None
        return square

    @property
    def south(self) -> float:
        return self.row * CELL_LAT

    @property
    def west(self) -> float:
        return self.col * CELL_LON

    @property
    def centre(self) -> tuple[float, float]:
        """(latitude, longitude) of the middle."""
        return (self.south + CELL_LAT / 2, self.west + CELL_LON / 2)

    @property
    def label(self) -> str:
        lat, lon = self.centre
        ns = "N" if lat >= 0 else "S"
        ew = "E" if lon >= 0 else "W"
        return f"Square {self.key[1:]} ({abs(lat):.3f}°{ns} {abs(lon):.3f}°{ew})"


class CellIndex(Func):
    """floor(field / size): the row or column of a grid square, in SQL. On SQLite without its
    FLOOR (Django supplies one as a Python function, called once per row: seconds over a month
    of a million requests). `size` is one of this module's constants, never user input."""

    output_field = IntegerField()

    def __init__(self, field: str, size: float):
        super().__init__(F(field))
        self.size = float(size)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR({column} / {self.size!r})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        ratio = f"({column} / {self.size!r})"
        truncated = f"CAST({ratio} AS INTEGER)"
        return (
            f"(CASE WHEN {ratio} < {truncated} THEN {truncated} - 1 ELSE {truncated} END)",
            params * 4,
        )


def square_counts(requests: QuerySet) -> dict[Square, int]:
    """Requests per grid square, counted in the database: only the squares leave it."""
    rows = (
        requests.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(
            fc_row=CellIndex("latitude", CELL_LAT),
            fc_col=CellIndex("longitude", CELL_LON),
        )
        .values("fc_row", "fc_col")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {Square(int(r["fc_row"]), int(r["fc_col"])): r["n"] for r in rows}


def requests_in(requests: QuerySet, square: Square) -> QuerySet:
    return requests.filter(
        latitude__gte=square.south,
        latitude__lt=square.south + CELL_LAT,
        longitude__gte=square.west,
        longitude__lt=square.west + CELL_LON,
    )


@dataclass(frozen=True)
class Area:
    name: str
    prepared: object  # a shapely prepared geometry


OUTSIDE = "Outside these areas"


def areas_of(squares: Sequence[Square], areas: Sequence[Area]) -> dict[Square, str]:
    """Each square's area: the first holding its centre (an approximation at 500 metres),
    for many squares at once (vectorised: thousands of squares in milliseconds)."""
    import numpy as np
    import shapely

    names = {s: OUTSIDE for s in squares}
    if not squares:
        return names
    lats = np.array([s.centre[0] for s in squares])
    lons = np.array([s.centre[1] for s in squares])
    left = np.ones(len(squares), dtype=bool)
    for area in areas:
        # intersects_xy: a point on the boundary counts, as covers() did.
        inside = left & shapely.intersects_xy(area.prepared.context, lons, lats)
        for i in np.flatnonzero(inside):
            names[squares[i]] = area.name
        left &= ~inside
    return names


def load_areas(partner_id: int) -> list[Area]:
    from shapely.prepared import prep

    from firstcontact.partners.geography import parse_boundary
    from firstcontact.partners.models import PartnerArea

    out = []
    for name, boundary in (
        PartnerArea.objects.filter(partner_id=partner_id, boundary__isnull=False)
        .order_by("name")
        .values_list("name", "boundary")
    ):
        try:
            out.append(Area(name, prep(parse_boundary(boundary))))
        except ValueError:
            continue
    return out


# --- The map, drawn on the server -----------------------------------------------------------

BANDS = [
    (None, "#f3f2f1", "Fewer than 5, or withheld"),
    (5, "#c2dbef", "5 to 9"),
    (10, "#80b3dc", "10 to 19"),
    (20, "#1d70b8", "20 to 49"),
    (50, "#003078", "50 or more"),
]
MAP_WIDTH = 640


def _band(value) -> tuple[str, str]:
    if isinstance(value, Withheld):
        return BANDS[0][1], BANDS[0][2]
    chosen = BANDS[1]
    for band in BANDS[1:]:
        if value >= band[0]:
            chosen = band
    return chosen[1], chosen[2]


def grid_map(title: str, description: str, cells: dict[Square, object]) -> SafeString:
    """An SVG of the squares with requests, shaded by band: the shown value's band, or the
    suppressed shade; each square's <title> says what the table says. North is up."""
    if not cells:
        return mark_safe("")
    rows = [s.row for s in cells]
    cols = [s.col for s in cells]
    top, bottom, left, right = max(rows), min(rows), min(cols), max(cols)
    n_rows, n_cols = top - bottom + 1, right - left + 1
    # Squares are about square on the ground: the same size on the map.
    size = max(2.0, min(32.0, MAP_WIDTH / n_cols))
    width, height = n_cols * size, n_rows * size
    legend_y = height + 20
    parts = [
        f'<svg class="fc-chart fc-map" viewBox="0 0 {max(width, 560):.0f} {legend_y + 40:.0f}" '
        'role="img" aria-labelledby="fc-map-title fc-map-desc" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="fc-map-title">{escape(title)}</title>',
        f'<desc id="fc-map-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="#ffffff" '
        'stroke="#b1b4b6"/>',
    ]
    for square, value in sorted(cells.items()):
        fill, band = _band(value)
        x = (square.col - left) * size
        y = (top - square.row) * size
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}" '
            f'fill="{fill}" stroke="#505a5f" stroke-width="0.5">'
            f"<title>{escape(square.label)}: {escape(str(value))}</title></rect>"
        )
    parts.append('<g font-family="sans-serif" font-size="12" fill="#0b0c0c">')
    for i, (_, colour, label) in enumerate(BANDS):
        x = (i % 3) * 190
        y = legend_y + 20 * (i // 3)
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}" stroke="#505a5f"/>'
        )
        parts.append(f'<text x="{x + 18}" y="{y}">{escape(label)}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def local_hours_and_days(requests: QuerySet) -> tuple[dict[int, int], dict[int, int]]:
    """Requests by local hour of day (0–23) and ISO day of the week (1–7).

    Counted in the database by UTC hour (natively on both databases; Django's ExtractHour with
    a time zone calls Python once per row on SQLite), then each hour turned to local time
    here: exact, since the UK's offsets from UTC are whole hours."""
    from collections import Counter

    from django.db import connection
    from django.db.models import Func, Value

    from firstcontact.insight.indicators import local_zone

    if connection.vendor == "sqlite":
        bucket = Func(
            Value("%Y-%m-%d %H"), F("created_at"), function="strftime", output_field=CharField()
        )
    else:
        bucket = Func(
            Value("hour"), F("created_at"), function="date_trunc", output_field=DateTimeField()
        )
    rows = requests.annotate(fc_hour=bucket).values("fc_hour").annotate(n=Count("pk")).order_by()
    hours: Counter[int] = Counter()
    days: Counter[int] = Counter()
    zone = local_zone()
    for row in rows:
        value = row["fc_hour"]
        if isinstance(value, str):
            value = dt.datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
        elif value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        local = value.astimezone(zone)
        hours[local.hour] += row["n"]
        days[local.isoweekday()] += row["n"]
    return dict(hours), dict(days)


def previous_period(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The same number of days just before."""
    days = (last - first).days + 1
    return first - dt.timedelta(days=days), first - dt.timedelta(days=1)
