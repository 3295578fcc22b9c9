"""Directory editors' pages at /directory-editor/: the entries of the editor's partner, an entry
to edit and mark as checked, its places to change, add and remove, the partner's organisations
to edit and add entries to, and the stale-entries report (with CSV).

docs/access.md: `directory_editor`s keep their own partner's entries (another partner's is a
404, as if it were not there); a `partnership_admin` keeps every entry; anyone else signed in
gets 403. A place is changed or removed only where the editor may describe it
(`editing.may_edit_place`); another partner's office, or a feed's place, is a 404 here.
Directory entries are public data, so nothing here is audited as a customer record.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firstcontact.directory import editing
from firstcontact.directory.forms import (
    NewServiceForm,
    OrganizationEditForm,
    PlaceForm,
    ServiceEditForm,
)
from firstcontact.directory.models import (
    Attribute,
    LinkType,
    Location,
    Organization,
    Schedule,
    Service,
)

PER_PAGE = 50


def editor_required(view):
    """Directory editors and partnership administrators; others 403, visitors sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not editing.may_edit_directory(request.user):
            raise PermissionDenied("These pages are for directory editors.")
        return view(request, *args, **kwargs)

    return wrapper


def _one(queryset: QuerySet, pk: str, what: str):
    """The record of `queryset` with that id; a bad id or any other record is a 404 (as if
    it were not there)."""
    try:
        key = uuid.UUID(pk)
    except ValueError:
        raise Http404(f"No such {what}") from None
    found = queryset.filter(pk=key).first()
    if found is None:
        raise Http404(f"No such {what}")
    return found


def _service(request: HttpRequest, pk: str) -> Service:
    return _one(editing.editable_services(request.user), pk, "entry")


def _organization(request: HttpRequest, pk: str) -> Organization:
    """One of the organisations the user may edit; any other (or a bad id) is a 404."""
    return _one(editing.editable_organizations(request.user), pk, "organisation")


def _row(service: Service, today) -> dict:
    return {
        "service": service,
        "due": editing.review_due(service),
        "stale": editing.is_stale(service, today),
    }


@editor_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    services = editing.editable_services(request.user).order_by(
        "organization__name", "catalogue_service__name", "name"
    )
    words = (request.GET.get("q") or "").strip()[:100]
    if words:
        services = services.filter(
            Q(name__icontains=words)
            | Q(catalogue_service__name__icontains=words)
            | Q(organization__name__icontains=words)
        )
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory_editor/index.html",
        {
            "organizations": editing.editable_organizations(request.user)
            .select_related("partner")
            .order_by("name"),
            "page": page,
            "rows": [_row(s, today) for s in page.object_list],
            "stale_count": editing.stale_services(request.user, today).count(),
            "q": words,
            "all_partners": editing.editor_partner_ids(request.user) is None,
        },
    )


def _initial(service: Service) -> dict:
    contact = service.contacts.first()
    phone = service.phones.first()
    # The service's own times, else those at any of its places (not only the first: which
    # place comes first is not fixed, and the others' times would look "changed").
    schedule = (
        service.schedules.exclude(byday="").first()
        or Schedule.objects.filter(service_at_location__service=service)
        .exclude(byday="")
        .order_by("service_at_location__location__name", "pk")
        .first()
    )
    costs = list(service.cost_options.all())
    paid = next((c for c in costs if c.amount and c.amount > 0), None)
    terms = Attribute.objects.filter(
        link_entity=LinkType.SERVICE,
        link_id=service.pk,
        taxonomy_term__taxonomy__name__in=editing.EDITABLE_TAXONOMIES,
    ).values_list("taxonomy_term_id", flat=True)
    return {
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "url": service.url,
        "email": service.email,
        "phone": phone.number if phone else "",
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
        "days": schedule.byday.split(",") if schedule else [],
        # Times as times (not text), so an untouched field is not "changed".
        "opens_at": schedule.opens_at if schedule else None,
        "closes_at": schedule.closes_at if schedule else None,
        "cost": "paid" if paid else ("free" if costs else ""),
        "amount": paid.amount if paid else None,
        "amount_description": paid.amount_description if paid else "",
        "fees": service.fees,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "languages": list(service.languages.values_list("code", flat=True)),
        "terms": list(terms),
        "alert": service.alert,
        "review_date": service.review_date,
    }


