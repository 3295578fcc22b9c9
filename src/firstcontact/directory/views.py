"""The Open Referral UK 3.0 API (read-only, public) at /openreferral/v3/.

Every path of the standard's openapi.json: lists in ORUK's pagination envelope (`page`,
`per_page`, at most MAX_PER_PAGE a page), `format=ndjson` streaming every matching record one
JSON object a line, the filters each path names. A bad parameter is a 400 and an unknown id
a 404, both as JSON {"status", "error", "message"} (with "parameter" for a 400).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from firstcontact.directory import oruk, selectors, spec
from firstcontact.directory.geo import bounding_box, haversine_m
from firstcontact.directory.models import Organization, Service, ServiceAtLocation, Taxonomy

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
# minimal=true asks for every service on one page.
MINIMAL_PER_PAGE = 10_000
MAX_PROXIMITY_M = 100_000
NDJSON_BATCH = 500
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class NotFound(Exception):
    pass


def _error(status: int, error: str, message: str, **extra) -> JsonResponse:
    body = {"status": status, "error": error, "message": message, **extra}
    return JsonResponse(body, status=status)


def api(view: Callable) -> Callable:
    """GET only; bad parameters and unknown ids answered in JSON; readable from any site.

    Exempt from CSRF: it reads no cookies and changes nothing, so another method is simply a
    405 (not the CSRF failure page)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            for name, values in request.GET.lists():
                if any("\x00" in v for v in values):
                    raise BadParameter(name, f"{name} contains a NUL character.")
            response = view(request, *args, **kwargs)
        except BadParameter as exc:
            response = _error(400, "Bad Request", exc.message, parameter=exc.parameter)
        except NotFound as exc:
            response = _error(404, "Not Found", str(exc))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return csrf_exempt(require_GET(wrapper))


# ------------------------------------------------------------------ parameters


def _text(request: HttpRequest, name: str, limit: int = 200) -> str:
    value = request.GET.get(name, "").strip()
    if len(value) > limit:
        raise BadParameter(name, f"{name} must be at most {limit} characters.")
    return value


def _int(request: HttpRequest, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a whole number.") from None
    if not minimum <= value <= maximum:
        raise BadParameter(name, f"{name} must be from {minimum} to {maximum}.")
    return value


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE or raw == "":
        return False
    raise BadParameter(name, f"{name} must be true or false.")


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a UUID.") from None


def _datetime(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return None
    # A "+01:00" offset sent unencoded arrives as " 01:00".
    candidates = [raw, raw.replace(" ", "+"), raw.replace("Z", "+00:00")]
    for candidate in candidates:
        try:
            value = parse_datetime(candidate)
            if value is None and (day := parse_date(candidate)) is not None:
                value = dt.datetime.combine(day, dt.time())
        except ValueError:
            value = None
        if value is not None:
            if timezone.is_naive(value):
                value = timezone.make_aware(value, dt.UTC)
            return value
    raise BadParameter(name, f"{name} must be a date and time, e.g. 2026-01-31T09:00:00Z.")


def _format(request: HttpRequest) -> str:
    value = request.GET.get("format", "").strip().lower() or "json"
    if value not in {"json", "ndjson"}:
        raise BadParameter("format", "format must be json or ndjson.")
    return value


def _place(request: HttpRequest) -> tuple[str, float | None]:
    """postcode and proximity (metres): proximity needs a postcode we know the centre of."""
    postcode = _text(request, "postcode", limit=10)
    raw = request.GET.get("proximity", "").strip()
    proximity = None
    if raw:
        try:
            proximity = float(raw)
        except ValueError:
            raise BadParameter("proximity", "proximity must be a distance in metres.") from None
        if not 0 < proximity <= MAX_PROXIMITY_M:  # also refuses nan and inf
            raise BadParameter(
                "proximity", f"proximity must be more than 0 and at most {MAX_PROXIMITY_M} metres."
            )
        if not postcode:
            raise BadParameter("proximity", "proximity needs a postcode to measure from.")
    if postcode:
        from firstcontact.partners.geography import normalise_postcode

        if normalise_postcode(postcode) is None:
            raise BadParameter("postcode", "postcode must be a full UK postcode, like WX1 2AB.")
    return postcode, proximity


def _centre(postcode: str) -> selectors.Centroid:
    point = selectors.centroid(postcode)
    if point is None:
        raise BadParameter("postcode", f"We do not know where the postcode {postcode} is.")
    return point


# ------------------------------------------------------------------ answers


def _json(data) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json",
    )


def _ndjson(queryset: QuerySet, render: Callable[[list], list[dict]]) -> StreamingHttpResponse:
    """Every record, one a line, in batches by id: memory stays flat however many there are."""

    def lines() -> Iterator[bytes]:
        last = None
        while True:
            batch_qs = queryset.order_by("pk")
            if last is not None:
                batch_qs = batch_qs.filter(pk__gt=last)
            batch = list(batch_qs[:NDJSON_BATCH])
            if not batch:
                return
            chunk = "".join(
                json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n"
                for item in render(batch)
            )
            yield chunk.encode()
            last = batch[-1].pk

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    return response


def _list(
    request: HttpRequest,
    queryset: QuerySet,
    render: Callable[[list], list[dict]],
    *,
    default_per_page: int = DEFAULT_PER_PAGE,
    max_per_page: int = MAX_PER_PAGE,
) -> HttpResponse:
    fmt = _format(request)
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", default_per_page, 1, max_per_page)
    if fmt == "ndjson":
        return _ndjson(queryset, render)
    total = queryset.count()
    offset = (page - 1) * per_page
    items = []
    if offset < total:
        # The page's ids first, stepping over the pages before it in the primary key's index
        # alone; then only those rows, with everything they show (a deep page read whole
        # rows for every record it skipped: 700 ms at page 1,000 of 100,000 services).
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[offset : offset + per_page])
        found = queryset.order_by().in_bulk(ids)
        items = [found[i] for i in ids if i in found]
    return _json(oruk.envelope(render(items), total=total, page=page, per_page=per_page))


