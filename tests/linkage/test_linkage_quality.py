"""Matching quality on Splink's fake_1000 (1,000 records of 251 people with typos, nicknames,
missing values and shifted dates of birth; ../shared/data/record-linkage-fake-1000): pairwise
precision and recall of the clusters at the default threshold must not fall below a floor.
bench/record_linkage.py prints the figures beside Splink's."""

import csv
from pathlib import Path

import pytest

from firstcontact.customers.matching import normalise_name
from firstcontact.linkage import engine

FAKE_1000 = (
    Path(__file__).resolve().parents[3] / "shared/data/record-linkage-fake-1000/fake_1000.csv"
)


def fake_1000_records() -> tuple[list[engine.Record], list[str]]:
    if not FAKE_1000.exists():
        pytest.skip("../shared/data/record-linkage-fake-1000 is not here")
    with FAKE_1000.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
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
    return records, [row["cluster"] for row in rows]


def test_fake_1000_precision_and_recall_stay_above_the_floor():
    records, truth = fake_1000_records()
    result = engine.link(records, u_pairs=50_000)
    scores = engine.pairwise_scores(result.cluster_of, truth)
    assert scores["precision"] >= 0.97, scores
    assert scores["recall"] >= 0.90, scores


def test_a_typo_in_any_one_field_still_shares_a_block():
    base = engine.Record(
        id=1,
        given="robert",
        family="allen",
        dob="1971-06-24",
        emails=("rob@example.org",),
        phones=("+441134960123",),
        postcodes=("WX1 2AB",),
    )
    variants = [
        engine.Record(**{**_fields(base), "id": 2, "given": "rboert"}),
        engine.Record(**{**_fields(base), "id": 2, "family": "alen"}),
        engine.Record(**{**_fields(base), "id": 2, "dob": "1971-06-25"}),
        engine.Record(**{**_fields(base), "id": 2, "emails": ("rob@exmaple.org",)}),
        engine.Record(**{**_fields(base), "id": 2, "phones": ("+441134960124",)}),
        engine.Record(**{**_fields(base), "id": 2, "postcodes": ("WX9 9ZZ",)}),
    ]
    for variant in variants:
        pairs = engine.block_pairs([base, variant], rules=engine.BLOCKING_RULES)
        assert pairs.tolist() == [[0, 1]], variant


def _fields(record: engine.Record) -> dict:
    return {name: getattr(record, name) for name in engine.Record.__slots__}
