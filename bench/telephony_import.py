#!/usr/bin/env python3
"""queue_log import rate, in lines per second.

    .venv/bin/python bench/telephony_import.py              # 5,000,000 lines, SQLite and PostgreSQL
    .venv/bin/python bench/telephony_import.py --quick      # 200,000 lines
    .venv/bin/python bench/telephony_import.py --lines 1000000 --database sqlite

Generates a realistic queue_log (firstcontact.telephony.generator: 20 queues, Erlang-staffed
agents, abandonment, transfers, agent events) of the requested size once, cached in
var/bench/, then on a fresh database (SQLite: a file in a temporary directory; PostgreSQL: a
new database on DATABASE_URL's server, or a throwaway server from scripts/throwaway_postgres.py)
times:

  parse      QueueLogParser alone over the file (by columns, no database)
  import     firstcontact.telephony.importer.import_queue_log into the empty tables
  re-import  the same file again: incremental, so it must add nothing

The post-import hook (insight's rollup refresh) is disconnected while timing and timed on its
own. Goal: 500,000 lines/s at 5,000,000 lines. A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _databases import is_postgres_url, scratch_database
from _machine import reference_loop_ms

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_POSTGRES = ROOT / "scripts" / "throwaway_postgres.py"
CACHE = ROOT / "var" / "bench"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

GOAL_LINES_PER_S = 500_000
FULL_LINES = 5_000_000
QUICK_LINES = 200_000
QUEUES = 20
CALLS_PER_QUEUE_DAY = 1_500


def generated_file(lines: int, seed: int) -> Path:
    """A queue_log of exactly `lines` lines (cut mid-day, so some calls are left open)."""
    from firstcontact.telephony.generator import QueueProfile, generate_queue_log

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"queue_log-{lines}-{seed}.log"
    if path.exists():
        return path
    started = time.perf_counter()
    profiles = [
        QueueProfile(f"bench-q{i:02d}", CALLS_PER_QUEUE_DAY * (0.5 + i / QUEUES), 240, 180)
        for i in range(QUEUES)
    ]
    partial = path.with_suffix(".partial")
    written = 0
    with partial.open("w", encoding="utf-8") as out:
        buffer: list[str] = []
        for text in generate_queue_log(profiles, dt.date(2025, 1, 6), 10_000, seed=seed):
            buffer.append(text)
            written += 1
            if len(buffer) >= 50_000:
                out.write("".join(buffer))
                buffer = []
            if written >= lines:
                break
        out.write("".join(buffer))
    partial.rename(path)
    print(
        f"generated {written:,} lines in {time.perf_counter() - started:.1f} s: {path}", flush=True
    )
    return path


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "firstcontact.settings"
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log in the timings


def run_benchmark(path: Path, database_url: str) -> dict:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from firstcontact.telephony import importer
    from firstcontact.telephony.queue_log import QueueLogParser

    call_command("migrate", verbosity=0, interactive=False)
    importer.calls_imported.disconnect(dispatch_uid="insight_refresh_after_import")
    size = path.stat().st_size

    def read():
        return importer.open_binary(str(path))

    started = time.perf_counter()
    parser = QueueLogParser()
    with read() as stream:
        for chunk in importer._byte_chunks(stream, None):
            parser.feed_chunk(chunk)
            parser.take()
    parse_s = time.perf_counter() - started
    lines = parser.lines

    speed_before = reference_loop_ms()
    started = time.perf_counter()
    with read() as stream:
        first = importer.import_queue_log(stream, source=str(path))
    import_s = time.perf_counter() - started
    speeds = [speed_before, reference_loop_ms()]

    started = time.perf_counter()
    with read() as stream:
        again = importer.import_queue_log(stream, source=str(path))
    reimport_s = time.perf_counter() - started

    from firstcontact.insight.rollups import build_call_rollups

    zone = dt.UTC
    first_day = dt.datetime.fromtimestamp(first.first_epoch, zone).date()
    last_day = dt.datetime.fromtimestamp(first.last_epoch, zone).date()
    started = time.perf_counter()
    build_call_rollups(first_day, last_day)
    rollup_s = time.perf_counter() - started
    return {
        "database": connection.vendor,
        "lines": lines,
        "megabytes": round(size / 1e6, 1),
        "calls": first.calls_written,
        "agent_events": first.agent_events_written,
        "errors": first.error_count,
        "parse_s": parse_s,
        "import_s": import_s,
        "reimport_s": reimport_s,
        "reimport_added": again.calls_written + again.agent_events_written,
        "rollup_s": rollup_s,
        "rollup_days": (last_day - first_day).days + 1,
        "load_average": os.getloadavg()[0],
        "reference_loop_ms": speeds,
    }


def print_table(rows: list[dict]) -> None:
    print()
    print("queue_log import (firstcontact.telephony.importer.import_queue_log)")
    header = (
        f"{'database':<11}{'lines':>11}{'calls':>11}{'parse lines/s':>15}"
        f"{'import lines/s':>16}{'import s':>10}{'re-import lines/s':>19}{'added':>7}"
        f"  goal"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        rate = r["lines"] / r["import_s"]
        goal = (
            f"{'meets' if rate >= GOAL_LINES_PER_S else 'below'} {GOAL_LINES_PER_S:,}/s"
            if r["lines"] >= FULL_LINES
            else f"(goal at {FULL_LINES:,} lines)"
        )
        print(
            f"{r['database']:<11}{r['lines']:>11,}{r['calls']:>11,}"
            f"{r['lines'] / r['parse_s']:>15,.0f}{rate:>16,.0f}{r['import_s']:>10.1f}"
            f"{r['lines'] / r['reimport_s']:>19,.0f}{r['reimport_added']:>7}  {goal}"
        )
    for r in rows:
        print(
            f"{r['database']}: {r['megabytes']} MB, {r['agent_events']:,} agent events, "
            f"{r['errors']} malformed lines; daily rollups for {r['rollup_days']} days "
            f"built in {r['rollup_s']:.1f} s (not part of the import rate); "
            f"1-minute load average {r['load_average']:.1f} on {os.cpu_count()} CPUs; "
            f"reference loop {r['reference_loop_ms'][0]} ms before the import, "
            f"{r['reference_loop_ms'][1]} ms after (CPU speed: lower is faster; this host's "
            f"varies by up to 2x, and the import rate with it)"
        )
    print()


def run_in(database: str, path: Path) -> dict:
    with scratch_database(database, "import") as url:
        return run_benchmark(path, url)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, help=f"default {FULL_LINES:,}")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LINES:,} lines")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    lines = args.lines or (QUICK_LINES if args.quick else FULL_LINES)
    path = generated_file(lines, args.seed)
    if (
        args.child
        or args.database == "sqlite"
        or (args.database == "postgres" and is_postgres_url(os.environ.get("DATABASE_URL", "")))
    ):
        rows = [run_in(args.database, path)]
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(rows))
        if not args.child:
            print_table(rows)
        return 0
    rows = []
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        for database in databases:
            out = Path(tmp) / f"{database}.json"
            command = [sys.executable, __file__, "--lines", str(lines), "--seed",
                       str(args.seed), "--database", database, "--child", "--json-out",
                       str(out)]  # fmt: skip
            if database == "postgres" and not is_postgres_url(os.environ.get("DATABASE_URL", "")):
                command = [sys.executable, str(THROWAWAY_POSTGRES), "--", *command]
            rc = subprocess.run(command).returncode
            if rc == 0 and out.exists():
                rows += json.loads(out.read_text())
            else:
                print(f"telephony_import on {database} failed (exit {rc})", file=sys.stderr)
    print_table(rows)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))
    return 0 if len(rows) == len(databases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
