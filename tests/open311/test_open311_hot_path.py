"""The POST hot path's shortcuts: the API past the site's middleware, a report and its queued
task stored in one statement on PostgreSQL (in one transaction elsewhere), and XML written
without ElementTree. Each must behave as the longer way round did."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.tasks.signals import task_enqueued
from django.utils import translation

from firstcontact.open311 import services
from firstcontact.open311.formats import Items, to_xml
from firstcontact.open311.models import Open311Submission
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import format_reference, new_reference
from tests.open311.conftest import errors_of, xml

BASE = "/open311/v2"


def pothole(key, **extra):
    return {
        "jurisdiction_id": "wessex",
        "api_key": key,
        "service_code": "pothole",
        "lat": "51.5",
        "long": "-1.5",
        "attribute[depth]": "deep",
        "description": "A big hole by the bus stop",
        **extra,
    }


def reference_of(response) -> str:
    assert response.status_code == 200, response.content
    return xml(response).findtext("request/service_request_id")


# --- the API past the site's middleware ---------------------------------------------------


def test_api_answers_set_no_cookies_and_keep_the_security_headers(client, keys):
    client.cookies["sessionid"] = "not-a-session"
    client.cookies["csrftoken"] = "x" * 32
    response = client.post(f"{BASE}/requests.xml", pothole(keys.county))
    assert response.status_code == 200, response.content
    assert not response.cookies
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(response.content))
    assert "Cookie" not in response.get("Vary", "")
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")
    assert request.resolver_match.view_name == "open311:requests"
    # Errors and unknown resources too.
    for answer in (
        client.get(f"{BASE}/requests.xml"),
        client.get(f"{BASE}/nothing-here.json"),
        client.put(f"{BASE}/requests.json"),
    ):
        assert answer.status_code in (400, 404, 405) and not answer.cookies
        assert answer["X-Frame-Options"] == "DENY"
        assert answer["Content-Length"] == str(len(answer.content))


def test_api_checks_the_host_header(client, keys, settings):
    settings.ALLOWED_HOSTS = ["api.example.org"]
    response = client.post(f"{BASE}/requests.xml", pothole(keys.county))
    assert response.status_code == 400
    assert not Open311Submission.objects.exists()
    response = client.post(
        f"{BASE}/requests.xml", pothole(keys.county), headers={"host": "api.example.org"}
    )
    assert reference_of(response)


def test_api_answers_in_the_default_language_whatever_the_thread_spoke_last(client, keys):
    translation.activate("pl")  # as after a resident's page in Polish on this thread
    client.cookies["django_language"] = "pl"
    try:
        response = client.post(
            f"{BASE}/requests.json",
            pothole(keys.county, service_code=""),
            headers={"accept-language": "pl"},
        )
        assert response.status_code == 400
        assert errors_of(response) == ["service_code: Give the service_code."]
        assert response.wsgi_request.LANGUAGE_CODE == "en-gb"
        assert translation.get_language() == "en-gb"
    finally:
        translation.deactivate()


def test_site_pages_keep_the_site_middleware(client, partnership):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert hasattr(response.wsgi_request, "session") and hasattr(response.wsgi_request, "user")


# --- a report and its task, stored together ------------------------------------------------


@pytest.fixture
def database_queue(settings):
    """django_tasks_db's queue, as in production (the worker raises the reports)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_a_report_and_its_task_row_are_stored_together(
    client, keys, database_queue, django_assert_num_queries
):
    from django_tasks_db.models import DBTaskResult, get_date_max

    enqueued = []

    def receiver(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(receiver)
    try:
        first = reference_of(
            client.post(f"{BASE}/requests.xml", pothole(keys.county, client_request_id="a1"))
        )
        # Key and catalogue cached now: on PostgreSQL the report and its task are one
        # statement; elsewhere, one transaction.
        queries = 1 if connection.vendor == "postgresql" else None
        with django_assert_num_queries(queries) if queries else contextlib.nullcontext():
            second = reference_of(
                client.post(f"{BASE}/requests.xml", pothole(keys.county, client_request_id="a2"))
            )
        # A retry stores neither a report nor a task.
        again = client.post(f"{BASE}/requests.xml", pothole(keys.county, client_request_id="a1"))
        assert reference_of(again) == first
    finally:
        task_enqueued.disconnect(receiver)

    submissions = list(Open311Submission.objects.order_by("pk"))
    assert [format_reference(s.reference) for s in submissions] == [first, second]
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [row.args_kwargs for row in rows] == [
        {"args": [s.pk], "kwargs": {}} for s in submissions
    ]
    for row in rows:
        assert row.task_path == "firstcontact.open311.tasks.process_report"
        assert row.status == "READY"
        assert (row.queue_name, row.backend_name, row.priority) == ("default", "default", 0)
        assert row.run_after == get_date_max() and row.worker_ids == []
        assert abs(row.enqueued_at - submissions[0].created_at) < dt.timedelta(minutes=1)
    assert [str(r.id) for r in enqueued] == [str(row.id) for row in rows]
    assert [r.args for r in enqueued] == [[s.pk] for s in submissions]
    # The worker runs them as it runs any task.
    assert [row.task.call(*row.args_kwargs["args"]) for row in rows] == ["raised", "raised"]
    assert ServiceRequest.objects.count() == 2


@pytest.mark.parametrize("queue", ["immediate", "database"])
@pytest.mark.parametrize("taken_by", ["request", "report"])
def test_a_reference_already_taken_is_drawn_again(
    client, keys, partnership, settings, monkeypatch, queue, taken_by
):
    if queue == "database":
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }
    taken, fresh = new_reference(), new_reference()
    if taken_by == "request":
        ServiceRequest.objects.create(
            reference=taken,
            service=partnership.pothole,
            channel="web",
            responsible_partner=partnership.county,
        )
    else:
        Open311Submission.objects.create(
            client=keys.county_client, partner=partnership.county, reference=taken
        )
    drawn = itertools.chain([taken, fresh], iter(new_reference, None))
    monkeypatch.setattr(services, "new_reference", lambda: next(drawn))
    response = client.post(f"{BASE}/requests.xml", pothole(keys.county, client_request_id="r1"))
    assert reference_of(response) == format_reference(fresh)
    assert Open311Submission.objects.filter(client_request_id="r1").get().reference == fresh


