"""Import another publisher's Open Referral UK 3.0 feed (`firstcontact import_directory URL`).

URL is the API's root (where `/services` lives). The importer pages through
`/services?full=true` (or streams `?format=ndjson&full=true`), checks each record against the
standard's service.json, and stores the valid ones by id (directory.services.store_service);
a record that breaks the schema is reported with its id and skipped. The feed's URL is
remembered: a later run asks only for what changed since the last one began
(`modified_after`, an hour early to allow for clocks that differ), and an unchanged record is
not rewritten, so a second run over the same feed adds and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.utils import timezone

from firstcontact.directory import spec
from firstcontact.directory.models import Feed
from firstcontact.directory.services import Outcome, Refused, finish_feed_run, store_service

PER_PAGE = 100
MAX_PAGES = 100_000
TIMEOUT_S = 60
CLOCK_ALLOWANCE = dt.timedelta(hours=1)
USER_AGENT = "FirstContact directory import (Open Referral UK 3.0)"


class FeedError(Exception):
    """The feed cannot be read (network, HTTP status, not JSON, not an ORUK list)."""


# After writing this many services an import brings PostgreSQL's statistics and visibility
# map up to date itself, as autovacuum would a minute or so later: a search by place reads
# an index alone only where the map says the rows are visible (bench/directory_search.py:
# p95 91 ms straight after a large load, 30 ms once vacuumed).
REFRESH_AFTER = 1_000
SEARCH_TABLES = (
    "directory_service",
    "directory_serviceatlocation",
    "directory_location",
    "directory_schedule",
)


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, why)
    modified_after: dt.datetime | None = None
    statistics_refreshed: bool = False

    @property
    def seen(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.skipped)


def normalise_url(url: str) -> str:
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FeedError(f"{url!r} is not an http or https address.")
    return url.rstrip("/")


def _get(url: str):
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        return urllib.request.urlopen(request, timeout=TIMEOUT_S)  # noqa: S310 (http/https only)
    except urllib.error.HTTPError as exc:
        raise FeedError(f"{url} answered {exc.code} {exc.reason}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FeedError(f"Could not read {url}: {getattr(exc, 'reason', exc)}.") from exc


def _services_url(base: str, **params) -> str:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}/services?{query}"


def _pages(base: str, modified_after: str | None, on_total: Callable[[int], None]) -> Iterator:
    for page in range(1, MAX_PAGES + 1):
        url = _services_url(
            base, full="true", page=page, per_page=PER_PAGE, modified_after=modified_after
        )
        with _get(url) as response:
            try:
                body = json.load(response)
            except (ValueError, UnicodeDecodeError) as exc:
                raise FeedError(f"{url} did not answer with JSON.") from exc
        if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
            raise FeedError(f"{url} did not answer with an ORUK list (no 'contents').")
        if page == 1 and isinstance(body.get("total_items"), int):
            on_total(body["total_items"])
        yield from body["contents"]
        total_pages = body.get("total_pages")
        if (
            not body["contents"]
            or body.get("last_page") is True
            or (isinstance(total_pages, int) and page >= total_pages)
        ):
            return


def _ndjson(base: str, modified_after: str | None) -> Iterator:
    url = _services_url(base, full="true", format="ndjson", modified_after=modified_after)
    with _get(url) as response:
        for number, line in enumerate(response, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except (ValueError, UnicodeDecodeError):
                yield _Unreadable(f"line {number} is not JSON")


@dataclass(frozen=True)
class _Unreadable:
    why: str


def import_feed(
    url: str,
    *,
    ndjson: bool = False,
    everything: bool = False,
    progress: Callable | None = None,
) -> Report:
    """Read the feed at `url` and store its services; a Report of what happened."""
    base = normalise_url(url)
    feed, _ = Feed.objects.get_or_create(url=base)
    report = Report()
    if feed.last_run_started and not everything:
        report.modified_after = feed.last_run_started - CLOCK_ALLOWANCE
    since = report.modified_after.isoformat() if report.modified_after else None
    started = timezone.now()

    bar = progress(total=None) if progress else None

    def on_total(total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.refresh()

    records = _ndjson(base, since) if ndjson else _pages(base, since, on_total)
    try:
        for record in records:
            _import_one(record, feed, report)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    finish_feed_run(
        feed, started, imported=report.created + report.updated, skipped=len(report.skipped)
    )
    if report.created + report.updated >= REFRESH_AFTER:
        report.statistics_refreshed = refresh_search_statistics()
    return report


def refresh_search_statistics() -> bool:
    """VACUUM (ANALYZE) the tables a directory search reads, on PostgreSQL and outside a
    transaction (VACUUM cannot run in one); whether it ran. SQLite plans these searches the
    same way without statistics (bench/directory_search.py), so there is nothing to do."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(SEARCH_TABLES)}")
    return True


def _import_one(record, feed: Feed, report: Report) -> None:
    if isinstance(record, _Unreadable):
        report.skipped.append(("(unknown)", record.why))
        return
    record_id = (
        str(record.get("id")) if isinstance(record, dict) and record.get("id") else "(no id)"
    )
    problems = spec.errors("service", record)
    if problems:
        report.skipped.append((record_id, "; ".join(problems[:3])))
        return
    try:
        outcome = store_service(record, feed)
    except Refused as exc:
        report.skipped.append((record_id, str(exc)))
        return
    except DatabaseError as exc:
        report.skipped.append((record_id, f"could not be stored ({exc.__class__.__name__})"))
        return
    if outcome == Outcome.CREATED:
        report.created += 1
    elif outcome == Outcome.UPDATED:
        report.updated += 1
    else:
        report.unchanged += 1
