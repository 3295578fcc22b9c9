"""Tables for the insight pages: one definition renders as an accessible HTML table (caption,
column headers with scope) and as CSV, so every table on a page can be downloaded."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

KINDS = {
    "text",
    "int",
    "count",  # an int, or a Withheld (small-number suppression): insight.hotspots
    "signed",  # a change: +3, −2
    "rate",
    "seconds",
    "money",
    "number",
    "date",
    "datetime",
    "time",
    "links",  # Links: shown on the page, left out of the CSV
}


class Withheld:
    """A count not shown (small-number suppression); `label` says why, on the page and in
    the CSV alike."""

    def __init__(self, label: str):
        self.label = label

    def __str__(self) -> str:
        return self.label


class Links:
    """Links in a cell (a place's action log, "Report to another agency"), each with words
    for screen readers naming the row."""

    def __init__(self, links: list[tuple[str, str]], row_name: str = ""):
        self.links = links
        self.row_name = row_name

    def __html__(self) -> str:
        return format_html_join(
            " ",
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>',
            ((url, text, self.row_name) for text, url in self.links),
        )

    def __str__(self) -> str:
        return ", ".join(text for text, _ in self.links)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def numeric(self) -> bool:
        return self.kind in {"int", "count", "signed", "rate", "seconds", "money", "number"}


def display(value, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Withheld):
        return value.label
    if isinstance(value, Links):
        return SafeString(value.__html__())
    if kind == "signed":
        return "0" if value == 0 else f"{value:+,}".replace("-", "−")
    if kind in {"int", "count"}:
        return f"{int(value):,}"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "seconds":
        seconds = round(float(value))
        if seconds < 60:
            return f"{seconds}s"
        minutes, seconds = divmod(seconds, 60)
        if minutes < 60:
            return f"{minutes}m {seconds:02d}s"
        hours, minutes = divmod(minutes, 60)
        return f"{hours}h {minutes:02d}m"
    if kind == "money":
        return f"£{Decimal(value):,.2f}"
    if kind == "number":
        return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    if kind == "date":
        return f"{value:%-d %b %Y}" if isinstance(value, dt.date) else str(value)
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
        return str(value)
    if kind == "time":
        if isinstance(value, dt.datetime):
            return f"{timezone.localtime(value):%H:%M}"
        return str(value)
    return str(value)


def raw(value, kind: str):
    """The value as written to CSV: numbers unformatted, rates as 0–1, times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, Withheld):
        return value.label
    if kind == "rate":
        return f"{value:.4f}"
    if kind == "seconds":
        return f"{float(value):.1f}"
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind in {"date", "datetime", "time"} and isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).isoformat()
        return value.isoformat()
    return value


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    note: str = ""
    footer: dict | None = None  # a totals row

    @property
    def header(self) -> list[Column]:
        return self.columns

    @property
    def body(self) -> list[list[tuple[str, bool, bool]]]:
        """Rows of (text, numeric, is_row_header) cells for the template."""
        return [self._cells(row) for row in self.rows]

    @property
    def foot(self) -> list[tuple[str, bool, bool]] | None:
        return self._cells(self.footer) if self.footer else None

    def _cells(self, row: dict):
        return [
            (display(row.get(c.key), c.kind), c.numeric, i == 0) for i, c in enumerate(self.columns)
        ]

    def csv_response(self, filename_prefix: str = "insight") -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="{filename_prefix}-{self.name}-{stamp}.csv"'
        )
        writer = csv.writer(response)
        columns = [c for c in self.columns if c.kind != "links"]
        writer.writerow([c.label for c in columns])
        for row in self.rows + ([self.footer] if self.footer else []):
            writer.writerow(
                [
                    _csv_safe(raw(row.get(c.key), c.kind))
                    if c.kind == "text"
                    else raw(row.get(c.key), c.kind)
                    for c in columns
                ]
            )
        return response


def _csv_safe(value):
    """Stop spreadsheet formula injection from names that start with = + - @."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value
