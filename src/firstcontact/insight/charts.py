"""Charts as server-rendered inline SVG: no JavaScript, readable by screen readers through a
<title> and <desc>, and always shown beside a table of the same figures.

Colours are GOV.UK Frontend's palette; series are also told apart by position (stacked
bars) or marker shape (lines), not colour alone.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#28a197"]
MARKERS = ["circle", "square", "diamond", "triangle"]
_ids = itertools.count(1)

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return candidate
    return 10 ** (exponent + 1)


def _tick_label(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _frame(
    title: str,
    description: str,
    body: list[str],
    legend: Sequence[tuple[str, str]],
    y_max: float,
    percent: bool,
    categories: Sequence[str],
) -> SafeString:
    chart_id = f"fc-chart-{next(_ids)}"
    parts = [
        f'<svg class="fc-chart" viewBox="0 0 {WIDTH} {HEIGHT + 24 * math.ceil(len(legend) / 3)}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        '<g font-family="sans-serif" font-size="12" fill="#0b0c0c">',
    ]
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_tick_label(value, percent)}</text>"
        )
    parts.extend(body)
    # Category labels: at most about 12, evenly spaced.
    n = len(categories)
    if n:
        step = max(1, math.ceil(n / 12))
        band = (WIDTH - LEFT - RIGHT) / n
        for i in range(0, n, step):
            x = LEFT + band * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(categories[i])}</text>"
            )
    for i, (name, colour) in enumerate(legend):
        x = LEFT + (i % 3) * 190
        y = HEIGHT - 12 + 24 * (i // 3)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}">{escape(name)}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    percent: bool = False,
) -> SafeString:
    """Stacked vertical bars, one per category, one segment per series."""
    totals = [sum((values[i] or 0) for _, values in series) for i in range(len(categories))]
    y_max = 1.0 if percent else _nice_max(max(totals, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT - RIGHT) / max(1, len(categories))
    bar_w = max(1.0, band * 0.7)
    body = []
    for i in range(len(categories)):
        base = 0.0
        for s, (_, values) in enumerate(series):
            value = values[i] or 0
            if value <= 0:
                continue
            h = plot_h * value / y_max
            y = TOP + plot_h - plot_h * base / y_max - h
            x = LEFT + band * i + (band - bar_w) / 2
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"/>'
            )
            base += value
    legend = [(name, COLOURS[s % len(COLOURS)]) for s, (name, _) in enumerate(series)]
    return _frame(title, description, body, legend, y_max, percent, categories)


def line_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    percent: bool = False,
    target: float | None = None,
) -> SafeString:
    """Lines with markers; gaps where a value is None; an optional dashed target line."""
    values = [v for _, vs in series for v in vs if v is not None]
    y_max = 1.0 if percent else _nice_max(max(values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT - RIGHT) / max(1, len(categories))
    body = []
    if target is not None:
        y = TOP + plot_h - plot_h * target / y_max
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    for s, (_, vs) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = []
        segments = []
        for i, v in enumerate(vs):
            if v is None:
                if points:
                    segments.append(points)
                points = []
                continue
            x = LEFT + band * (i + 0.5)
            y = TOP + plot_h - plot_h * v / y_max
            points.append((x, y))
        if points:
            segments.append(points)
        for seg in segments:
            if len(seg) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>'
                )
            for x, y in seg:
                body.append(_marker(MARKERS[s % len(MARKERS)], x, y, colour))
    legend = [(name, COLOURS[s % len(COLOURS)]) for s, (name, _) in enumerate(series)]
    if target is not None:
        legend.append((f"Target {_tick_label(target, percent)}", "#0b0c0c"))
    return _frame(title, description, body, legend, y_max, percent, categories)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},'
            f'{y + 4:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