def _ranked_list(
    request: HttpRequest,
    ranked: list[tuple[uuid.UUID, float]],
    fetch: Callable[[list[uuid.UUID]], dict],
    render: Callable[[list, dict[uuid.UUID, float]], list[dict]],
) -> HttpResponse:
    """A list in the order given (nearest first), paged or streamed."""
    fmt = _format(request)
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    distances = dict(ranked)
    if fmt == "ndjson":

        def lines() -> Iterator[bytes]:
            for start in range(0, len(ranked), NDJSON_BATCH):
                ids = [i for i, _ in ranked[start : start + NDJSON_BATCH]]
                found = fetch(ids)
                items = [found[i] for i in ids if i in found]
                yield "".join(
                    json.dumps(item, cls=DjangoJSONEncoder) + "\n"
                    for item in render(items, distances)
                ).encode()

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    offset = (page - 1) * per_page
    ids = [i for i, _ in ranked[offset : offset + per_page]]
    found = fetch(ids) if ids else {}
    items = [found[i] for i in ids if i in found]
    envelope = oruk.envelope(
        render(items, distances), total=len(ranked), page=page, per_page=per_page
    )
    return _json(envelope)


# ------------------------------------------------------------------ views


@api
def root(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "version": "3.0",
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
        }
    )


@api
def openapi(request: HttpRequest) -> HttpResponse:
    """The standard's openapi.json, as published (this API implements every path of it)."""
    return HttpResponse(spec.openapi_bytes(), content_type="application/json")


def _render_services(*, full: bool, minimal: bool) -> Callable[[list], list[dict]]:
    def render(items: list[Service]) -> list[dict]:
        if minimal:
            return [oruk.minimal_service(s) for s in items]
        attributes = selectors.attributes_for("service", [s.id for s in items]) if full else {}
        return [oruk.service(s, full=full, attributes=attributes.get(s.id)) for s in items]

    return render


def _service_queryset(*, full: bool, minimal: bool) -> QuerySet[Service]:
    queryset = selectors.services().select_related("catalogue_service")
    if minimal:
        return queryset
    queryset = queryset.select_related("organization")
    return selectors.full_services(queryset) if full else queryset


def _filter_services(request: HttpRequest, queryset: QuerySet, prefix: str = "") -> QuerySet:
    if search := _text(request, "search"):
        queryset = selectors.search_services(queryset, search, prefix=prefix)
    if term_id := _uuid(request, "taxonomy_term_id"):
        queryset = queryset.filter(
            **{f"{prefix}id__in": selectors.linked_to_term("service", term_id)}
        )
    if taxonomy_id := _uuid(request, "taxonomy_id"):
        queryset = queryset.filter(
            **{f"{prefix}id__in": selectors.linked_to_taxonomy("service", taxonomy_id)}
        )
    if organization_id := _uuid(request, "organization_id"):
        queryset = queryset.filter(**{f"{prefix}organization_id": organization_id})
    return queryset


