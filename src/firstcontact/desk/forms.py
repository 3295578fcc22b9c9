"""Forms for the adviser desktop and the back office. Rendered with `{% govuk_field %}`; the
writes themselves are the services' (which validate again: forms only shape input)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstcontact.catalogue.models import Automated, Datatype, Service, ServiceKind
from firstcontact.contacts.models import CallbackResult, Outcome
from firstcontact.customers.models import Channel
from firstcontact.govuk.forms import DateInputField
from firstcontact.partners.models import Partner, Team
from firstcontact.servicerequests.models import ClosureOutcome, ComplaintDecision

# Channels an adviser takes contacts on (web and Open311 arrive by themselves).
DESK_CHANNELS = [(c.value, c.label) for c in Channel if c not in {Channel.WEB, Channel.OPEN311}]
LIST_AS_RADIOS = 8  # lists this long or shorter are radios; longer ones a select


def apply_errors(form: forms.Form, errors: dict[str, list[str]] | dict[str, str], mapping=None):
    """Put a service's ValidationError messages on the form's fields (unknown keys: the form)."""
    mapping = mapping or {}
    for key, messages in errors.items():
        if isinstance(messages, str):
            messages = [messages]
        name = mapping.get(key, key)
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


class VersionedForm(forms.Form):
    """Every change to a request carries the version the officer was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StartContactForm(forms.Form):
    channel = forms.ChoiceField(
        label="Channel", choices=DESK_CHANNELS, widget=forms.RadioSelect, initial=Channel.PHONE
    )
    partner = forms.ModelChoiceField(
        label="Contact is for",
        queryset=Partner.objects.none(),
        empty_label=None,
        help_text="The partner whose service the customer is asking about.",
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )


class EndContactForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did the contact end?",
        choices=[(o.value, o.label) for o in Outcome if o != Outcome.ABANDONED],
        widget=forms.RadioSelect,
    )
    reasons = forms.ModelMultipleChoiceField(
        label="What was it about?",
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].queryset = (
            services if services is not None else Service.objects.none()
        )
        if services is None or not services.exists():
            del self.fields["reasons"]


