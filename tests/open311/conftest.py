"""Open311 fixtures: a key per partner, photos in a temporary MEDIA_ROOT, a fresh rate-limit
cache and fresh in-process caches (keys, catalogue, areas), a task backend that only queues
(`queued_tasks`, for reports accepted but not yet processed), and the GeoReport v2 JSON
schemas from ../shared (tests using them skip without it)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache

from firstcontact.catalogue.models import PublicLocation
from firstcontact.open311 import caches
from firstcontact.open311.models import Open311Client
from firstcontact.partners.selectors import clear_area_cache

SCHEMA_DIR = Path(__file__).parents[2].parent / "shared" / "data" / "open311-georeport-v2-schema"


@pytest.fixture
def partnership(partnership):
    """The shared test partnership, with its street faults public and reportable through
    Open311 as a partnership would set them: potholes at their point, missed bins (outside
    someone's home) to the street. Antisocial behaviour stays private."""
    partnership.pothole.requests_public = partnership.pothole.open311_reportable = True
    partnership.pothole.public_location = PublicLocation.POINT
    partnership.pothole.save()
    partnership.missed_bin.requests_public = partnership.missed_bin.open311_reportable = True
    partnership.missed_bin.save()
    return partnership


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    caches.clear()
    clear_area_cache()
    yield
    cache.clear()
    caches.clear()
    clear_area_cache()


@pytest.fixture
def queued_tasks(settings):
    """Tasks are queued, not run (as with the worker stopped): the backend, whose `results`
    are the tasks enqueued. Tests run a report's task with `run_queued`."""
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.results.clear()
    return backend


def run_queued(backend) -> list:
    """Run every queued task, as the worker would, in order; their return values."""
    done = []
    while backend.results:
        result = backend.results.pop(0)
        done.append(result.task.call(*result.args, **result.kwargs))
    return done


def make_client(partner, name="FixMyStreet", **extra) -> tuple[Open311Client, str]:
    client = Open311Client(partner=partner, name=name, **extra)
    key = client.set_new_key()
    client.save()
    return client, key


@pytest.fixture
def keys(partnership):
    made = {}
    for slug in ("county", "north", "south", "police"):
        client, key = make_client(getattr(partnership, slug))
        made[slug] = key
        made[f"{slug}_client"] = client
    return SimpleNamespace(**made)


@pytest.fixture
def georeport():
    """validate(instance, "services.json") against the published GeoReport v2 schemas."""
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"GeoReport v2 schemas not found at {SCHEMA_DIR} (../shared is absent)")
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "swagger.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (path.name, Resource.from_contents(contents, default_specification=DRAFT7))
        )
    swagger = json.loads((SCHEMA_DIR / "swagger.json").read_text(encoding="utf-8"))
    registry = Registry().with_resources(resources)

    def validate(instance, schema_name: str) -> None:
        """schema_name: a schema file, or "swagger:Definition" for a list of that definition
        from swagger.json (POST requests' RequestResponse, TokenResponse)."""
        if schema_name.startswith("swagger:"):
            definition = swagger["definitions"][schema_name.removeprefix("swagger:")]
            schema = {"type": "array", "items": definition}
        else:
            schema = {"$ref": schema_name}
        jsonschema.Draft7Validator(
            schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        ).validate(instance)

    return SimpleNamespace(validate=validate, dir=SCHEMA_DIR)


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:80]
    return ET.fromstring(body)


def errors_of(response) -> list[str]:
    if response["Content-Type"].startswith("application/json"):
        return [e["description"] for e in response.json()]
    root = xml(response)
    assert root.tag == "errors"
    return [e.findtext("description") for e in root.findall("error")]
