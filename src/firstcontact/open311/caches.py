"""Short-lived, per-process caches for the POST hot path: API keys and the service catalogue.

Every report needs its client (by api_key) and its service (attributes, SLA policy, who
delivers it), which change rarely. Each process keeps what it has read for CACHE_SECONDS
(settings.OPEN311_CACHE_SECONDS, default 30). A change saved in this process clears the
cache at once; one saved by another server process shows there within CACHE_SECONDS, so a
key that is switched off may go on working for that long in other processes. Misses are
never cached: a key issued a moment ago works at once everywhere.

The background task that raises a report reads everything afresh from the database.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from firstcontact.catalogue.models import Service, ServiceAttribute, ServiceDelivery, SLAPolicy
from firstcontact.open311.models import KEY_PREFIX, Open311Client, hash_key
from firstcontact.partners.models import Partner, Team

DEFAULT_SECONDS = 30.0
# Enough for every key and service of a partnership; a flood of distinct keys or codes
# (never cached when wrong) cannot grow it past this.
MAX_ENTRIES = 2000


class TTLCache[V]:
    """A dict whose entries expire, cleared whole on any change to what it holds."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, V]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def generation(self) -> int:
        return self._generation

    def put(self, key: str, value: V, generation: int) -> None:
        """Keep `value`, read when the cache was at `generation` (dropped if it has since
        been cleared: the value may be from before the change)."""
        seconds = getattr(settings, "OPEN311_CACHE_SECONDS", DEFAULT_SECONDS)
        if not seconds:
            return
        with self._lock:
            if generation != self._generation:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + seconds, value)

    def clear(self, **_kwargs: object) -> None:
        with self._lock:
            self._generation += 1
            self._entries = {}


clients: TTLCache[Open311Client] = TTLCache()
services: TTLCache[Service] = TTLCache()


def client_for_key(raw_key: str) -> Open311Client | None:
    """The active client holding `raw_key` (with its partner), or None."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    digest = hash_key(raw_key)
    client = clients.get(digest)
    if client is not None:
        return client
    generation = clients.generation()
    client = Open311Client.objects.for_key(raw_key)
    if client is not None:
        clients.put(digest, client, generation)
    return client


def public_service(code: str) -> Service | None:
    """The public service with this code, with its SLA policy, attributes and deliveries
    (their partners and teams) loaded, or None. Shared between threads: read it only."""
    if not code or len(code) > 60:
        return None
    service = services.get(code)
    if service is not None:
        return service
    generation = services.generation()
    service = (
        Service.objects.public()
        .select_related("sla_policy")
        .prefetch_related(
            "attributes",
            Prefetch(
                "deliveries", queryset=ServiceDelivery.objects.select_related("partner", "team")
            ),
        )
        .filter(code=code)
        .first()
    )
    if service is not None:
        services.put(code, service, generation)
    return service


def clear() -> None:
    clients.clear()
    services.clear()


for _model, _cache in [
    (Open311Client, clients),
    (Partner, clients),
    (Partner, services),
    (Team, services),
    (Service, services),
    (ServiceAttribute, services),
    (ServiceDelivery, services),
    (SLAPolicy, services),
]:
    for _signal in (post_save, post_delete):
        _signal.connect(
            _cache.clear,
            sender=_model,
            weak=False,
            dispatch_uid=f"open311-cache-{id(_cache)}-{_model.__name__}",
        )
