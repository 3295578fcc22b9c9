"""A small directory: two organisations, services at places around a postcode, terms, and the
entries of a public and a private catalogue service."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from firstcontact.catalogue.models import Service as CatalogueService
from firstcontact.catalogue.models import ServiceKind
from firstcontact.directory import spec
from firstcontact.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    LinkType,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from firstcontact.directory.services import store_service

# The standard's example service (shipped in oruk/examples/, so tests run without ../shared).
EXAMPLE_SERVICE = json.loads((spec.ORUK_DIR / "examples" / "service_full.json").read_text())

# Casterbridge: the centre of the search, and places at known distances north of it
# (0.01 degrees of latitude is about 1,112 m).
CENTRE = (50.8, -1.75)


def place(name: str, north_m: float, postcode: str) -> Location:
    location = Location.objects.create(
        name=name,
        latitude=CENTRE[0] + north_m / 111_195,
        longitude=CENTRE[1],
        postcode=postcode,
    )
    Address.objects.create(
        location=location,
        address_1=f"1 {name} Street",
        city="Casterbridge",
        state_province="Wessex",
        postal_code=postcode,
        country="GB",
    )
    return location


@pytest.fixture
def directory(db):
    Postcode.objects.create(postcode="WX1 1AA", latitude=CENTRE[0], longitude=CENTRE[1])
    Postcode.objects.create(postcode="WX9 9ZZ", latitude=51.25, longitude=-2.4)
    lgsl = Taxonomy.objects.create(
        name="LGSL",
        description="Local Government Services List",
        uri="http://id.esd.org.uk/list/services",
    )
    food = TaxonomyTerm.objects.create(
        taxonomy=lgsl, code="1234", name="Food banks", description="Emergency food"
    )
    needs = Taxonomy.objects.create(name="Needs", description="What a resident needs")
    money = TaxonomyTerm.objects.create(taxonomy=needs, code="money", name="Money", description="")
    debt = TaxonomyTerm.objects.create(
        taxonomy=needs, parent=money, code="debt", name="Debt", description="Debt advice"
    )

    charity = Organization.objects.create(
        name="Casterbridge Food Bank", description="A local charity", email="hello@example.org"
    )
    advice = Organization.objects.create(name="Wessex Advice", description="Free advice")

    food_bank = Service.objects.create(
        organization=charity,
        name="Emergency food parcels",
        description="Three days of food for anyone referred.",
        email="parcels@example.org",
        url="https://example.org/food",
        minimum_age=16,
        assured_date=dt.date(2026, 1, 10),
    )
    debt_advice = Service.objects.create(
        organization=advice, name="Debt advice", description="Help with money and debt."
    )
    far_away = Service.objects.create(
        organization=advice, name="Debt advice in Sherton", description="Far away."
    )
    near = place("Corn Exchange", 500, "WX1 1AB")
    middle = place("Library", 3000, "WX1 2AB")
    far = place("Sherton Hall", 60_000, "WX9 9ZZ")
    food_at = ServiceAtLocation.objects.create(service=food_bank, location=near)
    debt_at = ServiceAtLocation.objects.create(service=debt_advice, location=middle)
    ServiceAtLocation.objects.create(service=far_away, location=far)
    Schedule.objects.create(
        service=food_bank,
        freq="WEEKLY",
        byday="MO,WE,FR",
        opens_at=dt.time(10),
        closes_at=dt.time(14),
        description="Monday, Wednesday and Friday, 10am to 2pm",
    )
    Schedule.objects.create(
        service_at_location=debt_at, freq="WEEKLY", byday="TU", opens_at=dt.time(9)
    )
    CostOption.objects.create(service=food_bank, option="Free", amount=0)
    Language.objects.create(service=food_bank, name="Polish", code="pl")
    ServiceArea.objects.create(
        service=debt_advice, name="Casterbridge", extent="WX1,WX2", extent_type="postcode_districts"
    )
    contact = Contact.objects.create(service=food_bank, name="Reception", email="desk@example.org")
    Phone.objects.create(contact=contact, number="01632 960000")
    Phone.objects.create(location=near, number="01632 960001")
    Accessibility.objects.create(location=near, description="Step-free entrance")
    Attribute.objects.create(taxonomy_term=food, link_entity=LinkType.SERVICE, link_id=food_bank.id)
    Attribute.objects.create(
        taxonomy_term=debt, link_entity=LinkType.SERVICE, link_id=debt_advice.id
    )

    council_tax = CatalogueService.objects.create(
        code="council-tax",
        name="Council Tax",
        description="Pay or ask about Council Tax.",
        kind=ServiceKind.INFORMATION,
    )
    secret = CatalogueService.objects.create(
        code="staff-only", name="Staff only helpline", kind=ServiceKind.INFORMATION, private=True
    )
    council_tax_entry = Service.objects.create(catalogue_service=council_tax, organization=advice)
    secret_entry = Service.objects.create(catalogue_service=secret, organization=advice)
    ServiceAtLocation.objects.create(service=secret_entry, location=near)

    store_service(EXAMPLE_SERVICE, feed=None)
    example = Service.objects.get(pk=EXAMPLE_SERVICE["id"])
    return SimpleNamespace(
        lgsl=lgsl,
        needs=needs,
        food=food,
        money=money,
        debt=debt,
        charity=charity,
        advice=advice,
        food_bank=food_bank,
        debt_advice=debt_advice,
        far_away=far_away,
        food_at=food_at,
        debt_at=debt_at,
        council_tax=council_tax,
        council_tax_entry=council_tax_entry,
        secret_entry=secret_entry,
        example=example,
    )
