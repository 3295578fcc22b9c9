"""Community safety: what is happening where (hotspots), the joint tasking list for the
partnership meeting, and each place's action log, shared by police and councils.

Who may open these pages and whose figures they show: insight.scoping (can_view_places,
places_partner_ids) and docs/access.md. Counts only, by 500-metre square or by area, small
numbers suppressed (insight.hotspots); the requests behind a place are listed only as far as
servicerequests.selectors.visible_requests lets the user read them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Contact
from firstcontact.insight import hotspots
from firstcontact.insight.forms import PlaceActionForm, PlacesForm
from firstcontact.insight.hotspots import Square, change, sort_key, suppress
from firstcontact.insight.indicators import local_day_bounds
from firstcontact.insight.models import PlaceAction, ReciprocalRequest
from firstcontact.insight.pages.base import NAV, NavItem, nav, page_for, render_page
from firstcontact.insight.reciprocal import (
    may_raise_for_other_agency,
    raised_at_place,
    raised_rows,
)
from firstcontact.insight.reports import Chart, Report
from firstcontact.insight.scoping import (
    can_view_places,
    community_safety_service_ids,
    places_partner_ids,
    scoped_community_safety_contacts,
    scoped_community_safety_requests,
    sees_all_partners,
)
from firstcontact.insight.tables import Column, Links, Table
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.servicerequests.selectors import visible_requests

NAV.extend(
    [
        NavItem("insight:places", "Community safety", can_view_places),
        NavItem("insight:tasking", "Joint tasking", can_view_places),
    ]
)

places_page_for = page_for(
    can_view_places,
    "The community-safety pages are for team leaders, managers, and caseworkers in a team "
    "that works a community-safety service.",
)

TOP_PLACES = 10
PAGE_PLACES = 100  # rows of the places table on the page (the CSV has them all)
REQUESTS_PER_PLACE = 20
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SUPPRESSION_NOTE = (
    'Counts under 5 show as "fewer than 5"; where a total would give one away, another '
    'count is "withheld" too. The change is shown only where both periods\' counts are.'
)

PLACES = Report(
    name="places",
    caption="Requests by place",
    columns=(
        Column("place", "Place"),
        Column("requests", "Requests", "count"),
        Column("previous", "Previous period", "count"),
        Column("change", "Change", "signed"),
        Column("act", "Act on this place", "links"),
    ),
    note=SUPPRESSION_NOTE,
)

CATEGORIES = Report(
    name="categories",
    caption="Requests and contacts by category",
    columns=(
        Column("category", "Category"),
        Column("requests", "Requests", "count"),
        Column("previous", "Previous period", "count"),
        Column("change", "Change", "signed"),
        Column("contacts", "Contacts", "count"),
    ),
    note=SUPPRESSION_NOTE,
)

HOURS = Report(
    name="hours",
    caption="Requests by hour of day",
    columns=(Column("hour", "Hour"), Column("requests", "Requests", "count")),
    charts=(
        Chart(
            "bar",
            title="Requests by hour of day",
            description="One bar for each hour of the day, from {first:%-d %B %Y} to "
            "{last:%-d %B %Y}; hours with a suppressed count have no bar.",
            category="short",
            series=(("Requests", "bar"),),
        ),
    ),
)

DAYS_REPORT = Report(
    name="days",
    caption="Requests by day of the week",
    columns=(Column("day", "Day"), Column("requests", "Requests", "count")),
    charts=(
        Chart(
            "bar",
            title="Requests by day of the week",
            description="One bar for each day of the week, from {first:%-d %B %Y} to "
            "{last:%-d %B %Y}; days with a suppressed count have no bar.",
            category="short",
            series=(("Requests", "bar"),),
        ),
    ),
)


@dataclass
class Scope:
    """What the filters and the user's scope choose."""

    form: PlacesForm
    first: object
    last: object
    previous: tuple
    requests: QuerySet[ServiceRequest]  # every period
    contacts: QuerySet[Contact]
    services: QuerySet[Service]
    areas: list = field(default_factory=list)
    areas_partner: Partner | None = None

    def in_period(self, qs: QuerySet, first=None, last=None, field_name="created_at"):
        start, end = local_day_bounds(first or self.first, last or self.last)
        return qs.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _scope(request: HttpRequest) -> Scope:
    user = request.user
    ids = places_partner_ids(user)
    services = Service.objects.filter(pk__in=community_safety_service_ids()).order_by("name")
    if ids is not None:
        services = services.filter(deliveries__partner_id__in=ids).distinct()
    # Boundaries are public geography, not anyone's records: any partner's may be used.
    area_partners = (
        Partner.objects.filter(areas__boundary__isnull=False).distinct().order_by("name")
    )
    form = PlacesForm(request.GET or None, services=services, area_partners=area_partners)
    first, last = form.period()
    valid = form.is_bound and form.is_valid()
    service = form.cleaned_data.get("service") if valid else None
    areas_partner = form.cleaned_data.get("areas") if valid else None
    requests = scoped_community_safety_requests(user).filter(service__in=services)
    contacts = scoped_community_safety_contacts(user)
    if service is not None:
        requests = requests.filter(service=service)
    return Scope(
        form=form,
        first=first,
        last=last,
        previous=hotspots.previous_period(first, last),
        requests=requests,
        contacts=contacts,
        services=services if service is None else services.filter(pk=service.pk),
        areas=hotspots.load_areas(areas_partner.pk) if areas_partner else [],
        areas_partner=areas_partner,
    )


