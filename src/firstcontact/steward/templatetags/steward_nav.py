"""The duplicates link in staff navigation: `{% if user|can_use_steward_pages %}`."""

from django import template

from firstcontact.steward.selectors import is_steward

register = template.Library()


@register.filter
def can_use_steward_pages(user) -> bool:
    return bool(user and user.is_authenticated and is_steward(user))
