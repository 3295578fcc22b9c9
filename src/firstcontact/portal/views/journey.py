"""Report a problem and apply for a service: one question a page, check your answers, then
one request raised and a confirmation with its reference."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.customers.front_door import customer_for_submission
from firstcontact.customers.models import ConsentPurpose
from firstcontact.portal import places
from firstcontact.portal.forms import (
    AddressForm,
    ComplaintAboutForm,
    ContactForm,
    DetailsForm,
    EligibilityForm,
    EvidenceForm,
    LocationForm,
    NearbyForm,
    QuestionForm,
    initial_answer,
    split_name,
)
from firstcontact.portal.journeys import (
    APPLY,
    FLOW_KINDS,
    RAISED_KEY,
    REPORT,
    ServiceJourney,
    Step,
    one_line_address,
    remember,
    remembered,
)
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import portal_context, render_portal
from firstcontact.portal.templatetags.portal import catalogue, status_label
from firstcontact.security import personal_data
from firstcontact.servicerequests.attachments import attach_evidence
from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest
from firstcontact.servicerequests.nearby import (
    Nearby,
    add_supporter,
    nearby_metres,
    nearby_requests,
    offered,
)
from firstcontact.servicerequests.photos import attach_photos
from firstcontact.servicerequests.references import (
    ReferenceError,
    format_reference,
    parse_reference,
)
from firstcontact.servicerequests.services import raise_request

NOT_ELIGIBLE = "not-eligible-"
UPLOADS = "portal-uploads"


def _service(flow: str, code: str) -> Service:
    return get_object_or_404(
        Service.objects.public()
        .filter(kind__in=FLOW_KINDS[flow])
        .prefetch_related("attributes", "eligibility_questions", "evidence_requirements"),
        code=code,
    )


def language() -> str:
    return (get_language() or "en").split("-")[0]


def _back(journey: ServiceJourney, step: Step) -> str:
    previous = journey.previous_step(step)
    if previous is None:
        return journey.start_url() if journey.flow == APPLY else reverse("portal:report")
    return journey.url(previous)


def _advance(request: HttpRequest, journey: ServiceJourney, step: Step) -> HttpResponse:
    journey.mark_done(step)
    journey.save()
    if request.GET.get("change") == "1":
        target = journey.first_unfinished()
    else:
        target = journey.next_step(step)
    return redirect(journey.url(target))


def _page(request, journey, step, template, context, *, status=200):
    return render_portal(
        request,
        template,
        {
            "journey": journey,
            "service": journey.service,
            "step": step,
            "back_url": _back(journey, step),
            "change": request.GET.get("change") == "1",
            **context,
        },
        status=status,
    )


@require_http_methods(["GET"])
def journey_start(request: HttpRequest, flow: str, code: str) -> HttpResponse:
    service = _service(flow, code)
    journey = ServiceJourney(request, flow, service)
    if flow == REPORT:
        return redirect(journey.url(journey.first_unfinished()))
    deliveries = service.deliveries.select_related("partner").order_by("partner__name")
    return render_portal(
        request,
        "portal/apply_start.html",
        {
            "service": service,
            "journey": journey,
            "start_url": journey.url(journey.first_unfinished()),
            "partners": sorted({d.partner.name for d in deliveries}),
        },
    )


@personal_data
@require_http_methods(["GET", "POST"])
def journey_step(request: HttpRequest, flow: str, code: str, step: str) -> HttpResponse:
    service = _service(flow, code)
    journey = ServiceJourney(request, flow, service)
    if step.startswith(NOT_ELIGIBLE):
        return _not_eligible(request, journey, step.removeprefix(NOT_ELIGIBLE))
    current = journey.step(step)
    if current is None:
        raise Http404("No such page in this journey.")
    if not journey.may_visit(current):
        return redirect(journey.url(journey.first_unfinished()))
    ineligible = journey.ineligible_question()
    if ineligible is not None:
        # Pages up to the question that stops the application may be changed; later ones
        # lead back to the explanation.
        stop = journey.step(f"eligibility-{ineligible.code}")
        if journey.steps.index(current) > journey.steps.index(stop):
            return redirect(journey.url(NOT_ELIGIBLE + ineligible.code))
    handler = {
        "eligibility": _eligibility,
        "question": _question,
        "location": _location,
        "details": _details,
        "address": _address,
        "contact": _contact,
        "check": _check,
        "about": _about,
        "evidence": _evidence,
        "nearby": _nearby,
    }[current.kind]
    return handler(request, journey, current)


def _eligibility(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    question = step.question
    form = EligibilityForm(
        (request.POST if request.method == "POST" else None),
        question=question,
        initial={"answer": journey.state["eligibility"].get(question.code)},
    )
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        journey.state["eligibility"][question.code] = answer
        if (answer == "yes") != question.eligible_answer:
            journey.mark_done(step)
            journey.save()
            return redirect(journey.url(NOT_ELIGIBLE + question.code))
        return _advance(request, journey, step)
    return _page(
        request, journey, step, "portal/question.html", {"form": form, "title": question.question}
    )


def _not_eligible(request, journey: ServiceJourney, code: str) -> HttpResponse:
    question = next((q for q in journey.eligibility_questions if q.code == code), None)
    if question is None:
        raise Http404("No such question.")
    step = journey.step(f"eligibility-{code}")
    return render_portal(
        request,
        "portal/not_eligible.html",
        {
            "service": journey.service,
            "question": question,
            "back_url": journey.url(step),
            "journey": journey,
        },
    )


def _question(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    attribute = step.attribute
    stored = journey.state["answers"].get(attribute.code)
    form = QuestionForm(
        (request.POST if request.method == "POST" else None),
        attribute=attribute,
        initial={"answer": initial_answer(attribute, stored)},
    )
    if request.method == "POST" and form.is_valid():
        journey.state["answers"][attribute.code] = form.cleaned_data["stored"]
        return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/question.html",
        {"form": form, "title": attribute.description},
    )


def _location(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    form = LocationForm(
        (request.POST if request.method == "POST" else None), initial=journey.state["location"]
    )
    problem = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            location = places.location_from(
                latitude=data["latitude"],
                longitude=data["longitude"],
                postcode=data["postcode"],
                address=data["address"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(None if field == "pin" else field, messages[0])
        else:
            try:
                places.responsible(
                    journey.service, location, site_name=portal_context(request)["site_name"]
                )
            except places.PlaceProblem as exc:
                problem = exc
                form.add_error(None if form.has_pin() else "postcode", exc.messages[0])
            else:
                journey.state["location"] = {
                    "latitude": data["latitude"],
                    "longitude": data["longitude"],
                    "postcode": location.postcode,
                    "address": location.address,
                }
                # A new place: what was reported near it is looked at again (the page is
                # passed over when nothing is).
                journey.state["nearby"] = {}
                if "nearby" in journey.state["done"]:
                    journey.state["done"].remove("nearby")
                if not nearby_requests(journey.service, location):
                    journey.state["nearby"] = {"none": True}
                    journey.mark_done(journey.step("nearby"))
                return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/location.html",
        {
            "form": form,
            "problem": problem,
            "find_your_council": places.FIND_YOUR_COUNCIL,
            "map": places.map_config(),
            "example_postcode": places.example_postcode(),
        },
    )


def _nearby_label(near: Nearby) -> str:
    where = near.street or _("near the place you gave")
    return _("%(service)s, %(street)s · %(status)s · reported %(date)s") % {
        "service": catalogue(near.request.service.name),
        "street": where,
        "status": status_label(near.request.status),
        "date": date_format(near.reported_on, "j F Y"),
    }


def _nearby(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    """Already reported nearby: open reports of the same service near the place (public
    information only), with "add my report to it" instead of a duplicate. Passed over when
    there are none."""
    found = nearby_requests(journey.service, journey.location())
    if not found:
        journey.state["nearby"] = {"none": True}
        return _advance(request, journey, step)
    form = NearbyForm(
        (request.POST if request.method == "POST" else None),
        choices=[(n.reference, _nearby_label(n)) for n in found],
        initial={"choice": journey.state["nearby"].get("reference") or "new"},
    )
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["choice"]
        chosen = next((n for n in found if n.reference == choice), None)
        if chosen is None:
            journey.state["nearby"] = {"new": True}
        else:
            journey.state["nearby"] = {
                "reference": chosen.reference,
                "summary": _nearby_label(chosen),
            }
        journey.__dict__.pop("steps", None)  # adding to a report asks fewer questions
        return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/nearby.html",
        {"form": form, "nearby": found, "metres": nearby_metres(), "title": form.title},
    )


def _details(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    details = journey.state["details"]
    form = DetailsForm(
        (request.POST if request.method == "POST" else None),
        (request.FILES if request.method == "POST" else None),
        initial={"description": details.get("description", "")},
    )
    if request.method == "POST" and form.is_valid():
        details["description"] = form.cleaned_data["description"].strip()
        checked = form.cleaned_data["photos"]
        if checked or request.POST.get("remove_photos"):
            for photo in details.get("photos", []):
                default_storage.delete(photo["path"])
            details["photos"] = []
        for upload, content_type in checked:
            extension = RequestPhoto.EXTENSIONS[content_type]
            path = default_storage.save(f"{UPLOADS}/{secrets.token_hex(16)}.{extension}", upload)
            details["photos"].append(
                {
                    "path": path,
                    "name": upload.name[:100],
                    "content_type": content_type,
                    "size": upload.size or 0,
                }
            )
        return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/details.html",
        {"form": form, "photos": details.get("photos", [])},
    )


def _complained_about_services():
    return (
        Service.objects.public()
        .exclude(kind__in=[ServiceKind.COMPLAINT, ServiceKind.LIFE_EVENT])
        .filter(deliveries__isnull=False)
        .distinct()
        .order_by("group", "name")
    )


def _about(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    """What a complaint is about: the service decides who answers it."""
    about = journey.state.setdefault("about", {})
    services = list(_complained_about_services())
    form = ComplaintAboutForm(
        (request.POST if request.method == "POST" else None),
        services=services,
        initial={"service": about.get("service", ""), "reference": about.get("reference", "")},
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(s for s in services if s.code == form.cleaned_data["service"])
        reference = form.cleaned_data["reference"]
        journey.state["about"] = {
            "service": chosen.code,
            "service_name": chosen.name,
            "reference": format_reference(reference) if reference else "",
        }
        return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/complaint_about.html",
        {"form": form, "title": form.fields["service"].label},
    )


def _evidence(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    """The files the application asks for, each kept (re-encoded if a photo) until the
    application is sent, then moved to the request (servicerequests/attachments.py)."""
    stored = journey.state.setdefault("evidence", {})
    form = EvidenceForm(
        (request.POST if request.method == "POST" else None),
        (request.FILES if request.method == "POST" else None),
        requirements=journey.evidence_requirements,
        stored=stored,
    )
    if request.method == "POST" and form.is_valid():
        for code, checked in form.checked.items():
            old = stored.pop(code, None)
            if old:
                default_storage.delete(old["path"])
            checked.content.seek(0)
            path = default_storage.save(
                f"{UPLOADS}/{secrets.token_hex(16)}.{checked.name.rsplit('.', 1)[-1]}",
                checked.content,
            )
            stored[code] = {
                "path": path,
                "name": checked.name,
                "content_type": checked.content_type,
                "size": checked.size,
            }
        return _advance(request, journey, step)
    rows = [(field, stored.get(field.name)) for field in form]
    return _page(request, journey, step, "portal/evidence.html", {"form": form, "rows": rows})


def _address(request, journey: ServiceJourney, step: Step) -> HttpResponse:
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
            try:
                places.responsible(
                    journey.service, location, site_name=portal_context(request)["site_name"]
                )
            except places.PlaceProblem as exc:
                problem = exc
                form.add_error("postcode", exc.messages[0])
            else:
                journey.state["address"] = {**data, "postcode": location.postcode}
                return _advance(request, journey, step)
    return _page(
        request,
        journey,
        step,
        "portal/address.html",
        {
            "form": form,
            "problem": problem,
            "find_your_council": places.FIND_YOUR_COUNCIL,
            "example_postcode": places.example_postcode(),
        },
    )


def _contact(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    form = ContactForm(
        (request.POST if request.method == "POST" else None),
        initial=journey.state["contact"],
        required=journey.flow == APPLY,
    )
    if request.method == "POST" and form.is_valid():
        journey.state["contact"] = {
            k: form.cleaned_data[k].strip() for k in ("full_name", "email", "phone")
        }
        return _advance(request, journey, step)
    return _page(request, journey, step, "portal/contact.html", {"form": form})


# Where a field named in a ValidationError from raising the request is answered.
def _step_for_error(journey: ServiceJourney, field: str) -> Step:
    if field.startswith("attribute["):
        code = field[len("attribute[") : -1]
        found = journey.step(f"question-{code}")
        if found:
            return found
    if field in {"location", "lat", "postcode", "uprn", "address"} or field.startswith("addresses"):
        return journey.step("location") or journey.step("address") or journey.steps[0]
    if field == "description":
        return journey.step("details") or journey.steps[0]
    if field in {"about_service", "about_request"}:
        return journey.step("about") or journey.steps[0]
    if field == "evidence":
        return journey.step("evidence") or journey.steps[0]
    if field == "nearby":
        return journey.step("nearby") or journey.steps[0]
    return journey.step("contact") or journey.steps[0]


def _check(request, journey: ServiceJourney, step: Step) -> HttpResponse:
    errors: list[dict] = []
    if request.method == "POST":
        if is_limited(request, "submit"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        try:
            if journey.supporting:
                return _support(request, journey)
            service_request = _submit(request, journey)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = _step_for_error(journey, field)
                errors.append({"text": messages[0], "href": journey.url(target, change=True)})
        else:
            journey.clear(delete_photos=True)
            remember(request, RAISED_KEY, service_request.reference)
            return redirect("portal:done", reference=service_request.formatted_reference)
    return _page(
        request,
        journey,
        step,
        "portal/check.html",
        {"rows": journey.summary_rows(), "errors": errors},
        status=400 if errors else 200,
    )


def _submit(request: HttpRequest, journey: ServiceJourney) -> ServiceRequest:
    service = journey.service
    location = journey.location()
    try:
        place = places.responsible(
            service, location, site_name=portal_context(request)["site_name"]
        )
    except places.PlaceProblem as exc:
        raise ValidationError({"location": exc.messages[0]}) from exc
    contact = journey.state["contact"]
    email, phone = contact.get("email", ""), contact.get("phone", "")
    details = journey.state["details"]
    about_service, about_request = _complaint_about(journey)
    with transaction.atomic():
        customer = None
        if email or phone:
            given, family = split_name(contact.get("full_name", ""))
            # The partner's record whose email or phone the resident proved, else a new one
            # (queued for the steward where it may be a duplicate): customers.front_door.
            customer = customer_for_submission(
                partner=place.delivery.partner,
                channel="web",
                given_name=given,
                family_name=family,
                email=email,
                phone=phone,
                addresses=[journey.state["address"]] if journey.flow == APPLY else [],
                preferred_channel="email" if email else "sms",
                preferred_language=language(),
                consents=[ConsentPurpose.EMAIL_UPDATES if email else ConsentPurpose.SMS_UPDATES],
                consent_how="Gave their contact details for updates on the resident site.",
            ).customer
        service_request = raise_request(
            user=None,
            service=service,
            channel="web",
            location=location,
            attributes=journey.answers(),
            description=details.get("description", "") if journey.flow == REPORT else "",
            customer=customer,
            about_service=about_service,
            about_request=about_request,
        )
        evidence = journey.state.get("evidence", {}) if journey.flow == APPLY else {}
        labels = {r.code: r.label for r in journey.evidence_requirements}
        if evidence:
            files = [
                (code, labels.get(code, ""), upload["name"], default_storage.open(upload["path"]))
                for code, upload in evidence.items()
            ]
            try:
                attach_evidence(service_request, files)
            finally:
                for *_rest, file in files:
                    file.close()
        photos = details.get("photos", []) if journey.flow == REPORT else []
        if photos:
            files = [(default_storage.open(p["path"]), p["content_type"]) for p in photos]
            try:
                attach_photos(service_request, files)
            finally:
                for file, _type in files:
                    file.close()
    return service_request


def _support(request: HttpRequest, journey: ServiceJourney) -> HttpResponse:
    """Add the resident's report to the request nearby they chose (if it is still open and
    still nearby), as a supporter told of its updates when they gave contact details."""
    try:
        stored = parse_reference(journey.supporting)
    except ReferenceError:
        stored = ""
    existing = offered(journey.service, journey.location(), stored) if stored else None
    if existing is None:
        journey.state["nearby"] = {}
        journey.save()
        raise ValidationError(
            {"nearby": _("That report has just been closed. Report the problem as new")}
        )
    contact = journey.state["contact"]
    email, phone = contact.get("email", ""), contact.get("phone", "")
    with transaction.atomic():
        customer = None
        if email or phone:
            given, family = split_name(contact.get("full_name", ""))
            customer = customer_for_submission(
                partner=existing.responsible_partner,
                channel="web",
                given_name=given,
                family_name=family,
                email=email,
                phone=phone,
                preferred_channel="email" if email else "sms",
                preferred_language=language(),
                consents=[ConsentPurpose.EMAIL_UPDATES if email else ConsentPurpose.SMS_UPDATES],
                consent_how="Gave their contact details for updates on the resident site.",
            ).customer
        add_supporter(request=existing, channel="web", customer=customer)
    journey.clear(delete_photos=True)
    return render_portal(
        request,
        "portal/supported.html",
        {
            "service": journey.service,
            "reference": existing.formatted_reference,
            "told": bool(customer),
            "by_email": bool(email),
        },
    )


def _complaint_about(journey: ServiceJourney):
    """(service, request) a complaint is about, from the journey; a reference that finds
    nothing is kept in the complaint's answers for the officer, never refused (which would
    tell the resident whether someone else's reference exists)."""
    about = journey.state.get("about", {}) if journey.is_complaint else {}
    if not about:
        return None, None
    service = Service.objects.filter(code=about.get("service", "")).first()
    request = None
    if about.get("reference"):
        try:
            stored = parse_reference(about["reference"])
        except ReferenceError:
            stored = ""
        request = (
            ServiceRequest.objects.select_related("service", "responsible_partner", "team")
            .filter(reference=stored)
            .first()
        )
    return service, request


@personal_data
@require_http_methods(["GET"])
def done(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        stored = parse_reference(reference)
    except ReferenceError as exc:
        raise Http404(str(exc)) from exc
    if stored not in remembered(request, RAISED_KEY):
        # Only the browser that made the request sees its confirmation; others track it.
        return redirect(f"{reverse('portal:track')}?reference={reference}")
    service_request = get_object_or_404(
        ServiceRequest.objects.select_related("service", "responsible_partner", "customer"),
        reference=stored,
    )
    customer = service_request.customer
    return render_portal(
        request,
        "portal/done.html",
        {
            "sr": service_request,
            "has_email": bool(customer and customer.emails.exists()),
            "has_phone": bool(customer and customer.phones.exists()),
        },
    )
