"""Tell us once: one journey for a life event (a death, moving in) that collects what every
partner needs, asks explicitly for consent to share it, and raises one request per service
across the partners, shown as one bundle with its own reference."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firstcontact.catalogue.models import ServiceAttribute
from firstcontact.lifeevents.models import LifeEvent, LifeEventKind, LifeEventService
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
    template_items,
)
from firstcontact.partners.geography import Location
from firstcontact.portal import places
from firstcontact.portal.forms import (
    AddressForm,
    ChooseItemsForm,
    ConsentForm,
    ContactForm,
    QuestionForm,
    initial_answer,
    split_name,
)
from firstcontact.portal.journeys import (
    display_answer,
    multi_line_address,
    one_line_address,
    remember,
    remembered,
    row,
)
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import portal_context, render_portal
from firstcontact.portal.templatetags.portal import catalogue
from firstcontact.portal.views.journey import language
from firstcontact.portal.views.track import TRACKED_BUNDLES_KEY
from firstcontact.security import personal_data
from firstcontact.servicerequests.references import ReferenceError, parse_reference

SESSION_KEY = "portal_tell_us_once"


class TellUsOnce:
    """The journey's answers in the session, and its pages in order."""

    def __init__(self, request: HttpRequest, event: LifeEvent):
        self.request = request
        self.event = event
        store = request.session.setdefault(SESSION_KEY, {})
        if event.slug not in store:
            store[event.slug] = {
                "done": [],
                "address": {},
                "items": None,
                "answers": {},
                "informant": {},
                "consent": "",
            }
            request.session.modified = True
        self.state = store[event.slug]

    def save(self) -> None:
        self.request.session[SESSION_KEY][self.event.slug] = self.state
        self.request.session.modified = True

    def clear(self) -> None:
        self.request.session.get(SESSION_KEY, {}).pop(self.event.slug, None)
        self.request.session.modified = True

    @cached_property
    def items(self) -> list[LifeEventService]:
        return template_items(self.event)

    def location(self) -> Location:
        address = self.state["address"]
        return Location(postcode=address.get("postcode", ""), address=one_line_address(address))

    @cached_property
    def plan(self) -> Plan:
        if not self.state["address"]:
            return Plan([])
        return plan_life_event(self.event, self.location(), self.items)

    def chosen(self) -> list[LifeEventService]:
        ids = set(self.state["items"] or [])
        return [p.item for p in self.plan.available if p.item.pk in ids]

    def chosen_plan(self) -> Plan:
        ids = set(self.state["items"] or [])
        return Plan([p for p in self.plan.available if p.item.pk in ids])

    @cached_property
    def questions(self) -> list[tuple[ServiceAttribute, bool]]:
        return shared_questions(self.chosen())

    @property
    def steps(self) -> list[str]:
        return [
            "address",
            "services",
            *(f"question-{a.code}" for a, _required in self.questions),
            "about-you",
            "consent",
            "check",
        ]

    def question(self, slug: str) -> tuple[ServiceAttribute, bool] | None:
        code = slug.removeprefix("question-")
        return next(((a, r) for a, r in self.questions if a.code == code), None)

    def url(self, step: str, *, change: bool = False) -> str:
        url = reverse("portal:life_event_step", kwargs={"slug": self.event.slug, "step": step})
        return f"{url}?change=1" if change else url

    def first_unfinished(self) -> str:
        return next(
            (s for s in self.steps if s != "check" and s not in self.state["done"]), "check"
        )

    def may_visit(self, step: str) -> bool:
        for earlier in self.steps:
            if earlier == step:
                return True
            if earlier not in self.state["done"]:
                return False
        return False

    def back(self, step: str) -> str:
        index = self.steps.index(step) if step in self.steps else 0
        if index == 0:
            return reverse("portal:life_event", kwargs={"slug": self.event.slug})
        return self.url(self.steps[index - 1])

    def advance(self, step: str) -> HttpResponse:
        if step not in self.state["done"]:
            self.state["done"].append(step)
        self.save()
        # Answers may change which questions there are: forget pages no longer asked.
        self.__dict__.pop("plan", None)
        self.__dict__.pop("questions", None)
        if self.request.GET.get("change") == "1":
            return redirect(self.url(self.first_unfinished()))
        index = self.steps.index(step)
        for later in self.steps[index + 1 :]:
            if later == "check" or later not in self.state["done"]:
                return redirect(self.url(later))
        return redirect(self.url("check"))

    def informant(self) -> Informant:
        info = self.state["informant"]
        given, family = split_name(info.get("full_name", ""))
        return Informant(
            given_name=given,
            family_name=family,
            email=info.get("email", ""),
            phone=info.get("phone", ""),
        )

    def address_label(self) -> str:
        if self.event.kind == LifeEventKind.BEREAVEMENT:
            return _("What was the address of the person who died?")
        return _("What is your new address?")

    def consent_wording(self, partners) -> str:
        return _(
            "I agree to %(site)s sharing what I have told you with: %(partners)s, so that "
            "they can act on it."
        ) % {
            "site": portal_context(self.request)["site_name"],
            "partners": ", ".join(p.name for p in partners),
        }

    def summary_rows(self) -> list[dict]:
        rows = [
            row(
                _("Address"),
                multi_line_address(self.state["address"]),
                self.url("address", change=True),
            )
        ]
        chosen = self.chosen_plan().available
        rows.append(
            row(
                _("Who we will tell"),
                "\n".join(f"{p.item.service.name} ({p.delivery.partner.name})" for p in chosen),
                self.url("services", change=True),
            )
        )
        for attribute, _required in self.questions:
            value = display_answer(attribute, self.state["answers"].get(attribute.code))
            rows.append(
                row(
                    catalogue(attribute.description),
                    value or _("Not answered"),
                    self.url(f"question-{attribute.code}", change=True),
                )
            )
        info = self.state["informant"]
        rows.append(
            row(
                _("Your details"),
                "\n".join(
                    p
                    for p in [
                        info.get("full_name", ""),
                        info.get("email", ""),
                        info.get("phone", ""),
                    ]
                    if p
                ),
                self.url("about-you", change=True),
            )
        )
        rows.append(
            row(
                _("You agree to us sharing this"),
                _("Yes") if self.state["consent"] == "yes" else _("No"),
                self.url("consent", change=True),
            )
        )
        return rows


