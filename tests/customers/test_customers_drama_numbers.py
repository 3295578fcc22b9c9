"""Ofcom's drama numbers pass the phone check (our own hints use them), and look as a UK
number should; numbers outside the ranges are still refused."""

from __future__ import annotations

import pytest

from firstcontact.customers.contact_points import clean_phone, format_phone
from firstcontact.customers.models import Customer


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        ("07700 900 982", "+447700900982", "07700 900982"),
        ("01632 960 001", "+441632960001", "01632 960001"),
        ("+44 7700 900000", "+447700900000", "07700 900000"),
        ("0113 496 0999", "+441134960999", "0113 496 0999"),
        ("020 7946 0123", "+442079460123", "020 7946 0123"),
        ("0808 157 0456", "+448081570456", "0808 157 0456"),
    ],
)
def test_drama_numbers_pass_and_show_in_national_form(typed, e164, shown):
    assert clean_phone(typed) == e164
    assert format_phone(e164) == shown


@pytest.mark.parametrize("typed", ["07700 901 000", "01632 961 000", "07700 900 98", "12345"])
def test_numbers_beside_the_ranges_are_still_refused(typed):
    with pytest.raises(ValueError):
        clean_phone(typed)


def test_the_desk_takes_the_number_its_own_hint_gives(client, partnership):
    client.force_login(partnership.hub_adviser)
    response = client.post(
        "/desk/customers/new/",
        {
            "partner": partnership.north.pk,
            "given_name": "Ada",
            "family_name": "Lovelace",
            "phone": "07700 900 982",
            "confirm_new": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(family_name="Lovelace")
    assert list(customer.phones.values_list("number", flat=True)) == ["+447700900982"]
    page = client.get(response["Location"]).content.decode()
    assert "07700 900982" in page
