#!/usr/bin/env python3
"""Run every benchmark in bench/ and print their figures (`make bench`).

    .venv/bin/python bench/run_all.py                  # sizes for under an hour on 2 cores
    .venv/bin/python bench/run_all.py --quick          # small sizes, a few minutes
    .venv/bin/python bench/run_all.py --only customer_search sla_clock
    .venv/bin/python bench/run_all.py --list

Every bench/*.py except this one (and names starting with "_") runs in its own process, one
after another, its output shown as it goes. With --quick each gets --quick; otherwise each
gets the arguments in FULL_ARGS below (none: the script's own defaults), chosen so the whole
run takes under an hour on two cores. Each script writes its figures as JSON
(--json-out) when it supports that; --json-out here collects them into one file. At the end
a summary lists each script, its exit status and time. Exits non-zero if any script failed.

Benchmarks print figures; they are never tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# Arguments for a full run, where a script's own defaults would take too long for `make bench`
# on two cores (each script's docstring gives its own defaults).
FULL_ARGS: dict[str, list[str]] = {
    # The search targets are stated at 1,000,000 customers; fewer queries keep it ~8 minutes.
    "customer_search": ["--customers", "1000000", "--queries", "150"],
    "insight_dashboard": ["--contacts", "1000000"],
    "telephony_import": ["--lines", "1000000"],
    # 10,000 messages (its default, the figure) take ~11 minutes on two busy cores.
    "inbound_email": ["--messages", "3000"],
    # The figures below are stated at a million rows (100,000 services); run each script alone
    # at its defaults for those. Here a third of that keeps `make bench` within the hour.
    "record_linkage": ["--people", "300000", "--desk-customers", "100000"],
    "hotspots": ["--requests", "300000"],
    "statements": ["--contacts", "300000"],
    "directory_search": ["--services", "30000"],
}


def scripts() -> dict[str, Path]:
    found = sorted(BENCH.glob("*.py"))
    return {
        path.stem: path
        for path in found
        if path.name != Path(__file__).name and not path.name.startswith("_")
    }


def supports_json_out(path: Path) -> bool:
    return '"--json-out"' in path.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    available = scripts()
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="run each script with --quick")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="just these scripts")
    parser.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="not these")
    parser.add_argument("--list", action="store_true", help="list the scripts and stop")
    parser.add_argument("--json-out", help="write every script's figures to this JSON file")
    args = parser.parse_args(argv)
    unknown = sorted((set(args.only or []) | set(args.skip)) - set(available))
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(available)})")
    chosen = [n for n in (args.only or available) if n not in args.skip]
    if args.list:
        for name in available:
            extra = " ".join(FULL_ARGS.get(name, [])) or "(its defaults)"
            print(f"{name:<22} full run: {extra}")
        return 0

    print(f"Benchmarks ({'quick' if args.quick else 'full'}): {', '.join(chosen)}", flush=True)
    summary: list[tuple[str, int, float]] = []
    figures: dict[str, object] = {}
    started_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fc-bench-all-") as tmp:
        for name in chosen:
            path = available[name]
            command = [sys.executable, str(path)]
            command += ["--quick"] if args.quick else FULL_ARGS.get(name, [])
            out = Path(tmp) / f"{name}.json"
            if supports_json_out(path):
                command += ["--json-out", str(out)]
            banner = f"== {name}: {' '.join(command[1:])}"
            print(f"\n{banner}\n{'=' * min(len(banner), 100)}", flush=True)
            started = time.perf_counter()
            try:
                rc = subprocess.run(command, cwd=ROOT).returncode
            except KeyboardInterrupt:
                print(f"\ninterrupted during {name}", file=sys.stderr)
                return 130
            elapsed = time.perf_counter() - started
            summary.append((name, rc, elapsed))
            if out.exists():
                try:
                    figures[name] = json.loads(out.read_text())
                except ValueError:
                    figures[name] = None
    total = time.perf_counter() - started_all

    print(f"\nSummary ({'quick' if args.quick else 'full'} run, {total / 60:.1f} minutes)")
    print(f"{'benchmark':<22}{'status':<14}{'time':>10}")
    print("-" * 46)
    for name, rc, elapsed in summary:
        status = "ok" if rc == 0 else f"FAILED ({rc})"
        print(f"{name:<22}{status:<14}{elapsed:>9.0f}s")
    print(f"1-minute load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2))
    failed = [name for name, rc, _ in summary if rc != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
