"""First-response alerts: tell the team leaders of a mailbox's team when a conversation's first
response becomes due soon, and again when it is overdue, on the same rule as requests' SLA
alerts (servicerequests.escalation: the last quarter of the window, at most a day ahead).

Run by `firstcontact escalate_slas` (and its task) after the requests. Idempotent: a
conversation's `first_response_alert` records what has been told, it is moved only forwards
with a conditional UPDATE (two runs at once cannot both report it), and a conversation that is
answered or resolved is no longer a candidate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firstcontact.inbox.models import Conversation, FirstResponseAlert
from firstcontact.inbox.selectors import first_response_state
from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.servicerequests.escalation import (
    alert_digest,
    team_leader_recipients,
    warning_window,
)

_RANK = {
    FirstResponseAlert.NONE: 0,
    FirstResponseAlert.APPROACHING: 1,
    FirstResponseAlert.BREACHED: 2,
}


@dataclass
class FirstResponseReport:
    approaching: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    notifications: int = 0


def escalate_first_responses(
    *, now: dt.datetime | None = None, notify: bool = True
) -> FirstResponseReport:
    now = now or timezone.now()
    report = FirstResponseReport()
    candidates = (
        Conversation.objects.open()
        .filter(
            first_responded_at__isnull=True,
            first_response_due_at__isnull=False,
            first_response_due_at__lte=now + warning_window(),
        )
        .exclude(first_response_alert=FirstResponseAlert.BREACHED)
        .select_related("mailbox__team", "partner")
        .order_by("first_response_due_at", "pk")
    )
    newly: dict[tuple[int | None, int], list[tuple[str, Conversation]]] = defaultdict(list)
    for conversation in candidates.iterator(chunk_size=500):
        wanted = FirstResponseAlert(first_response_state(conversation, now))
        if _RANK[wanted] <= _RANK[FirstResponseAlert(conversation.first_response_alert)]:
            continue
        moved = (
            Conversation.objects.filter(
                pk=conversation.pk,
                first_response_alert=conversation.first_response_alert,
                first_responded_at__isnull=True,
            )
            .open()
            .update(first_response_alert=wanted, first_response_alert_at=now)
        )
        if not moved:
            continue  # another run got there first, or it was answered meanwhile
        bucket = report.breached if wanted == FirstResponseAlert.BREACHED else report.approaching
        bucket.append(conversation.reference)
        # The mailbox's team answers it (the team it had when it arrived may have changed).
        newly[(conversation.mailbox.team_id, conversation.partner_id)].append(
            (wanted, conversation)
        )
    if notify:
        for items in newly.values():
            report.notifications += _notify_team(items)
    return report


def _describe(conversation: Conversation) -> str:
    # Reference, mailbox and due time only: the sender and subject are personal data that
    # stay in the desk, behind its access rules, rather than in an email.
    due = timezone.localtime(conversation.first_response_due_at)
    url = reverse("inbox:conversation", args=[conversation.pk])
    return (
        f"- {conversation.formatted_reference} to {conversation.mailbox.name}"
        f" ({conversation.get_channel_display().lower()}), due {due:%d %b %Y %H:%M} ({url})"
    )


def _notify_team(items: list[tuple[str, Conversation]]) -> int:
    first = items[0][1]
    team, partner = first.mailbox.team, first.partner
    recipients = team_leader_recipients(team, partner)
    if not recipients:
        return 0
    where = team.name if team is not None else partner.name
    counts, body = alert_digest(
        items,
        _describe,
        intro=f"Messages to the {where} team still waiting for a first response:",
        overdue_heading="Past their first-response time:",
        action="Open the messages queue to claim and answer them.",
    )
    plural = "s" if len(items) != 1 else ""
    subject = f"{where}: {counts} first response{plural} to messages"
    with transaction.atomic():
        for recipient in recipients:
            queue_notification(
                channel=NotificationChannel.EMAIL, recipient=recipient, subject=subject, body=body
            )
    return len(recipients)
