"""Where a sign-in came from, as the audit and the lockout see it."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR: behind a proxy, the web server sets it from the proxy's header (so a
    client cannot choose its own address by sending X-Forwarded-For)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
