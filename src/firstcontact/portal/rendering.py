"""Rendering resident pages with the partnership's branding and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from firstcontact.portal import branding


def portal_context(request: HttpRequest) -> dict:
    cached = getattr(request, "_portal_context", None)
    if cached is None:
        members = branding.partners()
        cached = {
            "site_name": branding.site_name(),
            "partnership_members": members,
            # Each language named in itself (not translated), for the switch.
            "site_languages": list(settings.LANGUAGES),
        }
        request._portal_context = cached
    return cached


def render_portal(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    return render(request, template, {**portal_context(request), **(context or {})}, status=status)
