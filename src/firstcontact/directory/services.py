"""Writes to the directory: storing a service as another publisher's ORUK feed sends it.

A record is stored whole, in one transaction (a savepoint inside an import): the service by
its id, its organisation, places, opening times, costs and terms by theirs, and whatever the
service had that the record no longer has is removed. A record the feed sends unchanged is not
rewritten, so importing twice changes nothing. A feed never overwrites the partnership's own
entries or another feed's: an id that is already someone else's is refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time

from firstcontact.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Feed,
    Frequency,
    Funding,
    Language,
    LinkType,
    Location,
    LocationType,
    Organization,
    OrganizationIdentifier,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from firstcontact.partners.geography import normalise_postcode


class Refused(Exception):
    """A record that cannot be stored (its reason is shown with its id)."""


@dataclass(frozen=True)
class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# ------------------------------------------------------------------ values


def _fit(model: type[models.Model], field: str, value) -> str:
    """A string for a CharField, cut to its length (a feed's overlong text must not stop the
    import on PostgreSQL)."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "")
    limit = model._meta.get_field(field).max_length
    return text[:limit] if limit else text


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(str(value)[:10])
    except ValueError:
        return None
    return parsed


def _time(value) -> dt.time | None:
    if not value:
        return None
    try:
        return parse_time(str(value)[:8])
    except ValueError:
        return None


def _number(value, *, whole: bool = False):
    if value is None or isinstance(value, bool):
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if whole:
        return max(0, min(int(number), 32767))
    return number.quantize(decimal.Decimal("0.01")) if abs(number) < 10**8 else None


def _coordinate(value, limit: float) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit else None


def _texts(model: type[models.Model], data: dict, *fields: str) -> dict:
    return {f: _fit(model, f, data.get(f)) for f in fields}


def record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()


# ------------------------------------------------------------------ pieces


def _claim(model: type[models.Model], pk: uuid.UUID, feed: Feed | None):
    """The existing row with this id, if this feed may change it."""
    existing = model.objects.filter(pk=pk).first()
    if existing is not None and existing.feed_id != (feed.id if feed else None):
        raise Refused(f"the {model._meta.verbose_name} {pk} belongs to another source")
    return existing


def _store_organization(data: dict, feed: Feed | None) -> Organization | None:
    pk = _uuid(data.get("id"))
    if pk is None:
        return None
    existing = Organization.objects.filter(pk=pk).first()
    if existing is not None and existing.feed_id != (feed.id if feed else None):
        return existing  # someone else's organisation: link to it, change nothing
    organization = existing or Organization(pk=pk)
    for field, value in _texts(
        Organization, data, "name", "description", "email", "website", "logo", "uri"
    ).items():
        setattr(organization, field, value)
    organization.name = organization.name or "(no name)"
    organization.parent_organization_id = _uuid(data.get("parent_organization_id"))
    organization.feed = feed
    organization.save()
    if "organization_identifiers" in data:
        organization.identifiers.all().delete()
        OrganizationIdentifier.objects.bulk_create(
            OrganizationIdentifier(
                id=_uuid(i.get("id")) or uuid.uuid4(),
                organization=organization,
                **_texts(
                    OrganizationIdentifier,
                    i,
                    "identifier_scheme",
                    "identifier_type",
                    "identifier",
                ),
            )
            for i in data["organization_identifiers"]
            if isinstance(i, dict)
        )
    return organization


def _store_term(data: dict, feed: Feed | None) -> TaxonomyTerm | None:
    pk = _uuid(data.get("id"))
    if pk is None:
        return None
    existing = TaxonomyTerm.objects.filter(pk=pk).first()
    if existing is not None and existing.feed_id != (feed.id if feed else None):
        return existing  # our own LGSL terms (or another feed's): use them as they are
    term = existing or TaxonomyTerm(pk=pk)
    term.name = _fit(TaxonomyTerm, "name", data.get("name")) or "(no name)"
    term.description = _fit(TaxonomyTerm, "description", data.get("description"))
    term.code = _fit(TaxonomyTerm, "code", data.get("term"))
    term.term_uri = _fit(TaxonomyTerm, "term_uri", data.get("term_uri"))
    term.taxonomy_name = _fit(TaxonomyTerm, "taxonomy_name", data.get("taxonomy"))
    taxonomy_id = _uuid(data.get("taxonomy_id"))
    term.taxonomy = None
    if taxonomy_id is not None:
        term.taxonomy = Taxonomy.objects.filter(pk=taxonomy_id).first()
        if term.taxonomy is None:
            term.taxonomy = Taxonomy.objects.create(
                id=taxonomy_id,
                name=term.taxonomy_name or "Imported taxonomy",
                feed=feed,
            )
    parent_id = _uuid(data.get("parent_id"))
    term.parent = TaxonomyTerm.objects.filter(pk=parent_id).first() if parent_id else None
    term.feed = feed
    term.save()
    return term


