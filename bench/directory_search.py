#!/usr/bin/env python3
"""The directory of services (issue 14, "Speed"): search, the ORUK API's list and its ndjson.

    .venv/bin/python bench/directory_search.py                   # 100,000 services, both DBs
    .venv/bin/python bench/directory_search.py --quick           # 10,000 services
    .venv/bin/python bench/directory_search.py --services 30000 --database sqlite

On a fresh database (SQLite: a file in a temporary directory; PostgreSQL: a new database on
the server DATABASE_URL points to, or on a throwaway server started with
scripts/throwaway_postgres.py) it loads N services of 500 organisations at 2N places (two
each) spread over about 60 by 70 km, each place on one of 5,000 postcodes whose centroids are
loaded, and each service with a weekly opening time and a cost, by bulk inserts; the first
200 are the entries of the partnership's own catalogue services, a tenth of them private.
Then it times:

  search        `directory.finder.find`: a word and a postcode within 5 km, as "Find a
                service" and the desk run it: every match in order, then the first page of
                20 with their places and times (the word is one that about 1 in 25 services
                use; the postcode a random loaded one), each on a fresh connection as a
                request has (SQLite: CONN_MAX_AGE=0; connecting is not timed). Goal p95
                < 50 ms (PostgreSQL), < 100 ms (SQLite). --before also times the search as
                it was before (the words read first, every result attached), straight after.
  api page      GET /openreferral/v3/services?page=P&per_page=50 (a random page) through
                Django's test client. Goal p95 < 100 ms.
  ndjson        GET /openreferral/v3/services?format=ndjson: every service streamed and read
                to the end, once. Goal < 30 s, with peak RSS printed (the kernel's high-water
                mark is reset first, so it is the stream's own peak: flat memory means it
                stays near the RSS before, whatever N).

A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from _databases import run_on_each_database

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

FULL_SERVICES = 100_000
QUICK_SERVICES = 10_000
ORGANIZATIONS = 500
CATALOGUE_SERVICES = 200
POSTCODES = 5_000
SOUTH, NORTH, WEST, EAST = 50.6, 51.2, -2.4, -1.4
TARGET_SEARCH_MS = {"postgresql": 50.0, "sqlite": 100.0}
TARGET_PAGE_MS = 100.0
TARGET_NDJSON_S = 30.0
CHUNK = 5_000

# Names are "<kind> <topic>": 25 topics, so a topic word matches about 1 service in 25.
KINDS = ["Advice", "Support group", "Drop-in", "Club", "Helpline", "Classes", "Clinic", "Cafe"]
TOPICS = [
    "debt", "housing", "carers", "dementia", "toddlers", "youth", "food", "energy", "benefits",
    "mental health", "bereavement", "veterans", "refugees", "employment", "digital skills",
    "gardening", "walking", "singing", "chess", "knitting", "cycling", "swimming", "reading",
    "cooking", "woodwork",
]  # fmt: skip
DESCRIPTIONS = [
    "Friendly volunteers meet every week. Everyone welcome, no referral needed.",
    "Free and confidential help from trained staff, in person or by phone.",
    "A small group that meets in the community hall; tea and biscuits provided.",
    "Book a place online or just turn up. Step-free access and a hearing loop.",
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
    settings.ALLOWED_HOSTS = ["*"]


def rss_kb(field: str = "VmRSS") -> int:
    """This process's resident memory (VmRSS) or its high-water mark (VmHWM), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark of RSS (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def load(services: int, rng: random.Random) -> list[str]:
    """Bulk-load the directory; the loaded postcodes."""
    from django.db import transaction

    from firstcontact.catalogue.models import Service as CatalogueService
    from firstcontact.catalogue.models import ServiceKind
    from firstcontact.directory.models import (
        CostOption,
        Location,
        Organization,
        Postcode,
        Schedule,
        Service,
        ServiceAtLocation,
    )

    postcodes: list[str] = []
    seen: set[str] = set()
    rows = []
    for i in range(POSTCODES):
        code = f"WX{1 + i % 9} {1 + (i // 9) % 9}{chr(65 + (i // 81) % 26)}{chr(65 + i % 26)}"
        if code in seen:
            continue
        seen.add(code)
        postcodes.append(code)
        rows.append(
            Postcode(
                postcode=code,
                latitude=rng.uniform(SOUTH, NORTH),
                longitude=rng.uniform(WEST, EAST),
            )
        )
    centroids = [(p.latitude, p.longitude, p.postcode) for p in rows]
    with transaction.atomic():
        Postcode.objects.bulk_create(rows, batch_size=CHUNK)
        organizations = Organization.objects.bulk_create(
            [
                Organization(name=f"Community Trust {i}", description="A local charity.")
                for i in range(ORGANIZATIONS)
            ],
            batch_size=CHUNK,
        )
        # The partnership's own services are in the directory too; a few are private (staff
        # only), and every public read leaves their entries out.
        catalogue = CatalogueService.objects.bulk_create(
            [
                CatalogueService(
                    code=f"bench-{i}",
                    name=f"Council service {i}: {TOPICS[i % len(TOPICS)]}",
                    description="One of the partnership's own services.",
                    kind=ServiceKind.INFORMATION,
                    private=i % 10 == 0,
                )
                for i in range(CATALOGUE_SERVICES)
            ]
        )
    now = time_now()
    made = 0
    while made < services:
        n = min(CHUNK, services - made)
        batch_services, batch_locations, batch_at, batch_times, batch_costs = [], [], [], [], []
        for i in range(n):
            topic = rng.choice(TOPICS)
            service = Service(
                id=uuid.uuid4(),
                organization=rng.choice(organizations),
                catalogue_service=catalogue[made + i] if made + i < len(catalogue) else None,
                name=f"{rng.choice(KINDS)}: {topic}",
                description=rng.choice(DESCRIPTIONS),
                last_modified=now,
            )
            batch_services.append(service)
            batch_times.append(
                Schedule(
                    service=service,
                    freq="WEEKLY",
                    byday=rng.choice(["MO", "TU,TH", "MO,TU,WE,TH,FR", "SA"]),
                    opens_at=dt.time(9),
                    closes_at=dt.time(17),
                )
            )
            batch_costs.append(CostOption(service=service, option="Free", amount=0))
            for _place in range(2):
                lat, lon, code = rng.choice(centroids)
                location = Location(
                    id=uuid.uuid4(),
                    name=f"{service.name} hall",
                    latitude=lat + rng.uniform(-0.003, 0.003),
                    longitude=lon + rng.uniform(-0.005, 0.005),
                    postcode=code,
                    last_modified=now,
                )
                batch_locations.append(location)
                batch_at.append(
                    # bulk_create skips save(), which copies the place's coordinates.
                    ServiceAtLocation(
                        service=service,
                        location=location,
                        latitude=location.latitude,
                        longitude=location.longitude,
                        last_modified=now,
                    )
                )
        with transaction.atomic():
            Service.objects.bulk_create(batch_services, batch_size=CHUNK)
            Location.objects.bulk_create(batch_locations, batch_size=CHUNK)
            ServiceAtLocation.objects.bulk_create(batch_at, batch_size=CHUNK)
            Schedule.objects.bulk_create(batch_times, batch_size=CHUNK)
            CostOption.objects.bulk_create(batch_costs, batch_size=CHUNK)
        made += n
        print(f"  loaded {made:,} services", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum leaves a table a minute after a load: its statistics, and on
        # PostgreSQL the visibility map that lets a scan read an index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return postcodes


def near_before(queryset, point, radius: float) -> dict:
    """finder._near as it was before (commit 582be43): every service's words and filters read
    first (an IN subquery), then their places in the bounding box."""
    from firstcontact.directory.finder import ServiceAtLocation, bounding_box, haversine_m

    south, north, west, east = bounding_box(point.latitude, point.longitude, radius)
    rows = ServiceAtLocation.objects.filter(
        service_id__in=queryset.values("pk"),
        location__latitude__gte=south,
        location__latitude__lte=north,
        location__longitude__gte=west,
        location__longitude__lte=east,
    ).values_list(
        "service_id",
        "location_id",
        "location__latitude",
        "location__longitude",
        "service__name",
        "service__catalogue_service__name",
    )
    nearest: dict = {}
    for service_id, location_id, lat, lon, name, catalogue_name in rows.iterator(chunk_size=5000):
        distance = haversine_m(point.latitude, point.longitude, lat, lon)
        if distance <= radius and (service_id not in nearest or distance < nearest[service_id][0]):
            nearest[service_id] = (distance, location_id, catalogue_name or name)
    return nearest


def time_now():
    from django.utils import timezone

    return timezone.now()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn, repeats: int) -> list[float]:
    from django.db import connections, reset_queries

    out = []
    for i in range(repeats):
        reset_queries()
        if connections["default"].vendor == "sqlite":
            connections.close_all()  # as between requests (SQLite: CONN_MAX_AGE=0)
        connections["default"].ensure_connection()  # connecting is not timed
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def run_benchmark(args, url: str) -> dict:
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from firstcontact.directory import finder

    vendor = connection.vendor
    rng = random.Random(14)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    postcodes = load(args.services, rng)
    load_s = time.perf_counter() - start
    print(f"{vendor}: loaded {args.services:,} services at {2 * args.services:,} places in "
          f"{load_s:.0f} s", flush=True)  # fmt: skip

    queries = [(rng.choice(TOPICS).split()[0], rng.choice(postcodes)) for _ in range(args.queries)]
    counts = []

    def search(i: int) -> None:
        word, postcode = queries[i]
        # As the resident's page runs it: every match in order, the first page of 20 attached.
        found = finder.find(
            finder.Filters(words=word, postcode=postcode, radius_m=5_000), attach=False
        )
        finder.attach(found[:20])
        counts.append(len(found))

    def search_before(i: int) -> None:
        # As it was: the words first (near_before), and every result attached.
        word, postcode = queries[i]
        finder.find(finder.Filters(words=word, postcode=postcode, radius_m=5_000))

    search(0)  # warm the caches once
    counts.clear()
    before_ms: list[float] = []
    if args.before:
        # Each search as it is and as it was, one after the other (which goes first takes
        # turns), so both see the same load on the machine and the same warm caches.
        search_ms = []
        new_near = finder._near
        for i in range(args.queries):
            for which in ("new", "old") if i % 2 == 0 else ("old", "new"):
                finder._near = new_near if which == "new" else near_before
                try:
                    ms = timed(
                        lambda _j, i=i, w=which: (search if w == "new" else search_before)(i), 1
                    )
                finally:
                    finder._near = new_near
                (search_ms if which == "new" else before_ms).extend(ms)
    else:
        search_ms = timed(search, args.queries)

    client = Client()
    total_pages = max(1, args.services // 50)

    def api_page(i: int) -> None:
        page = rng.randint(1, total_pages)
        response = client.get("/openreferral/v3/services", {"page": page, "per_page": 50})
        assert response.status_code == 200, response.status_code

    api_page(0)
    page_ms = timed(api_page, args.pages)

    before = rss_kb()
    reset = reset_peak_rss()
    start = time.perf_counter()
    response = client.get("/openreferral/v3/services", {"format": "ndjson"})
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    ndjson_s = time.perf_counter() - start
    peak = rss_kb("VmHWM")
    row = {
        "database": vendor,
        "services": args.services,
        "locations": 2 * args.services,
        "load_s": round(load_s, 1),
        "search_p50_ms": round(statistics.median(search_ms), 1),
        "search_p95_ms": round(percentile(search_ms, 95), 1),
        "search_max_ms": round(max(search_ms), 1),
        "search_results_median": statistics.median(counts) if counts else 0,
        "search_target_ms": TARGET_SEARCH_MS.get(vendor),
        "before_search_p50_ms": round(statistics.median(before_ms), 1) if before_ms else None,
        "before_search_p95_ms": round(percentile(before_ms, 95), 1) if before_ms else None,
        "api_page_p50_ms": round(statistics.median(page_ms), 1),
        "api_page_p95_ms": round(percentile(page_ms, 95), 1),
        "api_page_target_ms": TARGET_PAGE_MS,
        "ndjson_s": round(ndjson_s, 1),
        "ndjson_lines": lines,
        "ndjson_target_s": TARGET_NDJSON_S,
        "rss_before_mb": round(before / 1024, 1),
        "rss_peak_mb": round(peak / 1024, 1) if reset else None,
    }
    return row


def print_table(rows: list[dict]) -> None:
    print()
    print("Directory of services (issue 14, Speed)")
    for row in rows:
        target = row["search_target_ms"]
        print(
            f"  {row['database']:<10} {row['services']:,} services at {row['locations']:,} places"
        )
        print(
            f"    search word+postcode+5 km  p50 {row['search_p50_ms']:>7.1f} ms  "
            f"p95 {row['search_p95_ms']:>7.1f} ms  (goal < {target:.0f} ms; "
            f"median {row['search_results_median']:.0f} results)"
        )
        if row.get("before_search_p95_ms") is not None:
            print(
                f"      before (words first)   p50 {row['before_search_p50_ms']:>7.1f} ms  "
                f"p95 {row['before_search_p95_ms']:>7.1f} ms"
            )
        print(
            f"    API services page          p50 {row['api_page_p50_ms']:>7.1f} ms  "
            f"p95 {row['api_page_p95_ms']:>7.1f} ms  (goal < {TARGET_PAGE_MS:.0f} ms)"
        )
        peak = f"{row['rss_peak_mb']} MB" if row["rss_peak_mb"] is not None else "unknown"
        print(
            f"    ndjson, every service      {row['ndjson_s']:>7.1f} s for {row['ndjson_lines']:,}"
            f" lines (goal < {TARGET_NDJSON_S:.0f} s); RSS before {row['rss_before_mb']} MB, "
            f"peak while streaming {peak}"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SERVICES:,} services")
    parser.add_argument("--queries", type=int, default=200, help="searches timed (200)")
    parser.add_argument("--pages", type=int, default=100, help="API pages timed (100)")
    parser.add_argument(
        "--before",
        action="store_true",
        help="also time the search as it was before (words first, every result attached)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json-out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.services = args.services or (QUICK_SERVICES if args.quick else FULL_SERVICES)
    return run_on_each_database(
        args,
        script=__file__,
        label="directory",
        child_args=[
            "--services",
            str(args.services),
            "--queries",
            str(args.queries),
            "--pages",
            str(args.pages),
            *(["--before"] if args.before else []),
        ],
        run=run_benchmark,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
