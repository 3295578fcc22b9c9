#!/usr/bin/env python3
"""Erlang C staffing for 96 intervals × 50 queues, side by side with pyworkforce.

    .venv/bin/python bench/erlang_staffing.py            # 96 × 50 = 4,800 cases
    .venv/bin/python bench/erlang_staffing.py --quick    # 48 × 10 = 480 cases

A day of 15-minute intervals for 50 queues: calls per interval follow a daily curve scaled by
queue (from a few calls to about 1,200 an interval, up to ~500 Erlangs), handle times 2–8
minutes; target 80% answered in 20 s, 30% shrinkage. Computes the agents each case needs with

  pyworkforce        ErlangC(...).required_positions() per case (its documented API)
  ours, per case     firstcontact.telephony.staffing.agents_for_service_level
  ours, batched      staffing.batch_agents_for_service_level over all cases at once (numpy)

and prints the time of each, the speed-ups, and whether the answers are identical: agents on
the phones (raw_positions), and agents to schedule after shrinkage (positions). pyworkforce
computes ⌈n / (1 − s)⌉ in floating point, which rounds up one too many when the division
leaves an error above a whole number (7 / 0.7 = 10.000000000000002); those cases are counted
separately. Goal: ours at least 20× faster, identical answers. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from firstcontact.telephony import staffing  # noqa: E402

GOAL_SPEEDUP = 20
INTERVAL_MINUTES = 15
TARGET, TARGET_SECONDS, SHRINKAGE = 0.8, 20, 0.3


def cases(intervals: int, queues: int, seed: int) -> list[tuple[float, float]]:
    """(calls per interval, AHT seconds) for each queue and interval."""
    rng = random.Random(seed)
    out = []
    for _queue in range(queues):
        size = math.exp(rng.uniform(math.log(3), math.log(1200)))  # calls at the peak
        aht = rng.uniform(120, 480)
        for i in range(intervals):
            hour = 24 * i / intervals
            curve = max(
                0.02, math.exp(-((hour - 11) ** 2) / 18) + 0.6 * math.exp(-((hour - 15) ** 2) / 8)
            )
            calls = max(0.0, size * curve / 1.6 * rng.uniform(0.85, 1.15))
            out.append((round(calls, 2), round(aht * rng.uniform(0.9, 1.1), 1)))
    return out


def run_pyworkforce(grid):
    from pyworkforce.queuing import ErlangC

    results = []
    for calls, aht in grid:
        if calls <= 0:
            results.append((0, 0))
            continue
        r = ErlangC(
            transactions=calls, aht=aht / 60, asa=TARGET_SECONDS / 60,
            interval=INTERVAL_MINUTES, shrinkage=SHRINKAGE,
        ).required_positions(service_level=TARGET)  # fmt: skip
        results.append((r["raw_positions"], r["positions"]))
    return results


def run_ours(grid):
    results = []
    for calls, aht in grid:
        s = staffing.agents_for_service_level(
            calls, aht, interval_seconds=INTERVAL_MINUTES * 60, target=TARGET,
            target_seconds=TARGET_SECONDS, shrinkage=SHRINKAGE,
        )  # fmt: skip
        results.append((s.agents, s.scheduled))
    return results


def run_batch(grid):
    calls = np.array([c for c, _ in grid])
    aht = np.array([a for _, a in grid])
    agents = staffing.batch_agents_for_service_level(
        calls, aht, interval_seconds=INTERVAL_MINUTES * 60, target=TARGET,
        target_seconds=TARGET_SECONDS,
    )  # fmt: skip
    scheduled = np.ceil(agents / (1 - SHRINKAGE) - 1e-9).astype(np.int64)
    return list(zip(agents.tolist(), scheduled.tolist(), strict=True))


def timed(function, grid, repeat: int):
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(grid)
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="48 intervals × 10 queues")
    parser.add_argument("--intervals", type=int)
    parser.add_argument("--queues", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out")
    args = parser.parse_args(argv)
    intervals = args.intervals or (48 if args.quick else 96)
    queues = args.queues or (10 if args.quick else 50)
    grid = cases(intervals, queues, args.seed)
    try:
        import pyworkforce  # noqa: F401
    except ImportError:
        print("pyworkforce is not installed (pip install -e '.[dev]'): comparison skipped.")
        theirs_s, theirs = None, None
    else:
        theirs_s, theirs = timed(run_pyworkforce, grid, 1)
    ours_s, ours = timed(run_ours, grid, 3)
    batch_s, batch = timed(run_batch, grid, 3)
    traffic = [c * a / (INTERVAL_MINUTES * 60) for c, a in grid]
    print()
    print(
        f"Erlang C staffing: {intervals} intervals × {queues} queues = {len(grid):,} cases, "
        f"{TARGET:.0%} in {TARGET_SECONDS} s, {SHRINKAGE:.0%} shrinkage; traffic up to "
        f"{max(traffic):.0f} Erlangs, up to {max(a for a, _ in ours)} agents"
    )
    print(f"{'method':<22}{'seconds':>10}{'per case µs':>13}{'speed-up':>10}")
    rows = [("pyworkforce", theirs_s), ("ours, per case", ours_s), ("ours, batched", batch_s)]
    for name, seconds in rows:
        if seconds is None:
            continue
        speedup = f"{theirs_s / seconds:>9.1f}×" if theirs_s else ""
        print(f"{name:<22}{seconds:>10.3f}{seconds / len(grid) * 1e6:>13.1f}{speedup:>10}")
    figures = {"cases": len(grid), "pyworkforce_s": theirs_s, "ours_s": ours_s, "batch_s": batch_s}
    if theirs is not None:
        raw_same = sum(o[0] == t[0] for o, t in zip(ours, theirs, strict=True))
        batch_same = sum(b == o for b, o in zip(batch, ours, strict=True))
        sched_same = sum(o[1] == t[1] for o, t in zip(ours, theirs, strict=True))
        float_artefacts = sum(
            o[1] != t[1]
            and t[1] == math.ceil(o[0] / (1 - SHRINKAGE))
            and o[1] == math.ceil(Fraction(o[0]) / (1 - Fraction(SHRINKAGE).limit_denominator()))
            for o, t in zip(ours, theirs, strict=True)
        )
        other = len(grid) - sched_same - float_artefacts
        print(f"agents on the phones identical to pyworkforce: {raw_same:,} of {len(grid):,}")
        print(
            f"agents to schedule identical: {sched_same:,}; differing only by pyworkforce's "
            f"floating-point ceil: {float_artefacts:,}; other differences: {other:,}"
        )
        print(f"batched identical to per case: {batch_same:,} of {len(grid):,}")
        best = theirs_s / min(ours_s, batch_s)
        print(
            f"goal ≥ {GOAL_SPEEDUP}× faster with identical answers: "
            f"{'met' if best >= GOAL_SPEEDUP and raw_same == len(grid) else 'not met'} "
            f"({best:.0f}× per case/batched best)"
        )
        figures.update(
            raw_identical=raw_same,
            scheduled_identical=sched_same,
            float_artefacts=float_artefacts,
            batch_identical=batch_same,
        )
    print()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
