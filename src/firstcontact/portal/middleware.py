"""The resident site speaks the resident's language; staff pages stay in English."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

# URL namespaces and names of resident pages (the start page is the project's "start").
RESIDENT_NAMESPACES = {"portal"}
RESIDENT_URL_NAMES = {"start", "set_language"}


def is_resident_path(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(RESIDENT_NAMESPACES & set(match.namespaces)) or (
        not match.namespaces and match.url_name in RESIDENT_URL_NAMES
    )


class ResidentLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (language cookie set by the switch, else Accept-Language) on
    resident pages only: the desk, back office, insight and admin are not translated, so a
    Polish browser must not get half-Polish staff pages (Django's own form messages)."""

    def process_request(self, request):
        if is_resident_path(request.path_info):
            super().process_request(request)
        else:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
