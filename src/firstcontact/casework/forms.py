"""Forms for canned replies, saved views and bulk actions (the services validate again)."""

from __future__ import annotations

from django import forms

from firstcontact.casework.placeholders import PLACEHOLDERS
from firstcontact.casework.services import BULK_ACTIONS, VIEW_NAME_MAX
from firstcontact.catalogue.models import Service
from firstcontact.govuk.forms import DateInputField
from firstcontact.servicerequests.models import ClosureOutcome

PLACEHOLDER_HELP = "Placeholders, filled from the request when the reply is picked: " + "; ".join(
    f"{{{name}}}: {meaning}" for name, meaning in PLACEHOLDERS.items()
)


class CannedReplyForm(forms.Form):
    partner = forms.ChoiceField(label="Partner")
    service = forms.ChoiceField(
        label="Service (optional)",
        required=False,
        help_text="Offered only on requests for this service. Leave empty for every request.",
    )
    title = forms.CharField(
        label="Title",
        max_length=100,
        help_text="What officers pick from the list, for example “Repair booked”.",
        error_messages={"required": "Enter a title, so officers can pick the reply."},
    )
    text = forms.CharField(
        label="Reply",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=PLACEHOLDER_HELP,
        error_messages={"required": "Enter the reply's words."},
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        partners = list(partners)
        self.fields["partner"].choices = [(str(p.pk), p.name) for p in partners]
        if len(partners) > 1:
            self.fields["partner"].choices.insert(0, ("", "Choose a partner"))
        services = (
            Service.objects.filter(deliveries__partner__in=partners).distinct().order_by("name")
        )
        self.fields["service"].choices = [("", "Every service")] + [
            (str(s.pk), s.name) for s in services
        ]
        self.fields["partner"].error_messages["required"] = "Choose the partner."


class SaveViewForm(forms.Form):
    name = forms.CharField(
        label="Name this view",
        max_length=VIEW_NAME_MAX,
        error_messages={"required": "Enter a name for the view."},
    )


class BulkForm(forms.Form):
    """What to do with the requests ticked on the queue."""

    bulk_action = forms.ChoiceField(
        label="Change the selected requests",
        choices=[(key, c.done) for key, c in BULK_ACTIONS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with the selected requests."},
    )
    bulk_outcome = forms.ChoiceField(
        label="Outcome (when closing)",
        required=False,
        choices=[("", "Choose an outcome"), *ClosureOutcome.choices],
    )
    bulk_reply = forms.ChoiceField(
        label="Canned reply for the residents (optional)", required=False
    )
    bulk_text = forms.CharField(
        label="Reason or message (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    bulk_tell = forms.BooleanField(label="Tell the residents", required=False)
    bulk_until = DateInputField(
        label="On hold until (optional)",
        required=False,
        help_text="Said in the reason, for whoever picks it up (and the residents, if told). "
        "Resume it from the request page.",
    )

    def __init__(self, *args, replies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulk_reply"].choices = [("", "No canned reply")] + [
            (
                str(r.pk),
                f"{r.partner.name}: {r.title}" + (f" ({r.service.name})" if r.service else ""),
            )
            for r in replies
        ]
