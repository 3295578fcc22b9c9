"""Forms for the DPO's pages: every input is checked here and answered with a GOV.UK error
message, never an error page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstcontact.govuk.forms import DateInputField
from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
# Customer and record numbers: bigger than any id, small enough for every database.
MAX_ID = 2**53


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Enter a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, phone, email, postcode, UPRN or record number",
        max_length=200,
        strip=True,
        error_messages={
            "required": "Enter a name, phone number, email address, postcode, UPRN or "
            "record number",
            "max_length": "Enter no more than 200 characters",
        },
    )


class SubjectAccessRequestForm(forms.Form):
    received_on = DateInputField(
        label="When was the request received?",
        help_text="For example, 27 3 2026. The response is due one calendar month later.",
    )
    requester = forms.CharField(
        label="Who made the request?",
        max_length=300,
        help_text="The person, or who acts for them and on what authority (for example, "
        "a solicitor with signed authority).",
        error_messages={
            "required": "Enter who made the request",
            "max_length": "Enter no more than 300 characters",
        },
    )
    identity_check = forms.CharField(
        label="How was their identity checked?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: photo driving licence seen at the Casterbridge office.",
        error_messages={
            "required": "Enter how the requester's identity was checked",
            "max_length": "Enter no more than 500 characters",
        },
    )

    def clean_received_on(self) -> dt.date:
        value = _in_range(self.cleaned_data.get("received_on"))
        if value is None:
            raise ValidationError("Enter the date the request was received")
        if value > timezone.localdate():
            raise ValidationError("The date the request was received must be today or in the past")
        return value


class SubjectAccessStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Where is the request?",
        choices=SubjectAccessRequest.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select where the request is",
            "invalid_choice": "Select where the request is",
        },
    )
    refusal_reason = forms.CharField(
        label="Why was it refused?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only for a refusal: for example, manifestly unfounded or excessive.",
        error_messages={"max_length": "Enter no more than 2,000 characters"},
    )

    def clean(self):
        cleaned = super().clean()
        reason = (cleaned.get("refusal_reason") or "").strip()
        if cleaned.get("status") == SubjectAccessRequest.Status.REFUSED and not reason:
            self.add_error("refusal_reason", "Enter why the request was refused")
        return cleaned


class ExportForm(forms.Form):
    """Which other records (possible matches the DPO has checked) go into the export."""

    also = forms.MultipleChoiceField(
        label="Other records of the same person",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Records not linked to this one that share an email address, a phone "
        "number, or a date of birth and family name. Tick only those you have checked are "
        "the same person.",
        error_messages={"invalid_choice": "Select only records listed here"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["also"].choices = [
            (
                str(c.customer.pk),
                f"{c.customer.display_name}, {c.customer.partner.name}, record "
                f"{c.customer.pk} ({', '.join(c.reasons)})",
            )
            for c in candidates
        ]


ANY_ACTION = [("", "Any action")]


class AuditSearchForm(forms.Form):
    customer = forms.IntegerField(
        label="Customer record number",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Who viewed this person: the record and the records linked to it.",
        error_messages={
            "invalid": "Enter the customer record number in digits",
            "min_value": "Enter a customer record number of 1 or more",
            "max_value": "Enter a customer record number that exists",
        },
    )
    username = forms.CharField(
        label="Staff username",
        required=False,
        max_length=150,
        help_text="What this user viewed or did.",
        error_messages={"max_length": "Enter a username of no more than 150 characters"},
    )
    starts = DateInputField(label="From", required=False, help_text="For example, 1 3 2026.")
    ends = DateInputField(label="To", required=False, help_text="For example, 31 3 2026.")
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=ANY_ACTION + list(AuditEvent.Action.choices),
        error_messages={"invalid_choice": "Select an action from the list"},
    )

    def __init__(self, *args, known_customer=None, known_username=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_customer = known_customer
        self._known_username = known_username

    def clean_starts(self):
        return _in_range(self.cleaned_data.get("starts"))

    def clean_ends(self):
        return _in_range(self.cleaned_data.get("ends"))

    def clean_customer(self):
        pk = self.cleaned_data.get("customer")
        if pk is not None and self._known_customer and not self._known_customer(pk):
            raise ValidationError("No customer record with that number that you cover")
        return pk

    def clean_username(self):
        name = (self.cleaned_data.get("username") or "").strip()
        if name and self._known_username and not self._known_username(name):
            raise ValidationError(f"No user called “{name}” in the staff list or audit trail")
        return name

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and starts > ends:
            self.add_error("ends", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned
