"""People the staff pages name in their hints, so that trying a hint in the demo finds them.

The desk's search box says "“Hariet Amblesid” finds Harriet Ambleside": she is a customer of
the hub district, whom its advisers can find (misspelt) from the first page.
"""

from __future__ import annotations

import datetime as dt

from firstcontact.customers.models import Customer, CustomerAddress
from firstcontact.customers.services import create_customer
from firstcontact.demo.partnership import HUB, Partnership

# (given name, family name) as the hint spells it correctly; the test of the demo reads the
# misspelling from the page itself.
SEARCH_HINT_PERSON = ("Harriet", "Ambleside")


def create_hint_examples(partnership: Partnership) -> Customer:
    hub = partnership.partners[HUB]
    # Somewhere in the hub's own district, as its other customers are.
    address = (
        CustomerAddress.objects.filter(customer__partner=hub, is_current=True)
        .exclude(postcode="")
        .order_by("pk")
        .first()
    )
    given, family = SEARCH_HINT_PERSON
    return create_customer(
        user=None,
        partner=hub,
        title="Mrs",
        given_name=given,
        family_name=family,
        date_of_birth=dt.date(1958, 4, 17),
        phones=["01632 960 001"],
        emails=["harriet.ambleside@example.org"],
        addresses=[
            {
                "line1": "4 Mill Lane",
                "town": address.town if address else "",
                "postcode": address.postcode if address else "",
            }
        ]
        if address
        else [],
        preferred_channel="phone",
    )
