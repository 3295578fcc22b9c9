"""First-response alerts: the team leaders of a mailbox's team are told once when a
conversation's first response is due soon and once when it is overdue, by `escalate_slas`."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from firstcontact.inbox.escalation import escalate_first_responses
from firstcontact.inbox.models import Conversation
from firstcontact.notify.models import Notification
from firstcontact.partners.models import Role, Team
from tests.conftest import make_user
from tests.inbox.conftest import make_email

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def leader(partnership):
    user = make_user("highways-leader", partnership.county, Role.TEAM_LEADER, partnership.highways)
    user.email = "leader@wessex.example"
    user.save()
    return user


@pytest.fixture
def other_leader(partnership):
    parks = Team.objects.create(partner=partnership.county, name="Parks")
    user = make_user("parks-leader", partnership.county, Role.TEAM_LEADER, parks)
    user.email = "parks-leader@wessex.example"
    user.save()
    return user


@pytest.fixture
def arrive(post_email, django_capture_on_commit_callbacks):
    def arrive(sender: str, due: dt.datetime) -> Conversation:
        with django_capture_on_commit_callbacks(execute=True):
            post_email(make_email(sender=sender, subject=f"From {sender}"))
        conversation = Conversation.objects.get(sender=sender)
        # A five-working-day standard, received a week ago: due at `due`.
        Conversation.objects.filter(pk=conversation.pk).update(
            first_response_due_at=due, created_at=due - dt.timedelta(days=7)
        )
        conversation.refresh_from_db()
        return conversation

    mail.outbox.clear()
    return arrive


def _sent(subject_part: str) -> list[Notification]:
    return list(Notification.objects.filter(subject__contains=subject_part))


def test_due_soon_then_overdue_each_told_once_to_the_mailboxs_team_leaders(
    partnership, leader, other_leader, arrive, django_capture_on_commit_callbacks
):
    soon = arrive("soon@example.org", NOW + dt.timedelta(hours=2))
    later = arrive("later@example.org", NOW + dt.timedelta(days=3))
    Notification.objects.all().delete()  # the acknowledgements

    with django_capture_on_commit_callbacks(execute=True):
        report = escalate_first_responses(now=NOW)
    assert report.approaching == [soon.reference] and report.breached == []
    told = _sent("due soon first response")
    recipients = {n.recipient for n in told}
    assert "leader@wessex.example" in recipients
    assert "parks-leader@wessex.example" not in recipients  # another team's leader
    assert report.notifications == len(told)
    body = told[0].body
    assert soon.formatted_reference in body and f"/messages/{soon.pk}/" in body
    assert later.formatted_reference not in body
    assert "soon@example.org" not in body  # the sender stays in the desk
    soon.refresh_from_db()
    assert soon.first_response_alert == "approaching"
    assert any(m.subject == told[0].subject for m in mail.outbox)  # sent by the task worker

    # Fifteen minutes later nothing new; three hours later it is overdue, told once.
    assert escalate_first_responses(now=NOW + dt.timedelta(minutes=15)).approaching == []
    assert len(_sent("due soon")) == len(told)
    report = escalate_first_responses(now=NOW + dt.timedelta(hours=3))
    assert report.breached == [soon.reference]
    assert len(_sent("1 overdue first response")) == len(told)
    again = escalate_first_responses(now=NOW + dt.timedelta(hours=4))
    assert again.breached == [] and again.notifications == 0
    assert Notification.objects.count() == 2 * len(told)


def test_answered_or_resolved_conversations_are_not_alerted(partnership, leader, arrive):
    answered = arrive("answered@example.org", NOW - dt.timedelta(hours=1))
    resolved = arrive("resolved@example.org", NOW - dt.timedelta(hours=1))
    Conversation.objects.filter(pk=answered.pk).update(first_responded_at=NOW)
    Conversation.objects.filter(pk=resolved.pk).update(status="resolved", resolved_at=NOW)
    report = escalate_first_responses(now=NOW + dt.timedelta(hours=1))
    assert report.breached == [] and report.approaching == [] and report.notifications == 0
    assert not Conversation.objects.exclude(first_response_alert="").exists()


def test_overdue_at_once_is_one_alert_and_no_due_soon(partnership, leader, arrive):
    late = arrive("late@example.org", NOW - dt.timedelta(days=1))
    Notification.objects.all().delete()
    report = escalate_first_responses(now=NOW)
    assert report.breached == [late.reference] and report.approaching == []
    assert _sent("overdue") and not _sent("due soon")


def test_the_escalate_slas_command_runs_it(partnership, leader, arrive, capsys):
    arrive("cmd@example.org", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    call_command("escalate_slas")
    assert "Messages: 1 first response(s) newly overdue" in capsys.readouterr().out
    call_command("escalate_slas")
    assert "Messages: 0 first response(s) newly overdue" in capsys.readouterr().out
    call_command("escalate_slas", "--no-notify")
    assert Conversation.objects.get().first_response_alert == "breached"