def _square_area_names(scope: Scope, squares) -> dict[Square, str]:
    if not scope.areas:
        return {}
    return hotspots.areas_of(list(squares), scope.areas)


def place_rows(scope: Scope) -> tuple[list[dict], dict, dict]:
    """Rows by square (or area), the footer, and the shown value of each square."""
    now = hotspots.square_counts(scope.in_period(scope.requests))
    before = hotspots.square_counts(scope.in_period(scope.requests, *scope.previous))
    squares = sorted(set(now) | set(before))
    names = _square_area_names(scope, squares)
    if scope.areas_partner is not None:
        keys = sorted(set(names.values()))
        current = defaultdict(int)
        previous = defaultdict(int)
        for s in squares:
            current[names[s]] += now.get(s, 0)
            previous[names[s]] += before.get(s, 0)
        labels = {k: k for k in keys}
    else:
        keys = squares
        current, previous = now, before
        labels = {s: s.label for s in squares}
    shown_now, total_now = suppress([current.get(k, 0) for k in keys])
    shown_before, total_before = suppress([previous.get(k, 0) for k in keys])
    rows = []
    shown_by_key = {}
    for k, c, p in zip(keys, shown_now, shown_before, strict=True):
        shown_by_key[k] = c
        rows.append(
            {
                "place": labels[k],
                "key": k.key if isinstance(k, Square) else "",
                "requests": c,
                "previous": p,
                "change": change(c, p),
            }
        )
    rows.sort(key=lambda r: (sort_key(r["requests"]), r["place"]))
    footer = {
        "place": "All places",
        "requests": total_now,
        "previous": total_before,
        "change": change(total_now, total_before),
    }
    return rows, (footer if rows else None), shown_by_key


def _add_place_links(user, scope: Scope, rows: list[dict]) -> None:
    """Each place's links: its action log (squares), and raising a request for the other
    agency there (for those who may: insight.reciprocal)."""
    may_raise = may_raise_for_other_agency(user)
    raise_url = reverse("insight:reciprocal_raise")
    for row in rows:
        links = []
        if row["key"]:
            links.append(("Action log", f"{reverse('insight:place_actions')}?place={row['key']}"))
            if may_raise:
                links.append(("Report to another agency", f"{raise_url}?place={row['key']}"))
        elif (
            may_raise
            and scope.areas_partner is not None
            and row["place"] in {a.name for a in scope.areas}
        ):
            query = urlencode({"areas": scope.areas_partner.pk, "area": row["place"]})
            links.append(("Report to another agency", f"{raise_url}?{query}"))
        row["act"] = Links(links, row["place"]) if links else None


def _counts_by(qs: QuerySet, key: str) -> dict:
    return dict(qs.values_list(key).annotate(n=Count("pk")).order_by())


