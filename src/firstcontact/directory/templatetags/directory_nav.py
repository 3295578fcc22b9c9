"""The directory editors' link in staff navigation: `{% if user|can_edit_directory %}`."""

from django import template

from firstcontact.directory.editing import may_edit_directory

register = template.Library()


@register.filter
def can_edit_directory(user) -> bool:
    return bool(user and user.is_authenticated and may_edit_directory(user))
