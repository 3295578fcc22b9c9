"""Timing a page as a user gets it, for the benchmarks that render pages."""

from __future__ import annotations

import time


def render_times(client, url: str, params: dict, renders: int) -> list[float]:
    """Seconds each of `renders` GETs of the page took (each must answer 200)."""
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times
