"""Template helpers for the staff pages: `{% load desk_tags %}`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from firstcontact.desk.markdown import render_markdown
from firstcontact.servicerequests.queues import sla_state

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.simple_tag
def sla_tag(service_request, now=None) -> SafeString:
    state = sla_state(service_request, now)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', state.tag, state.label
    )


@register.filter
def percent(rate) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"
