"""Raising a request routes it and starts its SLA clock; officers then move it through its
workflow, and two officers editing at once cannot overwrite each other."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.conftest import make_user

from firstcontact.customers.services import create_customer
from firstcontact.partners.geography import Location
from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.models import (
    RequestUpdate,
    ServiceRequest,
    Status,
    UpdateKind,
)
from firstcontact.servicerequests.references import is_valid
from firstcontact.servicerequests.selectors import find_customers, visible_requests
from firstcontact.servicerequests.services import (
    StaleEdit,
    add_update,
    assign_request,
    change_status,
    clean_location,
    raise_request,
)

LONDON = ZoneInfo("Europe/London")
IN_SOUTH = Location(latitude=50.5, longitude=-1.5)


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def raise_pothole(p, *, at: dt.datetime, **kw):
    return raise_request(
        user=p.hub_adviser,
        service=p.pothole,
        channel="phone",
        location=kw.pop("location", IN_SOUTH),
        attributes=kw.pop("attributes", {"depth": "deep"}),
        created_at=at,
        **kw,
    )


def counts() -> tuple[int, int]:
    return ServiceRequest.objects.count(), RequestUpdate.objects.count()


# --- raising -------------------------------------------------------------------------------


def test_hub_adviser_raises_pothole_for_the_county_with_its_due_time(partnership):
    p = partnership
    request = raise_request(
        user=p.hub_adviser,
        service=p.pothole,
        channel="phone",
        location=clean_location(postcode="wx3 4cd", address="Outside 4 Mill Lane"),
        description="  A big hole by the bus stop  ",
        attributes={"depth": "deep", "hazards": ["kerb", "water"], "width_cm": "45"},
        created_at=london(2026, 3, 6, 15),  # Friday 15:00
    )
    request.refresh_from_db()
    assert request.responsible_partner == p.county
    assert request.team == p.highways
    assert request.raised_by == p.hub_adviser
    assert request.status == Status.OPEN
    assert request.version == 1
    assert request.description == "A big hole by the bus stop"
    assert request.postcode == "WX3 4CD"
    assert request.attributes == {"depth": "deep", "hazards": ["kerb", "water"], "width_cm": 45}
    # 5 working days from Friday 15:00 -> the next Friday 15:00.
    assert request.sla_due_at == london(2026, 3, 13, 15)
    assert is_valid(request.reference)
    update = request.updates.get()
    assert (update.kind, update.status, update.public) == (UpdateKind.CREATED, Status.OPEN, True)
    assert "Wessex County Council" in update.text


def test_calendar_hours_service_due_time(partnership):
    request = raise_request(
        user=None, service=partnership.asb, channel="web", created_at=london(2026, 3, 7, 23)
    )
    assert request.responsible_partner == partnership.police
    assert request.sla_due_at == london(2026, 3, 8, 1)  # 2 hours, through the night
    assert request.raised_by is None


def test_request_for_a_customer_is_audited(partnership):
    customer = create_customer(
        user=partnership.hub_adviser,
        partner=partnership.county,
        given_name="Ada",
        family_name="Lovelace",
        phones=["0113 496 0999"],
    )
    request = raise_pothole(partnership, at=london(2026, 3, 6, 15), customer=customer)
    assert AuditEvent.objects.filter(
        action="create",
        object_type="service_request",
        object_id=request.reference,
        customer_id=customer.pk,
    ).exists()


@pytest.mark.parametrize(
    ("kw", "bad_fields"),
    [
        ({"attributes": {"depth": "bottomless"}}, {"attribute[depth]"}),
        ({"attributes": {}}, {"attribute[depth]"}),
        ({"attributes": {"depth": "deep", "width_cm": "wide"}}, {"attribute[width_cm]"}),
        ({"attributes": {"depth": "deep", "colour": "red"}}, {"attribute[colour]"}),
        ({"location": Location(latitude=53.4, longitude=-2.2)}, {"location"}),
        ({"location": Location(postcode="M1 1AE")}, {"location"}),
        ({"channel": "carrier_pigeon"}, {"channel"}),
        ({"description": "x" * 10_001}, {"description"}),
        (
            {
                "attributes": {"depth": "x", "hazards": ["fire"]},
                "location": Location(latitude=53.4, longitude=-2.2),
            },
            {"attribute[depth]", "attribute[hazards]", "location"},
        ),
    ],
)
def test_invalid_request_names_each_field_and_saves_nothing(partnership, kw, bad_fields):
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        raise_request(
            user=partnership.hub_adviser,
            service=partnership.pothole,
            channel=kw.pop("channel", "phone"),
            location=kw.pop("location", IN_SOUTH),
            attributes=kw.pop("attributes", {"depth": "deep"}),
            **kw,
        )
    assert set(excinfo.value.message_dict) == bad_fields
    assert counts() == before


def test_inactive_service_is_refused(partnership):
    partnership.pothole.active = False
    partnership.pothole.save()
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        raise_pothole(partnership, at=london(2026, 3, 6, 15))
    assert "service_code" in excinfo.value.message_dict
    assert counts() == before


def test_reference_made_only_of_letters_finds_its_customer(partnership):
    # About one reference in ten has no digits; advisers must still find it by reference.
    customer = create_customer(
        user=partnership.hub_adviser,
        partner=partnership.county,
        given_name="Ada",
        family_name="Lovelace",
        phones=["0113 496 0999"],
    )
    request = raise_pothole(partnership, at=london(2026, 3, 6, 15), customer=customer)
    ServiceRequest.objects.filter(pk=request.pk).update(reference="HHHHHHHV")  # hand-checked
    results = find_customers(partnership.hub_adviser, "hhhh-hhhv")
    assert [(m.customer, m.matched_on) for m in results] == [(customer, "reference")]


# --- workflow ------------------------------------------------------------------------------


def test_full_workflow_with_a_hold_pushing_the_due_time(partnership):
    p = partnership
    officer = p.highways_officer
    request = raise_pothole(p, at=london(2026, 3, 2, 9))  # Monday 09:00
    assert request.sla_due_at == london(2026, 3, 6, 17)  # 40 working hours: Friday 17:00

    request = change_status(
        user=officer,
        request=request,
        status=Status.ACKNOWLEDGED,
        at=london(2026, 3, 2, 10),
        expected_version=1,
    )
    assert request.acknowledged_at == london(2026, 3, 2, 10)
    request = change_status(
        user=officer,
        request=request,
        status=Status.IN_PROGRESS,
        at=london(2026, 3, 2, 11),
        expected_version=2,
    )
    request = change_status(
        user=officer,
        request=request,
        status=Status.ON_HOLD,
        at=london(2026, 3, 3, 9),
        text="Waiting for the utility company",
    )
    request.refresh_from_db()
    assert request.status == Status.ON_HOLD
    assert request.on_hold_since == london(2026, 3, 3, 9)
    assert request.sla_due_at == london(2026, 3, 6, 17)  # not moved until it resumes

    # Resumed Thursday 09:00: on hold two working days (Tue, Wed), so Friday 17:00 becomes
    # the following Tuesday 17:00.
    request = change_status(
        user=officer, request=request, status=Status.IN_PROGRESS, at=london(2026, 3, 5, 9)
    )
    request.refresh_from_db()
    assert request.on_hold_since is None
    assert request.sla_due_at == london(2026, 3, 10, 17)

    request = change_status(
        user=officer,
        request=request,
        status=Status.CLOSED,
        outcome="fixed",
        at=london(2026, 3, 9, 14),
        text="Filled in",
    )
    request.refresh_from_db()
    assert (request.status, request.outcome) == (Status.CLOSED, "fixed")
    assert request.closed_at == london(2026, 3, 9, 14)
    assert request.acknowledged_at == london(2026, 3, 2, 10)
    assert request.version == 6
    timeline = list(request.updates.values_list("status", "outcome"))
    assert timeline == [
        ("open", ""),
        ("acknowledged", ""),
        ("in_progress", ""),
        ("on_hold", ""),
        ("in_progress", ""),
        ("closed", "fixed"),
    ]

    with pytest.raises(ValidationError) as excinfo:
        change_status(user=officer, request=request, status=Status.CLOSED, outcome="fixed")
    assert "status" in excinfo.value.message_dict
    request.refresh_from_db()
    assert request.version == 6
    assert request.updates.count() == 6


def test_hold_over_a_weekend_costs_nothing(partnership):
    request = raise_pothole(partnership, at=london(2026, 3, 2, 9))
    officer = partnership.highways_officer
    change_status(user=officer, request=request, status=Status.ON_HOLD, at=london(2026, 3, 6, 17))
    change_status(
        user=officer, request=request, status=Status.IN_PROGRESS, at=london(2026, 3, 9, 9)
    )
    request.refresh_from_db()
    assert request.sla_due_at == london(2026, 3, 6, 17)


def test_closing_straight_from_hold_still_credits_the_time_on_hold(partnership):
    request = raise_pothole(partnership, at=london(2026, 3, 2, 9))
    officer = partnership.highways_officer
    change_status(user=officer, request=request, status=Status.ON_HOLD, at=london(2026, 3, 6, 15))
    change_status(
        user=officer,
        request=request,
        status=Status.CLOSED,
        outcome="no_further_action",
        at=london(2026, 3, 9, 10),
    )
    request.refresh_from_db()
    # Held 2h Friday + 1h Monday = 3h after Friday 17:00 -> Monday 12:00.
    assert request.sla_due_at == london(2026, 3, 9, 12)
    assert request.on_hold_since is None


@pytest.mark.parametrize(
    ("status", "outcome", "field"),
    [
        (Status.CLOSED, "", "outcome"),
        (Status.CLOSED, "sorted", "outcome"),
        (Status.IN_PROGRESS, "fixed", "outcome"),
        ("resolved", "", "status"),
        (Status.OPEN, "", "status"),  # back to open is not a step in the workflow
    ],
)
def test_bad_status_changes_are_refused_and_change_nothing(partnership, status, outcome, field):
    request = raise_pothole(partnership, at=london(2026, 3, 2, 9))
    with pytest.raises(ValidationError) as excinfo:
        change_status(
            user=partnership.highways_officer, request=request, status=status, outcome=outcome
        )
    assert list(excinfo.value.message_dict) == [field]
    request.refresh_from_db()
    assert (request.status, request.outcome, request.version) == (Status.OPEN, "", 1)
    assert request.updates.count() == 1


def test_in_progress_cannot_go_back_to_acknowledged(partnership):
    request = raise_pothole(partnership, at=london(2026, 3, 2, 9))
    officer = partnership.highways_officer
    change_status(user=officer, request=request, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        change_status(user=officer, request=request, status=Status.ACKNOWLEDGED)
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


# --- two officers at once ------------------------------------------------------------------


def test_second_officer_working_from_an_old_copy_gets_stale_edit(partnership):
    request = raise_pothole(partnership, at=london(2026, 3, 2, 9))
    first_copy = ServiceRequest.objects.get(pk=request.pk)
    second_copy = ServiceRequest.objects.get(pk=request.pk)

    change_status(
        user=partnership.highways_officer,
        request=first_copy,
        status=Status.ACKNOWLEDGED,
        expected_version=first_copy.version,
    )
    second_officer = make_user("highways-2", partnership.county, "caseworker", partnership.highways)
    with pytest.raises(StaleEdit) as excinfo:
        change_status(
            user=second_officer,
            request=second_copy,
            status=Status.CLOSED,
            outcome="duplicate",
            expected_version=second_copy.version,
        )
    assert "version" in excinfo.value.message_dict
    request.refresh_from_db()
    assert (request.status, request.outcome, request.version) == (Status.ACKNOWLEDGED, "", 2)
    assert list(request.updates.values_list("status", flat=True)) == ["open", "acknowledged"]


@pytest.mark.parametrize("change", ["note", "assign", "status"])
def test_every_kind_of_change_checks_the_version(partnership, change):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    add_update(user=p.highways_officer, request=request, text="Inspected", public=False)
    before = counts()
    with pytest.raises(StaleEdit):
        if change == "note":
            add_update(
                user=p.highways_officer,
                request=request,
                text="Late note",
                public=True,
                expected_version=1,
            )
        elif change == "assign":
            assign_request(
                user=p.highways_officer,
                request=request,
                assignee=p.highways_officer,
                expected_version=1,
            )
        else:
            change_status(
                user=p.highways_officer,
                request=request,
                status=Status.IN_PROGRESS,
                expected_version=1,
            )
    request.refresh_from_db()
    assert (request.version, request.status, request.assignee) == (2, Status.OPEN, None)
    assert counts() == before


# --- who may change it ---------------------------------------------------------------------


def test_another_partners_officer_cannot_change_the_countys_request(partnership):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    with pytest.raises(PermissionDenied):
        change_status(user=p.south_caseworker, request=request, status=Status.ACKNOWLEDGED)
    with pytest.raises(PermissionDenied):
        add_update(user=p.south_caseworker, request=request, text="Mine now", public=True)
    with pytest.raises(PermissionDenied):
        assign_request(user=p.south_caseworker, request=request, assignee=p.south_caseworker)
    with pytest.raises(PermissionDenied):
        change_status(user=p.police_officer, request=request, status=Status.ACKNOWLEDGED)
    request.refresh_from_db()
    assert (request.status, request.version, request.assignee) == (Status.OPEN, 1, None)
    assert request.updates.count() == 1


def test_hub_staff_read_the_countys_request_but_never_change_it(partnership):
    """A hub acts for its client at the desk; the client's officers work its requests."""
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    hub_lead = make_user("hub-lead", p.north, "team_leader")
    for user in [p.hub_adviser, hub_lead]:
        assert visible_requests(user).filter(pk=request.pk).exists()
        with pytest.raises(PermissionDenied):
            change_status(user=user, request=request, status=Status.ACKNOWLEDGED)
        with pytest.raises(PermissionDenied):
            add_update(user=user, request=request, text="On its behalf", public=True)
        with pytest.raises(PermissionDenied):
            assign_request(user=user, request=request, assignee=p.highways_officer)
    request.refresh_from_db()
    assert (request.status, request.version, request.assignee) == (Status.OPEN, 1, None)


