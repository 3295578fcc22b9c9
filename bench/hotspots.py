#!/usr/bin/env python3
"""Community-safety hotspots (/insight/places/) over many geolocated requests.

    .venv/bin/python bench/hotspots.py                 # 1,000,000 requests, 2 years, both DBs
    .venv/bin/python bench/hotspots.py --quick         # 100,000 requests
    .venv/bin/python bench/hotspots.py --requests 300000 --database sqlite

On a fresh database (SQLite file in a temporary directory, or a new PostgreSQL database on
DATABASE_URL's server / a throwaway server) it creates a police force, a county and three
districts with wards as boundaries, six community-safety services (antisocial behaviour and
drug dealing for the police; fly-tipping, graffiti, noise, abandoned vehicles for the
districts), and N requests over two years generated in the database itself (INSERT … SELECT,
no Python per row): 70% clustered round 25 hotspots, the rest spread over the area. Then it
times, as a partnership administrator (who sees every partner's counts), with the Django test
client:

  a month, squares        the map and tables for the last 30 days, whole area (500 m squares)
  a month, one service    the same for fly-tipping alone
  a month, by ward        the same by the districts' wards (boundaries)
  a year, squares         the last 365 days

Each is rendered --renders times; p50 and max are printed. Goal (issue 17): the map for a month
and the whole area under 1 s at 1,000,000 requests, on PostgreSQL and SQLite. Prints figures;
asserts nothing.
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
from insight_dashboard import _literal, setup_django

GOAL_S = 1.0
GOAL_VIEW = "a month, squares"
FULL_REQUESTS = 1_000_000
QUICK_REQUESTS = 100_000
DAYS = 730
# The area: about 60 by 70 km of southern England.
SOUTH, NORTH, WEST, EAST = 50.6, 51.2, -2.4, -1.4
HOTSPOTS = 25
SERVICES = [
    ("asb", "Antisocial behaviour", "police"),
    ("drugs", "Drug dealing", "police"),
    ("fly-tipping", "Fly-tipping", "district"),
    ("graffiti", "Graffiti", "district"),
    ("noise", "Noise", "district"),
    ("abandoned-vehicle", "Abandoned vehicle", "district"),
]


def box(south, west, north, east) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def create_partnership():
    from django.contrib.auth.models import User

    from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
    from firstcontact.insight.models import CommunitySafetyService
    from firstcontact.partners.models import Membership, Partner, PartnerArea, Role, Team

    county = Partner.objects.create(slug="county", name="Wessex County Council", kind="county")
    police = Partner.objects.create(slug="police", name="Wessex Constabulary", kind="police")
    whole = box(SOUTH, WEST, NORTH, EAST)
    PartnerArea.objects.create(partner=county, name="Wessex", boundary=whole)
    PartnerArea.objects.create(partner=police, name="Wessex", boundary=whole)
    districts = []
    width = (EAST - WEST) / 3
    for i, name in enumerate(["Casterbridge", "Melchester", "Budmouth"]):
        district = Partner.objects.create(
            slug=name.lower(), name=f"{name} District Council", kind="district", parent=county
        )
        west = WEST + i * width
        PartnerArea.objects.create(
            partner=district, name=name, boundary=box(SOUTH, west, NORTH, west + width)
        )
        # Four wards each: the areas the "by ward" view counts by.
        for w in range(4):
            s = SOUTH + w * (NORTH - SOUTH) / 4
            PartnerArea.objects.create(
                partner=district,
                name=f"{name} ward {w + 1}",
                boundary=box(s, west, s + (NORTH - SOUTH) / 4, west + width),
            )
        districts.append(district)
    police_team = Team.objects.create(partner=police, name="Neighbourhood policing")
    services = {}
    for code, name, owner in SERVICES:
        service = Service.objects.create(
            code=code, name=name, kind=ServiceKind.FAULT_REPORT, tier=Tier.DISTRICT
        )
        if owner == "police":
            ServiceDelivery.objects.create(service=service, partner=police, team=police_team)
        else:
            for district in districts:
                ServiceDelivery.objects.create(service=service, partner=district)
        CommunitySafetyService.objects.create(service=service)
        services[code] = service
    admin = User.objects.create_user("bench-admin")
    Membership.objects.create(user=admin, partner=county, role=Role.PARTNERSHIP_ADMIN)
    return {"police": police, "districts": districts, "county": county}, services, admin


def request_insert_sql(
    vendor: str,
    *,
    first: int,
    count: int,
    total: int,
    start_epoch: int,
    seconds: int,
    service_ids: list[int],
    police_services: int,
    police_id: int,
    district_ids: list[int],
) -> str:
    """One INSERT … SELECT making requests first+1 … first+count of `total` in the database.

    Request j is raised j/total of the way through the period (time runs with the id); its
    service is service_ids[j % n] (the first `police_services` are the police's, the others
    the district's by longitude); 70% lie round one of HOTSPOTS points (a triangular spread of
    about ±1 km), the rest anywhere in the area."""
    from firstcontact.servicerequests.models import ServiceRequest

    n = len(service_ids)
    if vendor == "postgresql":
        prefix = ""
        source = f"generate_series({first + 1}, {first + count}) AS g(j)"
        rnd = "random()"
        frac = f"(j::float8 / {total})"
        created = f"to_timestamp({start_epoch} + {frac} * {seconds})"
        reference = "'H' || lpad(j::text, 7, '0')"
        pick = ", ".join(str(s) for s in service_ids)
        service = f"(ARRAY[{pick}])[1 + (j % {n})]"
    else:
        prefix = (
            f"WITH RECURSIVE cnt(j) AS (SELECT {first + 1} UNION ALL SELECT j + 1 "
            f"FROM cnt LIMIT {count}) "
        )
        source = "cnt"
        rnd = "((abs(random()) % 1000000) / 1000000.0)"
        frac = f"(j * 1.0 / {total})"
        created = f"strftime('%Y-%m-%d %H:%M:%S', {start_epoch} + {frac} * {seconds}, 'unixepoch')"
        reference = "'H' || substr('0000000' || j, -7, 7)"
        cases = " ".join(f"WHEN {k} THEN {s}" for k, s in enumerate(service_ids))
        service = f"(CASE (j % {n}) {cases} END)"
    # Hotspot k's centre, a fixed pseudo-random point of the area from k.
    k = f"(j % {HOTSPOTS})"
    hot_lat = f"({SOUTH + 0.05} + (({k} * 37) % 100) / 100.0 * {NORTH - SOUTH - 0.1})"
    hot_lon = f"({WEST + 0.05} + (({k} * 61) % 100) / 100.0 * {EAST - WEST - 0.1})"
    lat = (
        f"(CASE WHEN r0 < 0.7 THEN {hot_lat} + (r1 - r2) * 0.009 "
        f"ELSE {SOUTH} + r1 * {NORTH - SOUTH} END)"
    )
    lon = (
        f"(CASE WHEN r0 < 0.7 THEN {hot_lon} + (r3 - r4) * 0.014 "
        f"ELSE {WEST} + r3 * {EAST - WEST} END)"
    )
    width = (EAST - WEST) / len(district_ids)
    district = " ".join(
        f"WHEN lon < {WEST + (i + 1) * width} THEN {d}" for i, d in enumerate(district_ids)
    )
    police_pick = " OR ".join(f"svc = {s}" for s in service_ids[:police_services])
    partner = f"(CASE WHEN {police_pick} THEN {police_id} {district} ELSE {district_ids[-1]} END)"
    values = {
        "reference": "ref",
        "service_id": "svc",
        "channel": "(CASE WHEN r0 < 0.5 THEN 'web' WHEN r0 < 0.9 THEN 'phone' ELSE 'open311' END)",
        "responsible_partner_id": partner,
        "status": "'open'",
        "latitude": "lat",
        "longitude": "lon",
        "created_at": "c",
        "updated_at": "c",
    }
    columns, expressions = [], []
    for f in ServiceRequest._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column in values:
            columns.append(f.column)
            expressions.append(values[f.column])
        elif not f.null:  # every other column: its default
            columns.append(f.column)
            default = f.get_default()
            default = getattr(default, "value", default)  # a choices enum: its value
            expressions.append("'{}'" if default == {} else _literal(default))
    inner = (
        f"SELECT j, {reference} AS ref, {service} AS svc, {created} AS c, r0, r1, r3, "
        f"{lat} AS lat, {lon} AS lon FROM (SELECT j, {rnd} AS r0, {rnd} AS r1, {rnd} AS r2, "
        f"{rnd} AS r3, {rnd} AS r4 FROM {source}) AS g2"
    )
    return (
        f"{prefix}INSERT INTO servicerequests_servicerequest ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM ({inner}) AS x"
    )


def load_requests(count: int, days: int, partners: dict, services: dict, end) -> float:
    from django.db import connection, transaction

    seconds = days * 86400
    start_epoch = int(end.timestamp()) - seconds
    ids = [s.pk for s in services.values()]
    started = time.perf_counter()
    done = 0
    while done < count:
        chunk = min(500_000, count - done)
        sql = request_insert_sql(
            connection.vendor, first=done, count=chunk, total=count, start_epoch=start_epoch,
            seconds=seconds, service_ids=ids, police_services=2,
            police_id=partners["police"].pk, district_ids=[d.pk for d in partners["districts"]],
        )  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        done += chunk
        print(f"  {done:,} requests ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both: the planner needs the new row counts
    return time.perf_counter() - started


def run_benchmark(args, database_url: str) -> dict:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from firstcontact.servicerequests.models import ServiceRequest

    call_command("migrate", verbosity=0, interactive=False)
    partners, services, admin = create_partnership()
    today = timezone.localdate()
    tomorrow = dt.datetime.combine(
        today + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone()
    )
    print(f"{connection.vendor}: loading {args.requests:,} requests over {DAYS} days", flush=True)
    load_s = load_requests(args.requests, DAYS, partners, services, tomorrow)

    setup_test_environment()
    client = Client()
    client.force_login(admin)
    month = {
        "date_from": (today - dt.timedelta(days=29)).isoformat(),
        "date_to": today.isoformat(),
    }
    views = {
        GOAL_VIEW: month,
        "a month, one service": {**month, "service": services["fly-tipping"].pk},
        "a month, by ward": {**month, "areas": partners["districts"][0].pk},
        "a year, squares": {
            "date_from": (today - dt.timedelta(days=364)).isoformat(),
            "date_to": today.isoformat(),
        },
    }
    render_times(client, "/insight/places/", month, 1)  # warm-up
    results = {}
    for name, params in views.items():
        times = render_times(client, "/insight/places/", params, args.renders)
        results[name] = {"p50": statistics.median(times), "max": max(times)}
    times = render_times(client, "/insight/places/tasking/", month, args.renders)
    results["joint tasking, a month"] = {"p50": statistics.median(times), "max": max(times)}
    in_month = ServiceRequest.objects.filter(created_at__gte=tomorrow - dt.timedelta(days=30))
    return {
        "database": connection.vendor,
        "requests": ServiceRequest.objects.count(),
        "in_month": in_month.count(),
        "load_s": load_s,
        "renders": results,
        "load_average": os.getloadavg()[0],
    }


def print_table(rows: list[dict]) -> None:
    print()
    print("Community-safety hotspots (GET /insight/places/ as a partnership administrator)")
    header = f"{'database':<11}{'requests':>11}  {'view':<26}{'p50 s':>8}{'max s':>8}  goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        for view, t in r["renders"].items():
            goal = ""
            if view == GOAL_VIEW:
                goal = (
                    f"{'meets' if t['p50'] < GOAL_S else 'OVER'} < {GOAL_S:.0f} s"
                    if r["requests"] >= FULL_REQUESTS
                    else f"(goal at {FULL_REQUESTS:,})"
                )
            print(
                f"{r['database']:<11}{r['requests']:>11,}  {view:<26}{t['p50']:>8.3f}"
                f"{t['max']:>8.3f}  {goal}"
            )
    for r in rows:
        print(
            f"{r['database']}: {r['requests']:,} requests ({r['in_month']:,} in the last month) "
            f"loaded in {r['load_s']:.0f} s; 1-minute load average {r['load_average']:.1f} on "
            f"{os.cpu_count()} CPUs"
        )
    print()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REQUESTS:,} requests")
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json-out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.requests = args.requests or (QUICK_REQUESTS if args.quick else FULL_REQUESTS)
    return run_on_each_database(
        args,
        script=__file__,
        label="hotspots",
        child_args=["--requests", str(args.requests), "--renders", str(args.renders)],
        run=run_benchmark,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
