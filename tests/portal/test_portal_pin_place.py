"""Placing the map pin announces a place in words (issue 18): the nearest street and
postcode from public data (the postcode directory, the directory of services' addresses),
never raw coordinates, never a customer's or a request's address."""

from __future__ import annotations

from firstcontact.customers.services import create_customer
from firstcontact.directory.models import Address, Location, Postcode


def announced(client, **query) -> str:
    response = client.get("/places/pin/", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["text"]


def test_the_nearest_street_and_postcode_are_announced(client, db):
    Postcode.objects.create(postcode="WX2 1AA", latitude=51.5, longitude=-1.5)
    Postcode.objects.create(postcode="WX2 9ZZ", latitude=51.52, longitude=-1.5)
    place = Location.objects.create(name="Library", latitude=51.5004, longitude=-1.5)
    Address.objects.create(
        location=place,
        address_1="14 Mill Lane",
        city="Northby",
        state_province="Wessex",
        postal_code="WX2 1AA",
    )
    text = announced(client, lat="51.5003", lng="-1.5001")
    assert text == "Pin placed on the map near Mill Lane, WX2 1AA"
    assert "51.5" not in text


def test_a_postcode_alone_and_nothing_known(client, db):
    Postcode.objects.create(postcode="WX2 1AA", latitude=51.5, longitude=-1.5)
    assert announced(client, lat="51.501", lng="-1.5") == "Pin placed on the map near WX2 1AA"
    # Far from every postcode: the plain words.
    assert announced(client, lat="51.6", lng="-1.5") == "Pin placed on the map"


def test_bad_points_get_the_plain_words_not_an_error(client, db):
    for query in ({}, {"lat": "north", "lng": "1"}, {"lat": "95", "lng": "0"}, {"lat": "nan"}):
        assert announced(client, **query) == "Pin placed on the map"


def test_a_customers_address_is_never_used(client, partnership):
    create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        addresses=[{"line1": "4 Secret Close", "town": "Northby", "postcode": "WX2 1AA"}],
    )
    Postcode.objects.create(postcode="WX2 1AA", latitude=51.5, longitude=-1.5)
    text = announced(client, lat="51.5", lng="-1.5")
    assert "Secret Close" not in text and text == "Pin placed on the map near WX2 1AA"
