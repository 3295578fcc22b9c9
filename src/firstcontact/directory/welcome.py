"""The welcome pack: when a tell-us-once "moving in" bundle is raised (on the resident site or at
the desk), the new resident is sent a link to the directory's services around their new home:
the nearest GP surgeries, schools, libraries, leisure centres, recycling centre, councillors'
surgeries, the bin collection service and the partners' key services, each with its distance
and opening times.

Which services belong in each section is data: the terms of the "Welcome pack" taxonomy
(WELCOME_TAXONOMY), which directory editors attach to their entries. The pack itself keeps no
personal data: a random token, the postcode district and that district's centre (the distances
are from there, never from the address), the language, and when the link expires.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from firstcontact.directory import finder, selectors
from firstcontact.directory.models import (
    Attribute,
    LinkType,
    Postcode,
    ServiceArea,
    ServiceStatus,
    TaxonomyTerm,
    WelcomePack,
)
from firstcontact.notify.models import Notification, NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.partners.geography import Location, normalise_outward_code

WELCOME_TAXONOMY = "Welcome pack"
EXPIRES_AFTER = dt.timedelta(days=90)
# Rural districts are large: the nearest few within 25 km (the finder's widest), nearest first.
RADIUS_M = 25_000

# (term code, heading, how many to show): the pack's sections, in order.
SECTIONS = [
    ("gp", gettext_lazy("GP surgeries"), 3),
    ("school", gettext_lazy("Schools"), 4),
    ("library", gettext_lazy("Libraries"), 2),
    ("leisure", gettext_lazy("Leisure centres"), 2),
    ("recycling", gettext_lazy("Recycling centre"), 1),
    ("councillor", gettext_lazy("Councillors' surgeries"), 3),
    ("bins", gettext_lazy("Bin collections"), 2),
    ("key", gettext_lazy("Key services of the partnership"), 10),
]
# The terms a demo or a new installation starts with: (code, name, description).
TERMS = [
    ("gp", "GP surgery", "A GP practice taking new patients."),
    ("school", "School", "A primary or secondary school."),
    ("library", "Library", "A public library."),
    ("leisure", "Leisure centre", "A leisure centre or swimming pool."),
    ("recycling", "Recycling centre", "A household waste recycling centre."),
    ("councillor", "Councillor's surgery", "Where local councillors meet residents."),
    ("bins", "Bin collection", "Household bin and recycling collections."),
    ("key", "Key service", "A partner's service every new resident should know about."),
]


def public_url(name: str, *args) -> str:
    base = (
        getattr(settings, "FIRSTCONTACT", {}).get("PUBLIC_URL")
        or os.environ.get("PUBLIC_URL")
        or "http://127.0.0.1:8000"
    )
    return base.rstrip("/") + reverse(name, args=args)


def _expires_after() -> dt.timedelta:
    days = getattr(settings, "FIRSTCONTACT", {}).get("WELCOME_PACK_DAYS")
    return dt.timedelta(days=int(days)) if days else EXPIRES_AFTER


def district_centre(district: str) -> tuple[float, float] | None:
    """The mean of the district's loaded postcode centroids."""
    row = Postcode.objects.filter(
        postcode__startswith=f"{district} ", terminated__isnull=True
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if row["lat"] is None:
        return None
    return round(row["lat"], 5), round(row["lon"], 5)


def create_pack(location: Location, language: str = "en") -> WelcomePack | None:
    """A pack for the district of `location`, or None when the district or its centre is not
    known (no postcode given, or none of the district's postcodes loaded)."""
    district = normalise_outward_code(location.postcode) if location.postcode else None
    if district is None:
        return None
    centre = district_centre(district)
    if centre is None and location.has_point:
        # Rounded to about a kilometre: a neighbourhood, not an address.
        centre = round(location.latitude, 2), round(location.longitude, 2)
    if centre is None:
        return None
    now = timezone.now()
    return WelcomePack.objects.create(
        token=secrets.token_urlsafe(32),
        district=district,
        latitude=centre[0],
        longitude=centre[1],
        language=(language or "en")[:10],
        created_at=now,
        expires_at=now + _expires_after(),
    )


def send_welcome_pack(
    *, location: Location, email: str = "", phone: str = "", language: str = "en"
) -> Notification | None:
    """Make a pack for the new address and send its link by email (else by text message).
    Nothing is sent when there is no address to send to or no district to build it for."""
    if not (email or phone):
        return None
    pack = create_pack(location, language)
    if pack is None:
        return None
    url = public_url("portal:welcome_pack", pack.token)
    with translation.override(pack.language):
        subject = _("Welcome to your new home")
        body = "\n\n".join(
            [
                _(
                    "Welcome to %(district)s. Your welcome pack lists the GP surgeries, schools, "
                    "libraries, leisure centres, recycling centre, councillors' surgeries, bin "
                    "collections and other services near your new home:"
                )
                % {"district": pack.district},
                url,
                _("The link works until %(date)s.")
                % {"date": timezone.localtime(pack.expires_at).strftime("%d/%m/%Y")},
            ]
        )
    return queue_notification(
        channel=NotificationChannel.EMAIL if email else NotificationChannel.SMS,
        recipient=email or phone,
        subject=subject,
        body=body,
    )


@dataclass
class Section:
    code: str
    title: str
    results: list[finder.Found]


def _covering(district: str) -> set:
    """Services whose area lists the district (a helpline, a collection round)."""
    found = set()
    for service_id, extent in ServiceArea.objects.filter(
        extent_type=selectors.POSTCODE_DISTRICTS, extent__icontains=district
    ).values_list("service_id", "extent"):
        codes = {normalise_outward_code(c) for c in extent.replace(";", ",").split(",")}
        if district in codes:
            found.add(service_id)
    return found


def sections(pack: WelcomePack) -> list[Section]:
    """Each section's services: the nearest places within RADIUS_M of the district's centre
    first, then (to fill it) services covering the district with no place near."""
    terms = {t.code: t for t in TaxonomyTerm.objects.filter(taxonomy__name=WELCOME_TAXONOMY)}
    centre = selectors.Centroid(pack.district, pack.latitude, pack.longitude)
    covering = _covering(pack.district)
    out = []
    for code, title, limit in SECTIONS:
        term = terms.get(code)
        if term is None:
            continue
        tagged = Attribute.objects.filter(link_entity=LinkType.SERVICE, taxonomy_term=term).values(
            "link_id"
        )
        queryset = (
            selectors.services()
            .filter(pk__in=tagged)
            .exclude(status__in=[ServiceStatus.DEFUNCT, ServiceStatus.INACTIVE])
            .exclude(catalogue_service__active=False)
        )
        nearest = finder._near(queryset, centre, RADIUS_M)
        found = [
            finder.Found(service_id=sid, distance_m=d, location_id=loc, name=name)
            for sid, (d, loc, name) in nearest.items()
        ]
        if len(found) < limit:
            ids = queryset.filter(pk__in=covering - set(nearest)).values_list("pk", flat=True)
            found += [finder.Found(service_id=sid) for sid in ids]
        found = finder._attach(found)
        found.sort(key=lambda f: (f.distance_m is None, f.distance_m or 0, f.service.display_name))
        if found:
            out.append(Section(code, str(title), found[:limit]))
    return out
