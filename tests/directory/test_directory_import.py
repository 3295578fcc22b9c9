"""`firstcontact import_directory URL` against a feed served by the test itself on loopback,
built from the standard's example service."""

from __future__ import annotations

import copy
import io
import json
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from firstcontact.directory.models import (
    Attribute,
    Feed,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from tests.directory.conftest import EXAMPLE_SERVICE

NS = uuid.UUID("6f0c1d1e-3c1b-4f7e-9a55-2c1f0e8b7a10")


def variant(n: int) -> dict:
    """The example service with fresh ids throughout (n=0: the example itself)."""
    text = json.dumps(EXAMPLE_SERVICE)
    if n:
        for old in set(_uuids(EXAMPLE_SERVICE)):
            text = text.replace(old, str(uuid.uuid5(NS, f"{n}:{old}")))
    record = json.loads(text)
    if n:
        record["name"] = f"Community Counselling {n}"
    return record


def _uuids(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("id") and isinstance(value, str):
                yield value
            yield from _uuids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _uuids(value)


BROKEN_ID = "0b4c5a6d-0000-4000-8000-000000000001"


def feed_records() -> list[dict]:
    records = [variant(n) for n in range(5)]
    broken = copy.deepcopy(variant(9))
    broken["id"] = BROKEN_ID
    del broken["name"]  # required by service.json
    records.insert(2, broken)
    bad_status = variant(8)
    bad_status["status"] = "open-ish"
    records.append(bad_status)
    return records


class FeedServer(ThreadingHTTPServer):
    records: list[dict]
    queries: list[dict]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.server.queries.append({"path": url.path, **query})
        if url.path != "/api/services":
            self.send_error(404)
            return
        records = self.server.records
        if query.get("format") == "ndjson":
            body = "".join(json.dumps(r) + "\n" for r in records).encode()
            self._send(body, "application/x-ndjson")
            return
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 50))
        per_page = min(per_page, 3)  # a publisher with small pages: the importer must follow
        chunk = records[(page - 1) * per_page : page * per_page]
        total_pages = -(-len(records) // per_page)
        body = {
            "total_items": len(records),
            "total_pages": total_pages,
            "page_number": page,
            "size": len(chunk),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not chunk,
            "contents": chunk,
        }
        self._send(json.dumps(body).encode(), "application/json")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def feed_server():
    server = FeedServer(("127.0.0.1", 0), Handler)
    server.records = feed_records()
    server.queries = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url_of(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/api/"


def counts() -> tuple:
    return tuple(
        m.objects.count()
        for m in (
            Service,
            Organization,
            Location,
            ServiceAtLocation,
            Schedule,
            Attribute,
            TaxonomyTerm,
        )
    )


def run_import(*args) -> str:
    out = io.StringIO()
    call_command("import_directory", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_import_twice_adds_nothing_the_second_time(db, feed_server):
    first = run_import(url_of(feed_server))
    assert "7 services: 5 new, 0 updated, 0 unchanged, 2 skipped." in first
    # Records that break the schema are named with their ids and why.
    assert f"skipped {BROKEN_ID}: (record): 'name' is a required property" in first
    assert f"skipped {variant(8)['id']}: status: 'open-ish' is not one of" in first
    assert Service.objects.filter(feed__isnull=False).count() == 5
    service = Service.objects.get(pk=EXAMPLE_SERVICE["id"])
    assert service.organization.name == "Example Organization Inc."
    assert service.schedules.get().byday == "TH,FR"
    assert service.at_locations.get().location.addresses.get().city == "MyCity"
    assert Attribute.objects.filter(link_id=service.pk).get().taxonomy_term.name == "name"
    # Every page was read, full records asked for.
    pages = [q for q in feed_server.queries if q["path"] == "/api/services"]
    assert [q["page"] for q in pages] == ["1", "2", "3"]
    assert all(q["full"] == "true" and "modified_after" not in q for q in pages)

    before = counts()
    last_modified = Service.objects.get(pk=EXAMPLE_SERVICE["id"]).last_modified
    feed_server.queries.clear()
    second = run_import(url_of(feed_server))
    assert "5 unchanged" in second and "0 new, 0 updated" in second
    assert counts() == before
    assert Service.objects.get(pk=EXAMPLE_SERVICE["id"]).last_modified == last_modified
    # The later run asks only for what changed since the last one (less an hour for clocks).
    assert all("modified_after" in q for q in feed_server.queries)
    feed = Feed.objects.get()
    assert feed.url == url_of(feed_server).rstrip("/")
    assert feed.last_run_skipped == 2


def test_a_changed_record_is_updated_in_place(db, feed_server):
    run_import(url_of(feed_server))
    changed = feed_server.records[0]
    changed["name"] = "Counselling for everyone"
    changed["schedules"] = []
    changed["service_at_locations"] = []
    out = run_import(url_of(feed_server))
    assert "1 updated" in out
    service = Service.objects.get(pk=changed["id"])
    assert service.name == "Counselling for everyone"
    assert not service.schedules.exists() and not service.at_locations.exists()


def test_ndjson_feed(db, feed_server):
    out = run_import(url_of(feed_server), "--ndjson")
    assert "5 new" in out and "2 skipped" in out
    assert feed_server.queries[0]["format"] == "ndjson"


def test_a_feed_cannot_overwrite_the_partnerships_own_entries(db, feed_server, directory):
    # The example service is already in the directory as our own (the conftest stores it).
    out = run_import(url_of(feed_server))
    assert f"skipped {EXAMPLE_SERVICE['id']}: the service" in out
    assert "belongs to another source" in out
    assert Service.objects.get(pk=EXAMPLE_SERVICE["id"]).feed is None


def test_an_unreachable_feed_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Could not read"):
        run_import("http://127.0.0.1:9/api")
    with pytest.raises(CommandError, match="not an http or https address"):
        run_import("ftp://example.org/")


@pytest.mark.django_db(transaction=True)
def test_a_large_import_brings_the_search_statistics_up_to_date_on_postgresql(
    feed_server, monkeypatch
):
    from django.db import connection

    from firstcontact.directory import importer

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    monkeypatch.setattr(importer, "REFRESH_AFTER", 5)  # the served feed has 5 good records

    def vacuumed() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables "
                "WHERE relname = 'directory_serviceatlocation'"
            )
            return cursor.fetchone()[0]

    before = vacuumed()
    out = run_import(url_of(feed_server))
    assert "statistics for searching were brought up to date" in out
    for _ in range(50):  # the statistics collector reports a moment later
        if vacuumed() > before:
            break
        connection.close()
        time.sleep(0.1)
    assert vacuumed() > before
    # A second run writes nothing new, so it leaves the statistics to autovacuum.
    assert "statistics" not in run_import(url_of(feed_server))
