"""Rate limits on anonymous submissions, counted in Django's cache per client address.

settings.PORTAL_RATE_LIMITS maps a scope to (how many, per how many seconds), e.g.
{"submit": (20, 3600), "track": (30, 600)}. Staff signed in are not limited."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_LIMITS = {"submit": (20, 3600), "track": (30, 600)}


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind a proxy, set it from the proxy's header in the web server."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def limit_for(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}
    count, seconds = limits[scope]
    return int(count), int(seconds)


def _key(request: HttpRequest, scope: str, window: int) -> str:
    who = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"portal-ratelimit:{scope}:{who}:{window}"


def is_limited(request: HttpRequest, scope: str, *, count: bool = True) -> bool:
    """True when this client has used up the scope's allowance for the current window; each
    call that is allowed counts one use (count=False: only look)."""
    if request.user.is_authenticated:
        return False
    allowed, seconds = limit_for(scope)
    window = int(time.time() // seconds)
    key = _key(request, scope, window)
    used = cache.get(key, 0)
    if used >= allowed:
        return True
    if count:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=seconds + 5)
    return False
