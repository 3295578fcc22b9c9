"""Finding a service in the directory, for residents ("Find a service") and advisers (the desk):
words, a postcode with a distance, a category, an age, free or paid, open now or at weekends;
nearest first when a postcode is given.

The filters are SQL; the distance is a bounding box in SQL then the great-circle distance in
Python (selectors.locations_near's way), and "open now" is checked exactly in Python on the
rows SQL already narrowed to those open on today's weekday. With a postcode the place comes
first: the other filters run only on the services with a place in the box (bench/
directory_search.py: reading every service's words first took 350 ms at 20,000 services).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, gettext_lazy

from firstcontact.directory import selectors
from firstcontact.directory.geo import bounding_box, haversine_m
from firstcontact.directory.models import (
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)

DEFAULT_RADIUS_M = 5_000
RADII_M = (1_000, 2_000, 5_000, 10_000, 25_000)
MAX_RESULTS = 500
# Places in the box that a search reads at most (far more than a page shows).
MAX_NEAR = 20_000
LOCAL_TIME = zoneinfo.ZoneInfo("Europe/London")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKEND = ("SA", "SU")
CATEGORY_TAXONOMIES = ("Needs", "LGSL")

FREE = "free"
PAID = "paid"
OPEN_NOW = "now"
OPEN_WEEKEND = "weekend"


@dataclass(frozen=True)
class Filters:
    words: str = ""
    postcode: str = ""
    radius_m: int = DEFAULT_RADIUS_M
    category: uuid.UUID | None = None
    age: int | None = None
    cost: str = ""  # FREE, PAID or ""
    when: str = ""  # OPEN_NOW, OPEN_WEEKEND or ""

    @property
    def empty(self) -> bool:
        return not (self.words or self.postcode or self.category or self.age is not None)


@dataclass
class Found:
    """One service found: how far its nearest place is (None: no place near, but its area
    covers the postcode; or no postcode given)."""

    service_id: uuid.UUID
    distance_m: float | None = None
    location_id: uuid.UUID | None = None
    name: str = ""  # as shown (a catalogue service's own), to sort by
    service: Service | None = None
    location: Location | None = None
    schedules: list[Schedule] = field(default_factory=list)

    @property
    def distance_km(self) -> float | None:
        return None if self.distance_m is None else self.distance_m / 1000


class UnknownPostcode(Exception):
    pass


# ---------------------------------------------------------------------------- categories


def categories() -> list[TaxonomyTerm]:
    """The terms a resident may filter by: the needs list's, then LGSL's that are used."""
    used = Attribute.objects.filter(link_entity="service").values("taxonomy_term_id")
    terms = TaxonomyTerm.objects.filter(taxonomy__name__in=CATEGORY_TAXONOMIES).filter(
        Q(pk__in=used) | Q(children__isnull=False) | Q(taxonomy__name="Needs")
    )
    order = {name: i for i, name in enumerate(CATEGORY_TAXONOMIES)}
    found = {t.pk: t for t in terms.select_related("taxonomy")}
    return sorted(found.values(), key=lambda t: (order.get(t.taxonomy.name, 9), t.name.lower()))


def _term_and_children(term_id: uuid.UUID) -> list[uuid.UUID]:
    ids = [term_id]
    frontier = [term_id]
    for _depth in range(4):  # taxonomies here are shallow; a loop in the data cannot hang us
        frontier = list(
            TaxonomyTerm.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        if not frontier:
            break
        ids.extend(frontier)
    return ids


# ---------------------------------------------------------------------------- opening times


def _days(byday: str) -> list[tuple[int | None, str]]:
    """RFC 5545 BYDAY as (ordinal or None, day code): "MO,TU" or "1TU,-1FR"."""
    out = []
    for part in byday.upper().replace(" ", "").split(","):
        code = part[-2:]
        if code not in DAY_CODES:
            continue
        ordinal = part[:-2]
        try:
            out.append((int(ordinal) if ordinal else None, code))
        except ValueError:
            continue
    return out


def _nth_weekday_matches(day: dt.date, ordinal: int) -> bool:
    if ordinal > 0:
        return (day.day - 1) // 7 + 1 == ordinal
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return -((days_in_month - day.day) // 7 + 1) == ordinal


def open_on(schedule: Schedule, day: dt.date) -> bool:
    """Whether the schedule recurs on that day (weekly and monthly rules, by day or date)."""
    for start, end in (
        (schedule.valid_from, schedule.valid_to),
        (schedule.dtstart, schedule.until),
    ):
        if (start and day < start) or (end and day > end):
            return False
    code = DAY_CODES[day.weekday()]
    if schedule.byday:
        for ordinal, day_code in _days(schedule.byday):
            if day_code != code:
                continue
            if ordinal is None or schedule.freq != "MONTHLY" or _nth_weekday_matches(day, ordinal):
                return True
        return False
    if schedule.bymonthday:
        dates = {p.strip() for p in schedule.bymonthday.split(",")}
        return str(day.day) in dates
    return False


def open_at(schedule: Schedule, moment: dt.datetime) -> bool:
    local = moment.astimezone(LOCAL_TIME)
    if not open_on(schedule, local.date()):
        return False
    now = local.time()
    if schedule.opens_at and now < schedule.opens_at:
        return False
    return not (schedule.closes_at and now >= schedule.closes_at)


def open_at_weekend(schedule: Schedule) -> bool:
    return any(code in WEEKEND for _o, code in _days(schedule.byday))


SCHEDULE_PATHS = ("schedules", "at_locations__schedules", "at_locations__location__schedules")


def _schedule_q(lookup: str, value) -> Q:
    """A lookup on the service's own schedules, its service-at-places' or its places'."""
    out = Q()
    for path in SCHEDULE_PATHS:
        out |= Q(**{f"{path}__{lookup}": value})
    return out


