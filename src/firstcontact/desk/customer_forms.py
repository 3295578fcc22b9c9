"""Forms for changing a customer's record and recording a consent at the desk. They shape
input; customers.services validates again and decides."""

from __future__ import annotations

import datetime as dt

from django import forms

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    clean_postcode,
    format_phone,
)
from firstcontact.customers.models import Channel, ConsentPurpose, Customer, CustomerKind
from firstcontact.customers.services import EMAIL_ERROR, PHONE_ERROR, POSTCODE_ERROR
from firstcontact.desk.forms import DESK_CHANNELS
from firstcontact.govuk.forms import DateInputField
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import DataCategory

# Empty boxes offered for another phone number or email address, and the most kept.
SPARE_SLOTS = 1
MAX_SLOTS = 10
ADDRESS_FIELDS = ("line1", "line2", "town", "postcode", "uprn")

# The service's error keys → the form's fields.
ERROR_FIELDS = {f"address.{k}": k for k in ADDRESS_FIELDS} | {
    **{f"phones[{i}]": f"phone_{i}" for i in range(MAX_SLOTS)},
    **{f"emails[{i}]": f"email_{i}" for i in range(MAX_SLOTS)},
}


def slots(existing: int, posted: dict | None, prefix: str) -> int:
    """How many boxes to show: those posted, or the record's and a spare."""
    if posted is not None:
        count = sum(1 for k in posted if k.startswith(prefix) and k[len(prefix) :].isdigit())
        return min(max(count, 1), MAX_SLOTS)
    return min(existing + SPARE_SLOTS, MAX_SLOTS)


class CustomerEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label="Title (optional)", required=False, max_length=20)
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    organisation_name = forms.CharField(label="Organisation name", required=False, max_length=200)
    date_of_birth = DateInputField(
        label="Date of birth (optional)", required=False, help_text="For example, 27 3 1958"
    )
    line1 = forms.CharField(label="Address line 1", required=False, max_length=200)
    line2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=200)
    town = forms.CharField(label="Town (optional)", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    uprn = forms.CharField(
        label="UPRN (optional)",
        required=False,
        max_length=12,
        help_text="The property's Unique Property Reference Number, up to 12 digits.",
    )
    preferred_channel = forms.ChoiceField(
        label="Preferred channel",
        required=False,
        choices=[("", "Not given"), *Channel.choices],
    )
    preferred_language = forms.CharField(
        label="Preferred language",
        max_length=10,
        required=False,
        help_text="A language code: en for English, cy for Welsh, pl for Polish, ur for Urdu.",
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, large print, British Sign Language, hearing loop.",
    )
    vulnerability = forms.CharField(
        label="Vulnerability (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For staff only.",
    )
    deceased = forms.BooleanField(label="The customer has died", required=False)
    date_of_death = DateInputField(
        label="Date of death (optional)", required=False, help_text="For example, 30 11 2026"
    )
    moved_away = forms.BooleanField(
        label="The customer has moved away and left no current address", required=False
    )

    def __init__(self, *args, customer: Customer, phone_slots: int, email_slots: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        if customer.kind == CustomerKind.ORGANISATION:
            for name in ("title", "given_name", "family_name"):
                del self.fields[name]
        else:
            del self.fields["organisation_name"]
        self.phone_names = [f"phone_{i}" for i in range(phone_slots)]
        self.email_names = [f"email_{i}" for i in range(email_slots)]
        for i, name in enumerate(self.phone_names):
            self.fields[name] = forms.CharField(
                label=f"Phone number {i + 1}" if phone_slots > 1 else "Phone number",
                required=False,
                max_length=40,
            )
        for i, name in enumerate(self.email_names):
            self.fields[name] = forms.CharField(
                label=f"Email address {i + 1}" if email_slots > 1 else "Email address",
                required=False,
                max_length=254,
            )

    def clean(self):
        # Every error at once: the contact points too, not only after the rest is right (the
        # service checks them again).
        cleaned = super().clean()
        checks = [(n, clean_phone, PHONE_ERROR) for n in self.phone_names]
        checks += [(n, clean_email, EMAIL_ERROR) for n in self.email_names]
        checks.append(("postcode", clean_postcode, POSTCODE_ERROR))
        for name, check, message in checks:
            if cleaned.get(name):
                try:
                    check(cleaned[name])
                except ValueError:
                    self.add_error(name, message)
        return cleaned

    @property
    def phone_fields(self) -> list:
        return [self[n] for n in self.phone_names]

    @property
    def email_fields(self) -> list:
        return [self[n] for n in self.email_names]

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        address = customer.addresses.filter(is_current=True).order_by("-pk").first()
        initial = {
            "version": customer.version,
            "title": customer.title,
            "given_name": customer.given_name,
            "family_name": customer.family_name,
            "organisation_name": customer.organisation_name,
            "date_of_birth": customer.date_of_birth,
            "preferred_channel": customer.preferred_channel,
            "preferred_language": customer.preferred_language,
            "accessibility_needs": customer.accessibility_needs,
            "vulnerability": customer.vulnerability,
            "deceased": customer.deceased,
            "date_of_death": customer.date_of_death,
            "moved_away": customer.moved_away,
        }
        for i, phone in enumerate(customer.phones.order_by("pk")):
            initial[f"phone_{i}"] = format_phone(phone.number)
        for i, email in enumerate(customer.emails.order_by("pk")):
            initial[f"email_{i}"] = email.address
        if address is not None:
            initial.update({k: getattr(address, k) for k in ADDRESS_FIELDS})
        return initial

    @classmethod
    def post_data_for(cls, customer: Customer) -> dict[str, str]:
        """The form as the record fills it, as a browser would post it (for tests)."""
        data = {}
        for name, value in cls.initial_for(customer).items():
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif isinstance(value, dt.date):
                data.update(
                    {
                        f"{name}_day": value.day,
                        f"{name}_month": value.month,
                        f"{name}_year": value.year,
                    }
                )
            elif value is not None:
                data[name] = str(value)
        data.setdefault("phone_0", "")
        data.setdefault("email_0", "")
        return {k: str(v) for k, v in data.items()}

    def to_data(self) -> dict:
        """The edit, for customers.services.update_customer."""
        data = self.cleaned_data
        names = [
            n
            for n in (
                "title", "given_name", "family_name", "organisation_name", "date_of_birth",
                "preferred_channel", "preferred_language", "accessibility_needs",
                "vulnerability", "deceased", "date_of_death", "moved_away",
            )
            if n in self.fields
        ]  # fmt: skip
        edit = {n: data[n] for n in names}
        edit["phones"] = [data[n] for n in self.phone_names]
        edit["emails"] = [data[n] for n in self.email_names]
        edit["address"] = {k: data[k] for k in ADDRESS_FIELDS}
        return edit

    def entered_text(self, field: str) -> str:
        """What the editor entered for a history field, as the history shows it."""
        data = self.cleaned_data
        if field == "phones":
            shown = []
            for value in (data.get(n) for n in self.phone_names):
                if value:
                    try:
                        shown.append(format_phone(clean_phone(value)))
                    except ValueError:
                        shown.append(value)
            return "; ".join(shown)
        if field == "emails":
            return "; ".join(data[n] for n in self.email_names if data.get(n))
        if field == "address":
            text = ", ".join(data[k] for k in ("line1", "line2", "town", "postcode") if data.get(k))
            return f"{text} (UPRN {data['uprn']})" if data.get("uprn") else text
        value = data.get(field)
        if field in {"deceased", "moved_away"}:
            return "Yes" if value else "No"
        if field in {"date_of_birth", "date_of_death"}:
            return f"{value:%-d %B %Y}" if value else ""
        if field == "preferred_channel":
            return Channel(value).label if value else ""
        return str(value or "")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What does the customer agree to?",
        choices=ConsentPurpose.choices,
        widget=forms.RadioSelect,
    )
    recipient = forms.ModelChoiceField(
        label="Partner it lets see the record (for sharing)",
        queryset=Partner.objects.none(),
        required=False,
        empty_label="Choose a partner",
        help_text="Sharing needs one consent for each partner, naming it.",
    )
    data_category = forms.ChoiceField(
        label="What may that partner see? (for sharing)",
        choices=[("", "Everything a data-sharing agreement covers"), *DataCategory.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label="How did the customer give it?", choices=DESK_CHANNELS, widget=forms.RadioSelect
    )
    agreed = forms.BooleanField(
        label="I put these words to the customer and they agreed", required=False
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Partner.objects.exclude(
            pk=customer.partner_id
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == ConsentPurpose.SHARE_WITH_PARTNERS:
            if not cleaned.get("recipient"):
                self.add_error("recipient", "Choose the partner the customer agrees may see it.")
        elif cleaned.get("purpose"):
            cleaned["recipient"] = None
            cleaned["data_category"] = ""
        return cleaned
