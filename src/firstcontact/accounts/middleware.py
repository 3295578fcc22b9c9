"""Staff sessions: signed out after a spell without activity, and kept off staff pages until
their second factor is given.

Both run as view middleware after django_otp's OTPMiddleware, so they know which view a
request is for: the resident site, Open311 and the sign-in pages themselves are left alone,
and every other page (the desk, work, insight, the admin, and any page added later) is a
staff page.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from firstcontact.accounts import conf

LAST_SEEN_KEY = "firstcontact_last_seen"
IDLE_SIGN_OUT_KEY = "firstcontact_idle_signed_out"
# Write the stamp at most once a minute (a session save per request is a database write).
STAMP_EVERY_SECONDS = 60

# Views that are not staff pages (by module): the resident site, Open311 (API keys, no
# session), the sign-in pages and sign-out, the language switch.
NOT_STAFF_MODULES = (
    "firstcontact.portal.",
    "firstcontact.open311.",
    "firstcontact.accounts.",
    "django.contrib.auth.views.",
    "django.views.i18n",
    "django.views.static",
    "django.contrib.staticfiles.",
)
# Requests a page makes by itself (the live wallboard's refresh) are not activity.
PASSIVE_VIEWS = {"insight:live_json"}


def stamp_activity(request: HttpRequest) -> None:
    request.session[LAST_SEEN_KEY] = int(time.time())


def _view_module(view_func) -> str:
    func = getattr(view_func, "view_class", None) or view_func
    # Django's admin wraps its views; the admin is a staff page whatever the wrapper.
    return f"{getattr(func, '__module__', '') or ''}."


def is_staff_page(view_func) -> bool:
    return not _view_module(view_func).startswith(NOT_STAFF_MODULES)


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, or for htmx (which would swap the page it got into a part of the page)
    an HX-Redirect to load it as a whole page."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def with_next(url: str, request: HttpRequest) -> str:
    next_url = request.get_full_path() if request.method == "GET" else request.path
    return f"{url}?{urlencode({'next': next_url})}"


class StaffIdleTimeoutMiddleware:
    """Signs a staff session out after FIRSTCONTACT["STAFF_IDLE_MINUTES"] (30) minutes without
    a request; the sign-in page then says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        minutes = conf.idle_minutes()
        if isinstance(last_seen, int) and now - last_seen > minutes * 60:
            request.sign_out_reason = f"signed out after {minutes} minutes without activity"
            logout(request)
            request.session[IDLE_SIGN_OUT_KEY] = minutes
            return redirect_to(request, with_next(reverse("login"), request))
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in PASSIVE_VIEWS:
            return None
        if not isinstance(last_seen, int) or now - last_seen >= STAMP_EVERY_SECONDS:
            request.session[LAST_SEEN_KEY] = now
        return None


class StaffTwoFactorMiddleware:
    """A signed-in user who has not given their second factor (and must: see
    services.needs_second_factor) is sent to give it, or to set one up, from every staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from firstcontact.accounts import services

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not is_staff_page(view_func):
            return None
        if services.second_factor_satisfied(user):
            return None
        if services.has_second_factor(user):
            target = reverse("accounts:verify")
        else:
            target = reverse("accounts:set_up")
        return redirect_to(request, with_next(target, request))
