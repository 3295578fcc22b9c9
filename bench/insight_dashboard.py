#!/usr/bin/env python3
"""Insight dashboard render time over many contacts, with the daily rollups.

    .venv/bin/python bench/insight_dashboard.py            # 10,000,000 contacts, both DBs
    .venv/bin/python bench/insight_dashboard.py --quick    # 200,000 contacts
    .venv/bin/python bench/insight_dashboard.py --contacts 1000000 --database sqlite

On a fresh database (SQLite file in a temporary directory, or a new PostgreSQL database on
DATABASE_URL's server / a throwaway server) it creates a partnership of eight partners with a
hub, generates N contacts over two years (quick: four months) in the database itself
(channels shifting from phone and face to face towards the web over time; outcomes, hub
handling), imports a generated queue_log for the last weeks, builds the daily rollups
(timed), and then times GET /insight/ as the hub's manager (who sees every partner) with the
Django test client (and GET /insight/statements/ for the county's last month, goal < 2 s):

  28 days by day      the default view
  a year by month     the long view, channel shift over twelve months

Each is rendered --renders times; p50 and max are printed. With --raw (default when there are
at most 1,000,000 contacts) it also times the 28-day view with the rollups switched off, to
show what they save. Goal: under 1 s at 10,000,000 contacts with rollups. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

from _databases import run_on_each_database
from _pages import render_times

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

GOAL_S = 1.0
DASHBOARD_URL = "/insight/"
STATEMENT_VIEW = "county's statement, a month"
STATEMENT_GOAL_S = 2.0
FULL_CONTACTS = 10_000_000
QUICK_CONTACTS = 200_000
PARTNERS = [
    ("county", "Wessex County Council", "county"),
    ("hub", "Casterbridge District Council", "district"),
    ("melchester", "Melchester District Council", "district"),
    ("budmouth", "Budmouth District Council", "district"),
    ("police", "Wessex Constabulary", "police"),
    ("nhs", "Wessex Vale NHS Trust", "nhs"),
    ("homes", "Egdon Homes", "housing"),
    ("advice", "Wessex Advice", "voluntary"),
]


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
    settings.DEBUG = False


def create_partnership():
    from django.contrib.auth.models import User

    from firstcontact.partners.models import HubAgreement, Membership, Partner, Role

    partners = {}
    for slug, name, kind in PARTNERS:
        partners[slug] = Partner.objects.create(
            slug=slug, name=name, kind=kind, is_hub=slug == "hub"
        )
    for slug, partner in partners.items():
        if slug != "hub":
            HubAgreement.objects.create(
                hub=partners["hub"],
                client=partner,
                reference=f"SLA-{slug}",
                starts=dt.date(2020, 1, 1),
            )
    manager = User.objects.create_user("bench-manager")
    Membership.objects.create(user=manager, partner=partners["hub"], role=Role.MANAGER)
    return partners, manager


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def contact_insert_sql(
    vendor: str,
    *,
    first: int,
    count: int,
    total: int,
    start_epoch: int,
    seconds: int,
    partner_ids: list[int],
    hub_id: int,
) -> str:
    """One INSERT … SELECT making contacts number first+1 … first+count of `total`, in the
    database itself.

    Contact j starts j/total of the way through the period (so time runs with the id); the
    channel mix drifts from assisted to digital (the web from 20% to 55%); outcomes: 62%
    resolved, 18% request raised, 8% referred, 5% signposted, 3% callback booked, 4%
    abandoned; 40% of other partners' contacts are handled by the hub."""
    from firstcontact.contacts.models import Contact

    pick = ", ".join(str(p) for p in partner_ids)
    n = len(partner_ids)
    if vendor == "postgresql":
        prefix = ""
        source = f"generate_series({first + 1}, {first + count}) AS g(j)"
        rnd = "random()"
        frac = f"(j::float8 / {total})"
        started = f"to_timestamp({start_epoch} + {frac} * {seconds})"
        ended = f"to_timestamp({start_epoch} + {frac} * {seconds} + 240)"
        partner = f"(ARRAY[{pick}])[1 + (j % {n})]"
    else:
        prefix = (
            f"WITH RECURSIVE cnt(j) AS (SELECT {first + 1} UNION ALL SELECT j + 1 "
            f"FROM cnt LIMIT {count}) "
        )
        source = "cnt"
        rnd = "((abs(random()) % 1000000) / 1000000.0)"
        frac = f"(j * 1.0 / {total})"
        started = f"strftime('%Y-%m-%d %H:%M:%S', {start_epoch} + {frac} * {seconds}, 'unixepoch')"
        ended = (
            f"strftime('%Y-%m-%d %H:%M:%S', {start_epoch} + {frac} * {seconds} + 240, 'unixepoch')"
        )
        cases = " ".join(f"WHEN {k} THEN {p}" for k, p in enumerate(partner_ids))
        partner = f"(CASE (j % {n}) {cases} END)"
    web = f"(0.20 + 0.35 * {frac})"
    channel = (
        f"(CASE WHEN r1 < {web} THEN 'web' WHEN r1 < {web} + 0.04 THEN 'email' "
        f"WHEN r1 < {web} + 0.06 THEN 'open311' WHEN r1 < {web} + 0.08 THEN 'sms' "
        f"WHEN r1 < {web} + 0.10 THEN 'face_to_face' ELSE 'phone' END)"
    )
    outcome = (
        "(CASE WHEN r2 < 0.62 THEN 'resolved' WHEN r2 < 0.80 THEN 'request_raised' "
        "WHEN r2 < 0.88 THEN 'referred' WHEN r2 < 0.93 THEN 'signposted' "
        "WHEN r2 < 0.96 THEN 'callback_booked' ELSE 'abandoned' END)"
    )
    handled = f"(CASE WHEN p <> {hub_id} AND r3 < 0.4 THEN {hub_id} ELSE NULL END)"
    values = {
        "channel": channel,
        "direction": "'inbound'",
        "partner_id": "p",
        "handled_by_id": handled,
        "started_at": "s",
        "ended_at": "e",
        "outcome": outcome,
        "notes": "''",
    }
    columns, expressions = [], []
    for f in Contact._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column in values:
            columns.append(f.column)
            expressions.append(values[f.column])
        elif not f.null:  # a field added since: its default
            columns.append(f.column)
            expressions.append(_literal(f.get_default()))
    inner = (
        f"SELECT j, {partner} AS p, {started} AS s, {ended} AS e, {rnd} AS r1, "
        f"{rnd} AS r2, {rnd} AS r3 FROM {source}"
    )
    return (
        f"{prefix}INSERT INTO contacts_contact ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM ({inner}) AS x"
    )