@editor_required
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest, pk: str) -> HttpResponse:
    entry = _service(request, pk)
    places, other_places = editing.service_places(request.user, entry)
    if entry.feed_id is not None:
        # A feed's entry is read-only here: each of its places is shown as text.
        places, other_places = [], places + other_places
    form = ServiceEditForm(
        request.POST if request.method == "POST" else None,
        service=entry,
        places=places,
        initial=_initial(entry),
    )
    if entry.feed_id is not None and request.method == "POST":
        form.add_error(None, "This entry comes from another publisher's feed: change it there.")
    elif request.method == "POST" and form.is_valid():
        try:
            editing.update_service(
                user=request.user,
                service=entry,
                data=form.cleaned_data,
                changed=set(form.changed_data),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Saved “{entry.display_name}”.")
            return redirect("directory_editor:service", pk=entry.pk)
    return render(
        request,
        "directory_editor/service.html",
        {
            "entry": entry,
            "form": form,
            "due": editing.review_due(entry),
            "stale": editing.is_stale(entry),
            # Each place the editor keeps, with its accessibility field; the others as text.
            "places": [(place, form[name]) for place, name, _facts in form.places],
            "other_places": other_places,
        },
    )


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors[0])


@editor_required
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest, pk: str) -> HttpResponse:
    org = _organization(request, pk)
    initial = {field: getattr(org, field) for field in OrganizationEditForm.base_fields}
    form = OrganizationEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if org.feed_id is not None and request.method == "POST":
        form.add_error(
            None, "This organisation comes from another publisher's feed: change it there."
        )
    elif request.method == "POST" and form.is_valid():
        try:
            editing.update_organization(user=request.user, organization=org, data=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Saved “{org.name}”.")
            return redirect("directory_editor:organization", pk=org.pk)
    return render(
        request,
        "directory_editor/organization.html",
        {
            "org": org,
            "form": form,
            "services": org.services.select_related("catalogue_service").order_by(
                "catalogue_service__name", "name"
            ),
        },
    )


@editor_required
@require_http_methods(["GET", "POST"])
def new_service(request: HttpRequest, pk: str) -> HttpResponse:
    org = _organization(request, pk)
    if org.feed_id is not None:
        # A feed's organisation is kept by its publisher: nothing to add here.
        raise Http404("This organisation comes from another publisher's feed")
    form = NewServiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = editing.create_service(
                user=request.user, organization=org, data=form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Added “{entry.name}”. Add its times, costs and more here.")
            place = entry.at_locations.select_related("location").first()
            if place is not None and place.location.latitude is None:
                messages.info(
                    request,
                    f"We do not know where {place.location.postcode} is yet, so residents "
                    "searching by postcode will not find this place by its distance.",
                )
            return redirect("directory_editor:service", pk=entry.pk)
    return render(request, "directory_editor/new_service.html", {"org": org, "form": form})


# ------------------------------------------------------------------ an entry's places


def _own_entry(request: HttpRequest, pk: str) -> Service:
    """An entry the user may edit that is not a feed's (its places are kept at its publisher)."""
    entry = _service(request, pk)
    if entry.feed_id is not None:
        raise Http404("This entry comes from another publisher's feed")
    return entry


def _place(request: HttpRequest, entry: Service, pk: str) -> Location:
    """One of the entry's places that the user may describe; any other (another partner's
    office, a feed's place, another entry's place, a bad id) is a 404."""
    places = Location.objects.filter(services_at__service=entry).select_related("organization")
    place = _one(places, pk, "place")
    if not editing.may_edit_place(request.user, place):
        raise Http404("No such place")
    return place


def _position_message(request: HttpRequest, saved: editing.PlaceSaved) -> None:
    if not saved.unknown_postcode:
        return
    postcode = saved.place.postcode
    if saved.had_position:
        messages.info(
            request,
            f"We do not know where {postcode} is yet, so residents searching by postcode still "
            "find this place at its old position until that postcode is loaded.",
        )
    else:
        messages.info(
            request,
            f"We do not know where {postcode} is yet, so residents searching by postcode will "
            "not find this place by its distance.",
        )


def _with_links(request: HttpRequest, services) -> list[tuple[Service, bool]]:
    """Each entry, and whether the user may open it here (others are named, not linked)."""
    services = list(services)
    mine = set(
        editing.editable_services(request.user)
        .filter(pk__in=[s.pk for s in services])
        .values_list("pk", flat=True)
    )
    return [(s, s.pk in mine) for s in services]


@editor_required
@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, pk: str, place: str) -> HttpResponse:
    entry = _own_entry(request, pk)
    location = _place(request, entry, place)
    form = PlaceForm(
        request.POST if request.method == "POST" else None,
        initial=editing.place_initial(location),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = editing.update_place(user=request.user, place=location, data=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Saved “{location.name or 'the place'}”.")
            _position_message(request, saved)
            return redirect("directory_editor:service", pk=entry.pk)
    return render(
        request,
        "directory_editor/place.html",
        {
            "entry": entry,
            "place": location,
            "form": form,
            "sharing": _with_links(request, editing.place_services(location)),
        },
    )


@editor_required
@require_http_methods(["GET", "POST"])
def add_place(request: HttpRequest, pk: str) -> HttpResponse:
    entry = _own_entry(request, pk)
    form = PlaceForm(request.POST if request.method == "POST" else None, adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            saved = editing.add_place(user=request.user, service=entry, data=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Added “{saved.place.name}” to “{entry.display_name}”.")
            _position_message(request, saved)
            return redirect("directory_editor:service", pk=entry.pk)
    return render(
        request, "directory_editor/place.html", {"entry": entry, "place": None, "form": form}
    )


@editor_required
@require_http_methods(["GET", "POST"])
def remove_place(request: HttpRequest, pk: str, place: str) -> HttpResponse:
    """A page to confirm on (it works without JavaScript), then the entry leaves the place."""
    entry = _own_entry(request, pk)
    location = _place(request, entry, place)
    others = _with_links(request, editing.place_services(location).exclude(pk=entry.pk))
    if request.method == "POST":
        deleted = editing.remove_place(user=request.user, service=entry, place=location)
        name = location.name or "the place"
        messages.success(
            request,
            f"“{entry.display_name}” is no longer offered at “{name}”."
            + (" The place is deleted: no other entry was there." if deleted else ""),
        )
        return redirect("directory_editor:service", pk=entry.pk)
    return render(
        request,
        "directory_editor/remove_place.html",
        {
            "entry": entry,
            "place": location,
            "address": editing.place_address(location),
            "others": others,
        },
    )


@editor_required
@require_POST
def assure(request: HttpRequest, pk: str) -> HttpResponse:
    entry = _service(request, pk)
    if entry.feed_id is not None:
        messages.error(request, "This entry comes from another publisher's feed: check it there.")
    else:
        editing.assure(user=request.user, service=entry)
        messages.success(
            request,
            f"“{entry.display_name}” marked as checked today. "
            f"Next review by {entry.review_date:%-d %B %Y}.",
        )
    back = request.POST.get("next") or ""
    if back == "stale":
        return redirect("directory_editor:stale")
    return redirect("directory_editor:service", pk=entry.pk)


@editor_required
def stale(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    services = editing.stale_services(request.user, today)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            editing.stale_csv(services, today), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="stale-directory-entries-{today.isoformat()}.csv"'
        )
        response["Cache-Control"] = "no-store"
        return response
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory_editor/stale.html",
        {
            "page": page,
            "rows": [_row(s, today) for s in page.object_list],
            "csv_url": f"{reverse('directory_editor:stale')}?format=csv",
        },
    )
