"""Rate limits count in the shared cache (the database by default, Redis when REDIS_URL is set),
so one limit holds across every server process: shown here with two real server processes on
one database."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import RequestFactory

from firstcontact import cache as shared_cache
from firstcontact.open311.auth import RateLimited, check_rate_limit
from firstcontact.open311.models import Open311Client
from firstcontact.portal.apps import PortalConfig
from firstcontact.portal.ratelimit import is_limited
from firstcontact.servicerequests.references import check_character, format_reference

ROOT = Path(__file__).resolve().parents[2]
TABLE = "firstcontact_cache"
NOBODYS = format_reference("ABCDEFG" + check_character("ABCDEFG"))


@pytest.fixture
def shared(settings):
    """The project's own cache (settings.CACHES without the tests' in-memory default)."""
    tests_own = settings.CACHES
    if tests_own["shared"]["BACKEND"] != "firstcontact.cache.DatabaseCache":
        pytest.skip("REDIS_URL is set: the shared cache is Redis")
    settings.CACHES = {"default": tests_own["shared"]}
    cache.clear()
    yield cache
    cache.clear()
    settings.CACHES = tests_own  # before the database goes: the conftest clears the cache


def visitor(address: str = "203.0.113.7"):
    request = RequestFactory().post("/track/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def rows_in_cache_table() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(TABLE)}")
        return cursor.fetchone()[0]


def test_the_resident_limit_counts_in_the_database(db, shared, settings):
    settings.PORTAL_RATE_LIMITS = {"track": (3, 600)}
    assert [is_limited(visitor(), "track") for _ in range(5)] == [False] * 3 + [True] * 2
    assert is_limited(visitor("198.51.100.1"), "track") is False  # another address, own count
    assert rows_in_cache_table() == 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {TABLE}")
        keys = " ".join(row[0] for row in cursor.fetchall())
    assert "203.0.113.7" not in keys  # addresses are hashed, not stored


def test_a_new_window_starts_a_new_count(db, shared, settings, monkeypatch):
    settings.PORTAL_RATE_LIMITS = {"track": (1, 600)}
    clock = [1_800_000_000.0]
    monkeypatch.setattr("firstcontact.portal.ratelimit.time.time", lambda: clock[0])
    assert is_limited(visitor(), "track") is False
    assert is_limited(visitor(), "track") is True
    clock[0] += 600
    assert is_limited(visitor(), "track") is False


def test_staff_signed_in_are_not_limited(db, shared, settings, partnership):
    settings.PORTAL_RATE_LIMITS = {"submit": (1, 3600)}
    request = visitor()
    request.user = partnership.hub_adviser
    assert not any(is_limited(request, "submit") for _ in range(3))
    assert rows_in_cache_table() == 0


def test_a_counter_that_expires_between_add_and_incr_is_added_again(db, shared, monkeypatch):
    backend = caches["default"]
    real_incr = backend.incr
    calls = []

    def incr_once_lost(key, *args, **kwargs):
        calls.append(key)
        if len(calls) == 1:
            backend.delete(key)  # as if it expired just after add()
            raise ValueError(key)
        return real_incr(key, *args, **kwargs)

    monkeypatch.setattr(backend, "incr", incr_once_lost)
    assert shared_cache.hit("portal-ratelimit:test:1", 60, cache=backend) == 1
    assert shared_cache.hit("portal-ratelimit:test:1", 60, cache=backend) == 2
    assert len(calls) == 3


def test_the_database_cache_counts_atomically_and_refuses_a_missing_key(db, shared):
    backend = caches["default"]
    assert isinstance(backend, shared_cache.DatabaseCache)
    with pytest.raises(ValueError):
        backend.incr("never-added")
    backend.add("counter", 0, 60)
    assert [backend.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert backend.get("counter") == 3
    backend.set("gone", 5, -1)  # already expired
    with pytest.raises(ValueError):
        backend.incr("gone")


def test_an_open311_key_is_limited_in_the_shared_cache(db, shared, settings, partnership):
    settings.OPEN311_RATE_LIMIT_PER_MINUTE = 2
    client = Open311Client(partner=partnership.county, name="FixMyStreet")
    client.set_new_key()
    client.save()
    check_rate_limit(client)
    check_rate_limit(client)
    with pytest.raises(RateLimited) as refused:
        check_rate_limit(client)
    assert 1 <= refused.value.retry_after <= 61
    assert rows_in_cache_table() == 1


def test_migrate_creates_the_cache_table(db, shared):
    """The table comes with `migrate` (make run, production, the test databases)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {connection.ops.quote_name(TABLE)}")  # undone after the test
    assert TABLE not in connection.introspection.table_names()
    from django.apps import apps

    post_migrate.send(
        sender=apps.get_app_config("portal"),
        app_config=apps.get_app_config("portal"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert TABLE in connection.introspection.table_names()
    assert isinstance(apps.get_app_config("portal"), PortalConfig)


@pytest.mark.parametrize("redis_installed", [True, False])
def test_redis_is_used_when_redis_url_is_set(redis_installed):
    if redis_installed != (importlib.util.find_spec("redis") is not None):
        pytest.skip("the redis package is " + ("missing" if redis_installed else "installed"))
    code = "import json, firstcontact.settings as s; print(json.dumps(s.CACHES['default']))"
    env = {**os.environ, "SECRET_KEY": "x", "REDIS_URL": "redis://127.0.0.1:6399/2"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    if redis_installed:
        assert result.returncode == 0, result.stderr
        configured = json.loads(result.stdout)
        assert configured["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert configured["LOCATION"] == "redis://127.0.0.1:6399/2"
    else:
        assert "pip install 'firstcontact[redis]'" in result.stderr
    env.pop("REDIS_URL")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert json.loads(result.stdout)["BACKEND"] == "firstcontact.cache.DatabaseCache"


# --- Two server processes, one limit ----------------------------------------------------------

TRACKS = 4  # PORTAL_TRACKS_PER_10_MINUTES for the servers
SUBMISSIONS = 5  # PORTAL_SUBMISSIONS_PER_HOUR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database itself on PostgreSQL; on SQLite (whose test database is in memory,
    so no other process can open it) a copy of it in a file, made with SQLite's backup."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
        port = f":{s['PORT']}" if s["PORT"] else ""
        host = quote(s["HOST"] or "localhost", safe="")
        return f"postgres://{quote(s['USER'] or '', safe='')}{password}@{host}{port}/{s['NAME']}"
    path = tmp_path / "servers.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


def no_control_socket() -> list[str]:
    """gunicorn 25.1+ opens a control socket at one fixed path: two servers would share it."""
    import gunicorn

    return ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


class Server:
    def __init__(self, port: int, env: dict, log: Path) -> None:
        self.port = port
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                *no_control_socket(),
                "firstcontact.wsgi:application",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode({**body, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheader("Set-Cookie") or "", response.read()
        finally:
            conn.close()

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                status, set_cookie, html = self.request("GET", "/track/")
            except OSError:
                time.sleep(0.2)
                continue
            assert status == 200, html[:500]
            self.cookie = set_cookie.split(";")[0]  # csrftoken=...
            self.token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
            self.token = self.token.decode()
            return
        raise AssertionError(f"server on {self.port} did not start: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def away_from_a_window_edge(*windows: int, margin: float = 10.0) -> None:
    """Fixed windows start on the clock: wait out the last seconds of one (at most `margin`
    seconds) so the requests below all fall in the same window."""
    now = time.time()
    left = min(w - now % w for w in windows)
    if left < margin:
        time.sleep(left + 0.5)


def test_two_server_processes_share_one_limit(transactional_db, tmp_path, settings):
    if settings.CACHES["shared"]["BACKEND"] != "firstcontact.cache.DatabaseCache":
        pytest.skip("REDIS_URL is set: the servers below count in the database")
    caches["shared"].clear()  # counts left by an earlier run on a kept test database
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="firstcontact.settings",  # what production runs
        SECRET_KEY="two-processes-test-key",
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="0",
        PORTAL_TRACKS_PER_10_MINUTES=str(TRACKS),
        PORTAL_SUBMISSIONS_PER_HOUR=str(SUBMISSIONS),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
    )
    env["DATABASE_URL"] = database_url(tmp_path)
    servers = []
    try:
        servers = [Server(free_port(), env, tmp_path / f"server{i}.log") for i in range(2)]
        deadline = time.monotonic() + 30
        for server in servers:
            server.wait_ready(deadline)
        assert servers[0].process.pid != servers[1].process.pid
        away_from_a_window_edge(600, 3600)

        # Tracking, one request at a time, alternating between the processes: the fifth
        # across both is refused, on either.
        track = {"reference": NOBODYS, "contact": "sam@example.org"}
        statuses = [servers[i % 2].request("POST", "/track/", track)[0] for i in range(TRACKS)]
        assert statuses == [200] * TRACKS, [s.output() for s in servers]
        assert servers[TRACKS % 2].request("POST", "/track/", track)[0] == 429
        assert servers[(TRACKS + 1) % 2].request("POST", "/track/", track)[0] == 429

        # Submissions sent at the same moment to both processes (four threads each): exactly
        # the limit get through, so no two requests counted the same use.
        results: list[int] = []
        lock = threading.Lock()

        def submit(server: Server) -> None:
            status = server.request("POST", "/feedback/", {"rating": ""})[0]
            with lock:
                results.append(status)

        threads = [threading.Thread(target=submit, args=(servers[i % 2],)) for i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results) == [200] * SUBMISSIONS + [429] * (12 - SUBMISSIONS), [
            s.output() for s in servers
        ]
    finally:
        for server in servers:
            server.stop()