def _event(slug: str) -> LifeEvent:
    return get_object_or_404(public_life_events(), slug=slug)


def _page(request, journey: TellUsOnce, step: str, template: str, context: dict, status=200):
    return render_portal(
        request,
        template,
        {
            "event": journey.event,
            "journey": journey,
            "step": step,
            "back_url": journey.back(step),
            "change": request.GET.get("change") == "1",
            **context,
        },
        status=status,
    )


@require_http_methods(["GET"])
def tell_us_once(request: HttpRequest) -> HttpResponse:
    return render_portal(
        request, "portal/tell_us_once.html", {"events": list(public_life_events())}
    )


@require_http_methods(["GET"])
def life_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(slug)
    journey = TellUsOnce(request, event)
    return render_portal(
        request,
        "portal/life_event.html",
        {
            "event": event,
            "items": journey.items,
            "start_url": journey.url(journey.first_unfinished()),
        },
    )


@personal_data
@require_http_methods(["GET", "POST"])
def life_event_step(request: HttpRequest, slug: str, step: str) -> HttpResponse:
    event = _event(slug)
    journey = TellUsOnce(request, event)
    if step == "no-consent":
        return _page(
            request,
            journey,
            "consent",
            "portal/no_consent.html",
            {"partners": journey.chosen_plan().partners},
        )
    if step not in journey.steps:
        if step.startswith("question-") and step not in journey.steps:
            return redirect(journey.url(journey.first_unfinished()))
        raise Http404("No such page in this journey.")
    if not journey.may_visit(step):
        return redirect(journey.url(journey.first_unfinished()))
    if step == "address":
        return _address(request, journey)
    if step == "services":
        return _services(request, journey)
    if step.startswith("question-"):
        return _question(request, journey, step)
    if step == "about-you":
        return _about_you(request, journey)
    if step == "consent":
        return _consent(request, journey)
    return _check(request, journey)


