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

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from firstcontact.caching import TTLCache
from firstcontact.catalogue.models import (
    PriorityRule,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    SLAPolicy,
)
from firstcontact.catalogue.priority import ACTIVE_RULES, active_rules
from firstcontact.open311.models import KEY_PREFIX, Open311Client, hash_key
from firstcontact.partners.models import Partner, Team

DEFAULT_SECONDS = 30.0


def _seconds() -> float:
    return getattr(settings, "OPEN311_CACHE_SECONDS", DEFAULT_SECONDS)


clients: TTLCache[Open311Client] = TTLCache(_seconds)
services: TTLCache[Service] = TTLCache(_seconds)


def client_for_key(raw_key: str) -> Open311Client | None:
    """The active client holding `raw_key` (with its partner), or None."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        return None
    return clients.get_or_load(hash_key(raw_key), lambda: Open311Client.objects.for_key(raw_key))


def public_service(code: str) -> Service | None:
    """The public service with this code, with its SLA policy, attributes and deliveries
    (their partners and teams) loaded, or None. Shared between threads: read it only."""
    if not code or len(code) > 60:
        return None

    def load() -> Service | None:
        return (
            Service.objects.public()
            .select_related("sla_policy")
            .prefetch_related(
                "attributes",
                Prefetch(
                    "deliveries",
                    queryset=ServiceDelivery.objects.select_related("partner", "team"),
                ),
                # The waiting report's due date follows them (open311.services.pending_due_at).
                Prefetch("priority_rules", queryset=active_rules(), to_attr=ACTIVE_RULES),
            )
            .filter(code=code)
            .first()
        )

    return services.get_or_load(code, load)


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
    (PriorityRule, services),
]:
    for _signal in (post_save, post_delete):
        _signal.connect(
            _cache.clear,
            sender=_model,
            weak=False,
            dispatch_uid=f"open311-cache-{id(_cache)}-{_model.__name__}",
        )
