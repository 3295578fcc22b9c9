"""API keys and per-key rate limiting (Django's cache, fixed one-minute windows).

Settings: OPEN311_RATE_LIMIT_PER_MINUTE (default 300; None turns limiting off) for keys with
no limit of their own, and OPEN311_RATE_LIMIT_CACHE (default "default"), the cache alias.
The cache is shared by every server process (the database, or Redis: firstcontact/cache.py),
so the limit holds however many processes serve the API.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches

from firstcontact.cache import hit
from firstcontact.open311.models import Open311Client

DEFAULT_PER_MINUTE = 300
WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def limit_for(client: Open311Client) -> int | None:
    if client.rate_limit_per_minute is not None:
        return client.rate_limit_per_minute
    return getattr(settings, "OPEN311_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE)


def check_rate_limit(client: Open311Client) -> None:
    """Count one request against the client's key; RateLimited when over its limit."""
    limit = limit_for(client)
    if limit is None:
        return
    cache = caches[getattr(settings, "OPEN311_RATE_LIMIT_CACHE", "default")]
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"open311:rate:{client.pk}:{window}"
    if hit(key, WINDOW_SECONDS, cache=cache) > limit:
        raise RateLimited(max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))
