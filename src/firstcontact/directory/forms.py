"""The "find a service" form, on the resident site and at the desk. A GET form: the search is
in the address, so a list can be bookmarked, printed and sent on."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from firstcontact.directory import finder
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
