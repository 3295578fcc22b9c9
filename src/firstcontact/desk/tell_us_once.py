"""Tell us once from the desk: the journey the resident site offers (choose who to tell,
the shared questions once, consent per partner, one bundle, one acknowledgement), on one
page for an adviser on the phone or at the counter, through lifeevents.services.

Most bereaved people phone or visit: the adviser tells every partner on their behalf. Each
partner gets its own record of the informant and its own request, as when the resident does
it on the web (docs/access.md, "Other writes"); the adviser then reads only what the policy
lets them, and the bundle's confirmation page only in the session that raised it.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from firstcontact.catalogue.models import Datatype, Service
from firstcontact.customers.models import Customer
from firstcontact.customers.selectors import get_customer
from firstcontact.desk import session
from firstcontact.desk.forms import (
    DESK_CHANNELS,
    RaiseRequestForm,
    apply_errors,
    attribute_field_name,
    error_dict,
)
from firstcontact.govuk.forms import DateInputField
from firstcontact.lifeevents.models import LifeEvent, LifeEventKind
from firstcontact.lifeevents.selectors import (
    bundle_by_reference,
    bundle_requests,
    public_life_events,
)
from firstcontact.lifeevents.services import (
    Informant,
    Plan,
    plan_life_event,
    raise_bundle,
    shared_questions,
)
from firstcontact.servicerequests.references import ReferenceError, parse_reference
from firstcontact.servicerequests.services import clean_location

BUNDLES_KEY = "desk_told_once_bundles"
BUNDLES_KEPT = 20


def life_event_for_service(service: Service) -> LifeEvent | None:
    """The life event a catalogue service of kind "life event" stands for at the desk (the
    demo's "Tell us about a death" is the bereavement template)."""
    events = LifeEvent.objects.active()
    found = events.filter(slug=service.code).first() or events.filter(name=service.name).first()
    if found is not None:
        return found
    words = f"{service.code} {service.name}".lower()
    if "death" in words or "bereave" in words:
        return events.filter(kind=LifeEventKind.BEREAVEMENT).first()
    if "mov" in words:
        return events.filter(kind=LifeEventKind.MOVING_IN).first()
    return None


def _customer(request: HttpRequest) -> Customer | None:
    raw = request.POST.get("customer") or request.GET.get("customer") or ""
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404("No such customer.") from None
    return get_customer(request.user, pk, purpose="tell us once")


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode of the address",
        max_length=10,
        help_text="Where the person who died lived, or the new home. It decides which "
        "councils and services are told.",
        error_messages={"required": "Enter the postcode of the address."},
    )


