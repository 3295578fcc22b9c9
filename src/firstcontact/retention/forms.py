"""Forms for the erasure pages (GOV.UK fields through `{% govuk_field %}`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from firstcontact.govuk.forms import DateInputField
from firstcontact.retention.models import RefusalReason


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys: the whole form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, messages in errors.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label="Find the person's record",
        max_length=200,
        help_text="A name, or the customer record number.",
        error_messages={"required": "Enter a name or a record number."},
    )


class ErasureRequestForm(forms.Form):
    requester = forms.CharField(
        label="Who asked, and how",
        max_length=200,
        help_text="For example “The person, by email” or “Her son, by letter, with her authority”.",
        error_messages={
            "required": "Enter who asked and how.",
            "max_length": "Who asked must be 200 characters or fewer.",
        },
    )
    received_on = DateInputField(
        label="When was the request received?",
        help_text="The month to answer it runs from this day. For example, 27 3 2026.",
        error_messages={"required": "Enter the date the request was received."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Notes must be 4,000 characters or fewer."},
    )


class AssessForm(forms.Form):
    notes = forms.CharField(
        label="Assessment notes (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Notes must be 4,000 characters or fewer."},
    )


class CarryOutForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked that nothing here must be kept, and the record can be erased",
        error_messages={"required": "Confirm that the record can be erased."},
    )


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does the right to erasure not apply?",
        choices=RefusalReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the reason the right to erasure does not apply.",
            "invalid_choice": "Choose the reason the right to erasure does not apply.",
        },
    )
    notes = forms.CharField(
        label="What to tell the person",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="They must be told why, and that they may complain to the ICO.",
        error_messages={
            "required": "Explain the refusal: the person must be told why.",
            "max_length": "The explanation must be 4,000 characters or fewer.",
        },
    )
