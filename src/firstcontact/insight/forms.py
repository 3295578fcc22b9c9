"""Filter forms for the insight pages (GET) and the public survey form (POST)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.insight.models import Score
from firstcontact.telephony.models import CallOutcome

MAX_DAYS = 3 * 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """Partner, service and a period of days; every field optional, with defaults."""

    partner = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All partners you can see"
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="All services"
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)
    interval = forms.ChoiceField(
        label="Show by",
        required=False,
        choices=[
            ("15", "15 minutes"),
            ("30", "30 minutes"),
            ("60", "Hour"),
            ("day", "Day"),
            ("week", "Week"),
            ("month", "Month"),
        ],
        help_text="15 minutes, 30 minutes or an hour for up to a week.",
    )

    default_days = 28
    max_intraday_days = 7

    def __init__(self, data, *, partners, services=None, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "date_from": today - dt.timedelta(days=self.default_days - 1),
                "date_to": today,
                "interval": "day",
            },
        )
        super().__init__(data, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["service"].queryset = (
            services if services is not None else Service.objects.all()
        )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        last = data.get("date_to") or today
        first = data.get("date_from") or last - dt.timedelta(days=self.default_days - 1)
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if first > last:
            self.add_error("date_to", "The end date must be on or after the start date")
        elif (last - first).days >= MAX_DAYS:
            self.add_error("date_from", "Choose a period of at most three years")
        elif data.get("interval") in {"15", "30", "60"} and (
            (last - first).days >= self.max_intraday_days
        ):
            self.add_error("interval", "Show by day, week or month for a period longer than a week")
        data["first"], data["last"] = first, last
        data["interval"] = data.get("interval") or "day"
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The valid period, or the default when the form has errors."""
        if self.is_valid():
            return self.cleaned_data["first"], self.cleaned_data["last"]
        today = timezone.localdate()
        return today - dt.timedelta(days=self.default_days - 1), today


class StaffingForm(forms.Form):
    queue = forms.ModelChoiceField(queryset=None, required=False, empty_label="Choose a queue")
    date = forms.DateField(
        label="Day to plan",
        required=False,
        widget=DateInput,
        help_text="Forecast from the same weekday in the weeks before it.",
    )
    interval = forms.ChoiceField(
        label="Interval",
        choices=[("15", "15 minutes"), ("30", "30 minutes"), ("60", "1 hour")],
        initial="30",
        required=False,
    )
    weeks = forms.IntegerField(label="Weeks of history", min_value=1, max_value=26, required=False)
    growth = forms.IntegerField(
        label="Change in calls (%)",
        min_value=-90,
        max_value=500,
        required=False,
        help_text="Adjust the forecast, for example 10 for 10% more calls.",
    )
    target = forms.IntegerField(
        label="Service level target (%)", min_value=1, max_value=99, required=False
    )
    seconds = forms.IntegerField(
        label="Answered within (seconds)", min_value=1, max_value=3600, required=False
    )
    shrinkage = forms.IntegerField(label="Shrinkage (%)", min_value=0, max_value=90, required=False)
    model = forms.ChoiceField(
        label="Model",
        choices=[
            ("erlang_c", "Erlang C (callers wait)"),
            ("erlang_a", "Erlang A (callers abandon)"),
        ],
        required=False,
    )
    patience = forms.IntegerField(
        label="Mean patience (seconds)",
        min_value=1,
        max_value=36000,
        required=False,
        help_text="For Erlang A. Leave empty to estimate it from the queue's history.",
    )

    def __init__(self, data, *, queues, defaults: dict | None = None, **kwargs):
        kwargs.setdefault("initial", defaults or {})
        super().__init__(data, **kwargs)
        self.fields["queue"].queryset = queues


class PoolingForm(forms.Form):
    date = forms.DateField(
        label="Day to plan",
        required=False,
        widget=DateInput,
        help_text="Forecast from the same weekday in the weeks before it.",
    )
    weeks = forms.IntegerField(label="Weeks of history", min_value=1, max_value=26, required=False)
    target = forms.IntegerField(
        label="Service level target (%)", min_value=1, max_value=99, required=False
    )
    seconds = forms.IntegerField(
        label="Answered within (seconds)", min_value=1, max_value=3600, required=False
    )
    overflow_after = forms.IntegerField(
        label="Overflow to the hub after (seconds)",
        min_value=0,
        max_value=3600,
        required=False,
    )
    keep = forms.IntegerField(
        label="Share of their own advisers partners keep (%)",
        min_value=10,
        max_value=100,
        required=False,
    )

    def __init__(self, data, *, defaults: dict | None = None, **kwargs):
        kwargs.setdefault("initial", defaults or {})
        super().__init__(data, **kwargs)


class RechargeForm(forms.Form):
    month = forms.ChoiceField(label="Month", required=False)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        today = timezone.localdate().replace(day=1)
        months = []
        current = today
        for _ in range(24):
            months.append((current.strftime("%Y-%m"), current.strftime("%B %Y")))
            current = (current - dt.timedelta(days=1)).replace(day=1)
        self.fields["month"].choices = months
        self.fields["month"].initial = months[1][0]

    def chosen_month(self) -> dt.date:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        value = value or self.fields["month"].initial
        return dt.date.fromisoformat(value + "-01")