def _store_phones(items, **owner) -> None:
    for data in items or []:
        if not isinstance(data, dict) or not data.get("number"):
            continue
        phone = Phone.objects.create(
            id=_uuid(data.get("id")) or uuid.uuid4(),
            **owner,
            **_texts(Phone, data, "number", "extension", "type", "description"),
        )
        _store_languages(data.get("languages"), phone=phone)


def _store_languages(items, **owner) -> None:
    Language.objects.bulk_create(
        Language(
            id=_uuid(data.get("id")) or uuid.uuid4(),
            **owner,
            **_texts(Language, data, "name", "code", "note"),
        )
        for data in items or []
        if isinstance(data, dict)
    )


def _schedule(data: dict, **owner) -> Schedule:
    freq = data.get("freq") if data.get("freq") in Frequency.values else ""
    return Schedule(
        id=_uuid(data.get("id")) or uuid.uuid4(),
        **owner,
        valid_from=_date(data.get("valid_from")),
        valid_to=_date(data.get("valid_to")),
        dtstart=_date(data.get("dtstart")),
        until=_date(data.get("until")),
        count=_number(data.get("count"), whole=True),
        freq=freq,
        interval=_number(data.get("interval"), whole=True),
        opens_at=_time(data.get("opens_at")),
        closes_at=_time(data.get("closes_at")),
        **_texts(
            Schedule,
            data,
            "wkst",
            "byday",
            "bymonthday",
            "description",
            "schedule_link",
            "attending_type",
            "notes",
        ),
    )


def _store_location(data: dict, feed: Feed | None) -> Location:
    pk = _uuid(data.get("id"))
    if pk is None:
        raise Refused("a location has no id")
    existing = _claim(Location, pk, feed)
    location = existing or Location(pk=pk)
    location_type = data.get("location_type")
    location.location_type = (
        location_type if location_type in LocationType.values else LocationType.PHYSICAL
    )
    for field, value in _texts(
        Location,
        data,
        "name",
        "description",
        "external_identifier",
        "external_identifier_type",
    ).items():
        setattr(location, field, value)
    location.latitude = _coordinate(data.get("latitude"), 90)
    location.longitude = _coordinate(data.get("longitude"), 180)
    addresses = [a for a in data.get("addresses") or [] if isinstance(a, dict)]
    location.postcode = ""
    for address in addresses:
        if postcode := normalise_postcode(str(address.get("postal_code") or "")):
            location.postcode = postcode
            break
    location.feed = feed
    location.save()
    location.addresses.all().delete()
    Address.objects.bulk_create(
        Address(
            id=_uuid(a.get("id")) or uuid.uuid4(),
            location=location,
            address_type=a.get("address_type")
            if a.get("address_type") in LocationType.values
            else LocationType.PHYSICAL,
            **_texts(
                Address,
                a,
                "attention",
                "address_1",
                "address_2",
                "city",
                "region",
                "state_province",
                "postal_code",
                "country",
            ),
        )
        for a in addresses
    )
    location.accessibility.all().delete()
    Accessibility.objects.bulk_create(
        Accessibility(
            id=_uuid(a.get("id")) or uuid.uuid4(),
            location=location,
            description=_fit(Accessibility, "description", a.get("description"))
            or _fit(Accessibility, "description", a.get("accessibility")),
            details=_fit(Accessibility, "details", a.get("details")),
            url=_fit(Accessibility, "url", a.get("url")),
        )
        for a in data.get("accessibility") or []
        if isinstance(a, dict)
    )
    location.phones.all().delete()
    _store_phones(data.get("phones"), location=location)
    return location


# ------------------------------------------------------------------ a service