@places_page_for
def places(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    context = {"first": scope.first, "last": scope.last}
    tables: list[Table] = []

    rows, footer, shown = place_rows(scope)
    by_area = scope.areas_partner is not None
    note = None
    if len(rows) > PAGE_PLACES and request.GET.get("format") != "csv":
        # A month of a whole county can have ten thousand squares: the page lists the busiest
        # (everything on it follows from the CSV, whose suppression covers every place).
        note = (
            f"{SUPPRESSION_NOTE} The {PAGE_PLACES} places with the most requests of "
            f"{len(rows):,} are listed here; download the table as CSV for every place."
        )
        rows = rows[:PAGE_PLACES]
    _add_place_links(request.user, scope, rows)
    tables.append(
        PLACES.table(
            rows,
            caption="Requests by area" if by_area else "Requests by 500-metre square",
            footer=footer,
            note=note,
        )
    )
    grid = None
    if not by_area and shown:
        grid = hotspots.grid_map(
            "Map of requests by 500-metre square",
            f"Squares of about 500 metres with community-safety requests from "
            f"{scope.first:%-d %B %Y} to {scope.last:%-d %B %Y}, shaded by how many; north is "
            "up. The table below has the same figures.",
            {k: v for k, v in shown.items() if v != 0},
        )

    # By category: requests this period and the one before, and contacts.
    now = _counts_by(scope.in_period(scope.requests), "service_id")
    before = _counts_by(scope.in_period(scope.requests, *scope.previous), "service_id")
    start, end = local_day_bounds(scope.first, scope.last)
    contact_counts = dict(
        Contact.reasons.through.objects.filter(
            contact__in=scope.contacts.filter(started_at__gte=start, started_at__lt=end),
            service__in=scope.services,
        )
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    services = list(scope.services)
    shown_now, total_now = suppress([now.get(s.pk, 0) for s in services])
    shown_before, total_before = suppress([before.get(s.pk, 0) for s in services])
    shown_contacts, total_contacts = suppress([contact_counts.get(s.pk, 0) for s in services])
    category_rows = [
        {"category": s.name, "requests": c, "previous": p, "change": change(c, p), "contacts": n}
        for s, c, p, n in zip(services, shown_now, shown_before, shown_contacts, strict=True)
    ]
    tables.append(
        CATEGORIES.table(
            category_rows,
            footer={
                "category": "All categories",
                "requests": total_now,
                "previous": total_before,
                "change": change(total_now, total_before),
                "contacts": total_contacts,
            }
            if category_rows
            else None,
        )
    )

    # By hour of day and day of week, in local time.
    hours, days = hotspots.local_hours_and_days(scope.in_period(scope.requests))
    any_requests = bool(hours)
    shown_hours, total_hours = suppress([hours.get(h, 0) for h in range(24)])
    tables.append(
        HOURS.table(
            [
                {
                    "hour": f"{h:02d}:00 to {h:02d}:59",
                    "short": f"{h:02d}",
                    "requests": v,
                    "bar": None if isinstance(v, hotspots.Withheld) else v,
                }
                for h, v in enumerate(shown_hours)
            ]
            if any_requests
            else [],
            footer={"hour": "All hours", "requests": total_hours} if any_requests else None,
            context=context,
        )
    )
    shown_days, total_days = suppress([days.get(d, 0) for d in range(1, 8)])
    tables.append(
        DAYS_REPORT.table(
            [
                {
                    "day": name,
                    "short": name[:3],
                    "requests": v,
                    "bar": None if isinstance(v, hotspots.Withheld) else v,
                }
                for name, v in zip(DAYS, shown_days, strict=True)
            ]
            if any_requests
            else [],
            footer={"day": "All days", "requests": total_days} if any_requests else None,
            context=context,
        )
    )
    page = {
        "form": scope.form,
        "first": scope.first,
        "last": scope.last,
        "previous": scope.previous,
        "grid": grid,
        "by_area": by_area,
    }
    return render_page(request, "insight/places.html", page, tables)


@places_page_for
def tasking(request: HttpRequest) -> HttpResponse:
    """The printable joint tasking list: the top places for the period, their problems, the
    open requests behind each (those the user may read) and each place's actions."""
    scope = _scope(request)
    scope.areas = []  # squares: an action log belongs to a square
    scope.areas_partner = None
    rows, _, shown = place_rows(scope)
    top = [r for r in rows if not isinstance(r["requests"], hotspots.Withheld)][:TOP_PLACES]
    readable = visible_requests(request.user).filter(
        service__in=scope.services, created_at__lt=local_day_bounds(scope.first, scope.last)[1]
    )
    readable = readable.exclude(status=Status.CLOSED)
    places_out = []
    names = {s.pk: s.name for s in scope.services}
    # What was raised at each place, read once for them all (newest first, as at one place).
    raised: dict[str, list] = defaultdict(list)
    keys = [Square.parse(row["key"]).key for row in top]
    for line in raised_rows(request.user, ReciprocalRequest.objects.filter(place__in=keys)):
        raised[line.link.place].append(line)
    for row in top:
        square = Square.parse(row["key"])
        in_square = hotspots.requests_in(scope.in_period(scope.requests), square)
        by_service = _counts_by(in_square, "service_id")
        ordered = sorted(by_service.items(), key=lambda kv: names.get(kv[0], ""))
        shown_problems, _ = suppress([n for _, n in ordered])
        problems = sorted(
            [(names.get(sid, "–"), v) for (sid, _), v in zip(ordered, shown_problems, strict=True)],
            key=lambda p: (sort_key(p[1]), p[0]),
        )
        open_requests = hotspots.requests_in(readable, square).select_related("service")
        places_out.append(
            {
                **row,
                "square": square,
                "problems": problems,
                "open_requests": list(open_requests.order_by("created_at")[:REQUESTS_PER_PLACE]),
                "open_more": max(0, open_requests.count() - REQUESTS_PER_PLACE),
                "actions": list(
                    PlaceAction.objects.filter(place=square.key).select_related("partner")
                ),
                "raised": raised[square.key],
            }
        )
    context = {
        "form": scope.form,
        "first": scope.first,
        "last": scope.last,
        "previous": scope.previous,
        "places": places_out,
        "may_raise": may_raise_for_other_agency(request.user),
        "nav": nav(request),
        "query": request.GET.urlencode(),
    }
    return render(request, "insight/tasking.html", context)


def _action_partners(user) -> QuerySet[Partner]:
    ids = places_partner_ids(user)
    partners = Partner.objects.order_by("name")
    return partners if ids is None else partners.filter(pk__in=ids)


@places_page_for
@require_http_methods(["GET", "POST"])
def place_actions(request: HttpRequest) -> HttpResponse:
    """A square's action log: who does what by when; add a line, or mark one done."""
    user = request.user
    key = request.POST.get("place") or request.GET.get("place", "")
    square = Square.parse(key)
    if square is None:
        raise Http404("No such place.")
    form = PlaceActionForm(
        request.POST if request.method == "POST" and "done" not in request.POST else None,
        partners=_action_partners(user),
        initial={"place": square.key},
    )
    if request.method == "POST":
        if "done" in request.POST:
            action = PlaceAction.objects.filter(
                pk=request.POST.get("done") if str(request.POST.get("done")).isdigit() else None,
                place=square.key,
            ).first()
            if action is None:
                raise Http404("No such action.")
            if not (sees_all_partners(user) or action.partner_id in acting_partner_ids(user)):
                raise PermissionDenied(
                    f"Only staff acting for {action.partner.name} can mark its actions done."
                )
            with transaction.atomic():
                PlaceAction.objects.filter(pk=action.pk, state=PlaceAction.State.OPEN).update(
                    state=PlaceAction.State.DONE, done_at=timezone.now()
                )
            return redirect(f"{reverse('insight:place_actions')}?place={square.key}")
        if form.is_valid():
            PlaceAction.objects.create(
                place=form.cleaned_data["place"],
                action=form.cleaned_data["action"].strip(),
                partner=form.cleaned_data["partner"],
                owner=form.cleaned_data["owner"].strip(),
                due=form.cleaned_data["due"],
                created_by=user,
            )
            return redirect(f"{reverse('insight:place_actions')}?place={square.key}")
    acting = acting_partner_ids(user)
    actions = [
        {
            "action": a,
            "can_close": a.state == PlaceAction.State.OPEN
            and (sees_all_partners(user) or a.partner_id in acting),
        }
        for a in PlaceAction.objects.filter(place=square.key).select_related("partner")
    ]
    context = {
        "square": square,
        "form": form,
        "actions": actions,
        "nav": nav(request),
        "raised": raised_at_place(user, square.key),
        "may_raise": may_raise_for_other_agency(user),
    }
    return render(request, "insight/place_actions.html", context)