def test_county_advisers_read_but_do_not_work_their_own_partners_requests(partnership):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    county_adviser = make_user("county-adviser", p.county, "adviser")
    with pytest.raises(PermissionDenied):
        change_status(user=county_adviser, request=request, status=Status.CLOSED, outcome="fixed")
    change_status(user=p.highways_officer, request=request, status=Status.CLOSED, outcome="fixed")


# --- assignment ----------------------------------------------------------------------------


def test_assign_to_someone_who_works_for_the_responsible_partner(partnership):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    request = assign_request(user=p.highways_officer, request=request, assignee=p.highways_officer)
    request.refresh_from_db()
    assert (request.assignee, request.team, request.version) == (p.highways_officer, p.highways, 2)
    update = request.updates.last()
    assert (update.kind, update.public) == (UpdateKind.ASSIGNED, False)

    request = assign_request(user=p.highways_officer, request=request, assignee=None)
    request.refresh_from_db()
    assert request.assignee is None


@pytest.mark.parametrize(
    ("who", "team", "field"),
    [
        ("south_caseworker", None, "assignee"),
        ("hub_adviser", None, "assignee"),  # acts for the county, but does not work for it
        ("highways_officer", "south_waste", "team"),
    ],
)
def test_assign_validates_membership(partnership, who, team, field):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    with pytest.raises(ValidationError) as excinfo:
        assign_request(
            user=p.highways_officer,
            request=request,
            assignee=getattr(p, who),
            team=getattr(p, team) if team else None,
        )
    assert list(excinfo.value.message_dict) == [field]
    request.refresh_from_db()
    assert (request.assignee, request.team, request.version) == (None, p.highways, 1)


