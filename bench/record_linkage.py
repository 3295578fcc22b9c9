#!/usr/bin/env python3
"""Duplicate detection (record linkage): quality beside Splink, speed at scale, the desk look-up.

    .venv/bin/python bench/record_linkage.py              # 1,000,000 generated people
    .venv/bin/python bench/record_linkage.py --quick      # 20,000 generated, 5,000 at the desk
    .venv/bin/python bench/record_linkage.py --people 200000 --desk-customers 100000
    .venv/bin/python bench/record_linkage.py --only fake_1000
    .venv/bin/python bench/record_linkage.py --only command --desk-customers 200000

Four parts:

  fake_1000  Splink's labelled set (../shared/data/record-linkage-fake-1000: 1,000 records of
             251 people): pairwise precision, recall and F1 of the clusters that
             firstcontact.linkage.engine makes at its default threshold, and of Splink 5's
             (DuckDB, broad blocking, u by random sampling, m by EM, clusters at probability
             0.5) in the same run. Splink is an optional extra (`pip install -e '.[bench]'`);
             without it, the reason is printed and the rest carries on.
  scale      N people generated with the customer search bench's names, phones and postcodes,
             a tenth of them copied once more with the errors a second record picks up (a
             typo in a name, a nickname, a date of birth a digit out, a new phone or address,
             no email), deduplicated end to end in memory: blocking, comparison, estimating m
             and u, weighing, clustering. Prints elapsed time per stage, peak memory (RSS of
             this process) and pairwise precision and recall on the injected duplicates.
             Goal at 1,000,000: < 10 minutes and < 4 GB on two cores.
  desk       linkage.lookup.likely_matches (the desk's "may already be on record") over a
             SQLite database of M customers (generated as above): p50/p95 latency of a look-up
             for a near-duplicate of a stored customer (a typo in the last name, the same date
             of birth; or a nickname; or the same email or phone) and whether it was found.
             Goal: < 50 ms.
  command    `firstcontact find_duplicates` over that same database, end to end: reading the
             customers, matching, writing the pairs for the steward; its time, peak memory,
             and the precision and recall of the pairs it stored.

A benchmark prints figures; it asserts nothing and is not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

FAKE_1000 = ROOT.parent / "shared/data/record-linkage-fake-1000/fake_1000.csv"
TARGET_SECONDS = 600
TARGET_RSS_GB = 4.0
TARGET_DESK_MS = 50.0


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


# --- fake_1000 ---------------------------------------------------------------------------------


def fake_1000_rows() -> list[dict[str, str]]:
    with FAKE_1000.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ours_on_fake_1000(rows: list[dict[str, str]]) -> dict:
    from firstcontact.customers.matching import normalise_name
    from firstcontact.linkage import engine

    started = time.perf_counter()
    records = [
        engine.Record(
            id=int(row["unique_id"]),
            given=normalise_name(row["first_name"]),
            family=normalise_name(row["surname"]),
            dob=row["dob"],
            emails=(row["email"].lower(),) if row["email"] else (),
            towns=(normalise_name(row["city"]),) if row["city"] else (),
        )
        for row in rows
    ]
    result = engine.link(records)
    scores = engine.pairwise_scores(result.cluster_of, [row["cluster"] for row in rows])
    return {
        **scores,
        "seconds": time.perf_counter() - started,
        "pairs_compared": len(result.pairs),
        "threshold": f"p {engine.DEFAULT_PROBABILITY:g} (w {result.threshold:.1f})",
    }


def splink_on_fake_1000(rows: list[dict[str, str]]) -> dict:
    """Splink 5 as its fake_1000 tutorial sets it up, with broad blocking; clusters at 0.5."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from firstcontact.linkage import engine

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frame = pd.DataFrame(rows).replace({"": None})
    frame["unique_id"] = frame["unique_id"].astype(int)
    truth = dict(zip(frame["unique_id"], frame.pop("cluster"), strict=True))
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("surname"),
            block_on("dob"),
            block_on("email"),
            block_on("city", "substr(first_name, 1, 1)"),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("email")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=0.1)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, 0.5
    ).as_pandas_dataframe()
    predicted = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
    ids = sorted(truth)
    scores = engine.pairwise_scores([predicted[i] for i in ids], [truth[i] for i in ids])
    return {**scores, "seconds": time.perf_counter() - started, "threshold": "probability 0.5"}