class TellUsOnceForm(forms.Form):
    """Who to tell, the shared questions, the informant and their consent, for one plan."""

    postcode = forms.CharField(widget=forms.HiddenInput)
    address = forms.CharField(
        label="Address",
        max_length=300,
        help_text="The house or flat and street.",
        error_messages={"required": "Enter the address."},
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the family name of the person telling us."},
    )
    email = forms.CharField(label="Email address", max_length=254, required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    channel = forms.ChoiceField(
        label="How did the customer contact us?", choices=DESK_CHANNELS, widget=forms.RadioSelect
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.items = {str(p.item.pk): p for p in plan.available}
        self.partners = {str(p.pk): p for p in plan.partners}
        items = forms.MultipleChoiceField(
            label="Who should we tell?",
            help_text="Untick any the customer does not want told.",
            choices=[
                (pk, f"{p.item.service.name}: {p.delivery.partner.name}")
                for pk, p in self.items.items()
            ],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Choose at least one service to tell."},
        )
        self.questions = shared_questions([p.item for p in plan.available])
        question_fields = {}
        for attribute, required in self.questions:
            if attribute.datatype == Datatype.DATETIME:
                field = DateInputField(label=attribute.description, required=False)
            else:
                field = RaiseRequestForm._attribute_field(attribute)
            field.required = False  # checked by the service, with its own message
            if required:
                field.error_messages["required"] = f"Answer “{attribute.description}”."
            question_fields[attribute_field_name(attribute.code)] = field
        consent = forms.MultipleChoiceField(
            label="Does the customer agree to us sharing what they tell us with each of these?",
            help_text="Read each name to the customer. We tell only those they agree to; "
            "each gets the name, contact details and answers.",
            choices=[(pk, p.name) for pk, p in self.partners.items()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields = {
            "items": items,
            **question_fields,
            **self.fields,
            "consent": consent,
        }

    def clean(self):
        cleaned = super().clean()
        chosen = [self.items[pk] for pk in cleaned.get("items") or [] if pk in self.items]
        agreed = set(cleaned.get("consent") or [])
        missing = []
        for planned in chosen:
            partner = planned.delivery.partner
            if str(partner.pk) not in agreed and partner.name not in missing:
                missing.append(partner.name)
        if chosen and missing:
            self.add_error(
                "consent",
                "The customer has not agreed to us telling "
                + ", ".join(missing)
                + ": tick them if they agree, or untick those services.",
            )
        if not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("email", "Give an email address or phone number so partners can reply.")
        return cleaned

    def chosen_items(self):
        return [self.items[pk].item for pk in self.cleaned_data.get("items") or []]

    def answers(self) -> dict[str, object]:
        answers = {}
        for attribute, _required in self.questions:
            value = self.cleaned_data.get(attribute_field_name(attribute.code))
            if value in (None, "", []):
                continue
            answers[attribute.code] = value.isoformat() if hasattr(value, "isoformat") else value
        return answers

    def question_fields(self):
        return [self[attribute_field_name(a.code)] for a, _required in self.questions]


def _informant_initial(customer: Customer | None) -> dict:
    if customer is None:
        return {}
    email = customer.emails.first()
    phone = customer.phones.first()
    return {
        "given_name": customer.given_name,
        "family_name": customer.family_name or customer.organisation_name,
        "email": email.address if email else "",
        "phone": phone.number if phone else "",
    }


@login_required
def choose(request: HttpRequest) -> HttpResponse:
    customer = _customer(request)
    return render(
        request,
        "desk/tuo_pick.html",
        {
            "contact": session.current_contact(request),
            "customer": customer,
            "events": public_life_events(),
        },
    )


@login_required
def journey(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(LifeEvent.objects.active(), slug=slug)
    customer = _customer(request)
    contact = session.current_contact(request)
    data = request.POST if request.method == "POST" else request.GET
    address = customer.addresses.filter(is_current=True).first() if customer else None
    postcode = (data.get("postcode") or "").strip()[:10]
    if not postcode and address is not None and "postcode" not in data:
        postcode = address.postcode
    context = {"event": event, "customer": customer, "contact": contact}
    postcode_form = PostcodeForm({"postcode": postcode} if "postcode" in data else None)
    location = None
    if postcode:
        try:
            location = clean_location(postcode=postcode)
        except ValidationError:
            postcode_form = PostcodeForm({"postcode": postcode})
            postcode_form.is_valid()
            postcode_form.add_error(
                "postcode", "Enter a full postcode in the partnership's area, like WX2 1AA."
            )
    elif "postcode" in data:
        postcode_form.is_valid()
    if location is None:
        return render(
            request,
            "desk/tuo_postcode.html",
            {**context, "form": postcode_form},
        )
    plan = plan_life_event(event, location)
    if request.method == "POST":
        form = TellUsOnceForm(request.POST, plan=plan)
        if form.is_valid():
            data = form.cleaned_data
            try:
                full = clean_location(postcode=postcode, address=data["address"])
                bundle = raise_bundle(
                    life_event=event,
                    items=form.chosen_items(),
                    location=full,
                    answers=form.answers(),
                    informant=Informant(
                        given_name=data["given_name"],
                        family_name=data["family_name"],
                        email=data["email"],
                        phone=data["phone"],
                    ),
                    consent=True,
                    consent_wording="Told the adviser they agree to us telling: "
                    + ", ".join(sorted(form.partners[pk].name for pk in data["consent"])),
                    channel=data["channel"],
                    language=customer.preferred_language if customer else "en",
                    adviser=request.user,
                    contact=contact,
                    existing_customer=customer,
                )
            except PermissionDenied as exc:
                return render(
                    request,
                    "desk/forbidden.html",
                    {"contact": contact, "reason": str(exc), "back": reverse("desk:home")},
                    status=403,
                )
            except ValidationError as exc:
                mapping = {
                    f"attribute[{a.code}]": attribute_field_name(a.code)
                    for a, _required in form.questions
                }
                mapping.update({"location": "address", "phones[0]": "phone", "emails[0]": "email"})
                apply_errors(form, error_dict(exc), mapping)
            else:
                for item in form.chosen_items():
                    session.note_reason(request, item.service_id, raised=True)
                kept = [b for b in request.session.get(BUNDLES_KEY, []) if b != bundle.reference]
                request.session[BUNDLES_KEY] = [*kept, bundle.reference][-BUNDLES_KEPT:]
                return redirect("desk:tuo_done", reference=bundle.reference)
    else:
        initial = {
            "postcode": postcode,
            "channel": contact.channel if contact else "phone",
            "items": [str(p.item.pk) for p in plan.available if p.item.selected_by_default],
            **_informant_initial(customer),
        }
        if address is not None and address.postcode == location.postcode:
            initial["address"] = ", ".join(p for p in [address.line1, address.line2] if p)
        form = TellUsOnceForm(initial=initial, plan=plan)
    return render(
        request,
        "desk/tuo_form.html",
        {**context, "form": form, "plan": plan, "postcode": location.postcode},
    )


@login_required
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """The bundle's reference and each request's, for the session that raised it alone."""
    try:
        reference = parse_reference(reference)
    except ReferenceError:
        raise Http404("No such bundle.") from None
    if reference not in request.session.get(BUNDLES_KEY, []):
        raise Http404("No bundle with that reference raised here.")
    bundle = bundle_by_reference(reference)
    if bundle is None:
        raise Http404("No such bundle.")
    return render(
        request,
        "desk/tuo_done.html",
        {
            "contact": session.current_contact(request),
            "bundle": bundle,
            "requests": bundle_requests(bundle),
        },
    )