def test_closed_request_cannot_be_reassigned(partnership):
    p = partnership
    request = raise_pothole(p, at=london(2026, 3, 2, 9))
    change_status(user=p.highways_officer, request=request, status=Status.CLOSED, outcome="fixed")
    with pytest.raises(ValidationError):
        assign_request(user=p.highways_officer, request=request, assignee=p.highways_officer)


def test_nul_characters_are_refused_with_field_errors_not_a_crash(partnership):
    """PostgreSQL cannot store NUL in text; it must be a field error on every database."""
    with pytest.raises(ValidationError) as excinfo:
        raise_request(
            user=partnership.hub_adviser,
            service=partnership.pothole,
            channel="web",
            location=clean_location(postcode="WX1 1AA", address="1 High St\x00"),
            description="hole\x00",
            attributes={"depth": "deep", "hazards": ["kerb\x00"]},
        )
    assert {"description", "address", "attribute[hazards]"} <= set(excinfo.value.message_dict)
    assert not ServiceRequest.objects.exists()
    with pytest.raises(ValidationError) as excinfo:
        create_customer(
            user=None,
            partner=partnership.north,
            family_name="Smith\x00",
            addresses=[{"line1": "1 Road\x00", "postcode": "WX1 1AA"}],
        )
    assert {"family_name", "addresses[0].line1"} <= set(excinfo.value.message_dict)


def test_a_reference_already_taken_is_replaced_by_a_fresh_one(partnership):
    """Open311 tells the client a reference before the request is raised: if another request
    took it meanwhile, the new one still gets a valid reference of its own, and nothing of
    the failed attempt is left behind."""
    first = raise_pothole(partnership, at=london(2026, 5, 5, 10))
    before = counts()
    second = raise_pothole(partnership, at=london(2026, 5, 5, 11), reference=first.reference)
    assert second.reference != first.reference and is_valid(second.reference)
    assert counts() == (before[0] + 1, before[1] + 1)
    given = "ABCDEFGH"
    third = raise_pothole(partnership, at=london(2026, 5, 5, 12), reference=given)
    assert third.reference == given
