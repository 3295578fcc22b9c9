"""Form fields that need GOV.UK Frontend's patterns, such as the three-part date input."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_PARTS = ("day", "month", "year")


class DateInputWidget(forms.MultiWidget):
    """Day, month and year as three text inputs (GOV.UK's date input); `{% govuk_field %}`
    renders it with GOV.UK Frontend's markup, the inputs named `<name>_day` and so on."""

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric"}
        super().__init__({name: forms.TextInput(attrs=part) for name in DATE_PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateInputField(forms.Field):
    """A date entered as day, month and year, with GOV.UK's error messages."""

    widget = DateInputWidget
    default_error_messages = {
        "required": _("Enter a date"),
        "incomplete": _("Enter a complete date: day, month and year"),
        "invalid": _("Enter a real date"),
        "year": _("Year must include 4 numbers"),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        parts = [str(part if part is not None else "").strip() for part in value]
        if not any(parts):
            return None
        if not all(parts):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(parts[2]) != 4:
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
