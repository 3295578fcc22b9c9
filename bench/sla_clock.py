#!/usr/bin/env python3
"""Cost of the SLA clock: firstcontact.catalogue.sla.due_at for many requests.

    .venv/bin/python bench/sla_clock.py                       # 1,000,000 requests per policy
    .venv/bin/python bench/sla_clock.py --quick               # 50,000
    .venv/bin/python bench/sla_clock.py --requests 200000

Computes due_at(policy, received) for N requests received at random moments (to the second)
over 2026, for two unsaved SLAPolicy instances with England and Wales bank holidays:

  working days   5 working days, 09:00-17:00
  working hours  4 working hours, 08:30-17:30

and prints the total seconds and the cost per call in microseconds, with a digest of the due
times (the same digest means the same answers, e.g. before and after a change to sla.py).
No database is needed. A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

YEAR_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SECONDS_IN_YEAR = 365 * 24 * 3600
FULL_REQUESTS = 1_000_000
QUICK_REQUESTS = 50_000


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "firstcontact.settings"
    os.environ["DEBUG"] = "1"  # only for the development secret key; nothing is served
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def policies() -> list[tuple[str, object]]:
    from firstcontact.catalogue.models import SLAPolicy, SLAUnit

    return [
        (
            "working days (5, 09:00-17:00)",
            SLAPolicy(
                name="Five working days",
                unit=SLAUnit.WORKING_DAYS,
                amount=5,
                day_starts=dt.time(9, 0),
                day_ends=dt.time(17, 0),
                holiday_subdivision="ENG",
            ),
        ),
        (
            "working hours (4, 08:30-17:30)",
            SLAPolicy(
                name="Four working hours",
                unit=SLAUnit.WORKING_HOURS,
                amount=4,
                day_starts=dt.time(8, 30),
                day_ends=dt.time(17, 30),
                holiday_subdivision="ENG",
            ),
        ),
    ]


def received_times(count: int, seed: int) -> list[dt.datetime]:
    rng = random.Random(seed)
    return [YEAR_START + dt.timedelta(seconds=rng.randrange(SECONDS_IN_YEAR)) for _ in range(count)]


def digest(values: list[dt.datetime]) -> str:
    h = hashlib.sha256()
    for value in values:
        h.update(value.isoformat().encode())
    return h.hexdigest()[:16]


def run(count: int, seed: int) -> list[dict]:
    setup_django()
    from firstcontact.catalogue.sla import due_at

    received = received_times(count, seed)
    figures = []
    for label, policy in policies():
        due_at(policy, received[0])  # bank holidays loaded outside the timing
        started = time.perf_counter()
        due = [due_at(policy, r) for r in received]
        seconds = time.perf_counter() - started
        figures.append(
            {
                "policy": label,
                "requests": count,
                "seconds": seconds,
                "us_per_call": seconds / count * 1e6,
                "digest": digest(due),
                "example": f"{received[0].isoformat()} -> {due[0].isoformat()}",
            }
        )
        print(f"{label}: {seconds:.2f} s, {seconds / count * 1e6:.2f} µs per call", flush=True)
    return figures


def print_table(figures: list[dict]) -> None:
    header = f"{'policy':<32}{'requests':>11}{'total s':>10}{'µs/call':>10}  {'digest':<18}"
    print()
    print("SLA clock: catalogue.sla.due_at(policy, received), received at random over 2026")
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f['policy']:<32}{f['requests']:>11,}{f['seconds']:>10.2f}"
            f"{f['us_per_call']:>10.2f}  {f['digest']:<18}"
        )
    print(f"e.g. {figures[0]['policy']}: {figures[0]['example']}")
    print(f"1-minute load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, help=f"per policy (default {FULL_REQUESTS:,})")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REQUESTS:,} requests")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    count = args.requests or (QUICK_REQUESTS if args.quick else FULL_REQUESTS)
    if count < 1:
        parser.error("--requests must be positive")
    figures = run(count, args.seed)
    print_table(figures)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