# ---------------------------------------------------------------------------- search


def _filtered(filters: Filters, moment: dt.datetime) -> QuerySet[Service]:
    queryset = selectors.services().exclude(
        status__in=[ServiceStatus.DEFUNCT, ServiceStatus.INACTIVE]
    )
    # A catalogue service that is switched off is not offered.
    queryset = queryset.exclude(catalogue_service__active=False)
    if filters.words:
        queryset = selectors.search_services(queryset, filters.words)
    if filters.category:
        queryset = queryset.filter(
            pk__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term_id__in=_term_and_children(filters.category)
            ).values("link_id")
        )
    if filters.age is not None:
        queryset = queryset.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.age),
        )
    if filters.cost == FREE:
        queryset = queryset.filter(cost_options__amount=0)
    elif filters.cost == PAID:
        queryset = queryset.filter(cost_options__amount__gt=0)
    if filters.when == OPEN_WEEKEND:
        queryset = queryset.filter(
            _schedule_q("byday__contains", "SA") | _schedule_q("byday__contains", "SU")
        )
    elif filters.when == OPEN_NOW:
        today = DAY_CODES[moment.astimezone(LOCAL_TIME).weekday()]
        queryset = queryset.filter(
            _schedule_q("byday__contains", today) | _schedule_q("bymonthday__gt", "")
        )
    return queryset


def _near(queryset: QuerySet[Service], point: selectors.Centroid, radius: float) -> dict:
    """{service id: (distance, location id, name)} of the nearest place of each service in
    radius.

    One statement that starts from the place: the services at a place in the bounding box
    (read from the index of their copied coordinates, ServiceAtLocation's), each tested
    against the other filters (words, category, age…) on its own row. Reading every
    service's words first grows with the whole directory (bench/directory_search.py
    --before); the exact distance is then worked out here for the few rows that pass."""
    south, north, west, east = bounding_box(point.latitude, point.longitude, radius)
    rows = (
        ServiceAtLocation.objects.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )
        .filter(Exists(queryset.filter(pk=OuterRef("service_id"))))
        .order_by()
        .values_list(
            "service_id", "location_id", "latitude", "longitude", *_name_fields("service__")
        )
    )
    nearest: dict[uuid.UUID, tuple[float, uuid.UUID, str]] = {}
    for service_id, location_id, lat, lon, name, catalogue_name in rows[:MAX_NEAR]:
        distance = haversine_m(point.latitude, point.longitude, lat, lon)
        if distance <= radius and (service_id not in nearest or distance < nearest[service_id][0]):
            nearest[service_id] = (distance, location_id, catalogue_name or name)
    return nearest


def _name_fields(prefix: str = "") -> tuple[str, str]:
    """The fields of a service's name as shown: its own, and its catalogue service's."""
    return (f"{prefix}name", f"{prefix}catalogue_service__name")


def find(
    filters: Filters, *, moment: dt.datetime | None = None, attach: bool = True
) -> list[Found]:
    """The services that match, nearest first (with a postcode) or by name; at most
    MAX_RESULTS. Raises UnknownPostcode for a postcode whose centre is not known.

    attach=False leaves out each result's service, place and times (the ids, distances and
    order are there): a page then attaches only the results it shows (`attach`), which is
    most of the work when a search finds hundreds. "Open now" and "at weekends" read the
    times, so with those filters every result is attached anyway."""
    moment = moment or timezone.now()
    queryset = _filtered(filters, moment)
    if filters.postcode:
        point = selectors.centroid(filters.postcode)
        if point is None:
            raise UnknownPostcode(filters.postcode)
        nearest = _near(queryset, point, filters.radius_m)
        found = [
            Found(service_id=sid, distance_m=d, location_id=loc, name=name)
            for sid, (d, loc, name) in nearest.items()
        ]
        # Services without a place near that cover the postcode (a helpline, a home visit).
        covering = set(selectors.services_covering(filters.postcode, point)) - set(nearest)
        if covering:
            rows = queryset.filter(pk__in=covering).order_by().values_list("pk", *_name_fields())
            found.extend(Found(service_id=sid, name=c or n) for sid, n, c in set(rows))
    else:
        rows = queryset.order_by().values_list("pk", *_name_fields()).distinct()[:MAX_RESULTS]
        found = [Found(service_id=sid, name=c or n) for sid, n, c in rows]
    found.sort(key=lambda f: (f.distance_m is None, f.distance_m or 0, f.name.lower()))
    if filters.when:
        found = _when(_attach(found), filters, moment)
    found = found[:MAX_RESULTS]
    return _attach(found) if attach else found


