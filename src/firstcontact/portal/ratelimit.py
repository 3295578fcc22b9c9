"""Rate limits on anonymous submissions, counted per client address in the shared cache
(firstcontact/cache.py: the database by default, Redis when REDIS_URL is set), so every
server process counts towards one limit.

settings.PORTAL_RATE_LIMITS maps a scope to (how many, per how many seconds), e.g.
{"submit": (20, 3600), "track": (30, 600)}: a fixed window of that many seconds on the
clock. Staff signed in are not limited."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.http import HttpRequest

from firstcontact.cache import hit, peek

DEFAULT_LIMITS = {
    "submit": (20, 3600),
    "track": (30, 600),
    # Your consents: asking for a one-time code, and trying codes (views/consents.py).
    "consent_code": (10, 3600),
    "consent_check": (30, 600),
}


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind a proxy, set it from the proxy's header in the web server."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limit_for(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}
    count, seconds = limits[scope]
    return int(count), int(seconds)


def _key(request: HttpRequest, scope: str, window: int) -> str:
    # The address is hashed: the cache's table should not be a log of residents' addresses.
    who = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"portal-ratelimit:{scope}:{who}:{window}"


def is_limited(request: HttpRequest, scope: str, *, count: bool = True) -> bool:
    """True when this client has used up the scope's allowance for the current window; each
    call counts one use, refused or not (count=False: only look)."""
    if request.user.is_authenticated:
        return False
    allowed, seconds = limit_for(scope)
    key = _key(request, scope, int(time.time() // seconds))
    if not count:
        return peek(key) >= allowed
    return hit(key, seconds) > allowed