def load_contacts(count: int, days: int, partners: dict, end: dt.datetime) -> float:
    from django.db import connection, transaction

    ids = [p.pk for p in partners.values()]
    seconds = days * 86400
    start_epoch = int(end.timestamp()) - seconds
    started = time.perf_counter()
    done = 0
    while done < count:
        chunk = min(1_000_000, count - done)
        sql = contact_insert_sql(
            connection.vendor, first=done, count=chunk, total=count, start_epoch=start_epoch,
            seconds=seconds, partner_ids=ids, hub_id=partners["hub"].pk,
        )  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        done += chunk
        print(f"  {done:,} contacts ({time.perf_counter() - started:.0f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contacts_contact")
    return time.perf_counter() - started


def load_calls(partners: dict, days: int) -> tuple[int, float]:
    from django.utils import timezone

    from firstcontact.telephony import importer
    from firstcontact.telephony.generator import QueueProfile, generate_queue_log
    from firstcontact.telephony.models import Queue

    importer.calls_imported.disconnect(dispatch_uid="insight_refresh_after_import")
    profiles = []
    for slug, partner in partners.items():
        Queue.objects.create(
            name=f"{slug}-general",
            partner=partner,
            handled_by=partners["hub"] if slug != "hub" else None,
        )
        profiles.append(QueueProfile(f"{slug}-general", 300))
    today = timezone.localdate()
    text = "".join(generate_queue_log(profiles, today - dt.timedelta(days=days), days, seed=3))
    started = time.perf_counter()
    result = importer.import_queue_log(io.StringIO(text), source="bench")
    return result.calls_written, time.perf_counter() - started