# --- XML written directly --------------------------------------------------------------


def _element_tree_xml(root: str, value) -> bytes:
    """The documents as formats.py wrote them with ElementTree."""
    from firstcontact.open311.formats import _text

    def build(parent, tag, value):
        if isinstance(value, Items):
            wrapper = ET.SubElement(parent, tag)
            for item in value.items:
                build(wrapper, value.tag, item)
            return
        element = ET.SubElement(parent, tag)
        if isinstance(value, dict):
            for key, child in value.items():
                build(element, key, child)
        else:
            element.text = _text(value)

    element = ET.Element(root)
    if isinstance(value, Items):
        for item in value.items:
            build(element, value.tag, item)
    elif isinstance(value, dict):
        for key, child in value.items():
            build(element, key, child)
    else:
        element.text = _text(value)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


AWKWARD = "a & b < c > d \"quoted\" 'single' \x07bell \ufffe \r\n\ttabs émoji 🕳 ]]> &amp;"


@pytest.mark.parametrize(
    ("root", "value"),
    [
        ("errors", Items("error", [{"code": 400, "description": AWKWARD}])),
        ("service_requests", Items("request", [])),
        ("service_requests", Items("request", [{"a": None, "b": True, "c": False, "d": 1.5}])),
        (
            "discovery",
            {
                "changeset": dt.datetime(2026, 11, 23, 12, 30, tzinfo=dt.UTC),
                "endpoints": Items(
                    "endpoint",
                    [{"formats": Items("format", ["text/xml", AWKWARD]), "empty": Items("x", [])}],
                ),
            },
        ),
        ("text", AWKWARD),
        ("nothing", None),
    ],
)
def test_xml_is_written_as_element_tree_wrote_it(root, value):
    assert to_xml(root, value) == _element_tree_xml(root, value)
    ET.fromstring(to_xml(root, value))  # well-formed
