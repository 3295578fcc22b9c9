"""Find a service: the directory (firstcontact.directory) on the resident site. Search by words
and postcode with filters, results nearest first with opening times, a page for each service,
and the list to print or have sent by email, and a new resident's welcome pack. Everything works
without JavaScript (GET forms; the service page's map is drawn only with it, beside the
addresses in words and a link to a map site)."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firstcontact.customers.contact_points import clean_email
from firstcontact.directory import finder, welcome
from firstcontact.directory.forms import FindServiceForm, search_query
from firstcontact.directory.models import WelcomePack
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.portal.places import map_tiles
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.portal.templatetags.portal import catalogue
from firstcontact.security import personal_data

PER_PAGE = 20
LIST_MAX = 50
EMAIL_MAX = 254


def _label(term) -> str:
    return str(catalogue(term.name))


def _search(request: HttpRequest) -> tuple[FindServiceForm, list[finder.Found] | None]:
    bound = any(request.GET.get(k) for k in ("q", "postcode", "category", "search"))
    form = FindServiceForm(request.GET if bound else None, category_label=_label)
    if not bound or not form.is_valid():
        return form, None
    try:
        # Only the results a page shows are attached (finder.attach), not all of them.
        return form, finder.find(form.filters(), attach=False)
    except finder.UnknownPostcode:
        form.unknown_postcode()
        return form, None


def _view(found: finder.Found) -> dict:
    service = found.service
    addresses = list(found.location.addresses.all()) if found.location else []
    return {
        "found": found,
        "service": service,
        "name": service.display_name,
        "organization": service.organization.name if service.organization else "",
        "address": addresses[0] if addresses else None,
        "times": [t for t in (finder.describe(s) for s in found.schedules[:3]) if t],
        "free": finder.is_free(service),
    }


def find_service(request: HttpRequest) -> HttpResponse:
    form, results = _search(request)
    page = None
    if results is not None:
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    query = search_query(request.GET)
    return render_portal(
        request,
        "portal/directory_search.html",
        {
            "form": form,
            "page": page,
            "results": [_view(f) for f in finder.attach(list(page.object_list))]
            if page is not None
            else None,
            "total": len(results) if results is not None else 0,
            "query": query,
            "postcode": form.cleaned_data.get("postcode") if results is not None else "",
        },
    )


def service_page(request: HttpRequest, id: str) -> HttpResponse:
    try:
        service_id = uuid.UUID(id)
    except ValueError:
        raise Http404("No such service") from None
    service = finder.service_detail(service_id)
    if service is None:
        raise Http404("No such service")
    places = []
    for at in service.at_locations.all():
        location = at.location
        schedules = list(at.schedules.all()) or list(location.schedules.all())
        places.append(
            {
                "location": location,
                "addresses": list(location.addresses.all()),
                "times": [t for t in (finder.describe(s) for s in schedules) if t],
                "accessibility": list(location.accessibility.all()),
                "phones": list(location.phones.all()),
                "map_url": _map_url(location),
            }
        )
    terms = finder.categories_by_service([service.pk]).get(service.pk, [])
    query = search_query(request.GET)
    return render_portal(
        request,
        "portal/directory_service.html",
        {
            "service": service,
            "name": service.display_name,
            "description": service.display_description,
            "places": places,
            "times": [t for t in (finder.describe(s) for s in service.schedules.all()) if t],
            "costs": list(service.cost_options.all()),
            "free": finder.is_free(service),
            "contacts": list(service.contacts.all()),
            "phones": list(service.phones.all()),
            "languages": list(service.languages.all()),
            "terms": terms,
            "query": query,
            "back_url": f"{reverse('portal:find_service')}?{query}" if query else None,
            "catalogue_url": _catalogue_url(service),
            "map": _map(places),
        },
    )


def _map(places: list[dict]) -> dict | None:
    """The places with coordinates, for the service page's map (shown only with JavaScript:
    the addresses are on the page in words)."""
    points = [
        [
            round(p["location"].latitude, 6),
            round(p["location"].longitude, 6),
            str(p["location"].name or _("Address")),
        ]
        for p in places
        if p["location"].latitude is not None and p["location"].longitude is not None
    ]
    if not points:
        return None
    return {
        "points": json.dumps(points),
        **map_tiles(),
    }


def _map_url(location) -> str:
    if location.latitude is None or location.longitude is None:
        return ""
    lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def _catalogue_url(service) -> str:
    """The resident site's own page for a partner's service (to report or apply online)."""
    if not service.catalogue_service_id:
        return ""
    from firstcontact.portal.views.start import service_url

    return service_url(service.catalogue_service)


def _plain_list(results: list[dict], query_url: str) -> str:
    return render_to_string(
        "portal/directory_list_email.txt", {"rows": results, "query_url": query_url}
    )


@personal_data
@require_http_methods(["GET", "POST"])
def service_list(request: HttpRequest) -> HttpResponse:
    """The results as a list to print or send: each with its address, times and contacts."""
    form, results = _search(request)
    if results is None:
        return redirect(f"{reverse('portal:find_service')}?{search_query(request.GET)}")
    shown = finder.attach(results[:LIST_MAX])
    ids = [f.service_id for f in shown]
    details = {s.pk: s for s in finder.full_services_by_id(ids)}
    rows = []
    for found in shown:
        row = _view(found)
        service = details.get(found.service_id)
        row["contacts"] = list(service.contacts.all()) if service else []
        row["phones"] = list(service.phones.all()) if service else []
        if found.location is not None:
            row["phones"] += list(found.location.phones.all())
        row["email"] = service.email if service else ""
        row["url"] = service.url if service else ""
        rows.append(row)
    query = search_query(request.GET)
    list_url = request.build_absolute_uri(f"{reverse('portal:service_list')}?{query}")
    email_error = ""
    sent_to = ""
    if request.method == "POST":
        address = (request.POST.get("email") or "").strip()[:EMAIL_MAX]
        try:
            address = clean_email(address) if address else ""
        except ValueError:
            address = ""
        if not address:
            email_error = _("Enter an email address in the correct format, like name@example.com")
        elif is_limited(request, "submit"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        else:
            queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=address,
                subject=_("Services you found"),
                body=_plain_list(rows, list_url),
            )
            sent_to = address
    return render_portal(
        request,
        "portal/directory_list.html",
        {
            "rows": rows,
            "total": len(results),
            "shown": len(shown),
            "query": query,
            "email_error": email_error,
            "sent_to": sent_to,
            "back_url": f"{reverse('portal:find_service')}?{query}",
        },
    )


def welcome_pack(request: HttpRequest, token: str) -> HttpResponse:
    """A new resident's welcome pack (firstcontact.directory.welcome), at its random link: in
    the language it was sent in unless the resident chose another; gone after it expires."""
    pack = WelcomePack.objects.filter(token=token[:64]).first() if token else None
    if pack is None:
        raise Http404("No such welcome pack")
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and pack.language in dict(
        settings.LANGUAGES
    ):
        translation.activate(pack.language)
        request.LANGUAGE_CODE = pack.language
    if pack.expired:
        response = render_portal(request, "directory/welcome_expired.html", status=410)
    else:
        sections = [
            {"code": s.code, "title": s.title, "results": [_view(f) for f in s.results]}
            for s in welcome.sections(pack)
        ]
        response = render_portal(
            request,
            "directory/welcome_pack.html",
            {"pack": pack, "sections": sections},
        )
    # The link is the key: not kept by shared caches, not sent on to other sites.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
