"""A year of community-safety requests for the hotspots pages, clustered as such reports are:
town-centre evenings for antisocial behaviour and street drinking, an underpass and a car park
for graffiti and drug litter, lay-bys and a lane for fly-tipping and abandoned vehicles, with a
scatter everywhere else. Also which services count as community safety, and police beats (the
postcode districts' boxes) as areas to count by."""

from __future__ import annotations

import datetime as dt
import math
import random

from firstcontact.catalogue.models import ServiceDelivery
from firstcontact.catalogue.sla import due_at
from firstcontact.demo.activity import make_answers
from firstcontact.demo.geography import DISTRICT_AREAS
from firstcontact.demo.partnership import POLICE, Partnership
from firstcontact.insight.models import CommunitySafetyService
from firstcontact.partners.models import PartnerArea
from firstcontact.servicerequests.models import (
    ClosureOutcome,
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.references import new_reference

CODES = ["asb", "noise", "fly-tipping", "graffiti", "abandoned-vehicle", "needles"]

# (latitude, longitude, spread in metres, weight, services it draws)
HOTSPOTS = [
    (50.99, -1.75, 250, 6, ["asb", "noise", "needles"]),  # Casterbridge town centre
    (50.80, -2.25, 300, 5, ["asb", "noise", "graffiti"]),  # Budmouth seafront
    (50.795, -1.25, 200, 4, ["asb", "graffiti", "needles"]),  # Melchester underpass
    (51.00, -1.72, 400, 3, ["fly-tipping", "abandoned-vehicle"]),  # lane out of Casterbridge
    (51.20, -2.30, 350, 2, ["fly-tipping"]),  # lay-bys near Sherton Abbas
    (50.82, -1.28, 200, 2, ["noise", "asb"]),  # Melchester late bars
]
BACKGROUND = 0.25  # the share of requests scattered anywhere


def _hour(rng: random.Random, code: str) -> int:
    if code in {"asb", "noise"}:
        return rng.choice([17, 18, 19, 20, 21, 21, 22, 22, 23, 23, 0, 1, 14, 15, 16])
    return rng.choice(range(7, 20))


def create_community_safety_demo(
    rng: random.Random, partnership: Partnership, services: dict, now: dt.datetime, people: int
) -> int:
    """About 800 requests a year for every 1,000 people (2,400 for the default demo)."""
    chosen = [services[c] for c in CODES if c in services]
    CommunitySafetyService.objects.bulk_create([CommunitySafetyService(service=s) for s in chosen])
    police = partnership.partners[POLICE]
    PartnerArea.objects.bulk_create(
        [
            PartnerArea(
                partner=police,
                name=f"{pd.town} neighbourhood beat",
                postcode_districts=[pd.outward],
                boundary=pd.box.polygon(),
            )
            for area in DISTRICT_AREAS
            for pd in area.postcode_districts
        ]
    )
    deliveries: dict[int, list[ServiceDelivery]] = {}
    for d in ServiceDelivery.objects.filter(service__in=chosen).select_related("partner"):
        deliveries.setdefault(d.service_id, []).append(d)
    district_of = {a.slug: a.box for a in DISTRICT_AREAS}
    weights = [h[3] for h in HOTSPOTS]
    attributes = {service.pk: list(service.attributes.all()) for service in chosen}
    made: list[ServiceRequest] = []
    timelines: list[list[tuple]] = []
    for _ in range(max(50, round(people * 0.8))):
        if rng.random() < BACKGROUND:
            lat, lon = rng.uniform(50.72, 51.28), rng.uniform(-2.48, -1.02)
            code = rng.choice(CODES)
        else:
            h_lat, h_lon, spread, _, codes = rng.choices(HOTSPOTS, weights=weights)[0]
            metres_lat, metres_lon = rng.gauss(0, spread), rng.gauss(0, spread)
            lat = h_lat + metres_lat / 111_000
            lon = h_lon + metres_lon / (111_000 * math.cos(math.radians(h_lat)))
            code = rng.choice(codes)
        service = services.get(code)
        if service is None or service.pk not in deliveries:
            continue
        # The partner delivering it here: the district whose area holds the point, or the
        # police (everywhere).
        options = deliveries[service.pk]
        delivery = next(
            (
                d
                for d in options
                if d.partner.slug not in district_of
                or district_of[d.partner.slug].contains(lat, lon)
            ),
            options[0],
        )
        # More of them lately, and at weekends.
        days_ago = int(abs(rng.triangular(0, 365, 0)))
        day = (now - dt.timedelta(days=days_ago)).date()
        if day.weekday() < 4 and rng.random() < 0.3:
            day += dt.timedelta(days=4 - day.weekday())
        created = now.replace(
            year=day.year,
            month=day.month,
            day=day.day,
            hour=_hour(rng, code),
            minute=rng.randrange(60),
        )
        if created > now:
            created -= dt.timedelta(days=7)
        closed = days_ago > 10 or rng.random() < 0.4
        channel = rng.choice(["phone", "web", "web"])
        sr = ServiceRequest(
            reference=new_reference(),
            service=service,
            channel=channel,
            # Answered as a resident would, and checked as any request's answers are.
            attributes=make_answers(rng, attributes[service.pk], when=created, channel=channel),
            responsible_partner=delivery.partner,
            team=delivery.team,
            status=Status.CLOSED if closed else rng.choice([Status.OPEN, Status.IN_PROGRESS]),
            description="",
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            created_at=created,
            sla_due_at=due_at(service.sla_policy, created) if service.sla_policy else None,
        )
        # A timeline like any request's: raised, and closed with its outcome.
        events = [
            (
                created,
                UpdateKind.CREATED,
                Status.OPEN,
                "",
                f"Your request about “{service.name}” has been passed to {delivery.partner.name}.",
            )
        ]
        if sr.status == Status.IN_PROGRESS:
            started = min(created + dt.timedelta(hours=rng.randrange(1, 48)), now)
            events.append(
                (started, UpdateKind.STATUS, Status.IN_PROGRESS, "", "We are looking into this.")
            )
        if closed:
            sr.outcome = rng.choice([ClosureOutcome.FIXED, ClosureOutcome.NO_FURTHER_ACTION])
            sr.closed_at = created + dt.timedelta(hours=rng.randrange(2, 240))
            events.append((sr.closed_at, UpdateKind.STATUS, Status.CLOSED, sr.outcome, "Closed."))
        sr.version = len(events)
        sr.updated_at = events[-1][0]
        made.append(sr)
        timelines.append(events)
    ServiceRequest.objects.bulk_create(made, batch_size=500)
    RequestUpdate.objects.bulk_create(
        [
            RequestUpdate(
                request=sr,
                created_at=at,
                kind=kind,
                status=status,
                outcome=outcome,
                public=True,
                text=text,
            )
            for sr, events in zip(made, timelines, strict=True)
            for at, kind, status, outcome, text in events
        ],
        batch_size=1000,
    )
    # bulk_create leaves auto_now_add/auto_now to the moment of writing: set the demo's times.
    for sr in made:
        ServiceRequest.objects.filter(pk=sr.pk).update(
            created_at=sr.created_at, updated_at=sr.updated_at
        )
    _reported_to_the_other_agency(services, now)
    return len(made)


# (login, service, latitude, longitude, street, what they found)
RECIPROCAL = [
    (
        "police",
        "fly-tipping",
        51.0003,
        -1.7204,
        "Lane out of Casterbridge, by the field gate",
        "Seen on patrol: a van-load of builders' rubble and two mattresses blocking the verge.",
    ),
    (
        "streets-officer",
        "asb",
        50.8003,
        -2.2502,
        "The Esplanade, by the shelters",
        "Crews cleaning graffiti here are sworn at by the same group every evening after 8pm.",
    ),
]


def _reported_to_the_other_agency(services: dict, now: dt.datetime) -> None:
    """Requests one agency raised for the other from the hotspot map (insight.reciprocal), so
    the place's action log and the other partner's request page show them."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from firstcontact.insight.reciprocal import raise_for_other_agency, square_of
    from firstcontact.partners.geography import Location
    from firstcontact.partners.models import Membership

    rng = random.Random(1872)  # its own: the rest of the demo stays as it was
    users = get_user_model().objects
    for username, code, lat, lon, street, text in RECIPROCAL:
        user = users.filter(username=username).first()
        service = services.get(code)
        membership = Membership.objects.filter(user=user).select_related("partner").first()
        if user is None or service is None or membership is None:
            continue
        try:
            raise_for_other_agency(
                user=user,
                service=service,
                location=Location(latitude=lat, longitude=lon, address=street),
                description=text,
                from_partner=membership.partner,
                place=square_of(lat, lon).key,
                attributes=make_answers(
                    rng, list(service.attributes.all()), when=now, channel="face_to_face"
                ),
            )
        except (PermissionDenied, ValidationError):
            continue  # a smaller or different demo: nothing to show here
