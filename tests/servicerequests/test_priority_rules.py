"""Priority by answers: a service's rules turn the answers into a priority and a service
standard when a request is raised (at the desk, on the resident site, through Open311), shown
and sortable in the work queue and on the request page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from firstcontact.catalogue.models import Priority, PriorityRule, SLAPolicy, SLAUnit
from firstcontact.catalogue.priority import decide
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import change_status, clean_location, raise_request


@pytest.fixture
def rules(partnership):
    day = SLAPolicy.objects.create(name="24 hours", unit=SLAUnit.CALENDAR_HOURS, amount=24)
    pothole = partnership.pothole
    PriorityRule.objects.create(
        service=pothole,
        name="Deep with standing water: 24 hours",
        order=1,
        conditions={"depth": "deep", "hazards": "water"},
        priority=Priority.URGENT,
        sla_policy=day,
    )
    PriorityRule.objects.create(
        service=pothole,
        name="Very wide",
        order=2,
        conditions={"width_cm": {"min": 100}},
        priority=Priority.HIGH,
    )
    PriorityRule.objects.create(
        service=pothole,
        name="Switched off",
        order=0,
        conditions={"depth": "shallow"},
        priority=Priority.URGENT,
        active=False,
    )
    return day


def raise_pothole(partnership, answers, *, at=None):
    return raise_request(
        user=partnership.hub_adviser,
        service=partnership.pothole,
        channel="phone",
        location=clean_location(postcode="WX2 1AA"),
        attributes=answers,
        created_at=at,
    )


def test_a_deep_pothole_with_water_is_urgent_and_due_in_24_hours(partnership, rules):
    at = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)  # a Friday afternoon
    request = raise_pothole(partnership, {"depth": "deep", "hazards": ["kerb", "water"]}, at=at)
    assert request.priority == Priority.URGENT
    assert request.sla_policy == rules
    assert request.priority_reason == "Deep with standing water: 24 hours"
    # Round the clock, not 5 working days (which would be the next Friday).
    assert request.sla_due_at == at + dt.timedelta(hours=24)


def test_without_the_answers_the_services_own_standard_applies(partnership, rules):
    at = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)
    request = raise_pothole(partnership, {"depth": "deep", "hazards": ["kerb"]}, at=at)
    assert request.priority == Priority.NORMAL
    assert request.priority_reason == ""
    assert request.sla_policy == partnership.five_days
    assert request.sla_due_at > at + dt.timedelta(days=6)


def test_a_number_rule_keeps_the_services_standard_and_inactive_rules_do_nothing(
    partnership, rules
):
    wide = raise_pothole(partnership, {"depth": "shallow", "width_cm": "120"})
    assert wide.priority == Priority.HIGH
    assert wide.sla_policy == partnership.five_days
    narrow = raise_pothole(partnership, {"depth": "shallow", "width_cm": "99"})
    assert narrow.priority == Priority.NORMAL


def test_the_first_matching_rule_in_order_wins(partnership, rules):
    decision = decide(partnership.pothole, {"depth": "deep", "hazards": ["water"], "width_cm": 150})
    assert decision.priority == Priority.URGENT
    assert decision.reason == "Deep with standing water: 24 hours"


def test_putting_on_hold_extends_by_the_rules_standard(partnership, rules):
    at = dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)
    request = raise_pothole(partnership, {"depth": "deep", "hazards": ["water"]}, at=at)
    officer = partnership.highways_officer
    change_status(user=officer, request=request, status="on_hold", at=at + dt.timedelta(hours=1))
    change_status(
        user=officer, request=request, status="in_progress", at=at + dt.timedelta(hours=4)
    )
    request.refresh_from_db()
    # 24 calendar hours plus the 3 hours on hold (a working-days calendar would add nothing
    # on a Friday evening).
    assert request.sla_due_at == at + dt.timedelta(hours=27)


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"colour": "red"}, "no question “colour”"),
        ({"depth": "bottomless"}, "no choice bottomless"),
        ({"depth": {"min": 3}}, "number questions only"),
        ({}, "at least one condition"),
    ],
)
def test_the_admin_refuses_conditions_the_service_cannot_meet(partnership, conditions, message):
    rule = PriorityRule(
        service=partnership.pothole, name="Bad", conditions=conditions, priority=Priority.HIGH
    )
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert message in str(caught.value)


def test_the_desk_raise_form_applies_the_rules(client, partnership, rules):
    client.force_login(partnership.hub_adviser)
    response = client.post(
        reverse("desk:raise_form", args=["pothole"]),
        {
            "attr_depth": "deep",
            "attr_hazards": ["water"],
            "postcode": "WX2 1AA",
            "channel": "phone",
            "description": "Hole full of water",
        },
    )
    assert response.status_code == 302, response.content
    request = ServiceRequest.objects.get()
    assert request.priority == Priority.URGENT
    assert request.sla_policy == rules


def test_the_queue_shows_filters_and_sorts_by_priority(client, partnership, rules):
    urgent = raise_pothole(partnership, {"depth": "deep", "hazards": ["water"]})
    normal = raise_pothole(partnership, {"depth": "shallow"})
    # The normal one falls due first, so "earliest due" lists it first...
    ServiceRequest.objects.filter(pk=normal.pk).update(
        sla_due_at=urgent.sla_due_at - dt.timedelta(hours=1)
    )
    client.force_login(partnership.highways_officer)
    queue = reverse("desk:work_queue")
    page = client.get(queue, {"team": ""}).content.decode()
    assert page.index(normal.formatted_reference) < page.index(urgent.formatted_reference)
    assert 'govuk-tag--red">Urgent' in page
    # ...and "most urgent first" the urgent one.
    page = client.get(queue, {"team": "", "sort": "priority"}).content.decode()
    assert page.index(urgent.formatted_reference) < page.index(normal.formatted_reference)
    assert "most urgent first" in page
    page = client.get(queue, {"team": "", "priority": str(Priority.URGENT)}).content.decode()
    assert urgent.formatted_reference in page
    assert normal.formatted_reference not in page


def test_the_request_page_says_why_it_is_urgent(client, partnership, rules):
    urgent = raise_pothole(partnership, {"depth": "deep", "hazards": ["water"]})
    client.force_login(partnership.highways_officer)
    page = client.get(reverse("desk:work_request", args=[urgent.reference])).content.decode()
    assert "Deep with standing water: 24 hours" in page
    assert "(24 hours)" in page
