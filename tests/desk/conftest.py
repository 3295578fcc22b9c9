"""Helpers for the desk and work tests: a resident known to the county, and a pothole."""

from __future__ import annotations

import pytest

from firstcontact.customers.services import create_customer
from firstcontact.servicerequests.services import clean_location, raise_request


@pytest.fixture
def resident(partnership):
    return create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        phones=["0113 496 0456"],
        emails=["harriet@example.org"],
        addresses=[{"line1": "4 Mill Lane", "town": "Northby", "postcode": "WX2 1AA"}],
    )


def raise_pothole(partnership, customer=None, **kwargs):
    return raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        attributes={"depth": "deep"},
        customer=customer,
        description=kwargs.pop("description", "Big hole by the bus stop"),
        **kwargs,
    )
