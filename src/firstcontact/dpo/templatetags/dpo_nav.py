"""The data protection link in staff navigation: `{% if user|can_use_dpo_pages %}`."""

from django import template

from firstcontact.privacy.selectors import is_dpo

register = template.Library()


@register.filter
def can_use_dpo_pages(user) -> bool:
    return bool(user and user.is_authenticated and is_dpo(user))
