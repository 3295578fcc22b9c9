#!/usr/bin/env python3
"""Throughput of Open311 POST requests.xml against a real server (granian + PostgreSQL),
and how fast the background worker then raises the reports it accepted.

    .venv/bin/python bench/open311_post.py            # 3,000 reports, 16 at a time
    .venv/bin/python bench/open311_post.py --quick    # 300 reports, 8 at a time
    .venv/bin/python bench/open311_post.py --requests 1500 --workers 2 --threads 4
    .venv/bin/python bench/open311_post.py --task-workers 2   # two workers drain the backlog
    .venv/bin/python bench/open311_post.py --accept-only      # phase 1 only
    .venv/bin/python bench/open311_post.py --server gunicorn  # gunicorn instead of granian

Runs on the PostgreSQL server that DATABASE_URL points to (in a new database, dropped
afterwards), or on a throwaway server started with scripts/throwaway_postgres.py when
DATABASE_URL is not a PostgreSQL URL. It migrates, creates a small two-tier partnership (a
county with two districts, their boundaries, a pothole service with attributes) and an
Open311 api_key, and starts granian's WSGI server (its HTTP handling is in Rust, so it
leaves more of the CPU to Django than gunicorn does; `--server gunicorn` for gunicorn with
gthread workers and keep-alive, which is also used when granian is not installed) on
127.0.0.1.

1. Accepting. A second process sends the reports over keep-alive connections, `concurrency`
   at once, the way FixMyStreet does: pothole reports at random points in the county with a
   fixmystreet_id, the reporter's name and email (from a pool, so customers are both created
   and matched), and 5% retries of an earlier report, which must get the same
   service_request_id back (checked after the run: a retry may be sent before its original
   was answered). The load generator is one thread driving every connection with
   non-blocking sockets and requests encoded beforehand, so it takes little of the CPU the
   server needs. It stops by itself after the given count (or 10 minutes) and reports
   accepted POST/s, latency percentiles, errors (any answer but 200 with a
   service_request_id, or a retry answered with another id) and the CPU each POST cost the
   server, PostgreSQL and the load generator. No task worker runs meanwhile: a POST is
   answered once its report is stored, and the reports wait for the worker.
   Goal: 300 POST/s or more with no errors.
2. Processing. Then the task worker (`firstcontact db_worker --batch`, what `make worker`
   runs, draining the queue and exiting; `--task-workers` side by side) raises the backlog:
   customer matching, routing, SLA, the service request, acknowledgement and audit, one
   report at a time. Reported as processed reports/s, and checked: every accepted report
   raised exactly once, under the service_request_id its client was given. The
   acknowledgement emails are queued as tasks too; with no mail server here, sending each
   fails at once and is put back for a retry minutes later, so the drain does not wait.

Timings depend on what else the machine is doing: the load average is printed with them.
A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import random
import re
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from _databases import is_postgres_url, scratch_database
from _machine import reference_loop_ms

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_POSTGRES = ROOT / "scripts" / "throwaway_postgres.py"
TARGET_PER_SECOND = 300.0
FIRST_ID = 100_000  # fixmystreet_id of the first timed report
PATH = "/open311/v2/requests.xml"
RUN_LIMIT_SECONDS = 600.0


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


_REFERENCE = re.compile(rb"<service_request_id>([^<]*)</service_request_id>")


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time, non-blocking."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.item: tuple[int, bytes] | None = None
        self.started = 0.0
        self.out = b""
        self.buffer = b""

    def open(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        code = sock.connect_ex(("127.0.0.1", self.port))
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            raise OSError(code, os.strerror(code))
        self.sock = sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def response(self) -> tuple[int, bytes, bool] | None:
        """(status, body, server closes) once a whole response is in, else None."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = self.buffer[:head_end].decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, closes = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection":
                closes = value.strip().lower() == "close"
        end = head_end + 4 + length
        if len(self.buffer) < end:
            return None
        body = self.buffer[head_end + 4 : end]
        self.buffer = self.buffer[end:]
        return status, body, closes