def _address(request, journey: TellUsOnce) -> HttpResponse:
    form = AddressForm(
        (request.POST if request.method == "POST" else None), initial=journey.state["address"]
    )
    problem = None
    if request.method == "POST" and form.is_valid():
        data = {k: v.strip() for k, v in form.cleaned_data.items()}
        try:
            location = places.location_from(
                postcode=data["postcode"], address=one_line_address(data)
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error("line1" if field == "address" else "postcode", messages[0])
        else:
            plan = plan_life_event(journey.event, location, journey.items)
            if not plan.available:
                try:
                    places.responsible(
                        journey.items[0].service,
                        location,
                        site_name=portal_context(request)["site_name"],
                    )
                except places.PlaceProblem as exc:
                    problem = exc
                    form.add_error("postcode", exc.messages[0])
                else:  # pragma: no cover - the first item is available if any is
                    problem = None
            if plan.available:
                journey.state["address"] = {**data, "postcode": location.postcode}
                if journey.state["items"] is None:
                    journey.state["items"] = [
                        p.item.pk for p in plan.available if p.item.selected_by_default
                    ]
                return journey.advance("address")
    return _page(
        request,
        journey,
        "address",
        "portal/tuo_address.html",
        {
            "form": form,
            "problem": problem,
            "find_your_council": places.FIND_YOUR_COUNCIL,
            "example_postcode": places.example_postcode(),
            "title": journey.address_label(),
        },
    )


def _services(request, journey: TellUsOnce) -> HttpResponse:
    plan = journey.plan
    choices = [
        (str(p.item.pk), f"{p.item.service.name} – {p.delivery.partner.name}")
        for p in plan.available
    ]
    form = ChooseItemsForm(
        (request.POST if request.method == "POST" else None),
        choices=choices,
        initial={"items": [str(pk) for pk in journey.state["items"] or []]},
    )
    if request.method == "POST" and form.is_valid():
        journey.state["items"] = [int(pk) for pk in form.cleaned_data["items"]]
        return journey.advance("services")
    return _page(
        request, journey, "services", "portal/tuo_services.html", {"form": form, "plan": plan}
    )


def _question(request, journey: TellUsOnce, step: str) -> HttpResponse:
    attribute, required = journey.question(step)
    stored = journey.state["answers"].get(attribute.code)
    form = QuestionForm(
        (request.POST if request.method == "POST" else None),
        attribute=attribute,
        required=required,
        initial={"answer": initial_answer(attribute, stored)},
    )
    if request.method == "POST" and form.is_valid():
        journey.state["answers"][attribute.code] = form.cleaned_data["stored"]
        return journey.advance(step)
    return _page(
        request,
        journey,
        step,
        "portal/question.html",
        {"form": form, "title": attribute.description},
    )


def _about_you(request, journey: TellUsOnce) -> HttpResponse:
    form = ContactForm(
        (request.POST if request.method == "POST" else None),
        initial=journey.state["informant"],
        required=True,
    )
    if request.method == "POST" and form.is_valid():
        journey.state["informant"] = {
            k: form.cleaned_data[k].strip() for k in ("full_name", "email", "phone")
        }
        return journey.advance("about-you")
    return _page(request, journey, "about-you", "portal/tuo_about_you.html", {"form": form})


def _consent(request, journey: TellUsOnce) -> HttpResponse:
    partners = journey.chosen_plan().partners
    form = ConsentForm(
        (request.POST if request.method == "POST" else None),
        initial={"consent": journey.state["consent"]},
    )
    if request.method == "POST" and form.is_valid():
        journey.state["consent"] = form.cleaned_data["consent"]
        if journey.state["consent"] != "yes":
            journey.save()
            return redirect(journey.url("no-consent"))
        journey.state["consent_wording"] = journey.consent_wording(partners)
        return journey.advance("consent")
    return _page(
        request,
        journey,
        "consent",
        "portal/tuo_consent.html",
        {"form": form, "partners": partners, "chosen": journey.chosen_plan().available},
    )


def _check(request, journey: TellUsOnce) -> HttpResponse:
    errors: list[dict] = []
    if journey.state["consent"] != "yes":
        return redirect(journey.url("consent"))
    if request.method == "POST":
        if is_limited(request, "submit"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        try:
            bundle = raise_bundle(
                life_event=journey.event,
                items=journey.chosen(),
                location=journey.location(),
                answers={
                    k: v for k, v in journey.state["answers"].items() if v not in ("", [], None)
                },
                informant=journey.informant(),
                consent=journey.state["consent"] == "yes",
                consent_wording=journey.state.get("consent_wording", ""),
                channel="web",
                language=language(),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field.startswith("attribute["):
                    target = f"question-{field[len('attribute[') : -1]}"
                    target = target if target in journey.steps else "services"
                else:
                    target = {"consent": "consent", "items": "services", "location": "address"}.get(
                        field, "about-you"
                    )
                errors.append({"text": messages[0], "href": journey.url(target, change=True)})
        else:
            journey.clear()
            remember(request, TRACKED_BUNDLES_KEY, bundle.reference)
            return redirect("portal:bundle", reference=bundle.formatted_reference)
    return _page(
        request,
        journey,
        "check",
        "portal/tuo_check.html",
        {"rows": journey.summary_rows(), "errors": errors},
        status=400 if errors else 200,
    )


@personal_data
@require_http_methods(["GET"])
def bundle_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        stored = parse_reference(reference)
    except ReferenceError as exc:
        raise Http404(str(exc)) from exc
    if stored not in remembered(request, TRACKED_BUNDLES_KEY):
        return redirect(f"{reverse('portal:track')}?reference={reference}")
    bundle = bundle_by_reference(stored)
    if bundle is None:
        raise Http404("No such bundle.")
    return render_portal(
        request, "portal/bundle.html", {"bundle": bundle, "requests": bundle_requests(bundle)}
    )