@api
def services(request: HttpRequest) -> HttpResponse:
    minimal = _bool(request, "minimal")
    full = _bool(request, "full") and not minimal
    postcode, proximity = _place(request)
    queryset = _filter_services(request, _service_queryset(full=full, minimal=minimal))
    if modified_after := _datetime(request, "modified_after"):
        queryset = queryset.filter(last_modified__gte=modified_after)
    render = _render_services(full=full, minimal=minimal)
    if postcode and proximity is None:
        queryset = queryset.filter(id__in=selectors.services_covering(postcode))
    if proximity is not None:
        # Nearest first: each service's distance is that of its nearest place.
        centre = _centre(postcode)
        south, north, west, east = bounding_box(centre.latitude, centre.longitude, proximity)
        rows = queryset.filter(
            at_locations__latitude__range=(south, north),
            at_locations__longitude__range=(west, east),
        ).values_list("id", "at_locations__latitude", "at_locations__longitude")
        nearest: dict[uuid.UUID, float] = {}
        for service_id, lat, lon in rows:
            d = haversine_m(centre.latitude, centre.longitude, lat, lon)
            if d <= proximity and d < nearest.get(service_id, float("inf")):
                nearest[service_id] = d
        ranked = sorted(nearest.items(), key=lambda kv: (kv[1], kv[0]))
        base = _service_queryset(full=full, minimal=minimal)
        return _ranked_list(
            request,
            ranked,
            lambda ids: base.in_bulk(ids),
            lambda items, _distances: render(items),
        )
    per_page = MINIMAL_PER_PAGE if minimal else DEFAULT_PER_PAGE
    maximum = MINIMAL_PER_PAGE if minimal else MAX_PER_PAGE
    return _list(request, queryset, render, default_per_page=per_page, max_per_page=maximum)


def _one_service(service_id: str) -> Service:
    try:
        key = uuid.UUID(service_id)
    except ValueError:
        raise NotFound(f"There is no service with the id {service_id}.") from None
    found = _service_queryset(full=True, minimal=False).filter(id=key).first()
    if found is None:
        raise NotFound(f"There is no service with the id {service_id}.")
    return found


@api
def service(request: HttpRequest, id: str) -> HttpResponse:
    item = _one_service(id)
    attributes = selectors.attributes_for("service", [item.id])
    return _json(oruk.service(item, full=True, attributes=attributes[item.id]))


def _sal_queryset(*, full: bool) -> QuerySet[ServiceAtLocation]:
    queryset = selectors.services_at_locations().select_related(
        "location", "service__organization", "service__catalogue_service"
    )
    if full:
        queryset = queryset.prefetch_related(
            "schedules",
            "location__addresses",
            "location__accessibility",
            "location__phones__languages",
            *selectors.service_prefetches("service__"),
        )
    return queryset


def _render_sals(*, full: bool) -> Callable[[list, dict], list[dict]]:
    def render(items: list[ServiceAtLocation], distances: dict | None = None) -> list[dict]:
        distances = distances or {}
        attributes = (
            selectors.attributes_for("service", list({s.service_id for s in items})) if full else {}
        )
        return [
            oruk.service_at_location(
                s,
                full=full,
                with_service=oruk.service(
                    s.service, full=full, attributes=attributes.get(s.service_id)
                ),
                distance=distances.get(s.id),
            )
            for s in items
        ]

    return render


@api
def service_at_locations(request: HttpRequest) -> HttpResponse:
    full = _bool(request, "full")
    postcode, proximity = _place(request)
    queryset = _filter_services(request, _sal_queryset(full=full), prefix="service__")
    if modified_after := _datetime(request, "modified_after"):
        queryset = queryset.filter(last_modified__gte=modified_after)
    render = _render_sals(full=full)
    if postcode and proximity is None:
        queryset = queryset.filter(service_id__in=selectors.services_covering(postcode))
    if proximity is not None:
        centre = _centre(postcode)
        south, north, west, east = bounding_box(centre.latitude, centre.longitude, proximity)
        rows = queryset.filter(
            latitude__range=(south, north), longitude__range=(west, east)
        ).values_list("id", "latitude", "longitude")
        ranked = sorted(
            (
                (sal_id, d)
                for sal_id, lat, lon in rows
                if (d := haversine_m(centre.latitude, centre.longitude, lat, lon)) <= proximity
            ),
            key=lambda kv: (kv[1], kv[0]),
        )
        base = _sal_queryset(full=full)
        return _ranked_list(request, ranked, lambda ids: base.in_bulk(ids), render)
    return _list(request, queryset, lambda items: render(items))


