#!/usr/bin/env python3
"""Latency of the adviser's customer search over a generated population.

    .venv/bin/python bench/customer_search.py                      # 1,000,000 customers, both DBs
    .venv/bin/python bench/customer_search.py --quick              # 20,000 customers
    .venv/bin/python bench/customer_search.py --customers 100000 --database sqlite

Builds a fresh database (SQLite: a file in a temporary directory; PostgreSQL: a new database on
the server that DATABASE_URL points to, or on a throwaway server started with
scripts/throwaway_postgres.py when DATABASE_URL is not a PostgreSQL URL), migrates it, loads N
customers with raw bulk SQL (each with a phone, an address and most with an email), then times
`firstcontact.customers.selectors.search_customers(adviser, query)` for four kinds of query:

  name      a stored customer's name with one or two typos (a letter swapped, dropped or replaced;
            the first letter of each word is kept), e.g. "Jonh Smiht";
  phone     a stored number, half typed in E.164 (+441134901234), half national (0113 490 1234);
  postcode  a stored address's postcode, as stored or typed in lower case without the space;
  email     a stored email address, as stored or typed with capitals (Jo.Smith@EXAMPLE.ORG).

Each query is timed as one request would run it: the user's partner cache is cleared and
connections are recycled as Django does between requests (SQLite: CONN_MAX_AGE=0, so a fresh
connection each time; connecting is not timed). It prints p50/p95/max in milliseconds, and how
often the intended customer was found ("found": for names, a result with the untypoed name; for
phones and emails, the customer; for postcodes, the customer or a full page of 20 from that
postcode).

A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _databases import is_postgres_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_POSTGRES = ROOT / "scripts" / "throwaway_postgres.py"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

# p95 targets at 1,000,000 customers, in milliseconds.
TARGET_P95_MS = {"postgresql": 50.0, "sqlite": 100.0}
TARGET_AT = 1_000_000
KINDS = ("name", "phone", "postcode", "email")
CHUNK = 20_000

# --- names -------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


GIVEN_NAMES = words(
    """
Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry
Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed
Logan Theo Harrison Benjamin Mason Sebastian Finley Adam Dylan Zachary Riley Teddy Theodore David
Toby Jake Louie Elijah Reggie Luca Tommy Jenson Albert Ollie Frankie Hugo Elliot Stanley Hunter
Jaxon Michael Rory Matthew Ronnie Liam Frederick Alex Louis Luke Jude Aaron Bobby Ryan Dexter
John Peter Paul Andrew Mark Stephen Christopher Robert Richard Anthony Simon Ian Gary Kevin
Steven Martin Colin Graham Keith Brian Alan Derek Trevor Nigel Neil Stuart Gareth Rhys Dafydd
Owain Callum Ross Craig Fraser Hamish Declan Ciaran Sean Patrick Connor Kieran Aidan Rajesh
Sanjay Amit Vikram Arjun Rohan Imran Bilal Tariq Omar Hassan Yusuf Ali Ahmed Kwame Kofi Emeka
Tomasz Piotr Krzysztof Marek Andrzej Jan Wei Jun Hao Chen Olivia Amelia Isla Ava Mia Ivy Lily
Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie Elsie Charlotte Evelyn
Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya Millie Isabelle Eva
Layla Esme Scarlett Imogen Chloe Ruby Jessica Lucy Hannah Holly Megan Bethany Lauren Rebecca
Sarah Emma Laura Rachel Nicola Claire Helen Karen Susan Julie Tracey Joanne Michelle Lisa
Angela Deborah Jacqueline Margaret Patricia Elizabeth Mary Jean Linda Barbara Carol Christine
Janet Pauline Gillian Maureen Sandra Valerie Brenda Shirley Doreen Eileen Joan Priya Anjali
Sunita Deepa Kavita Nisha Fatima Aisha Amina Zainab Maryam Khadija Noor Ayesha Sana Ngozi
Chiamaka Abena Adwoa Agnieszka Katarzyna Magdalena Joanna Malgorzata Siobhan Niamh Aoife Ciara
Roisin Caitlin Eilidh Morven Catriona Seren Cerys Ffion Carys Bronwen Mei Ling Xin Yan Siân
Zoë Chloé Renée Anaïs Björn Seán Ciarán Dónal Éamonn
"""
)

# Common British surnames first (they get the heaviest weights), then syllable-built ones.
COMMON_SURNAMES = words(
    """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott
Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson
Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams
Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell
Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens
Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews
Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong
Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley
Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed
Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton
Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald
Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers
O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan
Hutchinson Rahman Nowak Kowalski Wiśniewski Wojciechowski Kamińska Lewandowski Zieliński
Szymański Nguyen Tran Chen Wang Li Zhang Liu Okafor Okonkwo Mensah Asante Boateng Mahmood
Iqbal Akhtar Chaudhry Qureshi Sharma Gupta Mistry Desai Joshi Mehta Choudhury Uddin Islam
MacLeod MacKenzie MacDonald Fraser Cameron Sinclair Ferguson Morrison Duncan Paterson Llewellyn
Pritchard Bowen Vaughan Howells Jenkins-Jones Ap-Rhys Fitzgerald Gallagher Doherty Brennan
"""
)

SURNAME_STARTS = words(
    """
