#!/usr/bin/env python3
"""Throughput of Open311 POST requests.xml against a real server (gunicorn + PostgreSQL).

    .venv/bin/python bench/open311_post.py            # 3,000 reports, 16 at a time
    .venv/bin/python bench/open311_post.py --quick    # 300 reports, 8 at a time

Runs on the PostgreSQL server that DATABASE_URL points to (in a new database, dropped
afterwards), or on a throwaway server started with scripts/throwaway_postgres.py when
DATABASE_URL is not a PostgreSQL URL. It migrates, creates a small two-tier partnership (a
county with two districts, their boundaries, a pothole service with attributes) and an
Open311 api_key, starts gunicorn on 127.0.0.1, and then a second process sends the reports
concurrently over keep-alive connections, the way FixMyStreet does: pothole reports at random
points in the county with a fixmystreet_id, the reporter's name and email (from a pool, so
customers are both created and matched), and 5% retries of an earlier report, which must get
the same service_request_id back. It stops by itself after the given count and prints
requests/s, latency percentiles and errors (any answer but 200 with a service_request_id, or
a retry answered with another id). Goal: 300 POST/s or more with no errors.

A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_POSTGRES = ROOT / "scripts" / "throwaway_postgres.py"
TARGET_PER_SECOND = 300.0


def is_postgres_url(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the load generator (its own process) -------------------------------------------------


def make_plan(key: str, total: int, rng: random.Random, first_id: int) -> list[tuple[int, str]]:
    """(report number, form body) pairs; 5% resend an earlier report (a retry)."""
    plan: list[tuple[int, str]] = []
    bodies: dict[int, str] = {}
    for i in range(total):
        if bodies and rng.random() < 0.05:
            original = rng.choice(list(bodies))
            plan.append((-original - 1, bodies[original]))  # negative: a retry of `original`
            continue
        person = rng.randrange(500)
        bodies[i] = urlencode({
            "jurisdiction_id": "wessex", "api_key": key, "service_code": "pothole",
            "lat": f"{rng.uniform(50.05, 51.95):.6f}", "long": f"{rng.uniform(-1.95, -1.05):.6f}",
            "attribute[depth]": rng.choice(["shallow", "deep"]),
            "attribute[hazards][]": rng.sample(["kerb", "water"], rng.randint(0, 2)),
            "attribute[fixmystreet_id]": str(first_id + i),
            "description": "Pothole in the road near the bus stop. " * rng.randint(1, 8),
            "email": f"resident{person}@example.org", "first_name": "Resident",
            "last_name": f"Number{person}",
        }, doseq=True)  # fmt: skip
        plan.append((i, bodies[i]))
    return plan


def fire(port: int, plan: list[tuple[int, str]], concurrency: int) -> dict:
    lock = threading.Lock()
    cursor = iter(plan)
    latencies: list[float] = []
    errors: list[str] = []
    answers: dict[int, str] = {}
    retries: list[tuple[int, str]] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            index, body = item
            start = time.perf_counter()
            try:
                conn.request("POST", "/open311/v2/requests.xml", body, headers)
                response = conn.getresponse()
                content = response.read()
                elapsed = time.perf_counter() - start
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                reference = None
                if response.status == 200:
                    reference = ET.fromstring(content).findtext("request/service_request_id")
                with lock:
                    latencies.append(elapsed)
                    if not reference:
                        errors.append(f"HTTP {response.status}: {content[:200]!r}")
                    elif index >= 0:
                        answers[index] = reference
                    else:
                        retries.append((-index - 1, reference))
            except (OSError, http.client.HTTPException, ET.ParseError) as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    # A retry sent before its original was answered can only be checked afterwards.
    for index, reference in retries:
        if answers.get(index) and answers[index] != reference:
            errors.append(f"retry of report {index} got {reference}, not {answers[index]}")
    return {"seconds": seconds, "latencies": latencies, "errors": errors, "retries": retries}


def server_cpu_seconds(server_pid: int) -> float | None:
    """User + system CPU time of the gunicorn workers (the master's children), from /proc."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == server_pid:  # ppid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, ValueError):
        return None


def drive(
    port: int, key: str, total: int, concurrency: int, warmup: int, seed: int, server_pid: int
) -> dict:
    """Send `warmup` untimed reports, then `total` timed ones, `concurrency` at a time."""
    rng = random.Random(seed)
    if warmup:
        fire(port, make_plan(key, warmup, rng, 900_000), concurrency)
    cpu_before = server_cpu_seconds(server_pid)
    result = fire(port, make_plan(key, total, rng, 100_000), concurrency)
    cpu_after = server_cpu_seconds(server_pid)
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None:
        cpu_ms = round((cpu_after - cpu_before) / total * 1000, 1)
    seconds, errors = result["seconds"], result["errors"]
    ordered = sorted(result["latencies"])

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "requests": total, "concurrency": concurrency, "warmup": warmup,
        "seconds": round(seconds, 3), "per_second": round(total / seconds, 1) if seconds else 0.0,
        "p50_ms": round(pct(0.50), 1), "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
        "errors": len(errors), "error_samples": errors[:5], "retries": len(result["retries"]),
        "django_cpu_ms_per_request": cpu_ms, "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
    }  # fmt: skip


