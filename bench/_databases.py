"""Scratch databases for the benchmarks: a SQLite file in a temporary directory, or a new
database on the PostgreSQL server DATABASE_URL points to; either is removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


@contextmanager
def scratch_database(vendor: str, label: str, *, keep: bool = False) -> Iterator[str]:
    """The URL of an empty database ("sqlite" or "postgres"), dropped on leaving unless
    `keep`."""
    if vendor == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix=f"fc-bench-{label}-"))
        try:
            yield f"sqlite:///{directory / 'bench.sqlite3'}"
        finally:
            if keep:
                print(f"kept {directory}")
            else:
                shutil.rmtree(directory, ignore_errors=True)
        return
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"fc_bench_{label}_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        from django.conf import settings

        if settings.configured:  # this process's connections to it, if Django is set up
            from django.db import connections

            connections.close_all()
        if keep:
            print(f"kept database {name}")
        else:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_on_each_database(
    args,
    *,
    script: str,
    label: str,
    child_args: list[str],
    run,
    print_table,
) -> int:
    """Run a bench on the database(s) `args.database` names ("sqlite", "postgres" or "both").

    One database (or `--child`): `run(args, url)` on a scratch database of that kind, here.
    Both: the script again per database as a child process (PostgreSQL's under a throwaway
    server unless DATABASE_URL names one), with `child_args` and `--child --json-out`, and one
    table of their rows. Exit status 0 only if every database gave its figures."""
    import json
    import subprocess
    import sys

    postgres_given = is_postgres_url(os.environ.get("DATABASE_URL", ""))
    if args.child or args.database == "sqlite" or (args.database == "postgres" and postgres_given):
        with scratch_database(args.database, label) as url:
            rows = [run(args, url)]
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(rows))
        if not args.child:
            print_table(rows)
        return 0
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    throwaway = Path(__file__).resolve().parents[1] / "scripts" / "throwaway_postgres.py"
    rows = []
    with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
        for database in databases:
            out = Path(tmp) / f"{database}.json"
            command = [sys.executable, script, *child_args, "--database", database, "--child",
                       "--json-out", str(out)]  # fmt: skip
            if database == "postgres" and not postgres_given:
                command = [sys.executable, str(throwaway), "--", *command]
            rc = subprocess.run(command).returncode
            if rc == 0 and out.exists():
                rows += json.loads(out.read_text())
            else:
                print(f"{Path(script).stem} on {database} failed (exit {rc})", file=sys.stderr)
    print_table(rows)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))
    return 0 if len(rows) == len(databases) else 1
