"""Report to another agency (issue 17, item 3): a community-safety officer raises a request for
the other partner at a place on the hotspot map (a grid square, or an area), or from one of
their own requests; insight.reciprocal does the raising and decides who follows it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from firstcontact.desk.forms import apply_errors, error_dict
from firstcontact.insight import hotspots
from firstcontact.insight.forms import ReciprocalRaiseForm, ReciprocalServiceForm
from firstcontact.insight.hotspots import Square
from firstcontact.insight.pages.base import nav, page_for
from firstcontact.insight.reciprocal import (
    may_raise_for_other_agency,
    originating_request,
    other_agency_options,
    raise_for_other_agency,
    square_of,
)
from firstcontact.partners.geography import Location
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import acting_partner_ids

raise_page_for = page_for(
    may_raise_for_other_agency,
    "Requests for other agencies are raised by community-safety caseworkers, team leaders and "
    "managers.",
)


def _place_from_query(request: HttpRequest) -> dict:
    """Where to raise: {"title", "location", "place", "origin", "back", "hidden"} from the
    query (a square, an area of a partner, or one of the user's own requests); 404 if it
    names nothing."""
    # The form carries the place in hidden fields; the address it was opened at, in its query.
    params = request.POST.copy() if request.method == "POST" else request.GET.copy()
    for key, value in request.GET.items():
        params.setdefault(key, value)
    reference = params.get("from", "").strip()
    if reference:
        origin = originating_request(request.user, reference)
        location = Location(
            latitude=origin.latitude,
            longitude=origin.longitude,
            postcode=origin.postcode,
            uprn=origin.uprn,
            address=origin.address,
        )
        place = ""
        if origin.latitude is not None and origin.longitude is not None:
            place = square_of(origin.latitude, origin.longitude).key
        return {
            "title": f"request {origin.formatted_reference}",
            "location": location,
            "place": place,
            "origin": origin,
            "address": origin.address,
            "back": reverse("desk:work_request", args=[origin.reference]),
            "back_label": f"Back to request {origin.formatted_reference}",
            "hidden": {"from": origin.reference},
        }
    area_name = params.get("area", "").strip()
    areas_id = params.get("areas", "").strip()
    if area_name and areas_id.isdigit():
        area = next((a for a in hotspots.load_areas(int(areas_id)) if a.name == area_name), None)
        if area is None:
            raise Http404("No such area.")
        point = area.prepared.context.representative_point()
        square = square_of(point.y, point.x)
        return {
            "title": area.name,
            "location": Location(latitude=point.y, longitude=point.x),
            "place": square.key,
            "origin": None,
            "address": "",
            "back": f"{reverse('insight:places')}?areas={areas_id}",
            "back_label": "Back to community safety",
            "hidden": {"areas": areas_id, "area": area.name},
        }
    square = Square.parse(params.get("place", ""))
    if square is None:
        raise Http404("No such place.")
    lat, lon = square.centre
    return {
        "title": square.label,
        "location": Location(latitude=lat, longitude=lon),
        "place": square.key,
        "origin": None,
        "address": "",
        "back": f"{reverse('insight:place_actions')}?place={square.key}",
        "back_label": "Back to the place's action log",
        "hidden": {"place": square.key},
    }


@raise_page_for
@require_http_methods(["GET", "POST"])
def reciprocal_raise(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET): the problem, and so the agency, at this place. Step 2 (GET with a service,
    then POST): that service's questions, where and what; raised, then back to where it came
    from, which now lists it."""
    user = request.user
    where = _place_from_query(request)
    origin = where["origin"]
    from_partners = (
        [origin.responsible_partner]
        if origin is not None
        else list(Partner.objects.filter(pk__in=acting_partner_ids(user)).order_by("name"))
    )
    options = other_agency_options(where["location"], {p.pk for p in from_partners})
    params = request.POST if request.method == "POST" else request.GET
    # Bound once step 1 is submitted ("choosing"; no radio ticked sends no service at all).
    submitted = "service" in params or "choosing" in params
    choose = ReciprocalServiceForm(
        {"service": params.get("service", "")} if submitted else None, options=options
    )
    chosen = choose.chosen()
    context = {"where": where, "options": options, "nav": nav(request), "choose": choose}
    if chosen is None:
        # Step 1 (again, with its error, if the choice was missing or not on the list).
        return render(request, "insight/reciprocal_raise.html", {**context, "form": choose})
    service, delivery = chosen
    form = ReciprocalRaiseForm(
        request.POST if request.method == "POST" else None,
        service=service,
        from_partners=from_partners,
        initial={"address": where["address"]},
    )
    if request.method == "POST" and form.is_valid():
        location = where["location"]
        address = form.cleaned_data["address"].strip()
        if address:
            location = Location(
                latitude=location.latitude,
                longitude=location.longitude,
                postcode=location.postcode,
                uprn=location.uprn if address == location.address else "",
                address=address,
            )
        try:
            raised = raise_for_other_agency(
                user=user,
                service=service,
                location=location,
                description=form.cleaned_data["description"],
                from_partner=form.raising_partner(),
                origin=origin,
                place=where["place"],
                attributes=form.attribute_answers(),
            )
        except ValidationError as exc:
            apply_errors(form, error_dict(exc), form.error_mapping())
        else:
            messages.success(
                request,
                f"Request {raised.formatted_reference} raised for "
                f"{raised.responsible_partner.name}: “{service.name}”. You can follow its "
                "progress here.",
            )
            if origin is not None:
                return redirect("desk:work_request", reference=origin.reference)
            return redirect(f"{reverse('insight:place_actions')}?place={where['place']}")
    context.update(form=form, service=service, delivery=delivery)
    return render(request, "insight/reciprocal_raise.html", context)
