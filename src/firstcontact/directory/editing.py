"""Directory editors: each partner's `directory_editor`s keep that partner's entries current
(docs/access.md, "Roles"); a partnership administrator keeps every entry.

Reads are scoped here (`editable_services`); writes go through `update_service` and `assure`,
which save the service itself last, so its ORUK `last_modified` moves and importers asking for
`modified_after` pick the change up. An entry is "assured" when an editor has checked it: the
date, who, and when it is next due (REVIEW_AFTER later by default); entries past that date, or
never checked, are stale.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from firstcontact.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    LinkType,
    Location,
    LocationType,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from firstcontact.partners.models import Membership, Role
from firstcontact.partners.selectors import is_partnership_admin, partner_ids_with_role

REVIEW_AFTER = dt.timedelta(days=365)
# The reminder names entries that fall due within this many days (and those already past).
REMIND_AHEAD_DAYS = 30
# Taxonomies whose terms an editor may attach (LGSL terms come with the catalogue).
EDITABLE_TAXONOMIES = ("Needs", "Welcome pack")


def editor_partner_ids(user) -> set[int] | None:
    """The partners whose entries the user keeps; None for every partner (partnership
    administrators); an empty set for everyone else."""
    if is_partnership_admin(user):
        return None
    return partner_ids_with_role(user, {Role.DIRECTORY_EDITOR})


def may_edit_directory(user) -> bool:
    return bool(user.is_authenticated) and editor_partner_ids(user) != set()


def editable_organizations(user) -> QuerySet[Organization]:
    partners = editor_partner_ids(user)
    queryset = Organization.objects.all()
    if partners is None:
        return queryset
    return queryset.filter(partner_id__in=partners)


def may_edit_place(user, place: Location) -> bool:
    """A place the user may describe: not a feed's, and either nobody's own or kept by an
    organisation the user may edit (a service offered at another partner's office leaves that
    office's description to that partner's editors)."""
    return _place_editable(place, editor_partner_ids(user))


def _place_editable(place: Location, partners: set[int] | None) -> bool:
    if place.feed_id is not None:
        return False
    if place.organization_id is None or partners is None:
        return True
    return place.organization.partner_id in partners


def service_places(user, service: Service) -> tuple[list[Location], list[Location]]:
    """The service's places, by name: (those the user may describe, the others)."""
    places = (
        Location.objects.filter(services_at__service=service)
        .select_related("organization")
        .prefetch_related("accessibility", "addresses")
        .order_by("name", "pk")
    )
    partners = editor_partner_ids(user)
    mine: list[Location] = []
    others: list[Location] = []
    for place in places:
        (mine if _place_editable(place, partners) else others).append(place)
    return mine, others


def editable_services(user) -> QuerySet[Service]:
    """The entries the user may edit: their partner's organisations' services."""
    partners = editor_partner_ids(user)
    queryset = Service.objects.select_related("organization", "catalogue_service", "assured_by")
    if partners is None:
        return queryset
    return queryset.filter(organization__partner_id__in=partners)


def stale_q(today: dt.date) -> Q:
    """Never checked, past their review date, or checked over a year ago with no date set."""
    return (
        Q(assured_date__isnull=True)
        | Q(review_date__lt=today)
        | Q(review_date__isnull=True, assured_date__lt=today - REVIEW_AFTER)
    )


def due_q(today: dt.date, days: int = REMIND_AHEAD_DAYS) -> Q:
    """Stale, or falling due within `days`."""
    return stale_q(today) | Q(review_date__lte=today + dt.timedelta(days=days))


def review_due(service: Service) -> dt.date | None:
    if service.review_date:
        return service.review_date
    if service.assured_date:
        return service.assured_date + REVIEW_AFTER
    return None