def fire(port: int, plan: list[tuple[int, str]], concurrency: int) -> dict:
    """Send every request in `plan`, `concurrency` at a time, from this one thread."""
    host = f"127.0.0.1:{port}"
    encoded = []
    for index, body in plan:
        data = body.encode("ascii")
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        ).encode("ascii")
        encoded.append((index, head + data))
    queue = iter(encoded)
    latencies: list[float] = []
    errors: list[str] = []
    answers: dict[int, str] = {}
    retries: list[tuple[int, str]] = []
    selector = selectors.DefaultSelector()
    active = 0

    def send_next(conn: Connection) -> bool:
        item = next(queue, None)
        if item is None:
            return False
        if conn.sock is None:
            conn.open()
            conn.buffer = b""
            selector.register(conn.sock, selectors.EVENT_WRITE, conn)
        else:
            selector.modify(conn.sock, selectors.EVENT_WRITE, conn)
        conn.item, conn.out, conn.started = item, item[1], time.perf_counter()
        return True

    def drop(conn: Connection) -> None:
        if conn.sock is not None:
            selector.unregister(conn.sock)
        conn.close()

    began = time.perf_counter()
    deadline = began + RUN_LIMIT_SECONDS
    for _ in range(concurrency):
        if send_next(Connection(port)):
            active += 1
    while active and time.perf_counter() < deadline:
        for key, mask in selector.select(timeout=1.0):
            conn: Connection = key.data
            try:
                if mask & selectors.EVENT_WRITE:
                    sent = conn.sock.send(conn.out)
                    conn.out = conn.out[sent:]
                    if not conn.out:
                        selector.modify(conn.sock, selectors.EVENT_READ, conn)
                    continue
                chunk = conn.sock.recv(65536)
                if not chunk:
                    raise ConnectionResetError("server closed the connection")
                conn.buffer += chunk
                answer = conn.response()
                if answer is None:
                    continue
                elapsed = time.perf_counter() - conn.started
                status, body, closes = answer
                index = conn.item[0]
                latencies.append(elapsed)
                found = _REFERENCE.search(body) if status == 200 else None
                if not found or not found.group(1):
                    errors.append(f"HTTP {status}: {body[:200]!r}")
                elif index >= 0:
                    answers[index] = found.group(1).decode()
                else:
                    retries.append((-index - 1, found.group(1).decode()))
                if closes:
                    drop(conn)
            except (OSError, ValueError, IndexError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                drop(conn)
            if not send_next(conn):
                drop(conn)
                active -= 1
    seconds = time.perf_counter() - began
    if active:
        errors.append(f"stopped after {RUN_LIMIT_SECONDS:.0f} s with {active} requests open")
    selector.close()
    # A retry sent before its original was answered can only be checked afterwards.
    for index, reference in retries:
        if answers.get(index) and answers[index] != reference:
            errors.append(f"retry of report {index} got {reference}, not {answers[index]}")
    return {
        "seconds": seconds,
        "latencies": latencies,
        "errors": errors,
        "retries": retries,
        "answers": answers,
    }


def _stat(pid: int | str) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def tree_cpu_seconds(root: int) -> float | None:
    """User + system CPU seconds of a process, its children that have exited (and been
    reaped), and its live children, from /proc."""
    fields = _stat(root)
    if fields is None:
        return None
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            child = _stat(entry)
            if child is not None and int(child[1]) == root:
                ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def postmaster_of(database: str) -> int | None:
    """The PostgreSQL server process whose backends serve `database` (titles name it)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres:") and database.encode() in title:
            fields = _stat(entry)
            return int(fields[1]) if fields else None
    return None


def drive(
    port: int,
    key: str,
    total: int,
    concurrency: int,
    warmup: int,
    seed: int,
    server_pid: int,
    database: str,
) -> dict:
    """Send `warmup` untimed reports, then `total` timed ones, `concurrency` at a time."""
    rng = random.Random(seed)
    if warmup:
        fire(port, make_plan(key, warmup, rng, 900_000), concurrency)
    postmaster = postmaster_of(database)  # the server's connections are open by now
    cpu_before = tree_cpu_seconds(server_pid), postmaster and tree_cpu_seconds(postmaster)
    own_before = time.process_time()
    result = fire(port, make_plan(key, total, rng, FIRST_ID), concurrency)
    own_cpu = time.process_time() - own_before
    cpu_after = tree_cpu_seconds(server_pid), postmaster and tree_cpu_seconds(postmaster)
    cpu_ms = pg_ms = None
    if cpu_before[0] is not None and cpu_after[0] is not None:
        cpu_ms = round((cpu_after[0] - cpu_before[0]) / total * 1000, 2)
    if cpu_before[1] and cpu_after[1]:
        pg_ms = round((cpu_after[1] - cpu_before[1]) / total * 1000, 2)
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
        "server_cpu_ms_per_request": cpu_ms, "postgres_cpu_ms_per_request": pg_ms,
        "client_cpu_ms_per_request": round(own_cpu / total * 1000, 2),
        "cpus": os.cpu_count(), "load_average": round(os.getloadavg()[0], 2),
        "postmaster": postmaster,
        # fixmystreet_id -> the service_request_id its report was given
        "answers": {str(FIRST_ID + k): v for k, v in result["answers"].items()},
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
        TASKS_BACKEND="database",
        # No mail server here: acknowledgements fail at once and wait for a retry.
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(free_port()),
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

# What was stored, and whether each report the clients were answered for was raised once,
# under the reference they were given (answers: fixmystreet_id -> service_request_id).
CHECK = r"""
import json, sys
import django
django.setup()
from django.db.models import Count
from firstcontact.open311.models import Open311Submission
from firstcontact.servicerequests.models import ServiceRequest
answers = json.load(open(sys.argv[1]))
submissions = Open311Submission.objects.all()
raised = dict(
    submissions.filter(service_request__isnull=False).values_list(
        "client_request_id", "service_request__reference"
    )
)
wrong = [
    f"report {fms_id}: answered {reference}, raised as {raised.get(fms_id)}"
    for fms_id, reference in answers.items()
    if raised.get(fms_id) != reference.replace("-", "")
]
print(json.dumps({
    "submissions": submissions.count(),
    "pending": submissions.filter(service_request__isnull=True).count(),
    "requests": ServiceRequest.objects.filter(channel="open311").count(),
    "requests_raised_twice": submissions.values("service_request").annotate(n=Count("pk"))
        .filter(n__gt=1).count(),
    "wrong": len(wrong), "wrong_samples": wrong[:5],
}))
"""


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60.0) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited early with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/open311/v2/discovery.json")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer in time")


def granian_command() -> Path:
    return Path(sys.executable).with_name("granian")


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    """granian's WSGI server (blocking threads for the WSGI app), or gunicorn with gthread
    workers (keep-alive)."""
    if args.server == "granian":
        return [
            str(granian_command()), "--interface", "wsgi",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            "--blocking-threads", str(args.threads), "--no-ws", "--log-level", "warning",
            "firstcontact.wsgi:application",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "gunicorn", "firstcontact.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--worker-class", "gthread", "--threads", str(args.threads),
        "--keep-alive", "30", "--backlog", "512", "--log-level", "warning",
    ]  # fmt: skip


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check(python: str, env: dict, answers: dict[str, str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(answers, handle)
    try:
        checked = subprocess.run([python, "-c", CHECK, handle.name], env=env, check=True,
                                 cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    finally:
        os.unlink(handle.name)
    return json.loads(checked.stdout.strip().splitlines()[-1])


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
        speed_before = reference_loop_ms()
        port = free_port()
        server = subprocess.Popen(server_command(args, port), env=env, cwd=ROOT)
        wait_until_up(port, server)
        # The load comes from a second process, so the client does not share the server's GIL.
        driver = subprocess.run(
            [python, __file__, "--drive", str(port), "--key", key,
             "--requests", str(args.requests), "--concurrency", str(args.concurrency),
             "--warmup", str(args.warmup), "--seed", str(args.seed),
             "--server-pid", str(server.pid), "--database", urlsplit(database_url).path[1:]],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures = json.loads(driver.stdout.strip().splitlines()[-1])
        answers = figures.pop("answers")
        postmaster = figures.pop("postmaster")
        figures["load_average_accepting"] = figures.pop("load_average")
        server.terminate()
        server.wait(timeout=30)
        server = None
        figures["reference_loop_ms"] = [speed_before, reference_loop_ms()]

        figures.update(server=args.server, workers=args.workers, threads=args.threads)
        if args.accept_only:
            return figures
        # Phase 2: the worker raises everything accepted (the warm-up reports too).
        before = check(python, env, {})
        pg_before = postmaster and tree_cpu_seconds(postmaster)
        cpu_before, began = children_cpu(), time.perf_counter()
        task_workers = [
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "firstcontact",
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for _ in range(args.task_workers)
        ]
        codes = [worker.wait() for worker in task_workers]
        drained, cpu = time.perf_counter() - began, children_cpu() - cpu_before
        pg_after = postmaster and tree_cpu_seconds(postmaster)
        if any(codes):
            raise SystemExit(f"a task worker failed (exit codes {codes})")
        after = check(python, env, answers)
        processed = before["pending"] - after["pending"]
        figures.update(
            stored_submissions=after["submissions"],
            backlog=before["pending"],
            processed=processed,
            left_pending=after["pending"],
            requests_raised=after["requests"],
            requests_raised_twice=after["requests_raised_twice"],
            wrong_references=after["wrong"],
            wrong_samples=after["wrong_samples"],
            drain_seconds=round(drained, 2),
            processed_per_second=round(processed / drained, 1) if drained else 0.0,
            worker_cpu_ms_per_report=round(cpu / processed * 1000, 1) if processed else None,
            worker_postgres_cpu_ms_per_report=(
                round((pg_after - pg_before) / processed * 1000, 1)
                if processed and pg_before and pg_after
                else None
            ),
            load_average_processing=round(os.getloadavg()[0], 2),
            task_workers=args.task_workers,
        )
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
    with scratch_database("postgres", "open311") as url:
        return run(args, url)


def print_figures(f: dict) -> None:
    unique = f["requests"] - f["retries"]
    met = "met" if f["per_second"] >= TARGET_PER_SECOND else "NOT met"
    print(
        f"Open311 POST requests.xml on {f['server']} ({f['workers']} workers x {f['threads']} "
        f"threads) + PostgreSQL, {f['requests']} reports, {f['concurrency']} at a time"
    )
    print(f"  accepted    {f['per_second']:.1f} POST/s (goal {TARGET_PER_SECOND:.0f}: {met})")
    print(f"  latency     p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, p99 {f['p99_ms']} ms")
    cpu = f["server_cpu_ms_per_request"]
    if cpu:
        print(
            f"  cost        CPU per POST: {cpu} ms server, "
            f"{f['postgres_cpu_ms_per_request']} ms PostgreSQL, "
            f"{f['client_cpu_ms_per_request']} ms load generator"
        )
    print(f"  errors      {f['errors']}")
    for sample in f["error_samples"]:
        print(f"              {sample}")
    before, after = f["reference_loop_ms"]
    speed = (
        f"reference loop {before} ms before, {after} ms after accepting (CPU speed: lower is "
        f"faster)"
    )
    if "processed" not in f:
        load = f["load_average_accepting"]
        print(f"  machine     {f['cpus']} CPUs, load average {load}; {speed}")
        return
    workers = f["task_workers"]
    print(
        f"  processing  {f['processed']} reports raised in {f['drain_seconds']} s by "
        f"{workers} task worker{'s' if workers > 1 else ''}: {f['processed_per_second']} "
        f"reports/s (CPU per report: {f['worker_cpu_ms_per_report']} ms worker, "
        f"{f['worker_postgres_cpu_ms_per_report']} ms PostgreSQL; its acknowledgement task "
        f"included)"
    )
    print(
        f"  checked     {f['stored_submissions']} reports stored for {unique} distinct reports "
        f"({f['retries']} retries) + the {f['warmup']} warm-up's; {f['requests_raised']} requests "
        f"raised, {f['left_pending']} left waiting, {f['requests_raised_twice']} raised twice, "
        f"{f['wrong_references']} under another reference than the client was given"
    )
    for sample in f["wrong_samples"]:
        print(f"              {sample}")
    print(
        f"  machine     {f['cpus']} CPUs, load average {f['load_average_accepting']} after "
        f"accepting, {f['load_average_processing']} after processing; {speed}"
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 reports, 8 at a time")
    parser.add_argument("--requests", type=int, help="reports to send (default 3000)")
    parser.add_argument("--concurrency", type=int, help="connections at once (default 16)")
    parser.add_argument(
        "--server",
        choices=["granian", "gunicorn"],
        default="granian",
        help="WSGI server (default granian; gunicorn when granian is not installed)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument(
        "--warmup", type=int, default=100, help="untimed reports first (default 100)"
    )
    parser.add_argument(
        "--task-workers",
        type=int,
        default=1,
        help="task workers raising the backlog side by side (default 1, as `make worker`)",
    )
    parser.add_argument("--accept-only", action="store_true", help="skip the worker (phase 2)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # load generator: port
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.server == "granian" and not args.drive and not granian_command().exists():
        print("granian is not installed: using gunicorn (pip install granian)", file=sys.stderr)
        args.server = "gunicorn"
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
            args.server_pid, args.database,
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
    failed = figures["errors"] or figures.get("left_pending") or figures.get("wrong_references")
    return 1 if failed or figures.get("requests_raised_twice") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