# --- the server side ----------------------------------------------------------------------


def django_env(database_url: str, media_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="firstcontact.settings",
        SECRET_KEY="bench-only-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=media_root,
        PYTHONPATH=os.pathsep.join(p for p in [str(ROOT / "src"), env.get("PYTHONPATH")] if p),
    )
    return env


SETUP = r"""
import json, sys
import django
django.setup()
from firstcontact.catalogue.models import Datatype, Service, ServiceAttribute, ServiceDelivery
from firstcontact.catalogue.models import ServiceKind, SLAPolicy, SLAUnit, Tier
from firstcontact.open311.models import Open311Client
from firstcontact.partners.models import Partner, PartnerArea, PartnerKind, Team

def box(west, south, east, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
            [west, north], [west, south]]]}

county = Partner.objects.create(slug="wessex", name="Wessex County Council",
                                kind=PartnerKind.COUNTY)
north = Partner.objects.create(slug="north", name="North Wessex District Council",
                               kind=PartnerKind.DISTRICT, parent=county)
south = Partner.objects.create(slug="south", name="South Wessex District Council",
                               kind=PartnerKind.DISTRICT, parent=county)
PartnerArea.objects.create(partner=county, name="Wessex", boundary=box(-2, 50, -1, 52),
                           postcode_districts=["WX1", "WX2", "WX3", "WX4"])
PartnerArea.objects.create(partner=north, name="North", boundary=box(-2, 51, -1, 52),
                           postcode_districts=["WX1", "WX2"])
PartnerArea.objects.create(partner=south, name="South", boundary=box(-2, 50, -1, 51),
                           postcode_districts=["WX3", "WX4"])
highways = Team.objects.create(partner=county, name="Highways")
sla = SLAPolicy.objects.create(name="5 working days", unit=SLAUnit.WORKING_DAYS, amount=5)
pothole = Service.objects.create(code="pothole", name="Pothole", kind=ServiceKind.FAULT_REPORT,
                                 tier=Tier.COUNTY, lgsl_code=557, group="Roads", sla_policy=sla)
ServiceDelivery.objects.create(service=pothole, partner=county, team=highways)
ServiceAttribute.objects.create(service=pothole, code="depth", description="How deep?", order=1,
    required=True, datatype=Datatype.SINGLEVALUELIST,
    values=[{"key": "shallow", "name": "Shallow"}, {"key": "deep", "name": "Deep"}])
ServiceAttribute.objects.create(service=pothole, code="hazards", description="Else?", order=2,
    datatype=Datatype.MULTIVALUELIST,
    values=[{"key": "kerb", "name": "Kerb"}, {"key": "water", "name": "Water"}])
ServiceAttribute.objects.create(service=pothole, code="fixmystreet_id", description="FMS id",
    order=3, datatype=Datatype.STRING, automated="server_set", variable=False)
client = Open311Client(partner=county, name="Bench", rate_limit_per_minute=10_000_000)
key = client.set_new_key()
client.save()
print(json.dumps({"key": key}))
"""

