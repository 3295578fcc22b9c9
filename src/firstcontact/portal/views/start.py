"""The start page, search, lists of what can be reported or applied for, and service pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from firstcontact.catalogue.models import Service, ServiceKind
from firstcontact.lifeevents.models import LifeEvent
from firstcontact.lifeevents.selectors import public_life_events
from firstcontact.portal.forms import ChooseServiceForm, SearchForm
from firstcontact.portal.journeys import APPLY, FLOW_KINDS, REPORT
from firstcontact.portal.rendering import render_portal
from firstcontact.servicerequests.references import looks_like_reference, parse_reference

MOST_USED = 6


def service_url(service: Service) -> str:
    if service.kind in FLOW_KINDS[REPORT]:
        return reverse("portal:report_start", kwargs={"code": service.code})
    if service.kind in FLOW_KINDS[APPLY]:
        return reverse("portal:apply_start", kwargs={"code": service.code})
    if service.kind == ServiceKind.LIFE_EVENT:
        return reverse("portal:tell_us_once")
    return reverse("portal:service", kwargs={"code": service.code})


def life_event_url(event: LifeEvent) -> str:
    return reverse("portal:life_event", kwargs={"slug": event.slug})


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    description: str = ""
    group: str = ""


def most_used(limit: int = MOST_USED) -> list[Link]:
    """The public services residents asked for most in the last 90 days."""
    since = timezone.now() - dt.timedelta(days=90)
    services = list(
        Service.objects.public()
        .exclude(kind__in=[ServiceKind.LIFE_EVENT, ServiceKind.INFORMATION])
        .annotate(used=Count("requests", filter=Q(requests__created_at__gte=since)))
        .order_by("-used", "name")[:limit]
    )
    return [Link(s.name, service_url(s), s.description) for s in services]


_WORD = re.compile(r"[a-z0-9ąćęłńóśźż]+")


def _words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def search(query: str) -> list[Link]:
    """Public services and life events matching the words of `query`, best first."""
    words = {_stem(w) for w in _words(query) if len(w) > 1}
    if not words:
        return []
    scored: list[tuple[int, str, Link]] = []

    def score(name: str, keywords: str, rest: str) -> int:
        name_words = {_stem(w) for w in _words(name)}
        keyword_text = " ".join(_stem(w) for w in _words(keywords))
        rest_words = {_stem(w) for w in _words(rest)}
        total = 0
        for word in words:
            if word in name_words:
                total += 5
            elif word in keyword_text:
                total += 3
            elif word in rest_words:
                total += 1
        return total

    for service in Service.objects.public():
        points = score(service.name, service.keywords, f"{service.group} {service.description}")
        if points:
            link = Link(service.name, service_url(service), service.description, service.group)
            scored.append((points, service.name, link))
    for event in public_life_events():
        points = score(event.name, event.keywords, event.summary)
        if points:
            scored.append(
                (points + 1, event.name, Link(event.name, life_event_url(event), event.summary))
            )
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [link for _, _, link in scored[:20]]


def start(request: HttpRequest) -> HttpResponse:
    return render_portal(
        request,
        "portal/start.html",
        {
            "search_form": SearchForm(),
            "most_used": most_used(),
            "life_events": list(public_life_events()),
            "complaint": Service.objects.public().filter(kind=ServiceKind.COMPLAINT).first(),
        },
    )


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    reference = None
    if looks_like_reference(query):
        try:
            reference = parse_reference(query)
        except ValueError:
            reference = None
    return render_portal(
        request,
        "portal/search.html",
        {
            "search_form": form,
            "query": query,
            "results": search(query),
            "reference": reference,
        },
    )


def _public(kinds: list[str]):
    return Service.objects.public().filter(kind__in=kinds)


def report_category(request: HttpRequest) -> HttpResponse:
    services = list(_public(FLOW_KINDS[REPORT]).order_by("group", "name"))
    form = ChooseServiceForm(
        (request.POST if request.method == "POST" else None),
        services=services,
        label=_("What is the problem?"),
    )
    if request.method == "POST" and form.is_valid():
        return redirect("portal:report_start", code=form.cleaned_data["service"])
    return render_portal(request, "portal/report_category.html", {"form": form})


def apply_list(request: HttpRequest) -> HttpResponse:
    services = list(
        _public(FLOW_KINDS[APPLY]).exclude(kind=ServiceKind.COMPLAINT).order_by("group", "name")
    )
    groups: dict[str, list[Link]] = {}
    for service in services:
        groups.setdefault(service.group, []).append(
            Link(service.name, service_url(service), service.description)
        )
    return render_portal(request, "portal/apply_list.html", {"groups": groups})


def complain(request: HttpRequest) -> HttpResponse:
    complaint = _public([ServiceKind.COMPLAINT]).order_by("name").first()
    if complaint is not None:
        return redirect("portal:apply_start", code=complaint.code)
    return render_portal(request, "portal/complain.html")


def service_page(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.public(), code=code)
    if service.kind != ServiceKind.INFORMATION:
        return redirect(service_url(service))
    deliveries = service.deliveries.select_related("partner").order_by("partner__name")
    return render_portal(
        request, "portal/service.html", {"service": service, "deliveries": deliveries}
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/accessibility.html")
