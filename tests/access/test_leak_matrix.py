"""The leak matrix (docs/access.md): every page × every demo login × objects held by every
partner. It fails on any leak (a page showing, or a POST changing, what the policy forbids)
and on any page with no row in docs/access.md's "Pages" table. Answers that deny what the
policy allows are listed too, and fail the test only with LEAK_MATRIX_STRICT=1."""

from __future__ import annotations

import os
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import override_settings

from tests.access.matrix import Result, run_matrix
from tests.access.pages import parse_rules, rule_for, rules_for, walk_urls
from tests.access.world import build_world

STRICT = os.environ.get("LEAK_MATRIX_STRICT") == "1"
SHOWN = 25


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo partnership once for the module, in a transaction rolled back afterwards."""
    media = tmp_path_factory.mktemp("leak-matrix-media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def test_every_page_has_a_row_in_the_policy():
    rules = parse_rules()
    missing = [f"{p.key}  ({p.route})" for p in walk_urls() if rule_for(p, rules) is None]
    assert not missing, (
        "These pages have no row in docs/access.md's 'Pages' table, so the leak matrix cannot "
        "check them. Add a row for each (who may open it, what object its parameter names "
        "and the relation needed), so a new page cannot slip past:\n  " + "\n  ".join(missing)
    )


def test_a_page_without_a_row_is_caught():
    rules = [r for r in parse_rules() if r.page != "desk:customer"]
    keys = {p.key for p in walk_urls() if rule_for(p, rules) is None}
    assert "desk:customer" in keys


def _report(result: Result, seconds: float) -> str:
    lines = [
        f"leak matrix: {result.cases} cases, {len(result.leaks)} leaks, "
        f"{len(result.over_denied)} denied where allowed, {len(result.wrong)} other answers "
        f"than the policy's, {len(result.errors)} server errors ({seconds:.0f}s)"
    ]
    slowest = sorted(result.seconds.items(), key=lambda kv: -kv[1])[:5]
    lines.append(
        "slowest pages: "
        + ", ".join(f"{k} {v:.0f}s ({result.counts.get(k, 0)} cases)" for k, v in slowest)
    )
    admin = sum(n for k, n in result.counts.items() if k.startswith("admin:"))
    lines.append(f"admin pages: {admin} cases")
    for title, findings in [
        ("LEAKS", result.leaks),
        ("server errors", result.errors),
        ("denied where the policy allows", result.over_denied),
        ("refused, but not as the policy says", result.wrong),
    ]:
        if findings:
            lines.append(f"{title} ({len(findings)}):")
            lines += [f"  {f}" for f in findings[: SHOWN if title != "LEAKS" else None]]
            if title != "LEAKS" and len(findings) > SHOWN:
                lines.append(f"  … and {len(findings) - SHOWN} more")
    return "\n".join(lines)


def test_leak_matrix(world, db, record_property):
    rules = parse_rules()
    pages = [(p, r) for p in walk_urls() for r in rules_for(p, rules)]
    started, cpu = time.monotonic(), time.process_time()
    result = run_matrix(pages, world, Result())
    report = _report(result, time.monotonic() - started)
    report += f"\n(this process's CPU time: {time.process_time() - cpu:.0f}s)"
    record_property("leak_matrix", report)
    print(report)
    assert result.cases > 1000
    # The POSTs the test knows how to fill are accepted from someone allowed: otherwise
    # the matrix could not see them accepted from someone who is not.
    never = sorted(a for a, n in result.actions_allowed.items() if not result.actions_done.get(a))
    assert not never, f"No allowed POST was accepted for: {never}\n{report}"
    assert not result.leaks, report
    assert not result.errors, report
    if STRICT:
        assert not result.over_denied and not result.wrong, report


def test_the_world_gives_every_relation_to_some_login(world, db):
    """Each relation of the "Reading records" table occurs between a demo login and a
    request of the world (so a page that shows a `shared` reader internal notes, say, has a
    case that would catch it), and an Open311 client has an id of its own to be shown."""
    from tests.access.matrix import _relation
    from tests.access.oracle import Oracle

    oracle = Oracle()
    relations = {
        _relation("request", sr, user, oracle)
        for user in world.users.values()
        for sr in world.requests
    }
    assert {"own", "hub", "referred", "shared", "none"} <= relations, relations
    shared_notes = [
        (user, sr)
        for user in world.users.values()
        for sr in world.requests
        if _relation("request", sr, user, oracle) == "shared" and sr.pk in world.internal_notes
    ]
    assert shared_notes
    # The scanner finds such a note on a page a shared reader is shown, and not its public
    # update; an Open311 client's own id is not a finding for it, another client's is.
    from tests.access.matrix import Scanner

    scanner = Scanner(world, oracle)
    user, sr = shared_notes[0]
    assert scanner.find(user, f"<p>{world.internal_notes[sr.pk]}</p>")
    assert not scanner.find(user, f"<p>{world.public_updates[sr.pk]}</p>")
    from firstcontact.open311.models import Open311Submission
    from tests.access.matrix import is_public_request

    own = [
        s
        for s in Open311Submission.objects.filter(client_request_id__endswith="-public")
        if is_public_request(s.service_request)
    ]
    assert own, "no Open311 client has a public report of its own in the world"
    anonymous = AnonymousUser()
    mine = own[0]
    assert not scanner.find(anonymous, mine.client_request_id, client_pk=mine.client_id)
    assert scanner.find(anonymous, mine.client_request_id, client_pk=mine.client_id + 10_000)
