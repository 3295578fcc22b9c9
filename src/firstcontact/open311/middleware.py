"""The Open311 API past the site's middleware.

The API is called by other systems with an api_key on every request: it sets no cookies and
reads none, has no signed-in user, no messages, no language switch and no htmx, and its views
are exempt from CSRF (no cookie is involved). The site's session, locale, CSRF,
authentication, messages and htmx middleware have nothing to do on its paths, yet they cost
about a tenth of the server's CPU for each POST.

Placed in MIDDLEWARE just after SecurityMiddleware (HTTPS redirect, HSTS, nosniff: it still
applies to every path), Open311APIMiddleware answers requests under the API's prefix itself:
through the site middleware the API does need (API_MIDDLEWARE, those of them in MIDDLEWARE,
in the same order: CommonMiddleware checks the Host header against ALLOWED_HOSTS and sets
Content-Length, XFrameOptionsMiddleware sets X-Frame-Options), then the view the URLconf
resolves, in the site's default language (LANGUAGE_CODE) as on staff pages. Every other path
goes on down the site's middleware as before.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, reverse, set_urlconf
from django.utils import translation
from django.utils.module_loading import import_string

# The site middleware the API runs (in MIDDLEWARE's order, when MIDDLEWARE has them).
API_MIDDLEWARE = (
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)


class Open311APIMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Built as Django builds the site's chain (each layer turns exceptions into error
        # responses), innermost last.
        handler = convert_exception_to_response(self._view)
        for path in reversed([p for p in settings.MIDDLEWARE if p in API_MIDDLEWARE]):
            middleware = import_string(path)(handler)
            hooks = ("process_view", "process_template_response", "process_exception")
            if any(hasattr(middleware, hook) for hook in hooks):
                raise TypeError(f"{path} has view hooks, which the Open311 API does not run.")
            handler = convert_exception_to_response(middleware)
        self.api = handler

    @functools.cached_property
    def prefix(self) -> str | None:
        """The API's path (path_info, without any script prefix), e.g. "/open311/v2/"."""
        try:
            return "/" + reverse("open311:root").removeprefix(get_script_prefix())
        except NoReverseMatch:  # not in this URLconf
            return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefix = self.prefix
        if prefix is not None and request.path_info.startswith(prefix):
            return self.api(request)
        return self.get_response(request)

    def _view(self, request: HttpRequest) -> HttpResponse:
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        urlconf = getattr(request, "urlconf", None)
        if urlconf is not None:
            set_urlconf(urlconf)
        match = get_resolver(urlconf).resolve(request.path_info)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if response is None:
            raise ValueError(f"The view {match.view_name} returned None.")
        return response
