"""A search by place reads the coordinates that each service-at-place carries (a copy of its
place's, for one index to answer "which services are in this box"): they follow the place
when it is created, moved or imported, and an upgrade gives existing places theirs. Word
searches still reach organisations' names and catalogue services' keywords."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from firstcontact.directory import finder, selectors
from firstcontact.directory.models import Location, Service, ServiceAtLocation
from tests.directory.conftest import CENTRE, place

FIND = "/find-a-service/"
BEFORE = ("directory", "0003_editors_review_and_welcome_packs")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def names(response) -> list[str]:
    return [r["name"] for r in response.context["results"]]


@pytest.mark.django_db
def test_a_place_that_moves_is_found_where_it_is_now(client, directory):
    near_wx1 = {"postcode": "WX1 1AA", "radius": "1000"}
    assert "Emergency food parcels" in names(client.get(FIND, near_wx1))

    corn_exchange = Location.objects.get(name="Corn Exchange")
    corn_exchange.latitude, corn_exchange.longitude = 51.25, -2.4  # at WX9 9ZZ now
    corn_exchange.save()

    assert "Emergency food parcels" not in names(client.get(FIND, near_wx1))
    assert "Emergency food parcels" in names(
        client.get(FIND, {"postcode": "WX9 9ZZ", "radius": "1000"})
    )


@pytest.mark.django_db
def test_a_new_place_for_a_service_is_found_there(client, directory):
    search = {"q": "Sherton", "postcode": "WX1 1AA", "radius": "2000"}
    assert names(client.get(FIND, search)) == []
    ServiceAtLocation.objects.create(
        service=directory.far_away, location=place("Town hall annexe", 800, "WX1 1AC")
    )
    assert names(client.get(FIND, search)) == ["Debt advice in Sherton"]


@pytest.mark.django_db
def test_the_api_finds_services_and_places_by_distance_from_the_copied_coordinates(
    client, directory
):
    Location.objects.filter(name="Library").update(latitude=CENTRE[0] + 0.5)  # not saved
    Location.objects.get(name="Library").save()  # a save brings its services along
    near = {"postcode": "WX1 1AA", "proximity": "5000"}
    listed = client.get("/openreferral/v3/services", near).json()["contents"]
    assert "Debt advice" not in [s["name"] for s in listed]
    places = client.get("/openreferral/v3/service_at_locations", near).json()["contents"]
    assert "Library" not in [s["location"]["name"] for s in places]
    assert "Corn Exchange" in [s["location"]["name"] for s in places]


@pytest.mark.django_db
def test_words_reach_organisation_names_and_catalogue_keywords_however_many_match(
    client, directory, monkeypatch
):
    directory.council_tax.keywords = "ctax, band, discount"
    directory.council_tax.save()
    for limit in (selectors.MAX_IDS_INLINE, 0):  # ids in the statement, then a subquery
        monkeypatch.setattr(selectors, "MAX_IDS_INLINE", limit)
        assert names(client.get(FIND, {"q": "discount"})) == ["Council Tax"]
        assert set(names(client.get(FIND, {"q": "wessex advice"}))) >= {
            "Debt advice",
            "Debt advice in Sherton",
        }
        # A private catalogue service is never found, by its keywords or its organisation.
        assert "Staff only helpline" not in names(client.get(FIND, {"q": "wessex"}))


@pytest.mark.django_db
def test_every_page_of_the_api_in_id_order_lists_each_public_service_once(client, directory):
    public = sorted(str(pk) for pk in selectors.services().values_list("pk", flat=True))
    pages = [
        client.get("/openreferral/v3/services", {"page": page, "per_page": 2}).json()
        for page in range(1, 5)
    ]
    listed = [s["id"] for page in pages for s in page["contents"]]
    assert listed == public
    assert str(directory.secret_entry.pk) not in listed
    assert pages[0]["total_items"] == len(public)


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_gives_existing_places_their_coordinates_for_the_search():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_apps = executor.loader.project_state([BEFORE]).apps
        OldLocation = old_apps.get_model("directory", "Location")
        OldService = old_apps.get_model("directory", "Service")
        OldServiceAtLocation = old_apps.get_model("directory", "ServiceAtLocation")
        hall = OldLocation.objects.create(name="Hall", latitude=50.81, longitude=-1.75)
        service = OldService.objects.create(name="Lunch club", description="Hot meals.")
        OldServiceAtLocation.objects.create(service=service, location=hall)
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest: the next tests need them.
        executor.migrate(executor.loader.graph.leaf_nodes())

    at = ServiceAtLocation.objects.get(service_id=service.pk)
    assert (at.latitude, at.longitude) == (50.81, -1.75)
    point = selectors.Centroid("WX1 1AA", *CENTRE)
    found = finder._near(Service.objects.all(), point, 2_000)
    assert list(found) == [service.pk]
