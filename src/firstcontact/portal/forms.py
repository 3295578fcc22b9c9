"""The resident site's forms. Messages are in the resident's language; what the catalogue
says (questions, choices) is the catalogue's own wording."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from firstcontact.catalogue.attributes import STRING_MAX, TEXT_MAX, validate_answers
from firstcontact.catalogue.models import Datatype, EligibilityQuestion, ServiceAttribute
from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.govuk.forms import DateInputField
from firstcontact.portal.references import clean_reference
from firstcontact.portal.templatetags.portal import catalogue
from firstcontact.servicerequests.photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    UnreadablePhoto,
    reencode_photo,
    sniff_image_type,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DESCRIPTION_MAX = 5000


def _text(max_length: int, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"maxlength": max_length, **attrs})


# ---------------------------------------------------------------------------- questions


def attribute_field(attribute: ServiceAttribute, *, required: bool | None = None) -> forms.Field:
    """A form field for one of a service's typed questions (Open311 datatypes)."""
    required = attribute.required if required is None else required
    common = {"label": catalogue(attribute.description), "required": required}
    if attribute.datatype_description:
        common["help_text"] = catalogue(attribute.datatype_description)
    choices = [(str(v["key"]), catalogue(v["name"])) for v in attribute.values or []]
    datatype = attribute.datatype
    if datatype == Datatype.SINGLEVALUELIST:
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Select an answer")},
            **common,
        )
    if datatype == Datatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Select at least one answer")},
            **common,
        )
    if datatype == Datatype.NUMBER:
        return forms.DecimalField(
            widget=forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "govuk-input--width-10",
                    "spellcheck": "false",
                }
            ),
            max_digits=20,
            error_messages={"required": _("Enter a number"), "invalid": _("Enter a number")},
            **common,
        )
    if datatype == Datatype.DATETIME:
        return DateInputField(**common)
    if datatype == Datatype.TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=TEXT_MAX,
            error_messages={"required": _("Enter an answer")},
            **common,
        )
    return forms.CharField(
        widget=_text(STRING_MAX),
        max_length=STRING_MAX,
        error_messages={"required": _("Enter an answer")},
        **common,
    )


def stored_answer(attribute: ServiceAttribute, value: object) -> object:
    """What the journey keeps in the session for a cleaned answer (strings, or a list)."""
    if value in (None, "", []):
        return "" if attribute.datatype != Datatype.MULTIVALUELIST else []
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).strip()


def initial_answer(attribute: ServiceAttribute, stored: object) -> object:
    if attribute.datatype == Datatype.DATETIME and stored:
        try:
            return dt.date.fromisoformat(str(stored)[:10])
        except ValueError:
            return None
    return stored


# What to say when the catalogue's own check (validate_answers) refuses an answer that
# Django's field accepted.
ANSWER_PROBLEMS = {
    Datatype.NUMBER: _("Enter a number with at most 15 digits"),
    Datatype.STRING: _("Enter a single line of at most 500 characters"),
    Datatype.DATETIME: _("Enter a real date"),
}


class QuestionForm(forms.Form):
    """One question on a page (GOV.UK's one thing per page)."""

    def __init__(self, *args, attribute: ServiceAttribute, required: bool | None = None, **kw):
        super().__init__(*args, **kw)
        self.attribute = attribute
        self.fields["answer"] = attribute_field(attribute, required=required)

    def clean(self):
        cleaned = super().clean()
        if "answer" in cleaned:
            stored = stored_answer(self.attribute, cleaned["answer"])
            try:
                validate_answers([self.attribute], {self.attribute.code: stored})
            except ValidationError:
                self.add_error(
                    "answer", ANSWER_PROBLEMS.get(self.attribute.datatype, _("Check your answer"))
                )
            cleaned["stored"] = stored
        return cleaned