Ash Black Brad Brook Burn Carr Chad Crom Dal Dun Elm Fair Fen Gar Gold Green Hal Har Haw Hol
Kent Kings Lang Mar Mil Nor Oak Pen Ross Rad Red Sand Stan Stock Thorn Wal Wen Whit Wood Wy
Al Bar Bel Cal Dar Ed Far Glad Hed Ing Kel Lin Mel Ned Os Pad Quen Ran Sel Tal Ul Ver Wat Yar
"""
)
SURNAME_MIDDLES = ["", "", "", "er", "in", "ing", "an", "el", "ow", "ers"]
SURNAME_ENDS = words(
    """
ley ton well worth by field ford ham wick more ridge den combe shaw stead bury cott dale er
son ett ing hurst thwaite low wood brook lake mere ington man court
"""
)


def build_surnames(rng: random.Random, count: int) -> list[str]:
    names = list(dict.fromkeys(COMMON_SURNAMES))
    seen = {n.lower() for n in names}
    while len(names) < count:
        name = rng.choice(SURNAME_STARTS) + rng.choice(SURNAME_MIDDLES) + rng.choice(SURNAME_ENDS)
        name = name[0] + name[1:].lower()
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def zipf_cumulative(count: int, *, exponent: float, offset: float) -> list[float]:
    """Cumulative weights for a Zipf-like distribution over `count` ranked items."""
    total, cumulative = 0.0, []
    for rank in range(count):
        total += 1.0 / (rank + offset) ** exponent
        cumulative.append(total)
    return cumulative


# --- phones and postcodes ----------------------------------------------------------------------

# Geographic area codes whose 49x xxxx local numbers `clean_phone` accepts (0115 49x isn't valid).
PHONE_AREAS = ["113", "114", "116", "117", "118", "121", "131", "141", "151", "161", "191"]
PHONE_SPACE = len(PHONE_AREAS) * 100_000 + 10_000  # plus 020 7946 0000-9999


def phone_number(index: int) -> str:
    """The E.164 number with this index, one of PHONE_SPACE distinct valid UK numbers."""
    index %= PHONE_SPACE
    area, local = divmod(index, 100_000)
    if area < len(PHONE_AREAS):
        return f"+44{PHONE_AREAS[area]}49{local:05d}"
    return f"+4420 7946{local:04d}".replace(" ", "")


POSTCODE_AREAS = ["WX", "WY", "WZ", "XA", "XB", "XC"]  # fictional postcode areas
TOWNS = {
    "WX": "Wessex",
    "WY": "Wyford",
    "WZ": "Wezton",
    "XA": "Axbury",
    "XB": "Brexham",
    "XC": "Caxworth",
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREETS = """
High Street|Church Road|Mill Lane|Station Road|Victoria Road|Park Avenue|Manor Close|
The Green|Queens Road|New Street|Kings Road|Orchard Way|Chapel Lane|School Lane|London Road
""".replace("\n", "").split("|")


def postcode_universe(rng: random.Random, count: int) -> list[str]:
    chosen: set[str] = set()
    while len(chosen) < count:
        outward = f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 40)}"
        inward = f"{rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        chosen.add(f"{outward} {inward}")
    return sorted(chosen)


# --- typos -------------------------------------------------------------------------------------


def typo_word(rng: random.Random, word: str) -> str:
    """One typo in a word, keeping its first letter: swap two letters, drop or replace one."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("swap", "drop", "replace"))
    if op == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop" and len(word) > 4:
        return word[:i] + word[i + 1 :]
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[i].lower()]
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def with_typos(rng: random.Random, given: str, family: str) -> str:
    """A typo in one or both words: "John Smith" -> "Jonh Smiht" or "John Smiht"."""
    words = [given, family]
    targets = [0, 1] if rng.random() < 0.5 else [rng.randrange(2)]
    for t in targets:
        words[t] = typo_word(rng, words[t])
    typed = " ".join(words)
    if typed == f"{given} {family}":  # very short names: force a change
        typed = f"{given} {typo_word(rng, family + 'e')}"
    return typed