def run_fake_1000() -> dict:
    if not FAKE_1000.exists():
        print(f"fake_1000: {FAKE_1000} is not here; skipped")
        return {}
    rows = fake_1000_rows()
    figures = {"ours": ours_on_fake_1000(rows)}
    try:
        import splink  # noqa: F401
    except ImportError as exc:
        figures["splink"] = {"error": f"Splink is not installed ({exc}): pip install -e '.[bench]'"}
    else:
        try:
            figures["splink"] = splink_on_fake_1000(rows)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and carries on
            figures["splink"] = {"error": f"Splink failed: {type(exc).__name__}: {exc}"}
    print()
    print("fake_1000: pairwise precision / recall / F1 of the clusters (2,031 true pairs)")
    print(f"{'matcher':<28}{'threshold':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'s':>7}")
    for name, label in (("ours", "firstcontact.linkage"), ("splink", "Splink 5 (DuckDB)")):
        f = figures[name]
        if "error" in f:
            print(f"{label:<28}{f['error']}")
            continue
        print(
            f"{label:<28}{f['threshold']:<18}{f['precision']:>10.3f}{f['recall']:>8.3f}"
            f"{f['f1']:>8.3f}{f['seconds']:>7.1f}"
        )
    print("goal: precision >= 0.99 and recall >= 0.95 at the default threshold")
    return figures


# --- generated people at scale -------------------------------------------------------------------