class EligibilityForm(forms.Form):
    answer = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select yes or no")},
    )

    def __init__(self, *args, question: EligibilityQuestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"].label = catalogue(question.question)
        self.fields["answer"].help_text = catalogue(question.hint) if question.hint else ""


# ---------------------------------------------------------------------------- places


class LocationForm(forms.Form):
    """Where a problem is: a pin on the map (with JavaScript) or a postcode and a description
    of the place (without)."""

    latitude = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput, max_length=30)
    # "1" when the page showed the map (map.js sets it): without JavaScript there is no map,
    # so the error does not offer one.
    map_shown = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1)
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=16,
        widget=_text(
            16, autocomplete="postal-code", spellcheck="false", **{"class": "govuk-input--width-10"}
        ),
    )
    address = forms.CharField(
        label=_("Street name, or a landmark nearby (optional)"),
        help_text=_("For example, “outside 12 High Street” or “by the bus stop on Mill Lane”."),
        required=False,
        max_length=300,
        widget=_text(300),
    )

    def has_pin(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return bool(data.get("latitude") and data.get("longitude"))

    def clean(self):
        cleaned = super().clean()
        if (
            "postcode" not in self.errors
            and not cleaned.get("postcode")
            and not (cleaned.get("latitude") and cleaned.get("longitude"))
        ):
            if cleaned.get("map_shown") == "1":
                message = _("Enter the postcode nearest to the problem, or put a pin on the map")
            else:
                message = _("Enter the postcode nearest to the problem")
            self.add_error("postcode", message)
        return cleaned


class AddressForm(forms.Form):
    line1 = forms.CharField(
        label=_("Address line 1"),
        max_length=200,
        widget=_text(200, autocomplete="address-line1"),
        error_messages={"required": _("Enter the first line of the address")},
    )
    line2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        required=False,
        max_length=200,
        widget=_text(200, autocomplete="address-line2"),
    )
    town = forms.CharField(
        label=_("Town or city (optional)"),
        required=False,
        max_length=100,
        widget=_text(100, autocomplete="address-level2", **{"class": "govuk-!-width-two-thirds"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=16,
        widget=_text(
            16, autocomplete="postal-code", spellcheck="false", **{"class": "govuk-input--width-10"}
        ),
        error_messages={"required": _("Enter the postcode")},
    )


# ---------------------------------------------------------------------------- people


def split_name(full_name: str) -> tuple[str, str]:
    """(given names, family name) from a full name: the last word is the family name."""
    parts = full_name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


class ContactForm(forms.Form):
    """The resident's name and how to reach them. For reports everything is optional (an
    anonymous report); applications and tell us once need a name and an email or phone."""

    full_name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        widget=_text(200, autocomplete="name", spellcheck="false"),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "maxlength": 254}
        ),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "tel",
                "class": "govuk-input--width-20",
                "maxlength": 30,
            }
        ),
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        if required:
            self.fields["full_name"].required = True
            self.fields["full_name"].error_messages["required"] = _("Enter your full name")

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "")
        if not email:
            return ""
        try:
            return clean_email(email)
        except ValueError:
            raise ValidationError(
                _("Enter an email address in the correct format, like name@example.com")
            ) from None

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            clean_phone(phone)
        except ValueError:
            raise ValidationError(
                _("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
            ) from None
        return phone

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("full_name", "")
        reachable = cleaned.get("email") or cleaned.get("phone")
        if self.errors.get("email") or self.errors.get("phone"):
            return cleaned
        if self.required:
            if not reachable:
                self.add_error("email", _("Enter an email address or a phone number"))
        elif reachable and not name and "full_name" not in self.errors:
            self.add_error("full_name", _("Enter your full name"))
        elif name and not reachable:
            self.add_error(
                "email",
                _(
                    "Enter an email address or a phone number, or leave your name blank to "
                    "report without giving your details"
                ),
            )
        if name and not split_name(name)[1]:
            self.add_error("full_name", _("Enter your full name"))
        return cleaned


# ---------------------------------------------------------------------------- photos


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to MAX_PHOTOS photos, each a JPEG, PNG, GIF or WebP by its content (whatever its
    name says) and at most 10 MB."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Choose at most %(count)d photos") % {"count": MAX_PHOTOS})
        checked = []
        for upload in files:
            if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
                raise ValidationError(_("“%(name)s” is larger than 10 MB") % {"name": upload.name})
            upload.seek(0)
            head = upload.read(16)
            upload.seek(0)
            content_type = sniff_image_type(head)
            not_a_photo = ValidationError(
                _("“%(name)s” must be a photo: a JPEG, PNG, GIF or WebP file")
                % {"name": upload.name}
            )
            if content_type is None:
                raise not_a_photo
            # Re-encoded at once, so even the upload kept until the report is sent has no
            # metadata (a phone photo's GPS position) and a damaged file is refused here.
            try:
                checked.append(reencode_photo(upload, name=upload.name or "photo"))
            except UnreadablePhoto:
                raise not_a_photo from None
        return checked


class DetailsForm(forms.Form):
    description = forms.CharField(
        label=_("Describe the problem"),
        help_text=_("Tell us what is wrong and anything that will help us find it."),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the problem")},
    )
    photos = MultipleImageField(
        label=_("Photos (optional)"),
        help_text=_("Up to 5 photos, each a JPEG, PNG, GIF or WebP file up to 10 MB."),
        required=False,
    )


# ---------------------------------------------------------------------------- other pages


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example, ABCD-EFGH. It is in the email or text message we sent you."),
        max_length=40,
        widget=_text(
            40, autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-10"}
        ),
        error_messages={"required": _("Enter your reference")},
    )
    contact = forms.CharField(
        label=_("Email address or phone number"),
        help_text=_(
            "The one you gave us when you made the request. Leave it blank if you did not give one."
        ),
        required=False,
        max_length=254,
        widget=_text(254, autocomplete="email", spellcheck="false"),
    )

    def clean_reference(self) -> str:
        return clean_reference(self.cleaned_data.get("reference", ""))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What do you need?"), required=False, max_length=200)


