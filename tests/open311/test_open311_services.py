"""Discovery, the service list and service definitions, in XML and JSON."""

from __future__ import annotations

import pytest

from firstcontact.catalogue.models import Automated, Datatype, Service, ServiceAttribute
from tests.open311.conftest import errors_of, xml

BASE = "/open311/v2"


def test_discovery_xml_and_json(client):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    data = client.get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_xml_lists_only_what_the_partner_delivers(client, partnership):
    partnership.county.deliveries.create(
        service=Service.objects.create(
            code="secret", name="Staff only", kind="fault_report", private=True
        )
    )
    partnership.county.deliveries.create(
        service=Service.objects.create(
            code="old", name="Retired", kind="fault_report", active=False
        )
    )
    partnership.pothole.keywords = "road, hole , tarmac"
    partnership.pothole.save()
    root = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "wessex"}))
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == ["pothole"]
    pothole = services[0]
    assert pothole.findtext("service_name") == "Pothole"
    assert pothole.findtext("metadata") == "true"
    assert pothole.findtext("type") == "realtime"
    assert pothole.findtext("keywords") == "road,hole,tarmac"
    assert pothole.findtext("group") == "Roads"
    assert [g.text for g in pothole.findall("groups/group")] == ["Roads"]
    assert pothole.find("description") is not None


def test_services_json_matches_the_georeport_schema(client, partnership, georeport):
    partnership.missed_bin.group = ""
    partnership.missed_bin.save()
    # Antisocial behaviour is never a public report: the police list nothing to report.
    for slug, codes in [("north", ["missed-bin"]), ("police", []), ("wessex", ["pothole"])]:
        response = client.get(f"{BASE}/services.json", {"jurisdiction_id": slug})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = response.json()
        georeport.validate(data, "services.json")
        assert [s["service_code"] for s in data] == codes
    bins = client.get(f"{BASE}/services.json", {"jurisdiction_id": "north"}).json()[0]
    assert bins["metadata"] is False and bins["group"] is None and bins["groups"] == []


def test_service_definition_xml(client, partnership):
    ServiceAttribute.objects.create(
        service=partnership.pothole,
        code="fixmystreet_id",
        description="FMS id",
        order=10,
        datatype=Datatype.STRING,
        automated=Automated.SERVER_SET,
        variable=False,
    )
    ServiceAttribute.objects.create(
        service=partnership.pothole,
        code="easting",
        description="Easting",
        order=11,
        datatype=Datatype.NUMBER,
        automated=Automated.HIDDEN_FIELD,
    )
    root = xml(client.get(f"{BASE}/services/pothole.xml", {"jurisdiction_id": "wessex"}))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "pothole"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == [
        "depth",
        "hazards",
        "width_cm",
        "fixmystreet_id",
        "easting",
    ]
    depth = attributes[0]
    assert depth.findtext("variable") == "true"
    assert depth.findtext("datatype") == "singlevaluelist"
    assert depth.findtext("required") == "true"
    assert depth.findtext("order") == "1"
    assert depth.findtext("description") == "How deep is it?"
    assert [(v.findtext("key"), v.findtext("name")) for v in depth.findall("values/value")] == [
        ("shallow", "Less than 5cm"),
        ("deep", "5cm or more"),
    ]
    assert depth.find("automated") is None
    assert attributes[3].findtext("automated") == "server_set"
    assert attributes[3].findtext("variable") == "false"
    assert attributes[4].findtext("automated") == "hidden_field"
    assert attributes[2].findtext("datatype") == "number"


def test_service_definition_json_matches_the_schema(client, partnership, georeport):
    data = client.get(f"{BASE}/services/pothole.json", {"jurisdiction_id": "wessex"}).json()
    georeport.validate(data, "service-definition.json")
    assert data["attributes"][1]["datatype"] == "multivaluelist"
    assert data["attributes"][1]["values"][1] == {"key": "water", "name": "Standing water"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_or_jurisdiction_is_404(client, partnership, fmt):
    for path, params in [
        (f"services/nope.{fmt}", {"jurisdiction_id": "wessex"}),
        (f"services/missed-bin.{fmt}", {"jurisdiction_id": "wessex"}),  # not the county's
        (f"services.{fmt}", {"jurisdiction_id": "atlantis"}),
        (f"requests.{fmt}", {"jurisdiction_id": "atlan tis"}),
        (f"nothing-here.{fmt}", {}),
    ]:
        response = client.get(f"{BASE}/{path}", params)
        assert response.status_code == 404, path
        assert errors_of(response)


def test_jurisdiction_is_required_and_formats_are_xml_or_json(client, partnership):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 400
    assert errors_of(response) == ["jurisdiction_id: Give the jurisdiction_id."]
    response = client.get(f"{BASE}/services.csv", {"jurisdiction_id": "wessex"})
    assert response.status_code == 404
    assert xml(response).tag == "errors"


def test_wrong_method_is_refused_with_an_error_document(client, partnership):
    response = client.delete(f"{BASE}/services.json?jurisdiction_id=wessex")
    assert response.status_code == 405
    assert errors_of(response)
