#!/usr/bin/env python3
"""Monthly statements (/insight/statements/): the page and its PDF for a partner and month.

    .venv/bin/python bench/statements.py               # 1,000,000 contacts, both DBs
    .venv/bin/python bench/statements.py --quick       # 100,000 contacts
    .venv/bin/python bench/statements.py --contacts 300000 --database sqlite

On a fresh database (SQLite file in a temporary directory, or a new PostgreSQL database on
DATABASE_URL's server / a throwaway server) it builds insight_dashboard.py's partnership of
eight partners with a hub (each client with a shared-service agreement and standards), N
contacts over two years and a sixth as many requests of the county (in the database itself),
a generated queue_log of calls for the last 60 days, and the daily rollups. Then, as the
hub's manager, with the Django test client, it times:

  statement page     GET /insight/statements/ for the county's last month (three months)
  statement PDF      the same with format=pdf (WeasyPrint)

Each is rendered --renders times; p50 and max are printed. Goals (issue 17): the page under
2 s, its PDF under 5 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

from _databases import run_on_each_database
from _pages import render_times
from hotspots import request_insert_sql
from insight_dashboard import create_partnership, load_calls, load_contacts, setup_django

GOALS = {"statement page": 2.0, "statement PDF": 5.0}
STATEMENTS_URL = "/insight/statements/"
FULL_CONTACTS = 1_000_000
QUICK_CONTACTS = 100_000
DAYS = 730
CALL_DAYS = 60


def add_agreements(partners: dict) -> None:
    from decimal import Decimal

    from firstcontact.insight.models import RechargeRate, ServiceAgreement
    from firstcontact.partners.models import HubAgreement

    for agreement in HubAgreement.objects.all():
        ServiceAgreement.objects.create(
            agreement=agreement,
            service_level_seconds=20,
            service_level_target=0.8,
            abandonment_max=0.05,
            fcr_target=0.7,
            sla_target=0.9,
        )
        RechargeRate.objects.create(
            hub=agreement.hub,
            client=agreement.client,
            per_contact=Decimal("2.50"),
            per_call=Decimal("1.10"),
            starts=dt.date(2020, 1, 1),
        )


def load_requests(count: int, partners: dict, end: dt.datetime) -> float:
    """`count` requests of the county over two years, in the database (hotspots.py's SQL)."""
    from django.db import connection, transaction

    from firstcontact.catalogue.models import Service, ServiceDelivery

    service = Service.objects.create(code="pothole", name="Pothole", kind="fault_report")
    ServiceDelivery.objects.create(service=service, partner=partners["county"])
    seconds = DAYS * 86400
    started = time.perf_counter()
    sql = request_insert_sql(
        connection.vendor, first=0, count=count, total=count,
        start_epoch=int(end.timestamp()) - seconds, seconds=seconds, service_ids=[service.pk],
        police_services=1, police_id=partners["county"].pk,
        district_ids=[partners["county"].pk],
    )  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def run_benchmark(args, database_url: str) -> dict:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from firstcontact.insight import rollups
    from firstcontact.servicerequests.models import ServiceRequest

    call_command("migrate", verbosity=0, interactive=False)
    partners, manager = create_partnership()
    add_agreements(partners)
    today = timezone.localdate()
    midnight = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    print(f"{connection.vendor}: loading {args.contacts:,} contacts over {DAYS} days", flush=True)
    contacts_s = load_contacts(args.contacts, DAYS, partners, midnight)
    requests_s = load_requests(args.contacts // 6, partners, midnight)
    calls, calls_s = load_calls(partners, CALL_DAYS)
    started = time.perf_counter()
    rollups.build_contact_rollups(today - dt.timedelta(days=DAYS), today - dt.timedelta(days=1))
    rollups.build_call_rollups(today - dt.timedelta(days=CALL_DAYS), today)
    rollup_s = time.perf_counter() - started

    setup_test_environment()
    client = Client()
    client.force_login(manager)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page = {"partner": partners["county"].pk, "month": f"{last_month:%Y-%m}"}
    render_times(client, STATEMENTS_URL, page, 1)  # warm-up: templates, fonts
    results = {}
    for name, params in {
        "statement page": page,
        "statement PDF": {**page, "format": "pdf"},
    }.items():
        times = render_times(client, STATEMENTS_URL, params, args.renders)
        results[name] = {"p50": statistics.median(times), "max": max(times)}
    pdf = client.get(STATEMENTS_URL, {**page, "format": "pdf"})
    return {
        "database": connection.vendor,
        "contacts": args.contacts,
        "requests": ServiceRequest.objects.count(),
        "calls": calls,
        "pdf_bytes": len(pdf.content),
        "pdf_is_pdf": pdf["Content-Type"] == "application/pdf",
        "load_s": contacts_s + requests_s,
        "import_calls_s": calls_s,
        "rollup_s": rollup_s,
        "renders": results,
        "load_average": os.getloadavg()[0],
    }


def print_table(rows: list[dict]) -> None:
    print()
    print("Monthly statement (the county's last month beside the two before, as the hub's manager)")
    header = f"{'database':<11}{'contacts':>11}  {'view':<18}{'p50 s':>8}{'max s':>8}  goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        for view, t in r["renders"].items():
            limit = GOALS[view]
            goal = f"{'meets' if t['p50'] < limit else 'OVER'} < {limit:.0f} s"
            print(
                f"{r['database']:<11}{r['contacts']:>11,}  {view:<18}{t['p50']:>8.3f}"
                f"{t['max']:>8.3f}  {goal}"
            )
    for r in rows:
        print(
            f"{r['database']}: {r['contacts']:,} contacts and {r['requests']:,} requests loaded in "
            f"{r['load_s']:.0f} s, {r['calls']:,} calls imported in {r['import_calls_s']:.0f} s, "
            f"rollups in {r['rollup_s']:.0f} s; the PDF is {r['pdf_bytes']:,} bytes"
            f"{'' if r['pdf_is_pdf'] else ' (NOT a PDF: WeasyPrint missing?)'}; 1-minute load "
            f"average {r['load_average']:.1f} on {os.cpu_count()} CPUs"
        )
    print()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CONTACTS:,} contacts")
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json-out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.contacts = args.contacts or (QUICK_CONTACTS if args.quick else FULL_CONTACTS)
    return run_on_each_database(
        args,
        script=__file__,
        label="statements",
        child_args=["--contacts", str(args.contacts), "--renders", str(args.renders)],
        run=run_benchmark,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
