"""The Open Referral UK 3.0 API: every path answers in the standard's schemas (refs resolved
from a local registry), with its filters, paging, streaming and errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from firstcontact.directory import spec
from firstcontact.directory.models import Service

API = "/openreferral/v3"


def valid(name: str, body) -> dict:
    problems = spec.errors(name, body)
    assert not problems, f"{name}: " + "; ".join(problems[:5])
    return body


def get(client, path: str, schema: str | None = None, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, (path, params, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    return valid(schema, body) if schema else body


def ids(body) -> list[str]:
    return [item["id"] for item in body["contents"]]


def ndjson(response) -> list[dict]:
    assert response["Content-Type"] == "application/x-ndjson"
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


def test_the_root_says_which_version_and_where_the_openapi_is(client, db):
    body = get(client, "/", "api_details")
    assert body["version"] == "3.0"
    assert body["openapi_url"] == "http://testserver/openreferral/v3/openapi.json"
    document = client.get(API + "/openapi.json").json()
    assert set(document["paths"]) >= {"/services", "/taxonomy_terms/{id}"}


def test_every_list_and_record_validates_against_the_schemas(client, directory):
    d = directory
    get(client, "/services", "service_list")
    get(client, "/services", "service_list", full="true")
    get(client, "/services", "service_list", minimal="true")
    for service in [d.food_bank, d.debt_advice, d.council_tax_entry, d.example]:
        get(client, f"/services/{service.id}", "service")
    get(client, "/service_at_locations", "service_at_location_list")
    get(client, "/service_at_locations", "service_at_location_list", full="true")
    get(client, f"/service_at_locations/{d.food_at.id}", "service_at_location")
    get(client, "/organizations", "organization_list")
    get(client, "/organizations", "organization_list", full="true", full_service="true")
    get(client, f"/organizations/{d.charity.id}", "organization")
    get(client, f"/organizations/{d.charity.id}", "organization", full_service="true")
    get(client, "/taxonomies", "taxonomy_list")
    get(client, f"/taxonomies/{d.lgsl.id}", "taxonomy")
    get(client, "/taxonomy_terms", "taxonomy_term_list")
    get(client, f"/taxonomy_terms/{d.debt.id}", "taxonomy_term")


def test_a_full_service_has_what_a_resident_needs(client, directory):
    body = get(client, f"/services/{directory.food_bank.id}", "service")
    assert body["name"] == "Emergency food parcels"
    assert body["organization"]["name"] == "Casterbridge Food Bank"
    assert body["minimum_age"] == 16
    assert body["schedules"][0]["byday"] == "MO,WE,FR"
    assert body["schedules"][0]["opens_at"] == "10:00:00"
    assert body["cost_options"][0]["amount"] == 0
    assert body["languages"][0]["code"] == "pl"
    assert body["contacts"][0]["phones"][0]["number"] == "01632 960000"
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "WX1 1AB"
    assert location["accessibility"][0]["description"] == "Step-free entrance"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Food banks"


def test_the_standards_example_round_trips(client, directory):
    body = get(client, f"/services/{directory.example.id}", "service")
    assert body["name"] == "Community Counselling"
    assert body["cost_options"][0]["option"] == "Under 18s and Over 60s"
    assert body["organization"]["organization_identifiers"][0]["identifier"] == "1234567"
    # The example's latitude of 100 is not a place on Earth: it is left out, not stored.
    assert "latitude" not in body["service_at_locations"][0]["location"]


def test_pages_carry_the_envelope(client, directory):
    first = get(client, "/services", "service_list", per_page=2)
    assert first["total_items"] == 5  # not the private catalogue service's entry
    assert (first["total_pages"], first["page_number"], first["size"]) == (3, 1, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get(client, "/services", "service_list", per_page=2, page=3)
    assert last["size"] == 1 and last["last_page"] and not last["first_page"]
    beyond = get(client, "/services", "service_list", per_page=2, page=9)
    assert beyond["empty"] and beyond["contents"] == []
    every = {i for page in (1, 2, 3) for i in ids(get(client, "/services", per_page=2, page=page))}
    assert len(every) == 5


def test_catalogue_services_show_the_catalogues_name_and_private_ones_never_show(client, directory):
    body = get(client, f"/services/{directory.council_tax_entry.id}", "service")
    assert body["name"] == "Council Tax"
    assert body["description"] == "Pay or ask about Council Tax."
    before = directory.council_tax_entry.last_modified
    directory.council_tax.name = "Council Tax and discounts"
    directory.council_tax.save()
    body = get(client, f"/services/{directory.council_tax_entry.id}", "service")
    assert body["name"] == "Council Tax and discounts"
    assert Service.objects.get(pk=directory.council_tax_entry.pk).last_modified > before

    secret = str(directory.secret_entry.id)
    assert client.get(f"{API}/services/{secret}").status_code == 404
    assert secret not in ids(get(client, "/services", per_page=100))
    listed = get(client, "/service_at_locations", per_page=100)
    assert secret not in [s["service"]["id"] for s in listed["contents"]]
    assert b"Staff only" not in client.get(f"{API}/organizations/{directory.advice.id}").content


def test_filters(client, directory):
    d = directory
    assert ids(get(client, "/services", search="food parcels")) == [str(d.food_bank.id)]
    assert ids(get(client, "/services", search="TAX")) == [str(d.council_tax_entry.id)]
    assert ids(get(client, "/services", taxonomy_term_id=str(d.food.id))) == [str(d.food_bank.id)]
    assert ids(get(client, "/services", taxonomy_id=str(d.needs.id))) == [str(d.debt_advice.id)]
    by_org = set(ids(get(client, "/services", organization_id=str(d.charity.id))))
    assert by_org == {str(d.food_bank.id)}
    terms = get(client, "/taxonomy_terms", "taxonomy_term_list", taxonomy_id=str(d.needs.id))
    assert {t["name"] for t in terms["contents"]} == {"Money", "Debt"}
    top = get(client, "/taxonomy_terms", taxonomy_id=str(d.needs.id), top_only="true")
    assert [t["name"] for t in top["contents"]] == ["Money"]
    children = get(client, "/taxonomy_terms", parent_id=str(d.money.id))
    assert [t["name"] for t in children["contents"]] == ["Debt"]
    assert ids(get(client, "/organizations", search="food")) == [str(d.charity.id)]
    assert [t["name"] for t in get(client, "/taxonomies", search="lgsl")["contents"]] == ["LGSL"]


def test_modified_after(client, directory):
    later = timezone.now() + dt.timedelta(seconds=1)
    assert get(client, "/services", modified_after=later.isoformat())["contents"] == []
    directory.food_bank.save()  # touched now
    earlier = (timezone.now() - dt.timedelta(seconds=5)).isoformat()
    Service.objects.exclude(pk=directory.food_bank.pk).update(
        last_modified=timezone.now() - dt.timedelta(days=2)
    )
    assert ids(get(client, "/services", modified_after=earlier)) == [str(directory.food_bank.id)]
    # "+00:00" sent unencoded arrives as " 00:00", and a date alone is midnight.
    assert get(client, "/services", modified_after=earlier.replace("+", " "))["total_items"] == 1
    assert get(client, "/services", modified_after="2000-01-01")["total_items"] == 5


def test_minimal_lists_every_service_with_when_it_changed(client, directory):
    body = get(client, "/services", "service_list", minimal="true")
    assert body["size"] == 5 and body["total_pages"] == 1
    assert all(set(item) == {"id", "name", "status", "last_modified"} for item in body["contents"])


def test_postcode_and_proximity_nearest_first(client, directory):
    d = directory
    body = get(
        client,
        "/service_at_locations",
        "service_at_location_list",
        postcode="wx11aa",
        proximity=5000,
    )
    assert ids(body) == [str(d.food_at.id), str(d.debt_at.id)]
    assert [item["distance"] for item in body["contents"]] == [500, 3000]
    near = get(client, "/service_at_locations", postcode="WX1 1AA", proximity="1000")
    assert ids(near) == [str(d.food_at.id)]
    services = get(client, "/services", "service_list", postcode="WX1 1AA", proximity=5000)
    assert ids(services) == [str(d.food_bank.id), str(d.debt_advice.id)]
    # A postcode alone: services whose area covers it.
    covered = get(client, "/service_at_locations", postcode="WX1 9ZZ")
    assert [s["service"]["id"] for s in covered["contents"]] == [str(d.debt_advice.id)]
    streamed = ndjson(
        client.get(
            API + "/service_at_locations",
            {"postcode": "WX1 1AA", "proximity": 5000, "format": "ndjson"},
        )
    )
    assert [item["id"] for item in streamed] == [str(d.food_at.id), str(d.debt_at.id)]


def test_ndjson_streams_every_record(client, directory):
    lines = ndjson(client.get(API + "/services", {"format": "ndjson", "full": "true"}))
    assert len(lines) == 5
    for line in lines:
        valid("service", line)
    terms = ndjson(client.get(API + "/taxonomy_terms", {"format": "ndjson"}))
    assert len(terms) == 4  # three of ours and the example's


@pytest.mark.parametrize(
    "path, params, parameter",
    [
        ("/services", {"page": "0"}, "page"),
        ("/services", {"page": "two"}, "page"),
        ("/services", {"per_page": "100000"}, "per_page"),
        ("/services", {"format": "xml"}, "format"),
        ("/services", {"full": "maybe"}, "full"),
        ("/services", {"taxonomy_term_id": "food"}, "taxonomy_term_id"),
        ("/services", {"modified_after": "last tuesday"}, "modified_after"),
        ("/services", {"search": "a\x00b"}, "search"),
        ("/service_at_locations", {"proximity": "5000"}, "proximity"),
        ("/service_at_locations", {"postcode": "WX1 1AA", "proximity": "far"}, "proximity"),
        ("/service_at_locations", {"postcode": "WX1 1AA", "proximity": "-1"}, "proximity"),
        ("/service_at_locations", {"postcode": "nowhere"}, "postcode"),
        ("/service_at_locations", {"postcode": "WX5 5ZZ", "proximity": "100"}, "postcode"),
        ("/taxonomy_terms", {"top_only": "2"}, "top_only"),
        ("/organizations", {"full_service": "yes please"}, "full_service"),
    ],
)
def test_bad_parameters_are_a_400_in_json(client, directory, path, params, parameter):
    response = client.get(API + path, params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["parameter"] == parameter and body["message"]


@pytest.mark.parametrize(
    "path",
    ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"],
)
def test_unknown_ids_are_a_404_in_json(client, db, path):
    for unknown in ["9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "not-a-uuid"]:
        response = client.get(f"{API}/{path}/{unknown}")
        assert response.status_code == 404
        assert response.json()["status"] == 404


def test_only_get(client, db):
    assert client.post(API + "/services").status_code == 405