def attach(found: list[Found]) -> list[Found]:
    """The results a page shows, with their service, place and times (in the same order)."""
    _attach([f for f in found if f.service is None])  # fills in each one it finds
    return [f for f in found if f.service is not None]


def _attach(found: list[Found]) -> list[Found]:
    """Each result's service (with its organisation), nearest place and opening times."""
    ids = list({f.service_id for f in found})
    services = {
        s.pk: s
        for s in Service.objects.filter(pk__in=ids)
        .select_related("organization", "catalogue_service")
        .prefetch_related("schedules", "cost_options")
    }
    location_ids = [f.location_id for f in found if f.location_id]
    locations = {
        loc.pk: loc
        for loc in Location.objects.filter(pk__in=location_ids).prefetch_related(
            "addresses", "schedules"
        )
    }
    at_schedules: dict[tuple[uuid.UUID, uuid.UUID], list[Schedule]] = {}
    at_places = Schedule.objects.filter(
        service_at_location__service_id__in=ids,
        service_at_location__location_id__in=location_ids,
    ).select_related("service_at_location")
    for schedule in at_places if location_ids else []:
        at = schedule.service_at_location
        at_schedules.setdefault((at.service_id, at.location_id), []).append(schedule)
    out = []
    for f in found:
        service = services.get(f.service_id)
        if service is None:
            continue
        f.service = service
        f.location = locations.get(f.location_id) if f.location_id else None
        f.schedules = (
            at_schedules.get((f.service_id, f.location_id), [])
            or list(service.schedules.all())
            or (list(f.location.schedules.all()) if f.location else [])
        )
        out.append(f)
    return out


def _when(found: list[Found], filters: Filters, moment: dt.datetime) -> list[Found]:
    """Exactly those open now (or at weekends), by the schedules each result shows; a
    service with none shown there is checked against all of its own."""
    if not filters.when:
        return found
    if filters.when == OPEN_NOW:
        return [f for f in found if any(open_at(s, moment) for s in _all_schedules(f))]
    return [f for f in found if any(open_at_weekend(s) for s in _all_schedules(f))]


def _all_schedules(f: Found) -> list[Schedule]:
    """The times the result shows, and the service's own (it may open elsewhere too)."""
    own = list(f.service.schedules.all())
    shown = [s for s in f.schedules if s not in own]
    if shown or own:
        return shown + own
    return list(Schedule.objects.filter(service_at_location__service_id=f.service_id))


def service_detail(service_id: uuid.UUID) -> Service | None:
    """A public service with everything its page shows, or None."""
    return selectors.full_services(selectors.services().filter(pk=service_id)).first()


def categories_by_service(ids: list[uuid.UUID]) -> dict[uuid.UUID, list[TaxonomyTerm]]:
    attributes = selectors.attributes_for("service", ids)
    return {
        sid: [a.taxonomy_term for a in rows if a.taxonomy_term.taxonomy_id]
        for sid, rows in attributes.items()
    }


def is_free(service: Service) -> bool | None:
    """True when every cost option is free, False when one costs, None when none is given."""
    amounts = [c.amount for c in service.cost_options.all() if c.amount is not None]
    if not amounts:
        return None
    return all(a == 0 for a in amounts)


# ---------------------------------------------------------------------------- in words

_ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    -1: gettext_lazy("last"),
}


def _clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def describe(schedule: Schedule) -> str:
    """Opening times in the page's language: "Monday, Wednesday: 10:00 to 14:00", "first
    Tuesday of the month: 10:00 to 12:30". The feed's own description (English) where the
    rule cannot be put in words."""
    days = _days(schedule.byday) if schedule.byday else []
    if not days:
        return schedule.description
    names = []
    for ordinal, code in days:
        day = str(WEEKDAYS[DAY_CODES.index(code)])
        if ordinal is not None and schedule.freq == "MONTHLY" and ordinal in _ORDINALS:
            names.append(
                gettext("%(nth)s %(day)s of the month") % {"nth": _ORDINALS[ordinal], "day": day}
            )
        else:
            names.append(day)
    text = ", ".join(names)
    if schedule.opens_at and schedule.closes_at:
        return gettext("%(days)s: %(opens)s to %(closes)s") % {
            "days": text,
            "opens": _clock(schedule.opens_at),
            "closes": _clock(schedule.closes_at),
        }
    if schedule.opens_at:
        return gettext("%(days)s: from %(opens)s") % {
            "days": text,
            "opens": _clock(schedule.opens_at),
        }
    return text


def full_services_by_id(ids: list[uuid.UUID]) -> list[Service]:
    """Public services with everything a page shows (contacts, places, times, costs)."""
    return list(selectors.full_services(selectors.services().filter(pk__in=ids)))