def run_benchmark(args, database_url: str) -> dict:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from firstcontact.insight import rollups
    from firstcontact.insight.models import CallDailyRollup, ContactDailyRollup, RollupState

    call_command("migrate", verbosity=0, interactive=False)
    partners, manager = create_partnership()
    today = timezone.localdate()
    midnight = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    print(
        f"{connection.vendor}: loading {args.contacts:,} contacts over {args.days} days", flush=True
    )
    contacts_s = load_contacts(args.contacts, args.days, partners, midnight)
    calls, calls_s = load_calls(partners, args.call_days)
    started = time.perf_counter()
    build_from = today - dt.timedelta(days=args.days)
    rollups.build_contact_rollups(build_from, today - dt.timedelta(days=1))
    contact_rollup_s = time.perf_counter() - started
    started = time.perf_counter()
    rollups.build_call_rollups(today - dt.timedelta(days=args.call_days), today)
    call_rollup_s = time.perf_counter() - started

    setup_test_environment()
    client = Client()
    client.force_login(manager)
    views = {
        "28 days by day": {
            "date_from": (today - dt.timedelta(days=27)).isoformat(),
            "date_to": today.isoformat(),
            "interval": "day",
        },
        "a year by month": {
            "date_from": (today - dt.timedelta(days=364)).isoformat(),
            "date_to": today.isoformat(),
            "interval": "month",
        },
    }
    render_times(
        client, DASHBOARD_URL, views["28 days by day"], 1
    )  # warm-up: templates, first queries
    results = {}
    for name, params in views.items():
        times = render_times(client, DASHBOARD_URL, params, args.renders)
        results[name] = {"p50": statistics.median(times), "max": max(times)}
    # A client's monthly statement (issue 17): last month beside the two before; goal < 2 s.
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    statement = {"partner": partners["county"].pk, "month": f"{last_month:%Y-%m}"}
    times = render_times(client, "/insight/statements/", statement, args.renders)
    results[STATEMENT_VIEW] = {"p50": statistics.median(times), "max": max(times)}
    raw = args.raw if args.raw is not None else args.contacts <= 1_000_000
    if raw:
        saved = list(RollupState.objects.values())
        RollupState.objects.all().delete()
        times = render_times(
            client, DASHBOARD_URL, views["28 days by day"], max(1, args.renders // 2)
        )
        results["28 days by day, no rollups"] = {"p50": statistics.median(times), "max": max(times)}
        for row in saved:
            RollupState.objects.create(**row)
    return {
        "database": connection.vendor,
        "contacts": args.contacts,
        "calls": calls,
        "contact_rows": ContactDailyRollup.objects.count(),
        "call_rows": CallDailyRollup.objects.count(),
        "load_contacts_s": contacts_s,
        "import_calls_s": calls_s,
        "contact_rollup_s": contact_rollup_s,
        "call_rollup_s": call_rollup_s,
        "renders": results,
        "load_average": os.getloadavg()[0],
    }


def print_table(rows: list[dict]) -> None:
    print()
    print("Insight dashboard (GET /insight/ as the hub's manager, every partner)")
    header = f"{'database':<11}{'contacts':>12}  {'view':<28}{'p50 s':>8}{'max s':>8}  goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        for view, t in r["renders"].items():
            goal = ""
            if "no rollups" not in view:
                limit = STATEMENT_GOAL_S if view == STATEMENT_VIEW else GOAL_S
                goal = (
                    f"{'meets' if t['p50'] < limit else 'OVER'} < {limit:.0f} s"
                    if r["contacts"] >= FULL_CONTACTS
                    else f"(goal at {FULL_CONTACTS:,})"
                )
            print(
                f"{r['database']:<11}{r['contacts']:>12,}  {view:<28}{t['p50']:>8.3f}"
                f"{t['max']:>8.3f}  {goal}"
            )
    for r in rows:
        print(
            f"{r['database']}: contacts loaded in {r['load_contacts_s']:.0f} s; "
            f"{r['calls']:,} calls imported in {r['import_calls_s']:.1f} s; rollups: "
            f"{r['contact_rows']:,} contact rows in {r['contact_rollup_s']:.1f} s, "
            f"{r['call_rows']:,} call rows in {r['call_rollup_s']:.1f} s; 1-minute load "
            f"average {r['load_average']:.1f} on {os.cpu_count()} CPUs"
        )
    print()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CONTACTS:,} contacts")
    parser.add_argument("--days", type=int, help="days the contacts span (730; quick 120)")
    parser.add_argument("--call-days", type=int, default=None, help="days of calls (28; 7)")
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--raw", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json-out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.contacts = args.contacts or (QUICK_CONTACTS if args.quick else FULL_CONTACTS)
    args.days = args.days or (120 if args.quick else 730)
    args.call_days = args.call_days or (7 if args.quick else 28)
    return run_on_each_database(
        args,
        script=__file__,
        label="insight",
        child_args=[
            "--contacts",
            str(args.contacts),
            "--days",
            str(args.days),
            "--call-days",
            str(args.call_days),
            "--renders",
            str(args.renders),
            *([] if args.raw is None else ["--raw" if args.raw else "--no-raw"]),
        ],  # fmt: skip
        run=run_benchmark,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
