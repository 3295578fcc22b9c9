"""street_only: an address to its street, never a house number, flat, house name or postcode;
and public_place: the service's precision."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstcontact.catalogue.models import PublicLocation
from firstcontact.open311.places import outward_code, public_place, street_only


@pytest.mark.parametrize(
    "address,street",
    [
        ("14 High Street, Casterbridge, WX1 2AB", "High Street, Casterbridge"),
        ("Flat 2, 14a High Street, Casterbridge, WX1 2AB", "High Street, Casterbridge"),
        ("Flat 3b Rose Court, 12-14 Mill Lane, Northtown WX3 1AA", "Mill Lane, Northtown"),
        ("Apartment 12, Quay House, 3 Harbour Road, Weymouth", "Harbour Road, Weymouth"),
        ("Ground floor flat, 9 Park View", "Park View"),
        ("Unit 4, Riverside Trading Estate, Mill Road", "Mill Road"),
        ("The Old Rectory, Church Lane, Upton", "Church Lane, Upton"),
        ("Rose Cottage, 7 Church Lane, Northby", "Church Lane, Northby"),
        ("Outside 22 Mill Lane, Northtown", "Outside Mill Lane, Northtown"),
        ("Near 5 Elm Court, Budmouth", "Near Elm Court, Budmouth"),
        ("Land adjacent to 3 The Green, Upton", "Land adjacent to The Green, Upton"),
        ("No. 7 Station Road", "Station Road"),
        ("12/14 Fore St", "Fore St"),
        ("4 Mill Lane, Southby WX3 1AA", "Mill Lane, Southby"),
        ("Bus stop, WX1 1AA", "Bus stop"),
        ("Bus station", "Bus station"),
        ("Rose Cottage, Upton", "Upton"),
        ("Rose Cottage", ""),
        ("Flat 1", ""),
        ("42", ""),
        ("WX1 2AB", ""),
        ("", ""),
        ("High Street\nCasterbridge", "High Street, Casterbridge"),
    ],
)
def test_street_only(address, street):
    assert street_only(address) == street


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[0-9]{1,4}[a-c]?", fullmatch=True),
            st.sampled_from(["Flat 3", "Apt 2b", "Unit 9", "Rose Cottage", "WX1 2AB", "SW1A 1AA"]),
            st.sampled_from(["High Street", "Mill Lane", "Casterbridge", "The Green", "near"]),
        ),
        max_size=8,
    ).map(lambda parts: ", ".join(parts) if parts and parts[0][-1:].isalpha() else " ".join(parts))
)
def test_no_number_flat_or_postcode_ever_survives(address):
    """Whatever the order and punctuation: no number, flat or unit, or postcode is left."""
    street = street_only(address)
    assert not re.search(r"\d", street), (address, street)
    assert not re.search(r"\b(flat|apt|unit)\b", street, re.I), (address, street)
    assert not re.search(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", street), (address, street)


@given(st.text(max_size=300))
def test_any_text_gives_text_without_a_house_number(address):
    street = street_only(address)
    assert isinstance(street, str)
    assert not re.search(r"(?<![\w/-])[0-9]+[a-z]?(?![\w/-])", street, re.I) or not street


def test_outward_code():
    assert outward_code("WX1 2AB") == "WX1"
    assert outward_code("sw1a 1aa") == "SW1A"
    assert outward_code("") == ""


def test_public_place_by_precision():
    street = SimpleNamespace(public_location=PublicLocation.STREET)
    point = SimpleNamespace(public_location=PublicLocation.POINT)
    where = {
        "address": "3 Mill Lane",
        "postcode": "WX1 2AB",
        "latitude": 51.512345,
        "longitude": -1.587654,
    }
    assert (
        public_place(street, **where).lat == 51.512 and public_place(street, **where).long == -1.588
    )
    exact = public_place(point, **where)
    assert (exact.lat, exact.long, exact.address, exact.zipcode) == (
        51.512345,
        -1.587654,
        "Mill Lane",
        "WX1",
    )
    assert public_place(point).lat is None and public_place(point).address is None