class ChooseServiceForm(forms.Form):
    service = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": _("Select what the problem is")}
    )

    def __init__(self, *args, services, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, catalogue(s.name)) for s in services]
        self.fields["service"].label = label


class ChooseItemsForm(forms.Form):
    items = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=_("Who should we tell?"),
        help_text=_("Select all that apply."),
        error_messages={"required": _("Select at least one service to tell")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label=_("Do you agree to us sharing what you have told us with these organisations?"),
        error_messages={"required": _("Select yes if you agree to us sharing what you told us")},
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Overall, how did you feel about the service you received today?"),
        choices=[
            (5, _("Very satisfied")),
            (4, _("Satisfied")),
            (3, _("Neither satisfied nor dissatisfied")),
            (2, _("Dissatisfied")),
            (1, _("Very dissatisfied")),
        ],
        error_messages={"required": _("Select how you felt about the service")},
    )
    comment = forms.CharField(
        label=_("How could we improve this service? (optional)"),
        help_text=_("Do not include personal or financial information, like your phone number."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reference = forms.CharField(
        label=_("Request reference (optional)"),
        required=False,
        max_length=40,
        widget=_text(
            40, autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-10"}
        ),
    )

    def clean_reference(self) -> str:
        text = self.cleaned_data.get("reference", "")
        return clean_reference(text) if text.strip() else ""


# ---------------------------------------------------------------------------- evidence


class EvidenceForm(forms.Form):
    """One file for each piece of evidence the service asks for (catalogue
    EvidenceRequirement), each checked by its content (servicerequests/attachments.py). A
    file already sent in this application need not be sent again."""

    def __init__(self, *args, requirements=(), stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        from firstcontact.catalogue.models import EvidenceKind
        from firstcontact.servicerequests.attachments import ACCEPT_DOCUMENTS, ACCEPT_PHOTOS

        stored = stored or {}
        self.requirements = list(requirements)
        for requirement in self.requirements:
            photo = requirement.kind == EvidenceKind.PHOTO
            hint = catalogue(requirement.hint) if requirement.hint else ""
            sizes = (
                _("A JPEG, PNG, GIF or WebP photo up to 10 MB.")
                if photo
                else _("A PDF, Word, Excel or OpenDocument file up to 20 MB, or a photo.")
            )
            self.fields[requirement.code] = forms.FileField(
                label=catalogue(requirement.label)
                + ("" if requirement.required else " " + str(_("(optional)"))),
                help_text=f"{hint} {sizes}".strip(),
                required=requirement.required and requirement.code not in stored,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ACCEPT_PHOTOS if photo else ACCEPT_DOCUMENTS}
                ),
                error_messages={
                    "required": _("Choose a file for “%(label)s”")
                    % {"label": catalogue(requirement.label)}
                },
            )
            self.fields[requirement.code].photos_only = photo
            self.fields[requirement.code].stored = stored.get(requirement.code)

    def clean(self):
        from firstcontact.servicerequests.attachments import check_file

        cleaned = super().clean()
        self.checked = {}
        for code, field in self.fields.items():
            upload = cleaned.get(code)
            if not upload:
                continue
            try:
                self.checked[code] = check_file(
                    upload, field=code, photos_only=getattr(field, "photos_only", False)
                )
            except ValidationError as exc:
                for message in exc.message_dict.get(code, exc.messages):
                    self.add_error(code, message)
        return cleaned


class ComplaintAboutForm(forms.Form):
    """What a complaint is about: the service (which decides who answers it) and, if there
    is one, the reference of the request it is about."""

    service = forms.ChoiceField(
        label=_("Which service is your complaint about?"),
        error_messages={"required": _("Select the service your complaint is about")},
    )
    reference = forms.CharField(
        label=_("Reference of the request it is about (optional)"),
        help_text=_("If your complaint is about something you reported or applied for."),
        required=False,
        max_length=40,
        widget=_text(
            40, autocomplete="off", spellcheck="false", **{"class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for service in services:
            groups.setdefault(catalogue(service.group) or str(_("Other")), []).append(
                (service.code, catalogue(service.name))
            )
        self.fields["service"].choices = [("", _("Choose a service"))] + [
            (group, choices) for group, choices in groups.items()
        ]

    def clean_reference(self) -> str:
        value = self.cleaned_data.get("reference", "").strip()
        return clean_reference(value) if value else ""


class NearbyForm(forms.Form):
    """Already reported nearby: add to one of the open reports, or report a new problem."""

    choice = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a report to add yours to, or report a new problem")},
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("Is it one of these?")
        self.fields["choice"].label = self.title
        self.fields["choice"].help_text = _(
            "Someone has already reported a problem like this nearby. If it is the same one, "
            "add your report to theirs: you will be told when it is updated."
        )
        self.fields["choice"].choices = [
            *choices,
            ("new", _("No, it is a different problem: report it as new")),
        ]