class CallsForm(forms.Form):
    """One day's calls, on one queue or every queue the user sees, of any outcome or one."""

    day = forms.DateField(
        label="Day",
        required=False,
        widget=DateInput,
        help_text="Calls that entered a queue on this day, UK time. For example, 2026-03-02.",
        error_messages={"invalid": "Enter a real date, for example 2026-03-02"},
    )
    queue = forms.ModelChoiceField(
        label="Queue",
        queryset=None,
        required=False,
        empty_label="All queues you can see",
        help_text="Only the queues of partners whose figures you can see.",
        error_messages={"invalid_choice": "Select a queue from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *CallOutcome.choices],
        help_text="What happened to the call in the queue.",
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )

    def __init__(self, data, *, queues, **kwargs):
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(data, **kwargs)
        self.fields["queue"].queryset = queues

    def clean_day(self):
        day = self.cleaned_data.get("day") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("The day must be today or in the past")
        return day


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Overall, how satisfied were you with the service you received?",
        choices=list(reversed(Score.choices)),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how satisfied you were"},
    )
    resolved = forms.ChoiceField(
        label="Did we sort out what you contacted us about?",
        choices=[("yes", "Yes"), ("no", "No"), ("partly", "Partly")],
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Is there anything you would like to tell us? (optional)",
        help_text="Do not include personal details such as your name, address or bank details.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=2000,
        error_messages={"max_length": "Your comments must be 2,000 characters or fewer"},
    )


class PlacesForm(PeriodForm):
    """The hotspots pages' filters: a period, a community-safety service, and squares or
    the areas of a partner (wards, police beats) as the places."""

    areas = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Places",
        empty_label="Grid squares (about 500 metres)",
        help_text="Or the areas of a partner (districts, police beats).",
    )

    def __init__(self, data, *, services, area_partners, **kwargs):
        from firstcontact.partners.models import Partner

        super().__init__(data, partners=Partner.objects.none(), services=services, **kwargs)
        del self.fields["partner"]
        del self.fields["interval"]
        self.fields["service"].empty_label = "All community-safety services"
        self.fields["areas"].queryset = area_partners
        self.fields["areas"].label_from_instance = lambda p: f"{p.name}’s areas"


class PlaceActionForm(forms.Form):
    """A line of a place's action log: who does what by when."""

    place = forms.CharField(widget=forms.HiddenInput)
    action = forms.CharField(
        label="What will be done",
        max_length=300,
        help_text="No names or details of residents: the log is shared between partners.",
    )
    partner = forms.ModelChoiceField(queryset=None, label="Who does it", empty_label=None)
    owner = forms.CharField(label="Team or officer (optional)", max_length=100, required=False)
    due = forms.DateField(label="By when", widget=DateInput)

    def __init__(self, data=None, *, partners, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["partner"].queryset = partners

    def clean_place(self):
        from firstcontact.insight.hotspots import Square

        square = Square.parse(self.cleaned_data["place"])
        if square is None:
            raise forms.ValidationError("Choose a place from the hotspots page")
        return square.key

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate() - dt.timedelta(days=1):
            raise forms.ValidationError("The date must be today or later")
        return due


class ReciprocalServiceForm(forms.Form):
    """Reporting to another agency, step 1: the problem (and so the agency) at this place."""

    service = forms.ChoiceField(
        label="What should the other agency deal with?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the problem to report",
            "invalid_choice": "Choose a problem from the list",
        },
    )

    def __init__(self, data=None, *, options, **kwargs):
        super().__init__(data, **kwargs)
        self.options = {str(service.pk): (service, delivery) for service, delivery in options}
        self.fields["service"].choices = [
            (key, f"{service.name}: {delivery.partner.name}")
            for key, (service, delivery) in self.options.items()
        ]

    def chosen(self):
        return self.options[self.cleaned_data["service"]] if self.is_valid() else None


class ReciprocalRaiseForm(forms.Form):
    """Step 2: the service's own questions (as the desk asks them), where, and what."""

    from_partner = forms.ChoiceField(label="Raised for", required=False)
    address = forms.CharField(
        label="Street or landmark (optional)",
        max_length=300,
        required=False,
        help_text="Where exactly, so that the other agency finds it.",
    )
    description = forms.CharField(
        label="What did you find?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Seen only by the agencies' staff. No resident's name or details unless they "
        "agreed to them being passed on.",
        error_messages={"required": "Say what the other agency should know"},
    )

    def __init__(self, data=None, *, service, from_partners, **kwargs):
        from firstcontact.catalogue.models import Automated
        from firstcontact.desk.forms import RaiseRequestForm, attribute_field_name

        super().__init__(data, **kwargs)
        self.attribute_specs = [
            a for a in service.attributes.all() if a.automated != Automated.SERVER_SET
        ]
        questions = {
            attribute_field_name(a.code): RaiseRequestForm._attribute_field(a)
            for a in self.attribute_specs
        }
        self.fields = {**questions, **self.fields}
        self.partners = {str(p.pk): p for p in from_partners}
        if len(self.partners) > 1:
            self.fields["from_partner"].required = True
            self.fields["from_partner"].choices = [
                (key, p.name) for key, p in self.partners.items()
            ]
            self.fields["from_partner"].error_messages["required"] = (
                "Choose the partner you raise it for"
            )
        else:
            del self.fields["from_partner"]

    def raising_partner(self):
        if "from_partner" in self.fields:
            return self.partners[self.cleaned_data["from_partner"]]
        return next(iter(self.partners.values()))

    def attribute_answers(self) -> dict[str, object]:
        from firstcontact.desk.forms import attribute_field_name

        answers = {}
        for attribute in self.attribute_specs:
            value = self.cleaned_data.get(attribute_field_name(attribute.code))
            if value not in (None, "", []):
                answers[attribute.code] = value
        return answers

    def error_mapping(self) -> dict[str, str]:
        from firstcontact.desk.forms import attribute_field_name

        mapping = {
            f"attribute[{a.code}]": attribute_field_name(a.code) for a in self.attribute_specs
        }
        mapping.update({"location": "__all__", "lat": "__all__", "service_code": "__all__"})
        return mapping