class NewCustomerForm(forms.Form):
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = DateInputField(
        label="Date of birth (optional)", required=False, help_text="For example, 27 3 1958"
    )
    phone = forms.CharField(label="Phone (optional)", required=False, max_length=40)
    email = forms.CharField(label="Email (optional)", required=False, max_length=254)
    line1 = forms.CharField(label="Address line 1 (optional)", required=False, max_length=200)
    town = forms.CharField(label="Town (optional)", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    uprn = forms.CharField(label="UPRN (optional)", required=False, max_length=12)
    partner = forms.ModelChoiceField(
        label="Record held by", queryset=Partner.objects.none(), empty_label=None
    )
    share_with = forms.ModelMultipleChoiceField(
        label="Partners the customer agrees may see their records (optional)",
        help_text="Each one you tick is recorded as a consent naming that partner. "
        "Tick none if they have not agreed.",
        queryset=Partner.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_new = forms.BooleanField(
        label="None of these is the customer: create a new record", required=False
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )

    def clean(self):
        cleaned = super().clean()
        has_address = cleaned.get("line1") or cleaned.get("postcode")
        if has_address and not (cleaned.get("line1") and cleaned.get("postcode")):
            raise ValidationError("Give both the first line of the address and its postcode.")
        return cleaned


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class CallbackForm(forms.Form):
    phone = forms.ChoiceField(label="Number to call", choices=[])
    other_phone = forms.CharField(
        label="Or another number",
        required=False,
        max_length=40,
        help_text="Leave empty to use the number chosen above.",
    )
    day = DateInputField(label="Day", help_text="For example, 24 11 2026")
    start = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label="Until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(label="What is it about?", widget=forms.Textarea(attrs={"rows": 3}))
    who = forms.ChoiceField(
        label="Who will call back?",
        choices=[("me", "Me"), ("team", "Anyone in my team")],
        widget=forms.RadioSelect,
        initial="me",
    )

    def __init__(self, *args, phones=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.number, str(p)) for p in phones]
        self.fields["phone"].choices = [*choices, ("", "Another number")]
        if choices:
            self.fields["phone"].initial = choices[0][0]
        self.fields["phone"].required = False

    def clean(self):
        cleaned = super().clean()
        number = (cleaned.get("other_phone") or "").strip() or cleaned.get("phone")
        if not number:
            self.add_error("other_phone", "Enter the number to call.")
        cleaned["number"] = number
        day, start, end = cleaned.get("day"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            cleaned["window_start"] = _local(day, start)
            cleaned["window_end"] = _local(day, end)
        elif "day" not in self.errors and not day:
            self.add_error("day", "Enter the day to call back.")
        return cleaned


class CallbackResultForm(forms.Form):
    result = forms.ChoiceField(
        label="How did the call go?", choices=CallbackResult.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label="Search services", required=False, max_length=200)


def attribute_field_name(code: str) -> str:
    return f"attr_{code}"


def eligibility_field_name(code: str) -> str:
    return f"elig_{code}"


class RaiseRequestForm(forms.Form):
    """Location, description and channel; the service's questions are added per service."""

    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    uprn = forms.CharField(label="UPRN (optional)", required=False, max_length=12)
    address = forms.CharField(
        label="Address or description of the place",
        required=False,
        max_length=300,
        help_text="For example, outside 14 High Street, by the bus stop",
    )
    latitude = forms.CharField(
        label="Latitude (optional)",
        required=False,
        max_length=20,
        help_text="From a map, in decimal degrees, for example 51.4545",
    )
    longitude = forms.CharField(
        label="Longitude (optional)",
        required=False,
        max_length=20,
        help_text="For example, -1.5561",
    )
    description = forms.CharField(
        label="What is the problem or request?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
    )
    channel = forms.ChoiceField(label="How did the customer contact us?", choices=DESK_CHANNELS)
    description_public = forms.BooleanField(
        label="The description can be shown publicly",
        required=False,
        help_text="This service's requests are listed publicly (as FixMyStreet shows them), with "
        "the street but never a name or house number. Tick only if the description says "
        "nothing about the customer or anyone else; otherwise it stays internal.",
    )

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        if not service.requests_public:
            # Requests of this service are never published: nothing to mark.
            del self.fields["description_public"]
        self.eligibility = list(service.eligibility_questions.all())
        self.attribute_specs = [
            a for a in service.attributes.all() if a.automated != Automated.SERVER_SET
        ]
        eligibility_fields = {}
        for question in self.eligibility:
            eligibility_fields[eligibility_field_name(question.code)] = forms.ChoiceField(
                label=question.question,
                help_text=question.hint,
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer “{question.question}”."},
            )
        attribute_fields = {
            attribute_field_name(a.code): self._attribute_field(a) for a in self.attribute_specs
        }
        about_fields = {}
        if service.kind == ServiceKind.COMPLAINT:
            # What it is about decides who answers it (servicerequests/complaints.py).
            about_fields = {
                "about_service": forms.ChoiceField(
                    label="Which service is the complaint about?",
                    help_text="It goes to whoever delivers that service, not to the council "
                    "where the customer lives.",
                    choices=_about_service_choices(),
                    error_messages={"required": "Choose the service the complaint is about."},
                ),
                "about_reference": forms.CharField(
                    label="Reference of the request it is about (optional)",
                    required=False,
                    max_length=20,
                ),
            }
        # Eligibility first, then the service's own questions, then location and the rest.
        self.fields = {**eligibility_fields, **about_fields, **attribute_fields, **self.fields}

    @staticmethod
    def _attribute_field(attribute) -> forms.Field:
        label = attribute.description
        hint = attribute.datatype_description
        common = {"label": label, "help_text": hint, "required": False}
        if attribute.automated == Automated.HIDDEN_FIELD:
            return forms.CharField(widget=forms.HiddenInput, **common)
        choices = [(str(v["key"]), str(v["name"])) for v in attribute.values or []]
        if attribute.datatype == Datatype.SINGLEVALUELIST:
            if len(choices) <= LIST_AS_RADIOS:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.ChoiceField(choices=[("", "Choose one"), *choices], **common)
        if attribute.datatype == Datatype.MULTIVALUELIST:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if attribute.datatype == Datatype.NUMBER:
            return forms.CharField(
                widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=40, **common
            )
        if attribute.datatype == Datatype.DATETIME:
            return forms.CharField(
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
            )
        if attribute.datatype == Datatype.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        return forms.CharField(max_length=500, **common)

    def clean(self):
        cleaned = super().clean()
        for question in self.eligibility:
            name = eligibility_field_name(question.code)
            answer = cleaned.get(name)
            if answer and (answer == "yes") != question.eligible_answer:
                self.add_error(name, question.not_eligible_message)
        return cleaned

    def attribute_answers(self) -> dict[str, object]:
        answers = {}
        for attribute in self.attribute_specs:
            value = self.cleaned_data.get(attribute_field_name(attribute.code))
            if value not in (None, "", []):
                answers[attribute.code] = value
        return answers

    def error_mapping(self) -> dict[str, str]:
        mapping = {
            f"attribute[{a.code}]": attribute_field_name(a.code) for a in self.attribute_specs
        }
        mapping.update({"lat": "latitude", "location": "postcode"})
        if "about_service" in self.fields:
            mapping.update({"about_request": "about_reference"})
        return mapping


def _about_service_choices() -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    services = (
        Service.objects.active()
        .exclude(kind__in=[ServiceKind.COMPLAINT, ServiceKind.LIFE_EVENT])
        .filter(deliveries__isnull=False)
        .distinct()
        .order_by("group", "name")
    )
    for service in services:
        groups.setdefault(service.group or "Other", []).append((service.code, service.name))
    return [("", "Choose a service"), *groups.items()]


# --- back office --------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    team = forms.ChoiceField(label="Team", required=False)
    service = forms.ChoiceField(label="Service", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    sla = forms.ChoiceField(label="Service standard", required=False)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    priority = forms.ChoiceField(label="Priority", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False)


class NoteForm(VersionedForm):
    text = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class PublicUpdateForm(VersionedForm):
    text = forms.CharField(
        label="Update for the resident",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="The resident sees this when they track their request, and is sent it.",
    )


class AssignForm(VersionedForm):
    assignee = forms.ChoiceField(label="Assign to", required=False)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)

    def __init__(self, *args, users=(), teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody (unassigned)")] + [
            (str(u.pk), u.get_full_name() or u.get_username()) for u in users
        ]
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["team"].empty_label = "Keep the current team"


class StatusForm(VersionedForm):
    text = forms.CharField(
        label="Reason (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10_000,
    )
    tell_resident = forms.BooleanField(label="Tell the resident", required=False)


class CloseForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="Outcome", choices=ClosureOutcome.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Message for the resident",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="The resident sees this when they track their request, and is sent it.",
    )


class ReferForm(VersionedForm):
    to = forms.ChoiceField(label="Refer to")
    reason = forms.CharField(
        label="What should they do?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    consent_given = forms.BooleanField(
        label="The customer has agreed to their details being shared with this partner",
        required=False,
        help_text="Needed when the request has a customer and no consent is recorded. "
        "Ticking this records their consent now.",
    )
    consent_how = forms.CharField(
        label="How did they agree? (optional)",
        required=False,
        max_length=200,
        help_text="For example, by phone on 23 November",
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a partner or team")]
        for partner in partners:
            choices.append((f"p{partner.pk}", partner.name))
            for team in partner.teams.all():
                choices.append((f"t{team.pk}", f"{partner.name} – {team.name}"))
        self.fields["to"].choices = choices


class ReferralResponseForm(forms.Form):
    state = forms.ChoiceField(label="Referral", choices=[], widget=forms.RadioSelect)
    outcome = forms.CharField(
        label="What you did (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = list(states)


class ReferralFeedbackForm(VersionedForm):
    """The prompt after a partner answers a referral: the drafted public update, edited."""

    referral = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Update for the resident",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )


class WithdrawReferralForm(VersionedForm):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        help_text="The partner is told it was sent in error, and can no longer see the request.",
        error_messages={"required": "Say why you are withdrawing it."},
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class ComplaintResponseForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Decision", choices=ComplaintDecision.choices, widget=forms.RadioSelect
    )
    letter = forms.CharField(
        label="Response letter", widget=forms.Textarea(attrs={"rows": 12}), max_length=20_000
    )


class ComplaintEscalationForm(VersionedForm):
    reason = forms.CharField(
        label="Why is the customer not satisfied?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
    )


class AttachForm(VersionedForm):
    """A file for the request (desk/work_views.py checks it by its content)."""

    file = forms.FileField(
        label="File",
        help_text="A PDF, a Word, Excel or OpenDocument file up to 20 MB, or a JPEG, PNG, GIF "
        "or WebP photo up to 10 MB (photos are kept without their location and camera "
        "details).",
        error_messages={"required": "Choose a file to attach.", "empty": "The file is empty."},
    )
    description = forms.CharField(
        label="What is it? (optional)",
        required=False,
        max_length=200,
        help_text="For example, “Letter from the resident” or “Photo after the repair”.",
    )
