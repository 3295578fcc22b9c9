"""A small two-tier partnership for tests: Wessex County with two districts, a police force,
a hub run by one district, a handful of services, and staff in each role."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from firstcontact.catalogue.models import (
    Datatype,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    ServiceKind,
    SLAPolicy,
    SLAUnit,
    Tier,
)
from firstcontact.partners.models import (
    HubAgreement,
    Membership,
    Partner,
    PartnerArea,
    PartnerKind,
    Role,
    Team,
)

# Boundaries as (longitude, latitude) squares, so a point's owner is easy to reason about.
NORTH_BOX = [[[-2.0, 51.0], [-1.0, 51.0], [-1.0, 52.0], [-2.0, 52.0], [-2.0, 51.0]]]
SOUTH_BOX = [[[-2.0, 50.0], [-1.0, 50.0], [-1.0, 51.0], [-2.0, 51.0], [-2.0, 50.0]]]
COUNTY_BOX = [[[-2.0, 50.0], [-1.0, 50.0], [-1.0, 52.0], [-2.0, 52.0], [-2.0, 50.0]]]


def make_user(username: str, partner: Partner, role: str, team: Team | None = None) -> User:
    user = User.objects.create_user(username, password="correct-horse-battery", first_name=username)
    Membership.objects.create(user=user, partner=partner, role=role, team=team)
    return user


@pytest.fixture
def partnership(db):
    county = Partner.objects.create(
        slug="wessex", name="Wessex County Council", kind=PartnerKind.COUNTY
    )
    north = Partner.objects.create(
        slug="north",
        name="North Wessex District Council",
        kind=PartnerKind.DISTRICT,
        parent=county,
        is_hub=True,
    )
    south = Partner.objects.create(
        slug="south", name="South Wessex District Council", kind=PartnerKind.DISTRICT, parent=county
    )
    police = Partner.objects.create(slug="police", name="Wessex Police", kind=PartnerKind.POLICE)
    PartnerArea.objects.create(
        partner=county,
        name="Wessex",
        postcode_districts=["WX1", "WX2", "WX3", "WX4"],
        boundary={"type": "Polygon", "coordinates": COUNTY_BOX},
    )
    PartnerArea.objects.create(
        partner=north,
        name="North",
        postcode_districts=["WX1", "WX2"],
        boundary={"type": "Polygon", "coordinates": NORTH_BOX},
    )
    PartnerArea.objects.create(
        partner=south,
        name="South",
        postcode_districts=["WX3", "WX4"],
        boundary={"type": "Polygon", "coordinates": SOUTH_BOX},
    )
    PartnerArea.objects.create(
        partner=police,
        name="Wessex",
        postcode_districts=["WX1", "WX2", "WX3", "WX4"],
        boundary={"type": "Polygon", "coordinates": COUNTY_BOX},
    )
    highways = Team.objects.create(partner=county, name="Highways")
    north_waste = Team.objects.create(partner=north, name="Waste")
    south_waste = Team.objects.create(partner=south, name="Waste")
    asb_team = Team.objects.create(partner=police, name="Neighbourhood policing")
    HubAgreement.objects.create(
        hub=north,
        client=county,
        reference="SLA-HUB-1",
        starts=dt.date(2020, 1, 1),
        acting_roles=[Role.ADVISER, Role.TEAM_LEADER, Role.MANAGER],
    )

    five_days = SLAPolicy.objects.create(name="5 working days", unit=SLAUnit.WORKING_DAYS, amount=5)
    two_hours = SLAPolicy.objects.create(name="2 hours", unit=SLAUnit.CALENDAR_HOURS, amount=2)

    pothole = Service.objects.create(
        code="pothole",
        name="Pothole",
        kind=ServiceKind.FAULT_REPORT,
        tier=Tier.COUNTY,
        lgsl_code=557,
        group="Roads",
        sla_policy=five_days,
    )
    ServiceDelivery.objects.create(service=pothole, partner=county, team=highways)
    ServiceAttribute.objects.create(
        service=pothole,
        code="depth",
        description="How deep is it?",
        order=1,
        required=True,
        datatype=Datatype.SINGLEVALUELIST,
        values=[
            {"key": "shallow", "name": "Less than 5cm"},
            {"key": "deep", "name": "5cm or more"},
        ],
    )
    ServiceAttribute.objects.create(
        service=pothole,
        code="hazards",
        description="What else is there?",
        order=2,
        datatype=Datatype.MULTIVALUELIST,
        values=[
            {"key": "kerb", "name": "Damaged kerb"},
            {"key": "water", "name": "Standing water"},
        ],
    )
    ServiceAttribute.objects.create(
        service=pothole,
        code="width_cm",
        description="About how wide (cm)?",
        order=3,
        datatype=Datatype.NUMBER,
    )
    missed_bin = Service.objects.create(
        code="missed-bin",
        name="Missed bin collection",
        kind=ServiceKind.FAULT_REPORT,
        tier=Tier.DISTRICT,
        lgsl_code=524,
        group="Bins",
        sla_policy=five_days,
    )
    ServiceDelivery.objects.create(service=missed_bin, partner=north, team=north_waste)
    ServiceDelivery.objects.create(service=missed_bin, partner=south, team=south_waste)
    asb = Service.objects.create(
        code="asb",
        name="Antisocial behaviour",
        kind=ServiceKind.REFERRAL,
        tier=Tier.ALL,
        lgsl_code=870,
        sla_policy=two_hours,
    )
    ServiceDelivery.objects.create(service=asb, partner=police, team=asb_team)

    return SimpleNamespace(
        county=county,
        north=north,
        south=south,
        police=police,
        highways=highways,
        north_waste=north_waste,
        south_waste=south_waste,
        asb_team=asb_team,
        five_days=five_days,
        two_hours=two_hours,
        pothole=pothole,
        missed_bin=missed_bin,
        asb=asb,
        hub_adviser=make_user("hub-adviser", north, Role.ADVISER),
        highways_officer=make_user("highways-officer", county, Role.CASEWORKER, highways),
        south_caseworker=make_user("south-caseworker", south, Role.CASEWORKER, south_waste),
        police_officer=make_user("police-officer", police, Role.CASEWORKER, asb_team),
        admin=make_user("partnership-admin", county, Role.PARTNERSHIP_ADMIN),
        # A team leader of the county (escalates complaints, sends final responses), and the
        # hub's own back office: a caseworker of the hub, whom the hub agreement does not name.
        highways_lead=make_user("highways-lead", county, Role.TEAM_LEADER, highways),
        hub_caseworker=make_user("hub-caseworker", north, Role.CASEWORKER, north_waste),
    )


def pytest_terminal_summary(terminalreporter):
    """Print the leak matrix's summary (tests/access) in every run's output, xdist included:
    the test records it as a property of its report."""
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", []):
                if name == "leak_matrix" and getattr(report, "when", "") == "call":
                    terminalreporter.write_line(str(value).split("\nLEAKS", 1)[0][:4000])
