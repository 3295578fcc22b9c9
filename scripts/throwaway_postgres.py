#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server started from the installed binaries.

    python scripts/throwaway_postgres.py -- pytest

initdb's a cluster in a temporary directory, listens on a Unix socket only, exports
DATABASE_URL for the command, and removes everything afterwards. PostgreSQL refuses to run
as root, so as root the server runs as the `postgres` user (created by Debian's package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def find_bindir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    sys.exit(
        "PostgreSQL's server binaries (initdb, pg_ctl) were not found. "
        "Install them with: apt-get install postgresql postgresql-contrib"
    )


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__)
        return 2
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="fc-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pg = pwd.getpwnam("postgres")
        except KeyError:
            sys.exit("Running as root needs the 'postgres' user (apt-get install postgresql).")
        for path in (root, sockets):
            os.chown(path, pg.pw_uid, pg.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    log = root / "server.log"

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, stdout=subprocess.DEVNULL)

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        # Durability is pointless for a throwaway server: turn it off for speed.
        options = (
            f"-k {sockets} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        env = dict(os.environ)
        env["DATABASE_URL"] = f"postgres://postgres@{quote(str(sockets), safe='')}/postgres"
        print(f"Throwaway PostgreSQL ready at {sockets}", flush=True)
        return subprocess.run(argv, env=env).returncode
    finally:
        if data.exists():
            subprocess.run(
                [
                    *as_user,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