def is_stale(service: Service, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    due = review_due(service)
    return due is None or due < today


def assure(*, user, service: Service, review_date: dt.date | None = None) -> Service:
    """The editor has checked the entry: today, by them, next due in a year (or `review_date`)."""
    today = timezone.localdate()
    service.assured_date = today
    service.assured_by = user
    service.assurer_email = (getattr(user, "email", "") or "")[:254]
    service.review_date = review_date or today + REVIEW_AFTER
    service.save(update_fields=["assured_date", "assured_by", "assurer_email", "review_date"])
    return service


def _replace(manager, rows: Iterable) -> None:
    manager.all().delete()
    for row in rows:
        row.save()


@transaction.atomic
def update_service(*, user, service: Service, data: dict, changed: set[str]) -> Service:
    """Write an editor's form (`forms.ServiceEditForm.cleaned_data`) to the entry. Only the
    groups of fields in `changed` are rewritten, so an untouched part (the times at each
    place) is kept as it is. The service is saved last: its last_modified moves."""
    if not service.catalogue_service_id:
        service.name = data["name"]
        service.description = data["description"]
    for field in ("url", "email", "status", "fees", "alert", "minimum_age", "maximum_age"):
        setattr(service, field, data[field])
    if data.get("review_date"):
        service.review_date = data["review_date"]

    if changed & {"contact_name", "contact_email"}:
        contact = service.contacts.first()
        if data["contact_name"] or data["contact_email"]:
            contact = contact or Contact(service=service)
            contact.name = data["contact_name"]
            contact.email = data["contact_email"]
            contact.save()
        elif contact is not None:
            contact.delete()
    if "phone" in changed:
        _replace(
            service.phones,
            [Phone(service=service, number=data["phone"], type="voice")] if data["phone"] else [],
        )
    if changed & {"days", "opens_at", "closes_at"}:
        # The same times everywhere: the service's own, and at each of its places.
        Schedule.objects.filter(service_at_location__service=service).delete()
        rows = []
        if data["days"]:
            rows.append(
                Schedule(
                    service=service,
                    freq="WEEKLY",
                    interval=1,
                    byday=",".join(data["days"]),
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                )
            )
        _replace(service.schedules, rows)
    if changed & {"cost", "amount", "amount_description"}:
        rows = []
        if data["cost"] == "free":
            rows.append(CostOption(service=service, option="Free", amount=0))
        elif data["cost"] == "paid":
            rows.append(
                CostOption(
                    service=service,
                    option="Charge",
                    amount=data["amount"],
                    currency="GBP",
                    amount_description=data["amount_description"],
                )
            )
        _replace(service.cost_options, rows)
    if "languages" in changed:
        from firstcontact.directory.forms import LANGUAGES

        names = dict(LANGUAGES)
        _replace(
            service.languages,
            [Language(service=service, code=code, name=names[code]) for code in data["languages"]],
        )
    # {location id: [facts]} for each place whose accessibility the form changed; the form
    # offers only the places the user may keep (`editable_places`), and only this service's
    # places are looked up here.
    access = data.get("accessibility") or {}
    if access:
        for place in Location.objects.filter(pk__in=access, services_at__service=service):
            _replace(
                place.accessibility,
                [Accessibility(location=place, description=f[:500]) for f in access[place.pk]],
            )
            place.save(update_fields=["last_modified"])
    if "terms" in changed:
        editable = TaxonomyTerm.objects.filter(taxonomy__name__in=EDITABLE_TAXONOMIES)
        Attribute.objects.filter(
            link_entity=LinkType.SERVICE, link_id=service.pk, taxonomy_term__in=editable
        ).delete()
        Attribute.objects.bulk_create(
            Attribute(taxonomy_term=term, link_entity=LinkType.SERVICE, link_id=service.pk)
            for term in data["terms"]
        )
    service.full_clean(exclude=["catalogue_service", "organization", "feed", "assured_by"])
    service.save()
    return service


def touch_services(organization: Organization) -> None:
    """An organisation is part of each of its services' full record: they count as modified
    too, so importers asking for services `modified_after` pick the change up."""
    Service.objects.filter(organization=organization).update(last_modified=timezone.now())


@transaction.atomic
def update_organization(*, user, organization: Organization, data: dict) -> Organization:
    """Write an editor's `forms.OrganizationEditForm.cleaned_data` to the organisation."""
    for field in ("name", "description", "email", "website", "logo", "uri"):
        setattr(organization, field, data[field])
    organization.full_clean(exclude=["partner", "feed"])
    organization.save()
    touch_services(organization)
    return organization


@transaction.atomic
def create_service(*, user, organization: Organization, data: dict) -> Service:
    """A new entry for `organization` from `forms.NewServiceForm.cleaned_data`, with its first
    place when one is given (placed at its postcode's centroid where the postcode is loaded).
    It is left unchecked, so the stale report lists it, unless the editor checked it today."""
    service = Service(organization=organization)
    for field in ("name", "description", "status", "url", "email", "minimum_age", "maximum_age"):
        setattr(service, field, data[field])
    service.full_clean(exclude=["catalogue_service", "organization", "feed", "assured_by"])
    service.save()
    if data.get("address_1"):
        add_place(
            user=user, service=service, data={**data, "name": data["place_name"], "description": ""}
        )
    if data.get("checked_today"):
        assure(user=user, service=service)
    return service


# ------------------------------------------------------------------ places


@dataclass(frozen=True)
class PlaceSaved:
    """What saving a place did to its position for the search by distance."""

    place: Location
    # The postcode given is not loaded: the place keeps the position it had (or has none).
    unknown_postcode: bool = False
    had_position: bool = False


def place_address(place: Location) -> Address | None:
    """The place's address an editor keeps: its first physical one (a feed may give more)."""
    return place.addresses.order_by(
        models.Case(models.When(address_type=LocationType.PHYSICAL, then=0), default=1), "pk"
    ).first()


def place_initial(place: Location) -> dict:
    address = place_address(place)
    return {
        "name": place.name,
        "description": place.description,
        "address_1": address.address_1 if address else "",
        "address_2": address.address_2 if address else "",
        "city": address.city if address else "",
        "county": address.state_province if address else "",
        "postcode": address.postal_code if address else place.postcode,
    }


def place_services(place: Location) -> QuerySet[Service]:
    """Every entry at the place, by name: a place may be shared, and changing it changes it
    for each of them."""
    return (
        Service.objects.filter(at_locations__location=place)
        .select_related("organization", "catalogue_service")
        .order_by("catalogue_service__name", "name", "pk")
    )


def _position(place: Location, postcode: str, moved: bool) -> PlaceSaved:
    """A place whose postcode changed (or that has no position yet) goes to the postcode's
    centroid where it is loaded; otherwise it keeps the position it had, and says so."""
    from firstcontact.directory.selectors import centroid

    had_position = place.latitude is not None
    if not moved and had_position:
        return PlaceSaved(place)
    point = centroid(postcode)
    if point is None:
        return PlaceSaved(place, unknown_postcode=True, had_position=had_position)
    place.latitude, place.longitude = point.latitude, point.longitude
    return PlaceSaved(place, had_position=had_position)


def _write_address(place: Location, data: dict) -> None:
    address = place_address(place) or Address(location=place, country="GB")
    address.address_1 = data["address_1"]
    address.address_2 = data["address_2"]
    address.city = data["city"]
    address.state_province = data["county"]
    address.postal_code = data["postcode"]
    address.save()


def _touch_place(place: Location) -> None:
    """The place is part of each of its services' full records (and of each service at the
    place): they count as modified, so importers asking for `modified_after` pick it up."""
    now = timezone.now()
    place.services_at.update(last_modified=now)
    Service.objects.filter(at_locations__location=place).update(last_modified=now)


@transaction.atomic
def update_place(*, user, place: Location, data: dict) -> PlaceSaved:
    """Write an editor's `forms.PlaceForm.cleaned_data` to the place and its address. Saved
    with save(), so each service at it carries its new position for the search."""
    from firstcontact.partners.geography import normalise_postcode

    address = place_address(place)
    before = place.postcode or normalise_postcode(address.postal_code if address else "") or ""
    place.name = data["name"]
    place.description = data["description"]
    place.postcode = data["postcode"]
    saved = _position(place, data["postcode"], moved=data["postcode"] != before)
    place.full_clean(exclude=["organization", "feed"])
    place.save()
    _write_address(place, data)
    _touch_place(place)
    return saved


@transaction.atomic
def add_place(*, user, service: Service, data: dict) -> PlaceSaved:
    """A new place for the entry (kept by the entry's organisation), from `forms.PlaceForm`'s
    cleaned_data, at its postcode's centroid where that is loaded."""
    place = Location(
        name=data["name"] or service.display_name[:300],
        description=data.get("description", ""),
        postcode=data["postcode"],
        organization=service.organization,
    )
    saved = _position(place, data["postcode"], moved=True)
    place.full_clean(exclude=["organization", "feed"])
    place.save()
    _write_address(place, data)
    ServiceAtLocation.objects.create(service=service, location=place)
    service.save(update_fields=["last_modified"])
    return saved


@transaction.atomic
def remove_place(*, user, service: Service, place: Location) -> bool:
    """The entry is no longer offered at the place. The place stays for the other entries at
    it; one left with none is deleted (no page shows a place on its own). True if it was."""
    ServiceAtLocation.objects.filter(service=service, location=place).delete()
    service.save(update_fields=["last_modified"])
    if place.services_at.exists():
        return False
    place.delete()
    return True


# ------------------------------------------------------------------ the report and reminders


def stale_services(user, today: dt.date | None = None) -> QuerySet[Service]:
    today = today or timezone.localdate()
    return editable_services(user).filter(stale_q(today)).order_by("review_date", "name")


def stale_csv(services: Iterable[Service], today: dt.date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "service", "organisation", "assured date", "assured by", "review date", "why"]
    )
    for service in services:
        due = review_due(service)
        why = (
            "never checked" if service.assured_date is None else f"review was due {due.isoformat()}"
        )
        writer.writerow(
            [
                service.pk,
                _safe(service.display_name),
                _safe(service.organization.name if service.organization else ""),
                service.assured_date.isoformat() if service.assured_date else "",
                _safe(service.assurer_email),
                due.isoformat() if due else "",
                why,
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def reminders(today: dt.date | None = None, days: int = REMIND_AHEAD_DAYS) -> dict:
    """{editor: [services due]} for each partner's directory editors with something falling
    due within `days` (or already past)."""
    today = today or timezone.localdate()
    due = (
        Service.objects.filter(organization__partner__isnull=False)
        .filter(due_q(today, days))
        .select_related("organization", "catalogue_service")
        .order_by("review_date", "name")
    )
    by_partner: dict[int, list[Service]] = defaultdict(list)
    for service in due:
        by_partner[service.organization.partner_id].append(service)
    editors = (
        Membership.objects.filter(role=Role.DIRECTORY_EDITOR, partner_id__in=by_partner)
        .select_related("user")
        .order_by("user_id")
    )
    out: dict = defaultdict(list)
    User = get_user_model()
    for membership in editors:
        user: User = membership.user
        if user.is_active and user.email:
            out[user].extend(by_partner[membership.partner_id])
    return dict(out)
