"""`{% load portal %}`: status tags and catalogue text on resident pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from firstcontact.portal.labels import (
    COMPLAINT_DECISION_LABELS,
    OUTCOME_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
)
from firstcontact.translations.services import translate_text

register = template.Library()


@register.simple_tag
def status_tag(status: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        STATUS_COLOURS.get(status, ""),
        STATUS_LABELS.get(status, status),
    )


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


@register.filter
def decision_label(decision: str) -> str:
    return str(COMPLAINT_DECISION_LABELS.get(decision, decision))


@register.filter
def catalogue(text: object) -> SafeString:
    """Text from the catalogue or the partners (English): its translation into the page's
    language where the catalogue has one (firstcontact.translations), else the English marked
    lang="en-GB" on a page in another language, so screen readers pronounce it right
    (WCAG 3.1.2)."""
    language = get_language() or "en"
    if language.lower().startswith("en"):
        return format_html("{}", text)
    translated = translate_text(text, language)
    if translated is not None:
        return format_html("{}", translated)
    return format_html('<span lang="en-GB">{}</span>', text)


@register.simple_tag(takes_context=True)
def nav_item(context, url_name: str, label: str) -> SafeString:
    """A service navigation item, marked current when the page is under its address."""
    from django.urls import reverse

    url = reverse(url_name)
    request = context.get("request")
    current = request is not None and request.path.startswith(url) and url != "/"
    return format_html(
        '<li class="govuk-service-navigation__item{}"><a class="govuk-service-navigation__link"'
        ' href="{}"{}>{}</a></li>',
        " govuk-service-navigation__item--active" if current else "",
        url,
        mark_safe(' aria-current="page"') if current else "",
        label,
    )