# --- setup -------------------------------------------------------------------------------------


@dataclass
class Target:
    customer_id: int
    given: str
    family: str
    search_name: str
    phone: str
    postcode: str
    email: str  # "" if the customer has none


@dataclass
class Figures:
    database: str
    customers: int
    kind: str
    queries: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    found_pct: float
    cpu_p50_ms: float
    target_p95_ms: float
    load_s: float
    extra: dict = field(default_factory=dict)


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
    # DEBUG=1 only supplies a development key: don't let the debug cursor log every query
    # (which production doesn't do) into the timings.
    settings.DEBUG = False


def create_adviser():
    from django.contrib.auth import get_user_model

    from firstcontact.partners.models import Membership, Partner, PartnerKind, Role

    partner = Partner.objects.create(
        slug="bench", name="Bench Borough Council", kind=PartnerKind.UNITARY
    )
    user = get_user_model().objects.create_user("bench-adviser")
    Membership.objects.create(user=user, partner=partner, role=Role.ADVISER)
    return partner, user


CUSTOMER_COLUMNS = (
    "id, partner_id, kind, title, given_name, family_name, organisation_name, date_of_birth, "
    "preferred_channel, preferred_language, accessibility_needs, vulnerability, search_name, "
    "search_given, search_family, created_at, updated_at, created_by_id, deceased, moved_away, "
    "version"
)
PHONE_COLUMNS = "id, customer_id, number, label"
ADDRESS_COLUMNS = "id, customer_id, line1, line2, town, postcode, uprn, is_current"
EMAIL_COLUMNS = "id, customer_id, address"
TABLES = (
    ("customers_customer", CUSTOMER_COLUMNS),
    ("customers_customerphone", PHONE_COLUMNS),
    ("customers_customeraddress", ADDRESS_COLUMNS),
    ("customers_customeremail", EMAIL_COLUMNS),
)


def check_columns() -> None:
    """Fail clearly if the models gained a required column that the raw inserts leave out."""
    from firstcontact.customers.models import (
        Customer,
        CustomerAddress,
        CustomerEmail,
        CustomerPhone,
    )

    models = (Customer, CustomerPhone, CustomerAddress, CustomerEmail)
    for model, (table, columns) in zip(models, TABLES, strict=True):
        given = set(columns.split(", "))
        missing = [
            f.column for f in model._meta.concrete_fields if f.column not in given and not f.null
        ]
        if model._meta.db_table != table or missing:
            raise SystemExit(
                f"bench/customer_search.py: {table} has required columns it doesn't fill: "
                f"{missing}; update its *_COLUMNS and generate_chunks()"
            )