def store_service(record: dict, feed: Feed | None) -> str:
    """Store one fully nested ORUK service (already checked against service.json): an
    Outcome value. Raises Refused for a record that cannot be stored."""
    pk = _uuid(record.get("id"))
    if pk is None:
        raise Refused("the service has no UUID id")
    digest = record_hash(record)
    with transaction.atomic():
        existing = _claim(Service, pk, feed)
        if existing is not None and existing.source_hash == digest:
            return Outcome.UNCHANGED
        service = existing or Service(pk=pk)
        organization = None
        if isinstance(record.get("organization"), dict):
            organization = _store_organization(record["organization"], feed)
        elif org_id := _uuid(record.get("organization_id")):
            organization = Organization.objects.filter(pk=org_id).first()
        service.organization = organization
        for field, value in _texts(
            Service,
            record,
            "name",
            "description",
            "url",
            "email",
            "fees",
            "accreditations",
            "assurer_email",
            "alert",
        ).items():
            setattr(service, field, value)
        service.status = (
            record["status"] if record.get("status") in ServiceStatus.values else "active"
        )
        service.minimum_age = _number(record.get("minimum_age"), whole=True)
        service.maximum_age = _number(record.get("maximum_age"), whole=True)
        if (
            service.minimum_age is not None
            and service.maximum_age is not None
            and service.minimum_age > service.maximum_age
        ):
            service.maximum_age = None
        service.assured_date = _date(record.get("assured_date"))
        service.feed = feed
        service.source_hash = digest
        service.save()

        # Everything nested is replaced by what the record now says.
        service.schedules.all().delete()
        service.service_areas.all().delete()
        service.languages.all().delete()
        service.funding.all().delete()
        service.cost_options.all().delete()
        service.contacts.all().delete()
        service.phones.all().delete()
        Attribute.objects.filter(link_entity=LinkType.SERVICE, link_id=service.pk).delete()

        Schedule.objects.bulk_create(
            _schedule(s, service=service)
            for s in record.get("schedules") or []
            if isinstance(s, dict)
        )
        ServiceArea.objects.bulk_create(
            ServiceArea(
                id=_uuid(a.get("id")) or uuid.uuid4(),
                service=service,
                description=_fit(ServiceArea, "description", a.get("service_area")),
                **_texts(ServiceArea, a, "name", "extent", "extent_type", "uri"),
            )
            for a in record.get("service_areas") or []
            if isinstance(a, dict)
        )
        _store_languages(record.get("languages"), service=service)
        Funding.objects.bulk_create(
            Funding(
                id=_uuid(f.get("id")) or uuid.uuid4(),
                service=service,
                source=str(f.get("source") or ""),
            )
            for f in record.get("funding") or []
            if isinstance(f, dict)
        )
        CostOption.objects.bulk_create(
            CostOption(
                id=_uuid(c.get("id")) or uuid.uuid4(),
                service=service,
                valid_from=_date(c.get("valid_from")),
                valid_to=_date(c.get("valid_to")),
                amount=_number(c.get("amount")),
                **_texts(CostOption, c, "option", "currency", "amount_description"),
            )
            for c in record.get("cost_options") or []
            if isinstance(c, dict)
        )
        for data in record.get("contacts") or []:
            if not isinstance(data, dict):
                continue
            contact = Contact.objects.create(
                id=_uuid(data.get("id")) or uuid.uuid4(),
                service=service,
                **_texts(Contact, data, "name", "title", "department", "email"),
            )
            _store_phones(data.get("phones"), contact=contact)
        _store_phones(record.get("phones"), service=service)

        seen_locations = set()
        keep = []
        for data in record.get("service_at_locations") or []:
            if not isinstance(data, dict) or not isinstance(data.get("location"), dict):
                continue
            location = _store_location(data["location"], feed)
            sal_id = _uuid(data.get("id"))
            if sal_id is None or location.pk in seen_locations:
                continue
            seen_locations.add(location.pk)
            ServiceAtLocation.objects.filter(service=service, location=location).exclude(
                pk=sal_id
            ).delete()
            sal, _ = ServiceAtLocation.objects.update_or_create(
                pk=sal_id,
                defaults={
                    "service": service,
                    "location": location,
                    "description": str(data.get("description") or ""),
                },
            )
            sal.schedules.all().delete()
            Schedule.objects.bulk_create(
                _schedule(s, service_at_location=sal)
                for s in data.get("schedules") or []
                if isinstance(s, dict)
            )
            keep.append(sal.pk)
        service.at_locations.exclude(pk__in=keep).delete()

        terms_seen = set()
        for data in record.get("attributes") or []:
            if not isinstance(data, dict):
                continue
            term = None
            if isinstance(data.get("taxonomy_term"), dict):
                term = _store_term(data["taxonomy_term"], feed)
            elif term_id := _uuid(data.get("taxonomy_term_id")):
                term = TaxonomyTerm.objects.filter(pk=term_id).first()
            if term is None or term.pk in terms_seen:
                continue
            terms_seen.add(term.pk)
            Attribute.objects.create(
                id=_uuid(data.get("id")) or uuid.uuid4(),
                link_entity=LinkType.SERVICE,
                link_id=service.pk,
                taxonomy_term=term,
                link_type=_fit(Attribute, "link_type", data.get("link_type")),
                value=_fit(Attribute, "value", data.get("value")),
            )
    return Outcome.CREATED if existing is None else Outcome.UPDATED


def finish_feed_run(feed: Feed, started: dt.datetime, imported: int, skipped: int) -> None:
    feed.last_run_started = started
    feed.last_run_finished = timezone.now()
    feed.last_run_imported = imported
    feed.last_run_skipped = skipped
    feed.save()