COUNT = r"""
import django
django.setup()
from firstcontact.servicerequests.models import ServiceRequest
print(ServiceRequest.objects.filter(channel="open311").count())
"""


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited early with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/open311/v2/discovery.json")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def run(args: argparse.Namespace, database_url: str) -> dict:
    media = tempfile.mkdtemp(prefix="fc-bench-media-")
    env = django_env(database_url, media)
    python = sys.executable
    server = None
    try:
        subprocess.run([python, "-m", "firstcontact", "migrate", "--noinput", "-v", "0"],
                       env=env, check=True, cwd=ROOT)  # fmt: skip
        setup = subprocess.run([python, "-c", SETUP], env=env, check=True, cwd=ROOT,
                               capture_output=True, text=True)  # fmt: skip
        key = json.loads(setup.stdout.strip().splitlines()[-1])["key"]
        port = free_port()
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "firstcontact.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--worker-class", "gthread", "--threads", str(args.threads),
             "--keep-alive", "30", "--log-level", "warning"],
            env=env, cwd=ROOT,
        )  # fmt: skip
        wait_until_up(port, server)
        # The load comes from a second process, so the client does not share the server's GIL.
        driver = subprocess.run(
            [python, __file__, "--drive", str(port), "--key", key,
             "--requests", str(args.requests), "--concurrency", str(args.concurrency),
             "--warmup", str(args.warmup), "--seed", str(args.seed),
             "--server-pid", str(server.pid)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures = json.loads(driver.stdout.strip().splitlines()[-1])
        stored = subprocess.run([python, "-c", COUNT], env=env, check=True, cwd=ROOT,
                                capture_output=True, text=True)  # fmt: skip
        figures["stored_requests"] = int(stored.stdout.strip().splitlines()[-1])
        figures["workers"], figures["threads"] = args.workers, args.threads
        return figures
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(media, ignore_errors=True)


def run_in_new_database(args: argparse.Namespace) -> dict:
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"fc_bench_open311_{os.getpid()}"
    bench_url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return run(args, bench_url)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_figures(f: dict) -> None:
    unique = f["requests"] - f["retries"]
    met = "met" if f["per_second"] >= TARGET_PER_SECOND else "NOT met"
    print(
        f"Open311 POST requests.xml on gunicorn ({f['workers']} workers x {f['threads']} "
        f"threads) + PostgreSQL, {f['requests']} reports, {f['concurrency']} at a time"
    )
    print(f"  throughput  {f['per_second']:.1f} requests/s (goal {TARGET_PER_SECOND:.0f}: {met})")
    print(f"  latency     p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms")
    cpu = f["django_cpu_ms_per_request"]
    if cpu:
        print(
            f"  cost        {cpu} ms of gunicorn CPU per request (PostgreSQL and the client "
            f"not counted): at most ~{f['cpus'] * 1000 / cpu:.0f}/s on {f['cpus']} CPUs "
            f"for Django alone"
        )
    print(f"  machine     {f['cpus']} CPUs, load average {f['load_average']} at the end")
    print(f"  errors      {f['errors']}")
    for sample in f["error_samples"]:
        print(f"              {sample}")
    print(
        f"  stored      {f['stored_requests']} requests for {unique} distinct reports "
        f"({f['retries']} retries) + {f['warmup']} warm-up reports"
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 reports, 8 at a time")
    parser.add_argument("--requests", type=int, help="reports to send (default 3000)")
    parser.add_argument("--concurrency", type=int, help="connections at once (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument(
        "--warmup", type=int, default=100, help="untimed reports first (default 100)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # load generator: port
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 300 if args.quick else 3000
    if args.concurrency is None:
        args.concurrency = 8 if args.quick else 16
    args.requests = max(1, min(args.requests, 100_000))
    args.concurrency = max(1, min(args.concurrency, 256))
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.drive:
        figures = drive(
            args.drive, args.key, args.requests, args.concurrency, args.warmup, args.seed,
            args.server_pid,
        )  # fmt: skip
        print(json.dumps(figures))
        return 0
    if not is_postgres_url(os.environ.get("DATABASE_URL", "")):
        command = [sys.executable, str(THROWAWAY_POSTGRES), "--", sys.executable, __file__, *argv]
        return subprocess.run(command).returncode
    figures = run_in_new_database(args)
    print_figures(figures)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
