"""Find a service on the resident site: search by words and postcode, filters, nearest first
with opening times, a service's page, and the list to print or email."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from firstcontact.directory import finder
from firstcontact.directory.models import CostOption, Schedule, Service, ServiceAtLocation
from firstcontact.notify.models import Notification

pytestmark = pytest.mark.django_db

FIND = "/find-a-service/"
LONDON = finder.LOCAL_TIME


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def names(response) -> list[str]:
    return [r["name"] for r in response.context["results"]]


def test_the_search_form_shows_with_no_search(client, directory):
    response = client.get(FIND)
    assert response.status_code == 200
    assert response.context["results"] is None
    assert "Find a service" in response.text
    # The categories: the needs list and LGSL terms in use.
    assert "Debt" in response.text and "Food banks" in response.text


def test_words_find_services_by_name_description_and_organisation(client, directory):
    response = client.get(FIND, {"q": "food"})
    assert names(response) == ["Emergency food parcels"]
    response = client.get(FIND, {"q": "wessex advice"})
    assert set(names(response)) >= {"Debt advice", "Debt advice in Sherton"}


def test_private_catalogue_entries_are_never_found(client, directory):
    response = client.get(FIND, {"q": "staff only"})
    assert names(response) == []
    response = client.get(f"{FIND}{directory.secret_entry.pk}/")
    assert response.status_code == 404


def test_postcode_lists_nearest_first_within_the_distance(client, directory):
    response = client.get(FIND, {"postcode": "wx11aa", "radius": "5000"})
    listed = names(response)
    assert listed[:2] == ["Emergency food parcels", "Debt advice"]
    assert "Debt advice in Sherton" not in listed  # 60 km away
    assert "0.5 km away" in response.text and "3.0 km away" in response.text
    assert "Nearest to WX1 1AA first" in response.text
    # Opening times in words, from the service's or the place's schedules.
    assert "Monday, Wednesday, Friday: 10:00 to 14:00" in response.text
    assert "Tuesday: from 09:00" in response.text

    response = client.get(FIND, {"postcode": "WX1 1AA", "radius": "1000"})
    assert names(response)[0] == "Emergency food parcels"
    assert "Debt advice" not in names(response)[:1]


def test_a_service_whose_area_covers_the_postcode_is_listed_after_the_near_ones(client, directory):
    ServiceAtLocation.objects.filter(service=directory.debt_advice).delete()
    response = client.get(FIND, {"postcode": "WX1 1AA"})
    listed = names(response)
    assert listed.index("Emergency food parcels") < listed.index("Debt advice")
    assert "Covers your area" in response.text


def test_bad_and_unknown_postcodes_are_errors_not_500s(client, directory):
    response = client.get(FIND, {"postcode": "not a postcode"})
    assert response.status_code == 200
    assert "Enter a full postcode, like WX1 2AB" in response.text
    response = client.get(FIND, {"postcode": "ZZ9 9ZZ"})
    assert "We do not know where that postcode is" in response.text
    assert response.context["results"] is None


def test_nothing_to_search_for_asks_for_something(client, directory):
    response = client.get(FIND, {"search": "1", "q": " "})
    assert "Enter what you are looking for or a postcode, or choose a category" in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 101},
        {"q": "food", "age": "old"},
        {"q": "food", "age": "-4"},
        {"q": "food", "radius": "99"},
        {"q": "food", "category": "not-a-term"},
        {"q": "food", "cost": "cheap"},
        {"q": "food", "when": "never"},
        {"q": "food\x00"},
        {"q": "food", "page": "lots"},
    ],
)
def test_bad_input_is_answered_with_a_message(client, directory, params):
    response = client.get(FIND, params)
    assert response.status_code == 200


def test_category_includes_the_terms_under_it(client, directory):
    response = client.get(FIND, {"category": str(directory.money.pk)})
    assert names(response) == ["Debt advice"]
    response = client.get(FIND, {"category": str(directory.food.pk)})
    assert names(response) == ["Emergency food parcels"]


def test_age_filter_uses_the_services_minimum_and_maximum(client, directory):
    assert "Emergency food parcels" in names(client.get(FIND, {"q": "food", "age": "16"}))
    assert names(client.get(FIND, {"q": "food", "age": "12"})) == []


def test_free_or_paid(client, directory):
    CostOption.objects.create(service=directory.debt_advice, option="Session", amount=5)
    assert names(client.get(FIND, {"postcode": "WX1 1AA", "cost": "free"})) == [
        "Emergency food parcels"
    ]
    assert names(client.get(FIND, {"postcode": "WX1 1AA", "cost": "paid"})) == ["Debt advice"]


def test_open_now_uses_the_days_and_hours():
    schedule = Schedule(
        freq="WEEKLY", byday="MO,WE,FR", opens_at=dt.time(10), closes_at=dt.time(14)
    )
    wednesday_noon = dt.datetime(2026, 3, 4, 12, tzinfo=LONDON)
    assert finder.open_at(schedule, wednesday_noon)
    assert not finder.open_at(schedule, wednesday_noon.replace(hour=15))
    assert not finder.open_at(schedule, wednesday_noon + dt.timedelta(days=1))
    monthly = Schedule(freq="MONTHLY", byday="1TU", opens_at=dt.time(10), closes_at=dt.time(12))
    assert finder.open_at(monthly, dt.datetime(2026, 3, 3, 11, tzinfo=LONDON))
    assert not finder.open_at(monthly, dt.datetime(2026, 3, 10, 11, tzinfo=LONDON))
    last = Schedule(freq="MONTHLY", byday="-1FR")
    assert finder.open_on(last, dt.date(2026, 3, 27)) and not finder.open_on(
        last, dt.date(2026, 3, 20)
    )


def test_open_now_and_at_weekends_filter_results(directory):
    wednesday_noon = dt.datetime(2026, 3, 4, 12, tzinfo=LONDON)
    found = finder.find(finder.Filters(postcode="WX1 1AA", when="now"), moment=wednesday_noon)
    assert [f.service.display_name for f in found] == ["Emergency food parcels"]
    tuesday = dt.datetime(2026, 3, 3, 10, tzinfo=LONDON)
    found = finder.find(finder.Filters(postcode="WX1 1AA", when="now"), moment=tuesday)
    assert [f.service.display_name for f in found] == ["Debt advice"]
    assert finder.find(finder.Filters(postcode="WX1 1AA", when="weekend")) == []
    Schedule.objects.create(service=directory.debt_advice, freq="WEEKLY", byday="SA")
    found = finder.find(finder.Filters(postcode="WX1 1AA", when="weekend"))
    assert [f.service.display_name for f in found] == ["Debt advice"]


def test_the_service_page_shows_contacts_costs_places_and_accessibility(client, directory):
    response = client.get(f"{FIND}{directory.food_bank.pk}/", {"q": "food"})
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Emergency food parcels",
        "Casterbridge Food Bank",
        "01632 960000",  # the contact's phone
        "01632 960001",  # the place's phone
        "desk@example.org",
        "Free",
        "Step-free entrance",
        "Corn Exchange",
        "WX1 1AB",
        "16 and over",
        "Polish",
        "openstreetmap.org/?mlat=",
    ):
        assert expected in text, expected
    assert "/find-a-service/?q=food" in text  # back to the results


def test_a_catalogue_service_takes_its_name_from_the_catalogue(client, directory):
    response = client.get(f"{FIND}{directory.council_tax_entry.pk}/")
    assert "Council Tax" in response.text
    assert "Ask for this service online" in response.text


@pytest.mark.parametrize("bad", ["nothing-here", "00000000-0000-0000-0000-000000000000"])
def test_unknown_services_are_404(client, directory, bad):
    assert client.get(f"{FIND}{bad}/").status_code == 404


def test_a_defunct_service_is_not_found(client, directory):
    Service.objects.filter(pk=directory.food_bank.pk).update(status="defunct")
    assert names(client.get(FIND, {"q": "food"})) == []


def test_the_list_to_print_has_each_services_contacts(client, directory):
    response = client.get(reverse("portal:service_list"), {"postcode": "WX1 1AA"})
    assert response.status_code == 200
    assert "Services you found" in response.text
    assert "01632 960000" in response.text and "Corn Exchange" in response.text
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_the_list_without_a_search_goes_back_to_the_form(client, directory):
    response = client.get(reverse("portal:service_list"))
    assert response.status_code == 302


def test_the_list_is_emailed_to_the_address_given(client, directory):
    url = f"{reverse('portal:service_list')}?postcode=WX1+1AA&q=food"
    response = client.post(url, {"email": "Robin@Example.org"})
    assert response.status_code == 200
    assert "We have sent this list to Robin@example.org" in response.text
    sent = Notification.objects.get()
    assert sent.recipient == "Robin@example.org" and sent.channel == "email"
    assert "Emergency food parcels" in sent.body and "01632 960000" in sent.body
    assert "/find-a-service/list/?q=food&postcode=WX1+1AA" in sent.body


def test_a_bad_email_address_is_an_error(client, directory):
    url = f"{reverse('portal:service_list')}?q=food"
    response = client.post(url, {"email": "not an email"})
    assert "Enter an email address in the correct format" in response.text
    assert not Notification.objects.exists()


def test_sending_lists_is_rate_limited(client, directory, settings):
    settings.PORTAL_RATE_LIMITS = {"submit": (2, 3600)}
    url = f"{reverse('portal:service_list')}?q=food"
    for _ in range(2):
        assert client.post(url, {"email": "a@example.org"}).status_code == 200
    assert client.post(url, {"email": "a@example.org"}).status_code == 429
    assert Notification.objects.count() == 2


def test_pages_in_polish(client, directory):
    client.cookies["django_language"] = "pl"
    response = client.get(FIND, {"postcode": "WX1 1AA"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert 'lang="pl"' in response.text
    assert "Znajdź usługę" in response.text
    assert "Poniedziałek" in response.text or "poniedziałek" in response.text