def generate_chunks(
    count: int, partner_id: int, rng: random.Random, wanted: set[int], targets: dict[int, Target]
):
    """Yield (customers, phones, addresses, emails) row lists, CHUNK customers at a time.

    Records the details of customers whose ids are in `wanted` into `targets`.
    """
    from firstcontact.customers.matching import normalise_name

    surnames = build_surnames(rng, 4000)
    # Zipf-like: the commonest surname ~1.2% of people (Smith in the UK is ~1.1%), the
    # commonest given name ~2.6%.
    given_cum = zipf_cumulative(len(GIVEN_NAMES), exponent=1.0, offset=12)
    family_cum = zipf_cumulative(len(surnames), exponent=1.0, offset=15)
    postcodes = postcode_universe(rng, max(200, count // 15))
    titles = ["Mr", "Mrs", "Ms", "Miss", "Dr", "", ""]
    channels = ["", "", "phone", "email", "web", "sms"]
    languages = ["en"] * 18 + ["pl", "ur", "cy", "pa", "ro"]
    births = [(dt.date(1930, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(80 * 365)]
    streets = [f"{n} {street}" for n in range(1, 251) for street in STREETS]
    phone_order = rng.sample(range(PHONE_SPACE), min(count, PHONE_SPACE))
    # search_name = normalise_name(f"{given} {family}"), built from each word normalised once
    # (the same for these names, checked here); search_given and search_family are the words.
    normal = {w: normalise_name(w) for w in {*GIVEN_NAMES, *surnames}}
    for given in GIVEN_NAMES:
        for family in surnames[:: max(1, len(surnames) // 50)]:
            assert normalise_name(f"{given} {family}") == f"{normal[given]} {normal[family]}"
    stamp = "2025-06-01 09:00:00"
    customer_id = phone_id = address_id = email_id = 1
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        draws = zip(
            rng.choices(GIVEN_NAMES, cum_weights=given_cum, k=size),
            rng.choices(surnames, cum_weights=family_cum, k=size),
            rng.choices(titles, k=size),
            rng.choices(births, k=size),
            rng.choices(channels, k=size),
            rng.choices(languages, k=size),
            rng.choices(postcodes, k=size),
            rng.choices(streets, k=size),
            strict=True,
        )
        customers, phones, addresses, emails = [], [], [], []
        for given, family, title, born, channel, language, postcode, street in draws:
            search_name = f"{normal[given]} {normal[family]}"
            customers.append(
                (
                    customer_id, partner_id, "person", title, given, family, "", born, channel,
                    language, "", "", search_name, normal[given], normal[family], stamp, stamp,
                    None, False, False, 1,
                )
            )  # fmt: skip
            n = customer_id - 1
            number = phone_number(phone_order[n] if n < len(phone_order) else rng.randrange(10**7))
            phones.append((phone_id, customer_id, number, "home"))
            phone_id += 1
            chance = rng.random()
            if chance < 0.2:
                phones.append(
                    (phone_id, customer_id, phone_number(rng.randrange(PHONE_SPACE)), "work")
                )
                phone_id += 1
            town = TOWNS[postcode[:2]]
            uprn = str(100_000_000 + customer_id)
            addresses.append((address_id, customer_id, street, "", town, postcode, uprn, True))
            address_id += 1
            email = ""
            if chance > 0.4:  # 60% have an email address
                email = f"{search_name.replace(' ', '.')}{customer_id}@example.org"
                emails.append((email_id, customer_id, email))
                email_id += 1
            if customer_id in wanted:
                targets[customer_id] = Target(
                    customer_id, given, family, search_name, number, postcode, email
                )
            customer_id += 1
        yield customers, phones, addresses, emails


def sqlite_migration_statements() -> tuple[list[str], list[str]]:
    module = importlib.import_module("firstcontact.customers.migrations.0002_name_search_index")
    triggers = [s for s in module.SQLITE_FORWARD if s.startswith("CREATE TRIGGER")]
    drops = [s for s in module.SQLITE_BACKWARD if s.startswith("DROP TRIGGER")]
    return triggers, drops


def postgres_trigram_index() -> str:
    module = importlib.import_module("firstcontact.customers.migrations.0002_name_search_index")
    return next(s for s in module.POSTGRES_FORWARD if s.startswith("CREATE INDEX"))


def load(count: int, partner_id: int, rng: random.Random, wanted: set[int]) -> tuple[dict, dict]:
    """Bulk-load `count` customers; returns (targets by id, timings in seconds)."""
    from django.db import connection, transaction
    from tqdm import tqdm

    targets: dict[int, Target] = {}
    timings: dict[str, float] = {}
    vendor = connection.vendor
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    bar = tqdm(total=count, unit=" customers", unit_scale=True, desc=f"loading ({vendor})")
    chunks = generate_chunks(count, partner_id, rng, wanted, targets)
    if vendor == "sqlite":
        triggers, drops = sqlite_migration_statements()
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-524288")  # 512 MiB for the load only
        with transaction.atomic():
            for sql in drops:
                raw.execute(sql)
            for rows_by_table in chunks:
                for (table, columns), rows in zip(TABLES, rows_by_table, strict=True):
                    marks = ", ".join("?" * len(columns.split(", ")))
                    raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
                bar.update(len(rows_by_table[0]))
            bar.close()
            timings["insert"] = time.perf_counter() - started
            step = time.perf_counter()
            print("rebuilding the FTS5 trigram index ...", flush=True)
            raw.execute(
                "INSERT INTO customers_customer_fts(customers_customer_fts) VALUES('rebuild')"
            )
            for sql in triggers:
                raw.execute(sql)
            timings["fts_rebuild"] = time.perf_counter() - step
        step = time.perf_counter()
        print("ANALYZE ...", flush=True)
        raw.execute("ANALYZE")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        timings["analyze"] = time.perf_counter() - step
    elif vendor == "postgresql":
        # Autocommit: each COPY commits on its own, so Django's deferred foreign-key checks
        # run per chunk instead of piling up until one huge commit.
        # As a superuser, skip the per-row foreign-key triggers: the rows are consistent by
        # construction. (Other roles just load more slowly.)
        index_sql = postgres_trigram_index()
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
            if superuser:
                cursor.execute("SET session_replication_role = replica")
            cursor.execute("DROP INDEX IF EXISTS customers_customer_search_name_trgm")
            pg = cursor.cursor
            for rows_by_table in chunks:
                for (table, columns), rows in zip(TABLES, rows_by_table, strict=True):
                    with pg.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                bar.update(len(rows_by_table[0]))
            bar.close()
            timings["insert"] = time.perf_counter() - started
            if superuser:
                cursor.execute("RESET session_replication_role")
            for table, _ in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            step = time.perf_counter()
            print("creating the pg_trgm GIN index ...", flush=True)
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(index_sql)
            cursor.execute("RESET maintenance_work_mem")
            timings["gin_index"] = time.perf_counter() - step
            step = time.perf_counter()
            print("VACUUM ANALYZE ...", flush=True)
            for table, _ in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
            timings["analyze"] = time.perf_counter() - step
    else:
        raise SystemExit(f"Unsupported database: {vendor}")
    timings["total"] = time.perf_counter() - started
    connection.close()
    return targets, timings


# --- queries -----------------------------------------------------------------------------------


def make_queries(rng: random.Random, targets: list[Target], kind: str) -> list[tuple[str, Target]]:
    from firstcontact.customers.contact_points import format_phone

    queries = []
    for target in targets:
        if kind == "name":
            typed = with_typos(rng, target.given, target.family)
        elif kind == "phone":
            typed = target.phone if rng.random() < 0.5 else format_phone(target.phone)
        elif kind == "email":
            typed = (
                target.email
                if rng.random() < 0.5
                else target.email.capitalize().replace("@example.org", "@EXAMPLE.ORG")
            )
        else:
            typed = (
                target.postcode if rng.random() < 0.5 else target.postcode.replace(" ", "").lower()
            )
        queries.append((typed, target))
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def time_searches(user, queries: list[tuple[str, Target]], kind: str) -> tuple[list[float], int]:
    from django.db import close_old_connections, connection

    from firstcontact.customers.selectors import search_customers

    latencies, cpu, found = [], [], 0
    for typed, target in queries:
        # A new request: Django's request_started/finished close connections past
        # CONN_MAX_AGE (SQLite: always), and the acting-partner cache lives on request.user.
        close_old_connections()
        user.__dict__.pop("_fc_acting_partner_ids", None)
        connection.ensure_connection()
        started, started_cpu = time.perf_counter(), time.process_time()
        results = search_customers(user, typed)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if kind == "name":
            found += any(m.customer.search_name == target.search_name for m in results)
        else:
            ids = {m.customer.pk for m in results}
            found += target.customer_id in ids or (kind == "postcode" and len(results) == 20)
    return latencies, cpu, found


def run_benchmark(args: argparse.Namespace, database_url: str) -> list[Figures]:
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    check_columns()
    partner, user = create_adviser()
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    first_id = 1
    rng = random.Random(args.seed)
    per_kind = args.queries + args.warmup
    wanted = set(
        rng.sample(
            range(first_id, first_id + args.customers),
            min(args.customers, per_kind * len(KINDS) * 2),
        )
    )
    targets, timings = load(args.customers, partner.pk, rng, wanted)
    shown = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    print(f"loaded {args.customers:,} customers into {vendor} {version}: {shown}", flush=True)

    pool = [targets[i] for i in sorted(targets)]
    rng.shuffle(pool)
    figures = []
    load_before = os.getloadavg()[0]
    for k, kind in enumerate(KINDS):
        chosen = [t for t in pool[k :: len(KINDS)] if kind != "email" or t.email]
        chosen = (chosen * per_kind)[:per_kind]
        queries = make_queries(rng, chosen, kind)
        warm, timed = queries[: args.warmup], queries[args.warmup :]
        time_searches(user, warm, kind)
        latencies, cpu, found = time_searches(user, timed, kind)
        examples = [q for q, _ in timed[:3]]
        figures.append(
            Figures(
                database=vendor,
                customers=args.customers,
                kind=kind,
                queries=len(latencies),
                p50_ms=percentile(latencies, 0.50),
                p95_ms=percentile(latencies, 0.95),
                max_ms=max(latencies),
                found_pct=100.0 * found / len(latencies),
                cpu_p50_ms=percentile(cpu, 0.50),
                target_p95_ms=TARGET_P95_MS[vendor],
                load_s=timings["total"],
                extra={
                    "version": version,
                    "examples": examples,
                    "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                    "cpus": os.cpu_count(),
                },
            )
        )
        print(
            f"{kind:<8} p50 {figures[-1].p50_ms:7.1f} ms  p95 {figures[-1].p95_ms:7.1f} ms  "
            f"e.g. {examples}",
            flush=True,
        )
    return figures


# --- output ------------------------------------------------------------------------------------


def verdict(f: Figures) -> str:
    if f.customers < TARGET_AT:
        return f"(target at {TARGET_AT:,})"
    return "meets target" if f.p95_ms < f.target_p95_ms else "OVER TARGET"


def print_table(figures: list[Figures]) -> None:
    header = (
        f"{'database':<11}{'customers':>11}  {'query':<9}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'max ms':>9}{'found':>8}{'cpu p50':>9}  {'p95 target':<12}{'verdict'}"
    )
    print()
    print("Customer search latency (search_customers, one adviser, per query)")
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f.database:<11}{f.customers:>11,}  {f.kind:<9}{f.queries:>5}{f.p50_ms:>9.1f}"
            f"{f.p95_ms:>9.1f}{f.max_ms:>9.1f}{f.found_pct:>7.1f}%{f.cpu_p50_ms:>9.1f}  "
            f"{'< ' + format(f.target_p95_ms, '.0f') + ' ms':<12}{verdict(f)}"
        )
    print(
        "found: the intended customer (or, for a name, one with the untypoed name) was in the "
        "results; cpu p50: this process's CPU time per search, ms (for PostgreSQL, without the "
        "server's)"
    )
    loads = [x for f in figures for x in f.extra.get("load_average", [])]
    if loads:
        print(
            f"1-minute load average while timing: {min(loads):.1f} to {max(loads):.1f} "
            f"on {os.cpu_count()} CPUs (other work on the machine inflates latencies)"
        )
    print()


def write_json(path: str | None, figures: list[Figures]) -> None:
    if path:
        Path(path).write_text(json.dumps([asdict(f) for f in figures], indent=2))


# --- databases ---------------------------------------------------------------------------------


def run_sqlite(args: argparse.Namespace) -> list[Figures]:
    with scratch_database("sqlite", "search", keep=args.keep) as url:
        return run_benchmark(args, url)


def run_postgres(args: argparse.Namespace) -> list[Figures]:
    """In a new database on DATABASE_URL's server, dropped afterwards."""
    with scratch_database("postgres", "search", keep=args.keep) as url:
        return run_benchmark(args, url)


def child_command(args: argparse.Namespace, database: str, json_out: str | None) -> list[str]:
    command = [
        sys.executable, __file__, "--database", database, "--customers", str(args.customers),
        "--queries", str(args.queries), "--warmup", str(args.warmup), "--seed", str(args.seed),
    ]  # fmt: skip
    if json_out:
        command += ["--json-out", json_out]
    if args.keep:
        command.append("--keep")
    if args.no_table:
        command.append("--no-table")
    if database == "postgres" and not is_postgres_url(os.environ.get("DATABASE_URL", "")):
        command = [sys.executable, str(THROWAWAY_POSTGRES), "--", *command]
    return command


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, help="default 1,000,000 (quick 20,000)")
    parser.add_argument(
        "--queries", type=int, help="timed queries per kind (default 300; quick 50)"
    )
    parser.add_argument("--warmup", type=int, help="untimed queries per kind first (20; quick 5)")
    parser.add_argument("--quick", action="store_true", help="20,000 customers, 50 queries a kind")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-table", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = {"customers": 20_000, "queries": 50, "warmup": 5}
    full = {"customers": 1_000_000, "queries": 300, "warmup": 20}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.customers < 1 or args.queries < 1 or args.warmup < 0:
        parser.error("--customers and --queries must be positive, --warmup not negative")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    postgres_here = is_postgres_url(os.environ.get("DATABASE_URL", ""))
    if args.database == "postgres" and not postgres_here:
        # Re-run this script against a throwaway server.
        return subprocess.run(child_command(args, "postgres", args.json_out)).returncode
    if args.database == "both":
        # One process per database (Django is set up once per process).
        figures, failed = [], False
        with tempfile.TemporaryDirectory(prefix="fc-bench-") as tmp:
            for database in ("sqlite", "postgres"):
                out = str(Path(tmp) / f"{database}.json")
                child = argparse.Namespace(**{**vars(args), "no_table": True})
                rc = subprocess.run(child_command(child, database, out)).returncode
                if rc != 0 or not Path(out).exists():
                    print(f"customer_search on {database} failed (exit {rc})", file=sys.stderr)
                    failed = True
                    continue
                figures += [Figures(**f) for f in json.loads(Path(out).read_text())]
        if not args.no_table:
            print_table(figures)
        write_json(args.json_out, figures)
        return 1 if failed else 0
    figures = run_sqlite(args) if args.database == "sqlite" else run_postgres(args)
    if not args.no_table:
        print_table(figures)
    write_json(args.json_out, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
