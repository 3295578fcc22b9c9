"""Two-tier routing: the county fixes potholes everywhere in Wessex, each district empties its
own bins, the police take antisocial behaviour. In the fixture the north district is the box
latitude 51–52, the south district latitude 50–51, both longitude -2 to -1; postcodes WX1/WX2
are north, WX3/WX4 south."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from firstcontact.catalogue.models import Service, ServiceKind, Tier
from firstcontact.catalogue.routing import resolve_delivery
from firstcontact.partners.geography import Location

IN_NORTH = Location(latitude=51.5, longitude=-1.5)
IN_SOUTH = Location(latitude=50.25, longitude=-1.75)
OUTSIDE = Location(latitude=53.4, longitude=-2.2)  # Manchester


def routed(service, location):
    delivery = resolve_delivery(service, location)
    return delivery.partner, delivery.team


def location_error(service, location) -> str:
    with pytest.raises(ValidationError) as excinfo:
        resolve_delivery(service, location)
    errors = excinfo.value.message_dict
    assert list(errors) == ["location"]
    return errors["location"][0]


@pytest.mark.parametrize(
    "location",
    [IN_NORTH, IN_SOUTH, Location(postcode="WX1 2AB"), Location(postcode="wx4 9zz")],
    ids=["north point", "south point", "north postcode", "south postcode"],
)
def test_pothole_goes_to_the_county_wherever_it_is(partnership, location):
    assert routed(partnership.pothole, location) == (partnership.county, partnership.highways)


@pytest.mark.parametrize(
    ("location", "district"),
    [
        (IN_NORTH, "north"),
        (IN_SOUTH, "south"),
        (Location(postcode="WX1 2AB"), "north"),
        (Location(postcode="WX2 1AA"), "north"),
        (Location(postcode="WX3 4CD"), "south"),
        (Location(postcode="WX3"), "south"),
    ],
)
def test_missed_bin_goes_to_the_district_where_it_is(partnership, location, district):
    partner = getattr(partnership, district)
    team = getattr(partnership, f"{district}_waste")
    assert routed(partnership.missed_bin, location) == (partner, team)


def test_point_wins_over_postcode(partnership):
    # A pin dropped in the south with a north postcode typed alongside: the pin is precise.
    location = Location(latitude=50.5, longitude=-1.5, postcode="WX1 2AB")
    assert routed(partnership.missed_bin, location)[0] == partnership.south


@pytest.mark.parametrize(
    "location",
    [OUTSIDE, Location(postcode="M1 1AE"), Location(latitude=51.5, longitude=-0.5)],
    ids=["point far away", "postcode elsewhere", "just east of the county"],
)
def test_outside_every_area_is_a_location_error(partnership, location):
    assert "outside" in location_error(partnership.pothole, location)
    assert "outside" in location_error(partnership.missed_bin, location)


@pytest.mark.parametrize("location", [None, Location()], ids=["none", "empty"])
def test_district_service_needs_a_location(partnership, location):
    assert "location" in location_error(partnership.missed_bin, location).lower()


def test_police_take_antisocial_behaviour_with_or_without_a_location(partnership):
    expected = (partnership.police, partnership.asb_team)
    assert routed(partnership.asb, None) == expected
    assert routed(partnership.asb, Location()) == expected
    assert routed(partnership.asb, IN_SOUTH) == expected


def test_single_deliverer_still_refuses_a_place_outside_its_area(partnership):
    assert "outside" in location_error(partnership.asb, OUTSIDE)


def test_service_nobody_delivers(partnership):
    orphan = Service.objects.create(
        code="orphan", name="Orphan service", kind=ServiceKind.INFORMATION, tier=Tier.ALL
    )
    with pytest.raises(ValidationError) as excinfo:
        resolve_delivery(orphan, IN_NORTH)
    assert list(excinfo.value.message_dict) == ["service_code"]


def test_covered_place_where_no_deliverer_works(partnership):
    # Bins in a place only the county covers: nobody delivers them there.
    from firstcontact.partners.models import PartnerArea

    PartnerArea.objects.filter(partner=partnership.south).delete()
    message = location_error(partnership.missed_bin, IN_SOUTH)
    assert "No partner provides" in message
