"""Report definitions: what a table on an insight page is, declared once.

A Report names its columns, its caption and note, its footer rule (a Total: sums, and rates
worked out from the sums, never averaged) and its charts (drawn from the same rows). A page
computes the rows from its scoped query and asks the report for a Table, which the shared
template renders as an accessible HTML table with its charts, and `Table.csv_response` as CSV.
So a new page is mostly declarations:

    BY_PARTNER = Report(
        name="sla-compliance",
        caption="Requests closed within their SLA",
        columns=(Column("partner", "Partner"), Column("closed", "Closed", "int"), ...),
        footer=Total("All", sums=("closed", "on_time"), ratios={"rate": ("on_time", "closed")}),
    )
    table = BY_PARTNER.table(rows)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from firstcontact.insight import charts, indicators
from firstcontact.insight.indicators import CallStats
from firstcontact.insight.tables import Column, Table

Rows = list[dict]


@dataclass(frozen=True)
class Total:
    """A footer rule: `label` in the first column, `sums` added up over the rows, each of
    `ratios` the sum of its numerator over the sum of its denominator (None when that is 0),
    `fixed` values as given. No footer when there are no rows (unless `when_empty`)."""

    label: str
    sums: tuple[str, ...] = ()
    ratios: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    when_empty: bool = False

    def __call__(self, rows: Rows, columns: Sequence[Column]) -> dict | None:
        if not rows and not self.when_empty:
            return None
        totals: dict[str, Any] = {columns[0].key: self.label}
        needed = set(self.sums) | {k for pair in self.ratios.values() for k in pair}
        sums = {key: _sum(row.get(key) for row in rows) for key in needed}
        for key in self.sums:
            totals[key] = sums[key]
        for key, (numerator, denominator) in self.ratios.items():
            totals[key] = sums[numerator] / sums[denominator] if sums[denominator] else None
        totals.update(self.fixed)
        return totals


def _sum(values) -> int | float | Decimal:
    total: Any = 0
    for value in values:
        if value is not None:
            total = total + value
    return total


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a report's rows: one category per row (`category`, a row key), one
    series per (label, row key). `title` and `description` may name context values in
    braces, filled by str.format when the table is made."""

    kind: str  # "bar" (stacked) or "line"
    title: str
    description: str
    category: str
    series: tuple[tuple[str, str], ...]
    percent: bool = False
    target: str | None = None  # a context key holding the target line's value

    def draw(self, rows: Rows, context: Mapping[str, Any]) -> SafeString:
        draw = charts.bar_chart if self.kind == "bar" else charts.line_chart
        kwargs: dict[str, Any] = {}
        if self.kind == "line":
            kwargs["target"] = context.get(self.target) if self.target else None
        return draw(
            title=self.title.format(**context),
            description=self.description.format(**context),
            categories=[str(row[self.category]) for row in rows],
            series=[(label, [row.get(key) for row in rows]) for label, key in self.series],
            percent=self.percent,
            **kwargs,
        )


@dataclass(frozen=True)
class Report:
    """One table's definition. `table()` makes the Table for given rows; anything that
    depends on the page's filters (a caption naming the day, a note) may be passed there."""

    name: str
    caption: str
    columns: tuple[Column, ...]
    footer: Total | Callable[[Rows, Sequence[Column]], dict | None] | None = None
    note: str = ""
    charts: tuple[Chart, ...] = ()
    charts_when_empty: bool = False

    def table(
        self,
        rows: Rows,
        *,
        caption: str | None = None,
        note: str | None = None,
        columns: Sequence[Column] | None = None,
        footer: dict | None | Callable = ...,  # type: ignore[assignment]
        charts: Sequence[SafeString] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Table:
        columns = list(columns if columns is not None else self.columns)
        context = context or {}
        if footer is ...:
            footer = self.footer(rows, columns) if self.footer else None
        if charts is None:
            drawn = rows or self.charts_when_empty
            charts = [chart.draw(rows, context) for chart in self.charts] if drawn else []
        return Table(
            name=self.name,
            # Only the definition's own texts are templates: a caption given here may hold
            # names with braces in them.
            caption=caption if caption is not None else self.caption.format(**context),
            columns=columns,
            rows=rows,
            charts=list(charts),
            note=note if note is not None else self.note.format(**context),
            footer=footer,
        )


# --- Shared by the call pages ---------------------------------------------------------------

INTERVAL_NAMES = {
    "15": "15 minutes",
    "30": "30 minutes",
    "60": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
}

CALL_COLUMNS = (
    Column("offered", "Offered", "int"),
    Column("answered", "Answered", "int"),
    Column("abandoned", "Abandoned", "int"),
    Column("abandonment", "Abandonment rate", "rate"),
    Column("service_level", "Service level", "rate"),
    Column("asa", "Average speed of answer", "seconds"),
    Column("aht", "Average handle time", "seconds"),
    Column("longest", "Longest wait", "seconds"),
    Column("occupancy", "Occupancy", "rate"),
)


def call_row(label: dict, s: CallStats) -> dict:
    """A row of call figures (CALL_COLUMNS) with the row's own labels."""
    return {
        **label,
        "offered": s.offered,
        "answered": s.answered,
        "abandoned": s.abandoned,
        "abandonment": s.abandonment_rate,
        "service_level": s.service_level,
        "asa": s.average_speed_of_answer,
        "aht": s.average_handle_time,
        "longest": s.longest_wait,
        "occupancy": s.occupancy,
    }


def pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def bucket_label(bucket: dt.datetime, interval: str, several_days: bool = False) -> str:
    if interval == "month":
        return f"{bucket:%b %Y}"
    if interval == "week":
        return f"w/c {bucket:%-d %b}"
    if interval in indicators.SUB_DAY_INTERVALS:
        return f"{bucket:%a %H:%M}" if several_days else f"{bucket:%H:%M}"
    return f"{bucket:%-d %b}"
