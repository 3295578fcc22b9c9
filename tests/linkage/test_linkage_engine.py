"""The matcher's comparisons, blocking, estimation and clustering (linkage.engine)."""

import random

from firstcontact.linkage import engine
from firstcontact.linkage.nicknames import are_nicknames


def levels(a: engine.Record, b: engine.Record) -> dict[str, str]:
    return engine.level_names(engine.compare(a, b))


def test_nicknames_typos_and_swapped_names():
    assert are_nicknames("bob", "robert") and are_nicknames("peggy", "margaret")
    assert not are_nicknames("bob", "william")
    robert = engine.Record(id=1, given="robert", family="allen")
    assert levels(robert, engine.Record(id=2, given="bill", family="allen"))["given_name"] == (
        "different"
    )
    bob = levels(robert, engine.Record(id=2, given="bob", family="alen"))
    assert (bob["given_name"], bob["family_name"]) == ("nickname", "typo")
    swapped = levels(robert, engine.Record(id=2, given="allen", family="robret"))
    assert (swapped["given_name"], swapped["family_name"]) == ("typo", "exact")
    assert levels(robert, engine.Record(id=2, family="allen"))["given_name"] == "missing"


def test_date_of_birth_levels():
    born = engine.Record(id=1, dob="1971-06-24")

    def dob(value: str) -> str:
        return levels(born, engine.Record(id=2, dob=value))["date_of_birth"]

    assert dob("1971-06-24") == "exact"
    assert dob("1971-05-24") == "close"  # the month differs
    assert dob("1971-06-42") == "close"  # one mistyped digit
    assert dob("1972-07-24") == "near"  # two digits
    assert dob("1990-01-01") == "different"
    assert (
        levels(engine.Record(id=1, dob="1971-03-04"), engine.Record(id=2, dob="1971-04-03"))[
            "date_of_birth"
        ]
        == "close"
    )  # day and month swapped


def test_email_typos_but_never_another_number():
    a = engine.Record(id=1, emails=("jo.smith12@example.org",))
    assert levels(a, engine.Record(id=2, emails=("jo.smtih12@example.org",)))["email"] == "typo"
    assert levels(a, engine.Record(id=2, emails=("jo.smith13@example.org",)))["email"] == (
        "different"
    )
    assert levels(a, engine.Record(id=2, emails=("jo.smith12@exampel.org",)))["email"] == "typo"


def test_weights_add_up_and_missing_fields_add_nothing():
    model = engine.DEFAULT_MODEL
    same = engine.Record(id=1, given="ann", family="lee", dob="1980-01-02", phones=("+441",))
    nothing = engine.Record(id=2)
    assert model.weight(engine.compare(same, nothing)) == 0.0
    exact = model.weight(engine.compare(same, engine.Record(**{**_fields(same), "id": 2})))
    assert exact > 40
    assert model.probability(exact) > 0.999999


def test_em_recovers_m_close_to_the_truth_on_a_simulated_population():
    rng = random.Random(4)
    people = []
    for n in range(3000):
        people.append(
            engine.Record(
                id=n,
                given=rng.choice(["ann", "bob", "cat", "dan", "eve", "fay", "guy", "hal"]),
                family=rng.choice([f"name{k}" for k in range(300)]),
                dob=f"19{rng.randint(30, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                phones=(f"+44{n:08d}",),
            )
        )
    copies = []
    for k in range(600):
        original = people[rng.randrange(len(people))]
        phones = original.phones if rng.random() < 0.7 else (f"+45{k:08d}",)
        copies.append(engine.Record(**{**_fields(original), "id": 3000 + k, "phones": phones}))
    records = people + copies
    result = engine.link(records, u_pairs=50_000)
    phone_m = result.model.m["phone"]
    assert abs(phone_m[engine.LEVEL["phone"]["exact"]] - 0.7) < 0.1
    truth = [r.id for r in people] + [
        next(p.id for p in people if p.dob == c.dob and p.family == c.family and p.given == c.given)
        for c in copies
    ]
    scores = engine.pairwise_scores(result.cluster_of, truth)
    assert scores["precision"] > 0.95 and scores["recall"] > 0.95, scores


def test_clusters_join_pairs_transitively():
    assert engine.clusters(5, [(0, 1), (1, 2), (3, 4)]) == [0, 0, 0, 3, 3]
    scores = engine.pairwise_scores([0, 0, 0, 3, 3], ["a", "a", "b", "c", "c"])
    assert (scores["true_pairs"], scores["found_pairs"]) == (2, 4)
    assert scores["precision"] == 0.5 and scores["recall"] == 1.0


def _fields(record: engine.Record) -> dict:
    return {name: getattr(record, name) for name in engine.Record.__slots__}


def test_an_exact_rare_name_counts_for_more_than_a_common_one():
    records = [engine.Record(id=n, given="ann", family="smith") for n in range(300)]
    records += [engine.Record(id=300 + n, given="ann", family=f"rare{n}") for n in range(300)]
    model = engine.estimate_tf(records, model=engine.DEFAULT_MODEL)
    smiths = (records[0], records[1])
    rare = (records[300], engine.Record(id=999, given="ann", family="rare0"))
    levels = engine.compare(*smiths)
    assert levels == engine.compare(*rare)
    assert model.pair_weight(*rare, levels) > model.pair_weight(*smiths, levels) + 5
    # Stored and read back, the frequencies come too.
    assert engine.Model.from_dict(model.as_dict()).tf == model.tf
