"""Response headers Django does not set itself: Permissions-Policy, and no-store on pages that
carry personal data.

Django sets the rest from settings (SecurityMiddleware: nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS; ContentSecurityPolicyMiddleware: SECURE_CSP;
XFrameOptionsMiddleware). See docs/security.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERSONAL_DATA_ATTR = "_firstcontact_personal_data"


def personal_data[V: Callable[..., HttpResponse]](view: V) -> V:
    """Mark a view whose answer carries personal data (a resident's tracking result, their
    answers): SecurityHeadersMiddleware sends it with Cache-Control: no-store, whoever asks.

    Staff pages need no mark: every answer to a signed-in user is no-store."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, PERSONAL_DATA_ATTR, True)
        return response

    return wrapped  # type: ignore[return-value]


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "geolocation": ["self"]} -> 'camera=(), geolocation=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


def carries_personal_data(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether a browser or a proxy must not keep a copy of this answer.

    - anything for a signed-in user (desk, work, insight, admin, DPO pages, exports, photos);
    - anything for a visitor with a session: the resident site keeps a journey's answers and
      what this browser raised or tracked there (an anonymous first visit has none);
    - the answer to a POST (a form shown again holds what was typed);
    - views marked with @personal_data.
    Static files and Open311's public GETs (no session, no user) stay cacheable."""
    if getattr(response, PERSONAL_DATA_ATTR, False):
        return True
    if request.method not in ("GET", "HEAD"):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    session = getattr(request, "session", None)
    return session is not None and not session.is_empty()


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; Cache-Control: no-store (and Pragma: no-cache for
    old HTTP/1.0 caches) on every answer that carries personal data."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(
            getattr(settings, "PERMISSIONS_POLICY", {})
        )
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/") if settings.STATIC_URL else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        is_static = self.static_prefix and request.path.startswith(self.static_prefix)
        if not is_static and carries_personal_data(request, response):
            # max-age=0, no-cache, no-store, must-revalidate, private (as @never_cache).
            add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"
        return response