def generate(count: int, *, duplicates: float, seed: int):
    """`count` records: people, and copies of a `duplicates` share of them with errors.
    Returns (records, true identity of each)."""
    from customer_search import (
        GIVEN_NAMES,
        PHONE_SPACE,
        build_surnames,
        phone_number,
        postcode_universe,
        typo_word,
        zipf_cumulative,
    )

    from firstcontact.customers.matching import normalise_name
    from firstcontact.linkage import engine
    from firstcontact.linkage.nicknames import nickname_forms

    rng = random.Random(seed)
    people = int(count / (1 + duplicates))
    copies = count - people
    surnames = build_surnames(rng, 4000)
    given_cum = zipf_cumulative(len(GIVEN_NAMES), exponent=1.0, offset=12)
    family_cum = zipf_cumulative(len(surnames), exponent=1.0, offset=15)
    universe = postcode_universe(rng, max(200, people // 15))
    normal = {w: normalise_name(w) for w in {*GIVEN_NAMES, *surnames}}
    phone_order = rng.sample(range(PHONE_SPACE), min(people, PHONE_SPACE))
    records, truth = [], []
    givens = rng.choices(GIVEN_NAMES, cum_weights=given_cum, k=people)
    families = rng.choices(surnames, cum_weights=family_cum, k=people)
    for n in range(people):
        given, family = normal[givens[n]], normal[families[n]]
        born = f"{rng.randint(1930, 2008)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        postcode = rng.choice(universe)
        email = f"{given}.{family}{n}@example.org" if rng.random() < 0.6 else ""
        number = phone_number(phone_order[n] if n < len(phone_order) else rng.randrange(10**7))
        records.append(
            engine.Record(
                id=n,
                given=given,
                family=family,
                dob=born,
                emails=(email,) if email else (),
                phones=(number,),
                postcodes=(postcode,),
                uprns=(str(100_000_000 + n),),
            )
        )
        truth.append(n)
    for k in range(copies):
        original = records[rng.randrange(people)]
        given, family, dob = original.given, original.family, original.dob
        change = rng.random()
        if change < 0.3:
            family = typo_word(rng, family)
        elif change < 0.55:
            given = typo_word(rng, given)
        elif change < 0.7:
            forms = sorted(nickname_forms(given) - {given})
            given = rng.choice(forms) if forms else typo_word(rng, given)
        if rng.random() < 0.1:  # a digit out
            i = rng.choice([3, 6, 9])
            dob = dob[:i] + str((int(dob[i]) + 1) % 10) + dob[i + 1 :]
            if dob[5:7] in ("00", "13") or dob[8:10] == "00":
                dob = original.dob
        elif rng.random() < 0.05:
            dob = ""
        chance = rng.random()
        phones = original.phones if chance < 0.5 else ()
        if 0.5 <= chance < 0.7:
            phones = (phone_number(rng.randrange(PHONE_SPACE)),)  # a new number
        emails = original.emails if rng.random() < 0.5 else ()
        chance = rng.random()
        postcodes, uprns = original.postcodes, original.uprns
        if chance < 0.2:
            uprns = ()
        elif chance < 0.4:  # moved
            postcodes, uprns = (rng.choice(universe),), (str(200_000_000 + k),)
        records.append(
            engine.Record(
                id=people + k,
                given=given,
                family=family,
                dob=dob,
                emails=emails,
                phones=phones,
                postcodes=postcodes,
                uprns=uprns,
            )
        )
        truth.append(original.id)
    return records, truth


def run_scale(args: argparse.Namespace) -> dict:
    from firstcontact.linkage import engine

    print(f"\nscale: generating {args.people:,} records ({args.duplicates:.0%} copies) ...")
    started = time.perf_counter()
    records, truth = generate(args.people, duplicates=args.duplicates, seed=args.seed)
    generated = time.perf_counter() - started
    stages: dict[str, float] = {}
    mark = [time.perf_counter(), "blocking"]

    def stage(name: str, total: int) -> None:
        now = time.perf_counter()
        stages[mark[1]] = now - mark[0]
        mark[0], mark[1] = now, name
        print(f"  {name}{f' ({total:,})' if total else ''} ...", flush=True)

    started = time.perf_counter()
    result = engine.link(records, stage=stage)
    stages[mark[1]] = time.perf_counter() - mark[0]
    elapsed = time.perf_counter() - started
    scores = engine.pairwise_scores(result.cluster_of, truth)
    figures = {
        "people": args.people,
        "seconds": elapsed,
        "generate_seconds": generated,
        "stages": stages,
        "peak_rss_gb": peak_rss_gb(),
        "pairs_compared": len(result.pairs),
        "prior": result.model.prior,
        **scores,
    }
    print(
        f"scale: {args.people:,} records deduplicated in {elapsed:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in stages.items())}); "
        f"{len(result.pairs):,} pairs compared; peak RSS {figures['peak_rss_gb']:.2f} GB"
    )
    print(
        f"scale: injected duplicates found: precision {scores['precision']:.4f}, "
        f"recall {scores['recall']:.4f}, F1 {scores['f1']:.4f} "
        f"({scores['true_pairs']:,} true pairs, {scores['found_pairs']:,} found)"
    )
    verdict = "meets" if elapsed < TARGET_SECONDS and figures["peak_rss_gb"] < 4 else "misses"
    if args.people < 1_000_000:
        verdict = "the target is stated at 1,000,000"
    print(f"goal: < {TARGET_SECONDS // 60} min and < {TARGET_RSS_GB:g} GB ({verdict})")
    return figures


# --- the desk look-up ------------------------------------------------------------------------


def load_desk_customers(records, partner) -> None:
    """The generated people as customers of `partner` (with the ORM, so new columns get
    their defaults), 5,000 at a time."""
    import datetime as dt

    from django.db import transaction
    from tqdm import tqdm

    from firstcontact.customers.models import (
        Customer,
        CustomerAddress,
        CustomerEmail,
        CustomerPhone,
    )

    step = 5_000
    with tqdm(total=len(records), unit=" customers", desc="loading (sqlite)") as bar:
        for start in range(0, len(records), step):
            chunk = records[start : start + step]
            with transaction.atomic():
                customers = Customer.objects.bulk_create(
                    Customer(
                        pk=r.id + 1,
                        partner=partner,
                        given_name=r.given.title(),
                        family_name=r.family.title(),
                        date_of_birth=dt.date.fromisoformat(r.dob) if r.dob else None,
                    )
                    for r in chunk
                )
                CustomerPhone.objects.bulk_create(
                    CustomerPhone(customer=c, number=n)
                    for c, r in zip(customers, chunk, strict=True)
                    for n in r.phones
                )
                CustomerEmail.objects.bulk_create(
                    CustomerEmail(customer=c, address=e)
                    for c, r in zip(customers, chunk, strict=True)
                    for e in r.emails
                )
                CustomerAddress.objects.bulk_create(
                    CustomerAddress(customer=c, line1="1 High Street", postcode=p, uprn=u)
                    for c, r in zip(customers, chunk, strict=True)
                    for p, u in zip(r.postcodes, r.uprns, strict=False)
                )
            bar.update(len(chunk))


def run_command(args: argparse.Namespace, truth: list[int]) -> dict:
    """`firstcontact find_duplicates` over the customers loaded (their true identities in
    `truth`, by id - 1): reading them, matching, writing the pairs for the steward."""
    from io import StringIO

    from django.core.management import call_command

    from firstcontact.linkage.models import CandidatePair

    started = time.perf_counter()
    out = StringIO()
    call_command("find_duplicates", "--no-progress", stdout=out)
    elapsed = time.perf_counter() - started
    found = list(CandidatePair.objects.values_list("left_id", "right_id"))
    true_pairs = sum(1 for left, right in found if truth[left - 1] == truth[right - 1])
    wanted = sum(n * (n - 1) // 2 for n in __import__("collections").Counter(truth).values())
    figures = {
        "customers": len(truth),
        "seconds": elapsed,
        "pairs_stored": len(found),
        "precision": true_pairs / len(found) if found else 1.0,
        "recall": true_pairs / wanted if wanted else 1.0,
        "peak_rss_gb": peak_rss_gb(),
        "output": out.getvalue().strip(),
    }
    print(
        f"\ncommand: find_duplicates over {len(truth):,} customers (SQLite, 10% injected "
        f"copies) in {elapsed:.1f} s, peak RSS {figures['peak_rss_gb']:.2f} GB: "
        f"{len(found):,} pairs stored, precision {figures['precision']:.4f}, recall "
        f"{figures['recall']:.4f} of the true pairs (pairs, not clusters)"
    )
    print(f"  {figures['output']}")
    return figures


def run_desk(args: argparse.Namespace, parts: list[str] | None = None) -> dict:
    """The desk look-up (and, if asked, the command) over one database of generated people
    with 10% injected copies."""
    from _databases import scratch_database
    from customer_search import create_adviser, setup_django, typo_word

    parts = parts or ["desk"]
    records, truth = generate(args.desk_customers, duplicates=0.1, seed=args.seed + 1)
    figures: dict = {}
    with scratch_database("sqlite", "linkage") as url:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from firstcontact.linkage.lookup import likely_matches
        from firstcontact.linkage.nicknames import nickname_forms

        call_command("migrate", verbosity=0, interactive=False)
        partner, user = create_adviser()
        started = time.perf_counter()
        load_desk_customers(records, partner)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        loaded = time.perf_counter() - started
        if "command" in parts:
            figures["command"] = run_command(args, truth)
        if "desk" not in parts:
            connection.close()
            return figures
        rng = random.Random(args.seed)
        queries = []
        for n, r in enumerate(rng.sample(records, min(len(records), args.desk_queries + 10))):
            kind = ("typo", "nickname", "email", "phone")[n % 4]
            given, family = r.given.title(), r.family.title()
            details = {"given_name": given, "family_name": family, "date_of_birth": None}
            born = r.dob and __import__("datetime").date.fromisoformat(r.dob)
            if kind == "typo":
                details |= {"family_name": typo_word(rng, family), "date_of_birth": born}
            elif kind == "nickname":
                forms = sorted(nickname_forms(r.given) - {r.given})
                if forms:
                    details["given_name"] = rng.choice(forms).title()
                details["date_of_birth"] = born
            elif kind == "email" and r.emails:
                details |= {"email": r.emails[0].upper(), "given_name": given[:1]}
            elif r.phones:
                details["phone"] = r.phones[0]
            else:  # a copy with neither: its names and date of birth
                details["date_of_birth"] = born
            queries.append((kind, details, r.id + 1))
        latencies: dict[str, list[float]] = {}
        cpu: list[float] = []
        found = 0
        for i, (kind, details, wanted_id) in enumerate(queries):
            connection.close()  # a fresh connection each time, as for a request
            connection.ensure_connection()
            started, cpu_started = time.perf_counter(), time.process_time()
            matches = likely_matches(user, **details)
            took = (time.perf_counter() - started) * 1000
            if i >= 10:  # the first ten warm up
                latencies.setdefault(kind, []).append(took)
                cpu.append((time.process_time() - cpu_started) * 1000)
                found += wanted_id in [m.customer.pk for m in matches]
        every = sorted(x for values in latencies.values() for x in values)
        figures["desk"] = {
            "customers": args.desk_customers,
            "load_seconds": loaded,
            "queries": len(every),
            "p50_ms": every[len(every) // 2],
            "p95_ms": every[max(0, int(len(every) * 0.95) - 1)],
            "max_ms": every[-1],
            "found_pct": 100.0 * found / len(every),
            "cpu_p50_ms": sorted(cpu)[len(cpu) // 2],
            "load_average": os.getloadavg()[0],
            "p95_ms_by_kind": {
                k: sorted(v)[max(0, int(len(v) * 0.95) - 1)] for k, v in latencies.items()
            },
        }
        desk = figures["desk"]
        by_kind = ", ".join(f"{k} {v:.1f}" for k, v in desk["p95_ms_by_kind"].items())
        print(
            f"\ndesk: likely_matches over {args.desk_customers:,} customers (SQLite), "
            f"{desk['queries']} look-ups: p50 {desk['p50_ms']:.1f} ms, "
            f"p95 {desk['p95_ms']:.1f} ms, max {desk['max_ms']:.1f} ms "
            f"(p95 by kind: {by_kind}); "
            f"the stored customer found in {desk['found_pct']:.0f}% "
            f"(goal < {TARGET_DESK_MS:g} ms); this process's CPU per look-up p50 "
            f"{desk['cpu_p50_ms']:.1f} ms; 1-minute load average {desk['load_average']:.1f} on "
            f"{os.cpu_count()} CPUs (other work on the machine inflates latencies)"
        )
        connection.close()
        return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, help="generated records (default 1,000,000)")
    parser.add_argument("--duplicates", type=float, default=0.1, help="share copied (0.1)")
    parser.add_argument("--desk-customers", type=int, help="customers at the desk (100,000)")
    parser.add_argument("--desk-queries", type=int, default=200, help="desk look-ups timed")
    parser.add_argument("--quick", action="store_true", help="20,000 people, 5,000 at the desk")
    parser.add_argument("--only", nargs="+", choices=["fake_1000", "scale", "desk", "command"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.people is None:
        args.people = 20_000 if args.quick else 1_000_000
    if args.desk_customers is None:
        args.desk_customers = 5_000 if args.quick else 100_000
    if args.quick:
        args.desk_queries = min(args.desk_queries, 100)
    parts = args.only or ["fake_1000", "scale", "desk", "command"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstcontact.settings")
    figures = {}
    if "fake_1000" in parts:
        figures["fake_1000"] = run_fake_1000()
    if "scale" in parts:
        figures["scale"] = run_scale(args)
    if "desk" in parts or "command" in parts:
        figures |= run_desk(args, parts)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
