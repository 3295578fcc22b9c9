"""Directory records as Open Referral UK 3.0 JSON (the schemas in oruk/schema/).

Blank and unknown values are left out rather than sent as "" or null, since the schemas type
most fields as strings with formats (an empty email fails `format: email`); required fields
are always sent. A few HSDS 3.0 fields the UK profile's snapshot lacks are added where there
is data for them (`phones` on services, places and contacts; a language's `name` and `code`;
a schedule's `until`, `count` and `wkst`): the schemas allow extra properties.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from firstcontact.directory.models import (
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)


def _value(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _record(fields: dict, required: tuple[str, ...] = ("id",)) -> dict:
    """The fields that have a value, and the required ones whatever they hold."""
    out = {}
    for key, value in fields.items():
        if value is None or value == "":
            if key in required:
                out[key] = "" if value is None else value
            continue
        out[key] = _value(value)
    return out


# ------------------------------------------------------------------ taxonomies


def taxonomy_term(term: TaxonomyTerm) -> dict:
    taxonomy = term.taxonomy if term.taxonomy_id else None
    return _record(
        {
            "id": term.id,
            "name": term.name,
            "description": term.description,
            "parent_id": term.parent_id,
            "taxonomy": taxonomy.name if taxonomy else term.taxonomy_name,
            "taxonomy_id": term.taxonomy_id,
            "term_uri": term.term_uri,
            "term": term.code,
        },
        required=("id", "name", "description"),
    )


def taxonomy(item: Taxonomy, *, terms: list[TaxonomyTerm] | None = None) -> dict:
    out = _record(
        {
            "id": item.id,
            "name": item.name,
            "description": item.description,
            "uri": item.uri,
            "version": item.version,
        },
        required=("id", "name", "description"),
    )
    if terms is not None:
        out["taxonomy_terms"] = [taxonomy_term(t) for t in terms]
    return out


def attribute(item: Attribute) -> dict:
    return {
        **_record(
            {
                "id": item.id,
                "link_id": item.link_id,
                "link_type": item.link_type,
                "link_entity": item.link_entity,
                "taxonomy_term_id": item.taxonomy_term_id,
                "value": item.value,
            }
        ),
        "taxonomy_term": taxonomy_term(item.taxonomy_term),
    }


# ------------------------------------------------------------------ organisations


def organization(
    item: Organization,
    *,
    full: bool = False,
    services: list[dict] | None = None,
    attributes: list[Attribute] | None = None,
) -> dict:
    out = _record(
        {
            "id": item.id,
            "name": item.name,
            "description": item.description,
            "email": item.email,
            "website": item.website,
            "logo": item.logo,
            "uri": item.uri,
            "parent_organization_id": item.parent_organization_id,
        },
        required=("id", "name", "description"),
    )
    if full:
        out["organization_identifiers"] = [
            _record(
                {
                    "id": i.id,
                    "organization_id": item.id,
                    "identifier_scheme": i.identifier_scheme,
                    "identifier_type": i.identifier_type,
                    "identifier": i.identifier,
                },
                required=("id", "identifier_type", "identifier"),
            )
            for i in item.identifiers.all()
        ]
        if attributes is not None:
            out["attributes"] = [attribute(a) for a in attributes]
    if services is not None:
        out["services"] = services
    return out


# ------------------------------------------------------------------ places


def phone(item: Phone) -> dict:
    out = _record(
        {
            "id": item.id,
            "number": item.number,
            "extension": item.extension,
            "type": item.type,
            "description": item.description,
        },
        required=("id", "number"),
    )
    languages = [_language(lang) for lang in item.languages.all()]
    if languages:
        out["languages"] = languages
    return out


def _language(item) -> dict:
    return _record(
        {
            "id": item.id,
            "service_id": item.service_id,
            "phone_id": item.phone_id,
            "name": item.name,
            "code": item.code,
            "note": item.note,
        }
    )


def location(item: Location, *, full: bool = False) -> dict:
    out = _record(
        {
            "id": item.id,
            "location_type": item.location_type,
            "name": item.name,
            "description": item.description,
            "latitude": item.latitude,
            "longitude": item.longitude,
            "external_identifier": item.external_identifier,
            "external_identifier_type": item.external_identifier_type,
        },
        required=("id", "location_type"),
    )
    if full:
        out["addresses"] = [
            _record(
                {
                    "id": a.id,
                    "location_id": item.id,
                    "attention": a.attention,
                    "address_1": a.address_1,
                    "address_2": a.address_2,
                    "city": a.city,
                    "region": a.region,
                    "state_province": a.state_province,
                    "postal_code": a.postal_code,
                    "country": a.country,
                    "address_type": a.address_type,
                },
                required=(
                    "id",
                    "address_1",
                    "city",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ),
            )
            for a in item.addresses.all()
        ]
        out["accessibility"] = [
            _record(
                {
                    "id": a.id,
                    "location_id": item.id,
                    "description": a.description,
                    "details": a.details,
                    "url": a.url,
                }
            )
            for a in item.accessibility.all()
        ]
        phones = [phone(p) for p in item.phones.all()]
        if phones:
            out["phones"] = phones
    return out


def schedule(item: Schedule) -> dict:
    return _record(
        {
            "id": item.id,
            "service_id": item.service_id,
            "service_at_location_id": item.service_at_location_id,
            "valid_from": item.valid_from,
            "valid_to": item.valid_to,
            "dtstart": item.dtstart,
            "until": item.until,
            "count": item.count,
            "wkst": item.wkst,
            "freq": item.freq,
            "interval": item.interval,
            "byday": item.byday,
            "bymonthday": item.bymonthday,
            "description": item.description,
            "opens_at": item.opens_at,
            "closes_at": item.closes_at,
            "schedule_link": item.schedule_link,
            "attending_type": item.attending_type,
            "notes": item.notes,
        }
    )


def service_at_location(
    item: ServiceAtLocation,
    *,
    full: bool = False,
    with_service: dict | None = None,
    distance: float | None = None,
) -> dict:
    out = _record(
        {
            "id": item.id,
            "service_id": item.service_id,
            "location_id": item.location_id,
            "description": item.description,
        }
    )
    out["location"] = location(item.location, full=full)
    if full:
        out["schedules"] = [schedule(s) for s in item.schedules.all()]
    if with_service is not None:
        out["service"] = with_service
    if distance is not None:
        out["distance"] = round(distance)
    return out


# ------------------------------------------------------------------ services


def service_status(item: Service) -> str:
    """A catalogue service that is switched off is inactive in the directory too."""
    if item.catalogue_service_id and not item.catalogue_service.active:
        return ServiceStatus.INACTIVE
    return item.status


def service(
    item: Service,
    *,
    full: bool = False,
    attributes: list[Attribute] | None = None,
    organization_data: bool = True,
) -> dict:
    out = _record(
        {
            "id": item.id,
            "organization_id": item.organization_id,
            "name": item.display_name,
            "description": item.display_description,
            "url": item.url,
            "email": item.email,
            "status": service_status(item),
            "fees": item.fees,
            "accreditations": item.accreditations,
            "minimum_age": item.minimum_age,
            "maximum_age": item.maximum_age,
            "assured_date": item.assured_date,
            "assurer_email": item.assurer_email,
            "alert": item.alert,
            "last_modified": item.last_modified,
        },
        required=("id", "name", "status"),
    )
    if organization_data and item.organization_id:
        out["organization"] = organization(item.organization, full=full)
    if not full:
        return out
    out["schedules"] = [schedule(s) for s in item.schedules.all()]
    out["service_areas"] = [
        _record(
            {
                "id": a.id,
                "service_id": item.id,
                "name": a.name,
                "extent": a.extent,
                "extent_type": a.extent_type,
                "uri": a.uri,
                "service_area": a.description,
            }
        )
        for a in item.service_areas.all()
    ]
    out["service_at_locations"] = [
        service_at_location(s, full=True) for s in item.at_locations.all()
    ]
    out["languages"] = [_language(lang) for lang in item.languages.all()]
    out["funding"] = [
        _record({"id": f.id, "service_id": item.id, "source": f.source}) for f in item.funding.all()
    ]
    out["cost_options"] = [
        _record(
            {
                "id": c.id,
                "service_id": item.id,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "option": c.option,
                "amount": c.amount,
                "currency": c.currency,
                "amount_description": c.amount_description,
            }
        )
        for c in item.cost_options.all()
    ]
    out["contacts"] = [
        {
            **_record(
                {
                    "id": c.id,
                    "service_id": item.id,
                    "name": c.name,
                    "title": c.title,
                    "department": c.department,
                    "email": c.email,
                }
            ),
            "phones": [phone(p) for p in c.phones.all()],
        }
        for c in item.contacts.all()
    ]
    out["phones"] = [phone(p) for p in item.phones.all()]
    out["attributes"] = [attribute(a) for a in (attributes or [])]
    return out


def minimal_service(item: Service) -> dict:
    """`minimal=true`: the id and when it last changed (with the name and status that the
    list schema requires of every item)."""
    return _record(
        {
            "id": item.id,
            "name": item.display_name,
            "status": service_status(item),
            "last_modified": item.last_modified,
        },
        required=("id", "name", "status"),
    )


def envelope(contents: list, *, total: int, page: int, per_page: int) -> dict:
    """ORUK's pagination envelope around one page of records."""
    total_pages = max(1, -(-total // per_page)) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }
