"""The "find a service" form, on the resident site and at the desk. A GET form: the search is
in the address, so a list can be bookmarked, printed and sent on."""

from __future__ import annotations

import copy
import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from firstcontact.directory import finder
from firstcontact.directory.models import Service, TaxonomyTerm
from firstcontact.partners.geography import normalise_postcode

# The search's own keys, kept when moving between results, a service and the printable list.
KEYS = ("q", "postcode", "radius", "category", "age", "cost", "when")


def _radius_choices():
    return [(str(m), _("%(km)s km") % {"km": m // 1000}) for m in finder.RADII_M]


class FindServiceForm(forms.Form):
    q = forms.CharField(
        label=_("What are you looking for?"),
        help_text=_("For example, food bank, debt advice or toddler group"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"maxlength": 100, "spellcheck": "true"}),
        error_messages={"max_length": _("Use 100 characters or fewer")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("To find services near you, like WX1 2AB"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"maxlength": 10, "autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
        error_messages={"max_length": _("Enter a full postcode, like WX1 2AB")},
    )
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=finder.DEFAULT_RADIUS_M,
        error_messages={"invalid_choice": _("Choose a distance from the list")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        error_messages={"invalid_choice": _("Choose a category from the list")},
    )
    age = forms.IntegerField(
        label=_("Age of the person who needs help (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-3", "maxlength": 3}
        ),
        error_messages={
            "invalid": _("Enter an age in years, like 35"),
            "min_value": _("Enter an age from 0 to 120"),
            "max_value": _("Enter an age from 0 to 120"),
        },
    )
    cost = forms.ChoiceField(
        label=_("Cost"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("", _("Free or paid")), (finder.FREE, _("Free")), (finder.PAID, _("Paid"))],
        error_messages={"invalid_choice": _("Choose free, paid or either")},
    )
    when = forms.ChoiceField(
        label=_("Opening times"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", _("Any time")),
            (finder.OPEN_NOW, _("Open now")),
            (finder.OPEN_WEEKEND, _("Open at weekends")),
        ],
        error_messages={"invalid_choice": _("Choose when it should be open")},
    )

    def __init__(self, *args, category_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["radius"].choices = _radius_choices()
        self.fields["category"].choices = [("", _("Any category"))] + [
            (str(term.pk), category_label(term) if category_label else term.name)
            for term in finder.categories()
        ]
        if not self.is_bound:
            self.initial.setdefault("radius", str(finder.DEFAULT_RADIUS_M))

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        normal = normalise_postcode(value)
        if normal is None:
            raise forms.ValidationError(_("Enter a full postcode, like WX1 2AB"))
        return normal

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("q") or data.get("postcode") or data.get("category")):
            raise forms.ValidationError(
                _("Enter what you are looking for or a postcode, or choose a category")
            )
        return data

    def filters(self) -> finder.Filters:
        data = self.cleaned_data
        return finder.Filters(
            words=data["q"].strip(),
            postcode=data["postcode"],
            radius_m=data["radius"] or finder.DEFAULT_RADIUS_M,
            category=uuid.UUID(data["category"]) if data["category"] else None,
            age=data["age"],
            cost=data["cost"],
            when=data["when"],
        )

    def unknown_postcode(self) -> None:
        self.add_error(
            "postcode",
            _("We do not know where that postcode is. Check it, or search without a postcode"),
        )


def search_query(params) -> str:
    """The search's part of a query string, to carry to another page."""
    from urllib.parse import urlencode

    return urlencode([(k, params.get(k)) for k in KEYS if params.get(k)])


# ------------------------------------------------------------------ editors (staff, English)

LANGUAGES = [
    ("en", "English"),
    ("cy", "Welsh"),
    ("pl", "Polish"),
    ("ro", "Romanian"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("so", "Somali"),
    ("uk", "Ukrainian"),
    ("bfi", "British Sign Language"),
]
DAYS = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
COSTS = [("free", "Free"), ("paid", "There is a charge"), ("", "Not stated")]


def accessibility_field() -> forms.CharField:
    return forms.CharField(
        label="Accessibility",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One fact a line, like “Step-free entrance”.",
        error_messages={"max_length": "Use 3,000 characters or fewer"},
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check_ages(form: forms.Form, data: dict) -> None:
    low, high = data.get("minimum_age"), data.get("maximum_age")
    if low is not None and high is not None and low > high:
        form.add_error("maximum_age", "The oldest age must be the same as or above the youngest")


class TermChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, term) -> str:
        return f"{term.name} ({term.taxonomy.name})"


class ServiceEditForm(forms.Form):
    """An editor's form for one directory entry (docs: README "Directory editors")."""

    name = forms.CharField(
        max_length=300,
        required=False,
        help_text="What residents call it, like “Debt advice”.",
        error_messages={"max_length": "Use 300 characters or fewer"},
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the service does and who it is for, in plain English.",
        error_messages={"max_length": "Use 5,000 characters or fewer"},
    )
    status = forms.ChoiceField(choices=[], help_text="Closed services are not shown to residents.")
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org/"},
    )
    email = forms.EmailField(
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=50,
        help_text="The number residents should call, like 01632 960 000.",
    )
    contact_name = forms.CharField(
        label="Contact name", required=False, max_length=200, help_text="A person or a desk."
    )
    contact_email = forms.EmailField(
        label="Contact email",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    days = forms.MultipleChoiceField(
        label="Days open",
        choices=DAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The same times apply at every place the service is offered.",
    )
    opens_at = forms.TimeField(
        label="Opens at",
        required=False,
        widget=forms.TimeInput(format="%H:%M"),
        help_text="Like 09:00",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"invalid": "Enter a time like 09:00"},
    )
    closes_at = forms.TimeField(
        label="Closes at",
        required=False,
        widget=forms.TimeInput(format="%H:%M"),
        help_text="Like 17:30",
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"invalid": "Enter a time like 17:30"},
    )
    cost = forms.ChoiceField(label="Cost", choices=COSTS, required=False, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label="Charge in pounds",
        required=False,
        min_value=0,
        max_value=99999,
        decimal_places=2,
        help_text="Like 3.50",
        error_messages={
            "invalid": "Enter the charge in pounds, like 3.50",
            "min_value": "The charge cannot be below 0",
            "max_value": "Enter a charge below £100,000",
            "max_decimal_places": "Enter the charge to the penny, like 3.50",
        },
    )
    amount_description = forms.CharField(
        label="What the charge is for",
        required=False,
        max_length=300,
        help_text="Like “per session”",
    )
    fees = forms.CharField(
        label="More about costs",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minimum_age = forms.IntegerField(
        label="Youngest age",
        required=False,
        min_value=0,
        max_value=120,
        help_text="In years. Leave empty for any age.",
        error_messages={"invalid": "Enter an age in whole years, like 18"},
    )
    maximum_age = forms.IntegerField(
        label="Oldest age",
        required=False,
        min_value=0,
        max_value=120,
        help_text="In years. Leave empty for any age.",
        error_messages={"invalid": "Enter an age in whole years, like 65"},
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    terms = TermChoiceField(
        label="Categories",
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where residents find it in “Find a service”, and in the welcome pack.",
    )
    alert = forms.CharField(
        label="Notice to residents",
        required=False,
        max_length=500,
        help_text="Shown at the top of the page, like “Closed over Christmas”.",
    )
    review_date = forms.DateField(
        label="Next review",
        required=False,
        help_text="When the entry should next be checked, like 2027-12-31.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter a date like 2027-12-31"},
    )

    def __init__(self, *args, service: Service, places: list | None = None, **kwargs):
        """`places`: the service's places the editor may describe (editing.service_places),
        each with an accessibility field of its own named by the place's id."""
        from firstcontact.directory.editing import EDITABLE_TAXONOMIES
        from firstcontact.directory.models import ServiceStatus

        super().__init__(*args, **kwargs)
        self.service = service
        self.places = []
        for place in places or []:
            name = f"accessibility_{place.pk.hex}"
            facts = [a.description for a in place.accessibility.all()]
            self.fields[name] = accessibility_field()
            self.initial[name] = "\n".join(facts)
            self.places.append((place, name, facts))
        self.fields["status"].choices = ServiceStatus.choices
        self.fields["terms"].queryset = (
            TaxonomyTerm.objects.filter(taxonomy__name__in=EDITABLE_TAXONOMIES)
            .select_related("taxonomy")
            .order_by("taxonomy__name", "name")
        )
        if service.catalogue_service_id:
            # The catalogue holds the name and description (one source of truth).
            del self.fields["name"]
            del self.fields["description"]

    def clean_phone(self) -> str:
        number = self.cleaned_data["phone"].strip()
        if number and (
            not re.fullmatch(r"[0-9+() \-]{6,30}", number) or sum(c.isdigit() for c in number) < 6
        ):
            raise forms.ValidationError("Enter a phone number, like 01632 960 000")
        return number

    def clean(self):
        data = super().clean()
        if (
            "name" in self.fields
            and not (data.get("name") or "").strip()
            and "name" not in self.errors
        ):
            self.add_error("name", "Enter the name of the service")
        _check_ages(self, data)
        # Each place's facts, for the places whose facts differ from what is kept.
        data["accessibility"] = {}
        for place, name, facts in self.places:
            lines = _lines(data.get(name) or "")
            if name not in self.errors and lines != facts:
                data["accessibility"][place.pk] = lines
        # Times and costs are checked when they are changed: an imported entry's incomplete
        # times (opening, no closing) must not stop an editor correcting its phone number.
        changed = set(self.changed_data)
        if changed & {"days", "opens_at", "closes_at"}:
            self._clean_times(data)
        if (
            changed & {"cost", "amount"}
            and data.get("cost") == "paid"
            and data.get("amount") in (None, "")
            and "amount" not in self.errors
        ):
            self.add_error("amount", "Enter the charge in pounds, like 3.50")
        return data

    def _clean_times(self, data: dict) -> None:
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if data.get("days") and not (opens and closes):
            if not opens and "opens_at" not in self.errors:
                self.add_error("opens_at", "Enter the time it opens")
            if not closes and "closes_at" not in self.errors:
                self.add_error("closes_at", "Enter the time it closes")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        if (opens or closes) and not data.get("days") and "days" not in self.errors:
            self.add_error("days", "Choose the days it is open")


EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"


class OrganizationEditForm(forms.Form):
    """An editor's form for one of their partner's organisations."""

    name = forms.CharField(
        max_length=300,
        help_text="As residents know it.",
        error_messages={
            "required": "Enter the name of the organisation",
            "max_length": "Use 300 characters or fewer",
        },
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the organisation does, in plain English.",
        error_messages={"max_length": "Use 5,000 characters or fewer"},
    )
    email = forms.EmailField(required=False, error_messages={"invalid": EMAIL_INVALID})
    website = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address, like https://example.org/",
            "max_length": "Use 500 characters or fewer",
        },
    )
    logo = forms.URLField(
        label="Logo",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The web address of the organisation's logo image.",
        error_messages={
            "invalid": "Enter the logo's web address, like https://example.org/logo.png",
            "max_length": "Use 500 characters or fewer",
        },
    )
    uri = forms.URLField(
        label="Identifier (URI)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A persistent web address that identifies the organisation, if it has one.",
        error_messages={
            "invalid": "Enter a web address, like https://example.org/id/organisation",
            "max_length": "Use 500 characters or fewer",
        },
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the name of the organisation")
        return name


# What a place needs, with the message when it is missing (a new entry's optional first
# place, once any of it is given; a place changed or added on its own).
PLACE_REQUIRED = {
    "address_1": "Enter the first line of the place's address",
    "city": "Enter the town or city",
    "postcode": "Enter a full postcode, like WX1 2AB",
}


def _clean_place_postcode(value: str) -> str:
    """The postcode normalised ("" when none is given)."""
    value = value.strip()
    if not value:
        return ""
    normal = normalise_postcode(value)
    if normal is None:
        raise forms.ValidationError(PLACE_REQUIRED["postcode"])
    return normal


def _service_field(name: str) -> forms.Field:
    """A field of the entry's edit form, to ask the same when an entry is added."""
    return copy.deepcopy(ServiceEditForm.base_fields[name])


class NewServiceForm(forms.Form):
    """A new entry for an organisation: the edit form's first fields, and its first place.
    Everything else is added on the edit form it lands on."""

    name = _service_field("name")
    description = _service_field("description")
    status = _service_field("status")
    email = _service_field("email")
    url = _service_field("url")
    minimum_age = _service_field("minimum_age")
    maximum_age = _service_field("maximum_age")
    place_name = forms.CharField(
        label="Name of the place",
        required=False,
        max_length=300,
        help_text="Like “Casterbridge Library”. Leave empty to use the service's name.",
        error_messages={"max_length": "Use 300 characters or fewer"},
    )
    address_1 = forms.CharField(
        label="Address line 1",
        required=False,
        max_length=300,
        error_messages={"max_length": "Use 300 characters or fewer"},
    )
    address_2 = forms.CharField(
        label="Address line 2 (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "Use 300 characters or fewer"},
    )
    city = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        error_messages={"max_length": "Use 100 characters or fewer"},
    )
    county = forms.CharField(
        label="County (optional)",
        required=False,
        max_length=100,
        error_messages={"max_length": "Use 100 characters or fewer"},
    )
    postcode = forms.CharField(
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Enter a full postcode, like WX1 2AB"},
    )
    checked_today = forms.BooleanField(
        label="I have checked this entry today",
        required=False,
        help_text="Leave unticked to list it in the stale-entries report until it is checked.",
    )

    PLACE = ("place_name", "address_1", "address_2", "city", "county", "postcode")

    def __init__(self, *args, **kwargs):
        from firstcontact.directory.models import ServiceStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ServiceStatus.choices
        self.fields["name"].required = True
        self.fields["name"].error_messages["required"] = "Enter the name of the service"

    def clean_postcode(self) -> str:
        return _clean_place_postcode(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        _check_ages(self, data)
        # A place is optional; once any of it is given, it needs a line, a town and a postcode.
        if any(data.get(f) for f in self.PLACE) or any(f in self.errors for f in self.PLACE):
            for field, message in PLACE_REQUIRED.items():
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, message)
        return data


def _place_field(name: str, **changes) -> forms.Field:
    field = copy.deepcopy(NewServiceForm.base_fields[name])
    for attr, value in changes.items():
        setattr(field, attr, value)
    return field


class PlaceForm(forms.Form):
    """A place an entry is offered at: changed, or added to the entry. The same fields as a
    new entry's first place, and a description; here the address is not optional."""

    name = _place_field("place_name", help_text="Like “Casterbridge Library”.")
    description = forms.CharField(
        label="About the place (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Like “The advice room is on the first floor, by the lift”.",
        error_messages={"max_length": "Use 2,000 characters or fewer"},
    )
    address_1 = _place_field("address_1")
    address_2 = _place_field("address_2")
    city = _place_field("city")
    county = _place_field("county")
    postcode = _place_field("postcode")

    NAME_HINT_ADDING = "Like “Casterbridge Library”. Leave empty to use the service's name."

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in PLACE_REQUIRED.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        if adding:
            self.fields["name"].help_text = self.NAME_HINT_ADDING

    def clean_postcode(self) -> str:
        # Required, so never empty here.
        return _clean_place_postcode(self.cleaned_data["postcode"])
