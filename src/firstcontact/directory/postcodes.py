"""Postcode centroids from the ONS Postcode Directory or OS Code-Point Open
(`firstcontact import_postcodes FILE`).

- ONSPD (CSV with a header row): `pcd` (7 characters), `pcd2` (8), `pcds` (the usual form,
  "AB1 0AA"), ..., `doterm` (the month it was terminated, YYYYMM, blank while live), ...,
  `lat`, `long` (WGS84). Postcodes without a grid reference carry lat 99.999999: skipped.
- Code-Point Open (CSV, no header): Postcode, Positional_quality_indicator, Eastings,
  Northings, Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code,
  Admin_district_code, Admin_ward_code. Eastings and northings are on the British National
  Grid (OSGB36) and are converted to WGS84; quality 90 (no coordinates) is skipped.

Rows are upserted by postcode in batches, so loading a newer file over an older one updates it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from firstcontact.directory.geo import osgb_to_wgs84
from firstcontact.directory.models import Postcode
from firstcontact.partners.geography import normalise_postcode

BATCH = 5000
ONSPD = "onspd"
CODE_POINT = "codepoint"


class PostcodeFileError(Exception):
    pass


@dataclass
class PostcodeReport:
    layout: str = ""
    loaded: int = 0
    skipped: int = 0
    examples: list[str] = field(default_factory=list)  # a few skipped rows, for the message

    def skip(self, why: str) -> None:
        self.skipped += 1
        if len(self.examples) < 5:
            self.examples.append(why)


def detect_layout(first_row: list[str]) -> str:
    header = {cell.strip().strip('"').lower() for cell in first_row}
    if {"lat", "long"} <= header and header & {"pcds", "pcd", "pcd2"}:
        return ONSPD
    if len(first_row) >= 4 and normalise_postcode(first_row[0]) is not None:
        try:
            float(first_row[2])
            float(first_row[3])
        except ValueError:
            pass
        else:
            return CODE_POINT
    raise PostcodeFileError(
        "This is neither an ONS Postcode Directory CSV (a header with pcds, lat and long) nor "
        "an OS Code-Point Open CSV (no header; postcode, quality, eastings, northings, ...)."
    )


def _month(value: str) -> dt.date | None:
    value = value.strip()
    if len(value) == 6 and value.isdigit():
        year, month = int(value[:4]), int(value[4:])
        if 1 <= month <= 12:
            return dt.date(year, month, 1)
    return None


def _onspd_rows(reader: Iterator[list[str]], header: list[str], report: PostcodeReport):
    names = [h.strip().strip('"').lower() for h in header]
    index = {name: i for i, name in enumerate(names)}
    code_column = next(index[c] for c in ("pcds", "pcd2", "pcd") if c in index)
    lat_i, lon_i = index["lat"], index["long"]
    term_i = index.get("doterm")
    for line, row in enumerate(reader, start=2):
        try:
            postcode = normalise_postcode(row[code_column])
            latitude, longitude = float(row[lat_i]), float(row[lon_i])
        except (IndexError, ValueError):
            report.skip(f"line {line}: not a postcode with a latitude and longitude")
            continue
        if postcode is None:
            report.skip(f"line {line}: {row[code_column]!r} is not a postcode")
            continue
        if not (49 <= latitude <= 61 and -9 <= longitude <= 3):
            report.skip(f"line {line}: {postcode} has no grid reference")
            continue
        terminated = _month(row[term_i]) if term_i is not None and term_i < len(row) else None
        yield Postcode(
            postcode=postcode,
            latitude=round(latitude, 6),
            longitude=round(longitude, 6),
            terminated=terminated,
        )


def _code_point_rows(rows: Iterable[list[str]], report: PostcodeReport):
    pending: list[tuple[str, float, float]] = []

    def flush():
        points = osgb_to_wgs84((e, n) for _, e, n in pending)
        for (postcode, _, _), (latitude, longitude) in zip(pending, points, strict=True):
            yield Postcode(postcode=postcode, latitude=latitude, longitude=longitude)
        pending.clear()

    for line, row in enumerate(rows, start=1):
        try:
            postcode = normalise_postcode(row[0])
            quality = int(row[1]) if row[1].strip() else 0
            easting, northing = float(row[2]), float(row[3])
        except (IndexError, ValueError):
            report.skip(f"line {line}: not a postcode with eastings and northings")
            continue
        if postcode is None:
            report.skip(f"line {line}: {row[0]!r} is not a postcode")
            continue
        if quality == 90 or not (0 < easting < 700_000 and 0 < northing < 1_300_000):
            report.skip(f"line {line}: {postcode} has no grid reference")
            continue
        pending.append((postcode, easting, northing))
        if len(pending) >= BATCH:
            yield from flush()
    if pending:
        yield from flush()


def load_postcodes(path: Path, *, progress: Callable | None = None) -> PostcodeReport:
    report = PostcodeReport()
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise PostcodeFileError(f"Cannot open {path}: {exc.strerror}.") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            first = next(reader)
        except StopIteration:
            raise PostcodeFileError(f"{path} is empty.") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PostcodeFileError(f"{path} is not a readable CSV file ({exc}).") from exc
        report.layout = detect_layout(first)
        if report.layout == ONSPD:
            rows = _onspd_rows(reader, first, report)
        else:
            rows = _code_point_rows(_chain(first, reader), report)
        bar = progress(total=None) if progress else None
        batch: list[Postcode] = []
        try:
            for postcode in rows:
                batch.append(postcode)
                if len(batch) >= BATCH:
                    report.loaded += _save(batch)
                    if bar is not None:
                        bar.update(len(batch))
                    batch = []
            report.loaded += _save(batch)
            if bar is not None:
                bar.update(len(batch))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PostcodeFileError(f"{path} stopped being readable CSV ({exc}).") from exc
        finally:
            if bar is not None:
                bar.close()
    return report


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def _save(batch: list[Postcode]) -> int:
    if not batch:
        return 0
    # The last row wins for a postcode repeated in one batch.
    unique = {p.postcode: p for p in batch}
    with transaction.atomic():
        Postcode.objects.bulk_create(
            unique.values(),
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude", "terminated"],
        )
    return len(unique)
