#!/usr/bin/env python3
"""Inbound email: messages of the test corpus' shapes posted to the mail gateway webhook and
processed by one task worker; messages/s and the time from receipt to the queue.

    .venv/bin/python bench/inbound_email.py                    # 10,000 messages, PostgreSQL
    .venv/bin/python bench/inbound_email.py --quick            # 500 messages
    .venv/bin/python bench/inbound_email.py --messages 2000 --database sqlite

Runs on the PostgreSQL server DATABASE_URL points to (in a new database, dropped afterwards),
or on a throwaway server from scripts/throwaway_postgres.py when DATABASE_URL is not a
PostgreSQL URL; `--database sqlite` on a SQLite file. It migrates, creates a county with a
team, a "2 working days" first-response standard and a mailbox, and starts ONE task worker
(`firstcontact db_worker`, what `make worker` runs). This process then posts the messages to
`/inbound/<mailbox>/email/` through Django's WSGI handler (the test client: no HTTP server,
so the figures are the application's), as fast as it can, while the worker processes them;
then it waits until none is pending.

The mix (from tests/inbox/test_inbox_corpus.py's shapes, without its 20 MB attachment):
plain text; multipart/alternative with an HTML body with a script and a remote image;
a PDF and a PNG attached; ISO-8859-1 quoted-printable and Windows-1252 base64 bodies;
Shift-JIS with encoded-word subjects; no Message-ID; replies quoting an earlier message
(In-Reply-To) or the conversation's reference; out-of-office replies and bounces; and 2% the
same bytes posted again (answered 200, stored once). Senders come from a pool of 3,000.

Printed: messages/s (from the first receipt to the last processed), the posting rate, and the
p50/p95/max time from receipt (the raw message stored) to the conversation entry committed,
i.e. appearing in the messages queue; and the CPU milliseconds per message of the worker and of
this (posting) process, which, unlike the rates, do not depend on what else the machine is
running. Goal: 10,000 in under 60 s. A benchmark prints figures; it asserts nothing and is not a
test.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from _databases import is_postgres_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_POSTGRES = ROOT / "scripts" / "throwaway_postgres.py"
FULL = 10_000
QUICK = 500
GOAL_SECONDS = 60.0
WAIT_LIMIT = 900.0

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _mime(ctype: str, charset: str, body: bytes, subject: str, cte: str, extra: str) -> bytes:
    head = (
        f"From: {extra}\r\nTo: contact@wessex.example\r\nSubject: {subject}\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {ctype}; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n"
    )
    return head.encode("ascii") + b"\r\n" + body


def make_messages(total: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    ids: list[str] = []
    date = format_datetime(__import__("datetime").datetime.now().astimezone())
    for i in range(total):
        if out and rng.random() < 0.02:
            out.append(rng.choice(out))  # a gateway's retry: the same bytes
            continue
        sender = f"resident{rng.randrange(3000)}@example.org"
        mid = f"<bench-{seed}-{i}@example.org>"
        shape = rng.random()
        if shape < 0.08:
            body = "Mülltonne nicht geleert, café noted.\n".encode("latin-1")
            raw = _mime("text/plain", "iso-8859-1", body, "Bin =?iso-8859-1?q?caf=E9?=", "8bit",
                        sender)  # fmt: skip
            out.append(raw.replace(b"\r\n\r\n", f"\r\nMessage-ID: {mid}\r\n\r\n".encode(), 1))
            ids.append(mid)
            continue
        if shape < 0.14:
            body = base64.encodebytes("Payment — €20 “overdue”\n".encode("cp1252"))
            raw = _mime("text/plain", "windows-1252", body, "Council tax", "base64", sender)
            out.append(raw.replace(b"\r\n\r\n", f"\r\nMessage-ID: {mid}\r\n\r\n".encode(), 1))
            ids.append(mid)
            continue
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = "contact@wessex.example"
        msg["Date"] = date
        if shape < 0.19:
            msg["Subject"] = Header("ゴミ収集について", "shift_jis").encode()
        else:
            msg["Subject"] = rng.choice(
                ["Bins not collected", "Pothole on Mill Lane", "Council tax", "Noise at night"]
            )
        if shape >= 0.22:  # 3% have no Message-ID
            msg["Message-ID"] = mid
            ids.append(mid)
        if 0.30 <= shape < 0.40 and ids:
            msg["In-Reply-To"] = rng.choice(ids)
        if 0.40 <= shape < 0.43:
            msg["Auto-Submitted"] = "auto-replied"
            msg.replace_header("Subject", "Automatic reply: out of the office")
        if 0.43 <= shape < 0.45:
            msg.replace_header("From", "MAILER-DAEMON@mail.example.org")
            msg.replace_header("Subject", "Undelivered Mail Returned to Sender")
        msg.set_content("My bin was not collected on Tuesday. " * rng.randint(1, 20))
        if 0.45 <= shape < 0.70:
            msg.add_alternative(
                '<p>My bin <b>again</b>.</p><img src="https://t.example.com/p.gif">'
                "<script>alert(1)</script>",
                subtype="html",
            )
        if 0.70 <= shape < 0.80:
            msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="letter.pdf")
        if 0.80 <= shape < 0.88:
            msg.add_attachment(PNG, maintype="image", subtype="png", filename="photo.png")
        out.append(msg.as_bytes())
    return out


def setup_django(database_url: str, media: str) -> dict[str, str]:
    env = {
        "MEDIA_ROOT": media,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "firstcontact.settings",
        "DEBUG": "1",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    return {**os.environ, **env}


def run(database_url: str, total: int, seed: int, media: str) -> dict:
    env = setup_django(database_url, media)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    from firstcontact.catalogue.models import SLAPolicy, SLAUnit
    from firstcontact.inbox.models import Mailbox, RawMessage, RawState
    from firstcontact.partners.models import Partner, PartnerKind, Team

    county = Partner.objects.create(slug="county", name="Wessex County", kind=PartnerKind.COUNTY)
    team = Team.objects.create(partner=county, name="Customer Relations")
    policy = SLAPolicy.objects.create(name="2 working days", unit=SLAUnit.WORKING_DAYS, amount=2)
    mailbox = Mailbox.objects.create(
        partner=county,
        team=team,
        name="Contact",
        address="contact@wessex.example",
        first_response_policy=policy,
    )
    messages = make_messages(total, seed)
    print(f"{len(messages):,} messages generated", flush=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "firstcontact", "db_worker", "--no-startup-delay",
         "--no-reload", "--interval", "0.05"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = Client()
        auth = {"Authorization": f"Bearer {mailbox.webhook_secret}"}
        statuses: dict[int, int] = {}
        began = time.perf_counter()
        own_cpu_began = time.process_time()
        for raw in messages:
            answer = client.post(
                f"/inbound/{mailbox.pk}/email/",
                data=raw,
                content_type="message/rfc822",
                headers=auth,
            )
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        posted = time.perf_counter() - began
        print(f"posted in {posted:.1f} s: {statuses}", flush=True)
        while RawMessage.objects.filter(state=RawState.PENDING).exists():
            if time.perf_counter() - began > WAIT_LIMIT:
                print("gave up waiting for the worker", file=sys.stderr)
                break
            time.sleep(0.2)
        total_s = time.perf_counter() - began
        worker_cpu = _cpu_seconds(worker.pid)
        own_cpu = time.process_time() - own_cpu_began
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rows = list(RawMessage.objects.values_list("state", "received_at", "processed_at"))
    states: dict[str, int] = {}
    for state, _r, _p in rows:
        states[state] = states.get(state, 0) + 1
    waits = sorted(
        (p - r).total_seconds() for s, r, p in rows if p is not None and s != RawState.PENDING
    )
    first = min(r for _s, r, _p in rows)
    last = max(p for _s, _r, p in rows if p is not None)
    span = (last - first).total_seconds()

    def pct(q: float) -> float:
        return waits[min(len(waits) - 1, int(q * len(waits)))] if waits else float("nan")

    return {
        "database": "postgres" if is_postgres_url(database_url) else "sqlite",
        "posted": len(messages),
        "stored": len(rows),
        "states": states,
        "post_per_s": round(len(messages) / posted, 1),
        "messages_per_s": round(len(rows) / span, 1) if span else None,
        "wall_s": round(total_s, 1),
        "p50_s": round(statistics.median(waits), 3) if waits else None,
        "p95_s": round(pct(0.95), 3),
        "max_s": round(waits[-1], 3) if waits else None,
        # CPU per message, whatever else the machine is doing: the worker's, and this
        # process's (posting through the WSGI handler, then waiting).
        "worker_cpu_ms": round(1000 * worker_cpu / len(rows), 2) if worker_cpu else None,
        "post_cpu_ms": round(1000 * own_cpu / len(messages), 2),
    }


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a running process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, help=f"default {FULL:,}")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} messages")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    total = args.messages or (QUICK if args.quick else FULL)
    if args.database == "postgres" and not is_postgres_url(os.environ.get("DATABASE_URL", "")):
        command = [sys.executable, str(THROWAWAY_POSTGRES), "--", sys.executable, __file__,
                   "--messages", str(total), "--seed", str(args.seed)]  # fmt: skip
        if args.json_out:
            command += ["--json-out", args.json_out]
        return subprocess.run(command).returncode
    with (
        tempfile.TemporaryDirectory(prefix="fc-bench-mail-") as media,
        scratch_database(args.database, "inbound") as url,
    ):
        figures = run(url, total, args.seed, media)
    print(
        f"\ninbound_email on {figures['database']}: {figures['stored']:,} stored of "
        f"{figures['posted']:,} posted ({figures['states']}); "
        f"{figures['messages_per_s']} messages/s with one task worker "
        f"({figures['wall_s']} s from the first post to the last processed; goal: "
        f"{FULL:,} in {GOAL_SECONDS:.0f} s); posting {figures['post_per_s']}/s; receipt to "
        f"queue p50 {figures['p50_s']} s, p95 {figures['p95_s']} s, max {figures['max_s']} s; "
        f"CPU per message: worker {figures['worker_cpu_ms']} ms, posting "
        f"{figures['post_cpu_ms']} ms; "
        f"1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps([figures], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
