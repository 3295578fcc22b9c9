"""SLA escalation: requests due soon and overdue are marked, and the team leader told once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from firstcontact.notify.models import Notification
from firstcontact.partners.models import Role
from firstcontact.servicerequests.escalation import escalate_slas
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.services import change_status
from tests.conftest import make_user
from tests.desk.conftest import raise_pothole

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=LONDON)


@pytest.fixture
def leader(partnership):
    user = make_user("highways-leader", partnership.county, Role.TEAM_LEADER, partnership.highways)
    user.email = "leader@wessex.example"
    user.save()
    return user


def pothole_due(partnership, due, created=None):
    request = raise_pothole(partnership)
    ServiceRequest.objects.filter(pk=request.pk).update(
        sla_due_at=due, created_at=created or due - dt.timedelta(days=7)
    )
    request.refresh_from_db()
    return request


def test_escalation_marks_and_notifies_once(
    partnership, leader, django_capture_on_commit_callbacks
):
    overdue = pothole_due(partnership, NOW - dt.timedelta(hours=1))
    soon = pothole_due(partnership, NOW + dt.timedelta(hours=2))
    fine = pothole_due(partnership, NOW + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_slas(now=NOW)
    assert report.breached == [overdue.reference]
    assert report.approaching == [soon.reference]
    for request, alert in [(overdue, "breached"), (soon, "approaching"), (fine, "")]:
        request.refresh_from_db()
        assert request.sla_alert == alert
        assert request.version == 1  # marking is not an officer's edit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["leader@wessex.example"]
    assert message.subject == "Highways: 1 overdue and 1 due soon requests"
    assert overdue.formatted_reference in message.body and soon.formatted_reference in message.body
    # Running again (every 15 minutes) tells nobody anything new.
    with django_capture_on_commit_callbacks(execute=True):
        again = escalate_slas(now=NOW + dt.timedelta(minutes=15))
    assert (again.breached, again.approaching, again.notifications) == ([], [], 0)
    assert len(mail.outbox) == 1
    # Once the nearly-due one passes its due time, that is news.
    with django_capture_on_commit_callbacks(execute=True):
        later = escalate_slas(now=NOW + dt.timedelta(hours=3))
    assert later.breached == [soon.reference]
    assert len(mail.outbox) == 2


def test_on_hold_and_closed_requests_are_not_escalated(partnership, leader):
    held = pothole_due(partnership, NOW - dt.timedelta(hours=1))
    change_status(user=partnership.highways_officer, request=held, status="on_hold")
    closed = pothole_due(partnership, NOW - dt.timedelta(hours=1))
    change_status(
        user=partnership.highways_officer, request=closed, status="closed", outcome="fixed"
    )
    report = escalate_slas(now=NOW)
    assert report.breached == [] and report.notifications == 0


def test_a_marker_is_lowered_when_the_due_time_moves_later(partnership, leader):
    request = pothole_due(partnership, NOW - dt.timedelta(hours=1))
    escalate_slas(now=NOW)
    ServiceRequest.objects.filter(pk=request.pk).update(sla_due_at=NOW + dt.timedelta(days=5))
    report = escalate_slas(now=NOW)
    assert report.lowered == [request.reference]
    request.refresh_from_db()
    assert request.sla_alert == ""


def test_team_inbox_and_partner_fallback(partnership):
    partnership.highways.email = "highways@wessex.example"
    partnership.highways.save()
    pothole_due(partnership, NOW - dt.timedelta(hours=1))
    escalate_slas(now=NOW)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        "highways@wessex.example"
    ]


def test_the_command_and_the_task(partnership, leader, capsys):
    pothole_due(partnership, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    call_command("escalate_slas")
    assert "1 newly overdue" in capsys.readouterr().out
    call_command("escalate_slas")
    assert "0 newly overdue" in capsys.readouterr().out
    call_command("escalate_slas", "--enqueue")
    assert "Enqueued SLA escalation" in capsys.readouterr().out
