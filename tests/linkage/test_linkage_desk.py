"""At the desk, adding a customer warns "This person may already be on record" with the likely
matches the adviser may read, and nothing else."""

import datetime as dt

from firstcontact.customers.models import Customer
from firstcontact.customers.services import create_customer
from firstcontact.linkage.lookup import likely_matches


def add(partner, given, family, **kwargs):
    return create_customer(
        user=None, partner=partner, given_name=given, family_name=family, **kwargs
    )


def form(partnership, **fields):
    return {"partner": partnership.north.pk, **fields}


def test_a_near_duplicate_is_warned_about_with_a_link_to_open_it(client, partnership):
    robert = add(
        partnership.north,
        "Robert",
        "Allen",
        date_of_birth=dt.date(1971, 6, 24),
        phones=["0113 496 0123"],
    )
    client.force_login(partnership.hub_adviser)
    data = form(
        partnership,
        given_name="Bob",
        family_name="Alen",
        phone="0113 496 0999",
        date_of_birth_day="24",
        date_of_birth_month="6",
        date_of_birth_year="1971",
    )
    page = client.post("/desk/customers/new/", data).content.decode()
    assert "This person may already be on record" in page
    assert f'href="/desk/customers/{robert.pk}/"' in page
    assert "first name (a short form)" in page and "date of birth" in page
    assert Customer.objects.count() == 1
    # Carrying on: confirmed, the new record is created.
    response = client.post("/desk/customers/new/", {**data, "confirm_new": "on"})
    assert response.status_code == 302
    assert Customer.objects.count() == 2


def test_a_shared_phone_alone_finds_the_record(partnership):
    kept = add(partnership.north, "Harriet", "Ambleside", phones=["0113 496 0456"])
    matches = likely_matches(
        partnership.hub_adviser, given_name="Hattie", family_name="Ambleside", phone="01134960456"
    )
    assert [m.customer for m in matches] == [kept]


def test_someone_new_is_not_warned_about(client, partnership):
    add(
        partnership.north,
        "Robert",
        "Allen",
        date_of_birth=dt.date(1971, 6, 24),
        phones=["0113 496 0123"],
    )
    add(
        partnership.north,
        "Priya",
        "Allen",
        date_of_birth=dt.date(1990, 2, 3),
        emails=["p@example.org"],
    )
    client.force_login(partnership.hub_adviser)
    data = form(
        partnership,
        given_name="Oliver",
        family_name="Allen",
        phone="0113 496 0999",
        date_of_birth_day="5",
        date_of_birth_month="9",
        date_of_birth_year="2001",
    )
    response = client.post("/desk/customers/new/", data)
    assert response.status_code == 302
    assert Customer.objects.filter(given_name="Oliver").exists()


def test_a_record_the_adviser_may_not_read_is_never_shown(client, partnership):
    # South's record, not shared with the hub adviser's partners: the same person exactly.
    hidden = add(
        partnership.south,
        "Robert",
        "Allen",
        date_of_birth=dt.date(1971, 6, 24),
        emails=["rob@example.org"],
    )
    details = {
        "given_name": "Robert",
        "family_name": "Allen",
        "date_of_birth": dt.date(1971, 6, 24),
        "email": "rob@example.org",
    }
    assert likely_matches(partnership.hub_adviser, **details) == []
    assert [m.customer for m in likely_matches(partnership.south_caseworker, **details)] == [hidden]
    client.force_login(partnership.hub_adviser)
    data = form(
        partnership,
        given_name="Robert",
        family_name="Allen",
        email="rob@example.org",
        date_of_birth_day="24",
        date_of_birth_month="6",
        date_of_birth_year="1971",
    )
    response = client.post("/desk/customers/new/", data)
    assert response.status_code == 302  # created: nothing it may read looked like them
    assert f"/desk/customers/{hidden.pk}/" not in response.content.decode()