@api
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise NotFound(f"There is no service at a location with the id {id}.") from None
    item = _sal_queryset(full=True).filter(id=key).first()
    if item is None:
        raise NotFound(f"There is no service at a location with the id {id}.")
    return _json(_render_sals(full=True)([item])[0])


def _render_organizations(*, full: bool, full_service: bool) -> Callable[[list], list[dict]]:
    def render(items: list[Organization]) -> list[dict]:
        ids = [o.id for o in items]
        services_of: dict[uuid.UUID, list[dict]] | None = None
        if full or full_service:
            queryset = _service_queryset(full=full_service, minimal=False).filter(
                organization_id__in=ids
            )
            found = list(queryset.order_by("pk"))
            attributes = (
                selectors.attributes_for("service", [s.id for s in found]) if full_service else {}
            )
            services_of = {i: [] for i in ids}
            for s in found:
                services_of[s.organization_id].append(
                    oruk.service(
                        s,
                        full=full_service,
                        attributes=attributes.get(s.id),
                        organization_data=False,
                    )
                )
        org_attributes = selectors.attributes_for("organization", ids) if full else {}
        return [
            oruk.organization(
                o,
                full=full,
                services=services_of[o.id] if services_of is not None else None,
                attributes=org_attributes.get(o.id),
            )
            for o in items
        ]

    return render


@api
def organizations(request: HttpRequest) -> HttpResponse:
    full = _bool(request, "full")
    full_service = _bool(request, "full_service")
    queryset = selectors.organizations()
    if full:
        queryset = queryset.prefetch_related("identifiers")
    if search := _text(request, "search"):
        for word in search.split()[:10]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return _list(request, queryset, _render_organizations(full=full, full_service=full_service))


@api
def organization(request: HttpRequest, id: str) -> HttpResponse:
    full_service = _bool(request, "full_service")
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise NotFound(f"There is no organisation with the id {id}.") from None
    item = selectors.organizations().prefetch_related("identifiers").filter(id=key).first()
    if item is None:
        raise NotFound(f"There is no organisation with the id {id}.")
    return _json(_render_organizations(full=True, full_service=full_service)([item])[0])


@api
def taxonomies(request: HttpRequest) -> HttpResponse:
    queryset = selectors.taxonomies()
    if search := _text(request, "search"):
        for word in search.split()[:10]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
    return _list(request, queryset, lambda items: [oruk.taxonomy(t) for t in items])


@api
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise NotFound(f"There is no taxonomy with the id {id}.") from None
    item = Taxonomy.objects.filter(id=key).first()
    if item is None:
        raise NotFound(f"There is no taxonomy with the id {id}.")
    terms = list(selectors.taxonomy_terms().filter(taxonomy=item))
    return _json(oruk.taxonomy(item, terms=terms))


@api
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    queryset = selectors.taxonomy_terms()
    if search := _text(request, "search"):
        for word in search.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(description__icontains=word) | Q(code__iexact=word)
            )
    if taxonomy_id := _uuid(request, "taxonomy_id"):
        queryset = queryset.filter(taxonomy_id=taxonomy_id)
    if parent_id := _uuid(request, "parent_id"):
        queryset = queryset.filter(parent_id=parent_id)
    # top_only: the spec's text says "terms that have not child terms", its name says terms at
    # the top; we take the name (terms with no parent), as a browsable tree needs.
    if _bool(request, "top_only"):
        queryset = queryset.filter(parent__isnull=True)
    return _list(request, queryset, lambda items: [oruk.taxonomy_term(t) for t in items])


@api
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    try:
        key = uuid.UUID(id)
    except ValueError:
        raise NotFound(f"There is no taxonomy term with the id {id}.") from None
    item = selectors.taxonomy_terms().filter(id=key).first()
    if item is None:
        raise NotFound(f"There is no taxonomy term with the id {id}.")
    return _json(oruk.taxonomy_term(item))
