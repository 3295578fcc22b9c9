"""The Insight link in staff navigation: `{% if user|can_view_insight %}`."""

from django import template

from firstcontact.insight.scoping import can_view_insight as _can_view_insight

register = template.Library()


@register.filter
def can_view_insight(user) -> bool:
    return bool(user and user.is_authenticated and _can_view_insight(user))


@register.filter
def can_view_places(user) -> bool:
    """Insight users, and community-safety caseworkers (the hotspots pages only)."""
    from firstcontact.insight.scoping import can_view_places as _can_view_places

    return bool(user and user.is_authenticated and _can_view_places(user))


@register.filter
def insight_home(user) -> str:
    """The URL name of the first insight page the user may open."""
    return "insight:dashboard" if can_view_insight(user) else "insight:places"
