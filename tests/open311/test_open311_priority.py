"""Open311 POST follows the service's priority rules (attributes as answers): the due date a
client is told while the report waits to be raised is the one the raised request gets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.servicerequests.models import ServiceRequest
from tests.open311.conftest import run_queued
from tests.open311.test_open311_accept import get_request, post, pothole
from tests.servicerequests.test_priority_rules import rules  # noqa: F401 (a fixture)


def test_a_deep_pothole_with_water_is_due_in_24_hours_while_waiting_and_once_raised(
    client,
    keys,
    partnership,
    queued_tasks,
    rules,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    answer = post(client, pothole(keys.county, **{"attribute[hazards][]": ["kerb", "water"]}))
    reference = answer["service_request_id"]
    pending = get_request(client, reference)
    requested = dt.datetime.fromisoformat(pending["requested_datetime"])
    expected = dt.datetime.fromisoformat(pending["expected_datetime"])
    # 24 hours round the clock, not the 5 working days of an ordinary pothole.
    assert expected - requested == dt.timedelta(hours=24)
    due = timezone.localtime(expected)
    assert answer["service_notice"].endswith(f"We aim to deal with it by {due:%-d %B %Y}.")

    with django_capture_on_commit_callbacks(execute=True):
        run_queued(queued_tasks)
    raised = ServiceRequest.objects.get()
    assert raised.priority_reason == "Deep with standing water: 24 hours"
    assert get_request(client, reference)["expected_datetime"] == pending["expected_datetime"]


def test_without_the_answers_the_waiting_report_keeps_the_services_standard(
    client,
    keys,
    partnership,
    queued_tasks,
    rules,  # noqa: F811
):
    answer = post(client, pothole(keys.county, **{"attribute[hazards][]": ["kerb"]}))
    pending = get_request(client, answer["service_request_id"])
    requested = dt.datetime.fromisoformat(pending["requested_datetime"])
    expected = dt.datetime.fromisoformat(pending["expected_datetime"])
    assert expected - requested > dt.timedelta(days=6)  # 5 working days
