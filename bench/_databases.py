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
