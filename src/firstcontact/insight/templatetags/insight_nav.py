"""The Insight link in staff navigation: `{% if user|can_view_insight %}`."""

from django import template

from firstcontact.insight.scoping import can_view_insight as _can_view_insight

register = template.Library()


@register.filter
def can_view_insight(user) -> bool:
    return bool(user and user.is_authenticated and _can_view_insight(user))
