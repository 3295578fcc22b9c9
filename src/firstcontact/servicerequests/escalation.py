"""SLA escalation: mark requests that are nearly due or past due, and tell the team leader.

Run every 15 minutes (`firstcontact escalate_slas` from cron or a systemd timer, or the
`escalate_slas_task` task). Idempotent: a request's `sla_alert` records what the team leader has
been told, each state is reported once, and two runs at once cannot both report a request (the
marker is moved with a conditional UPDATE). A request whose due time moves later (resumed from
hold, a complaint escalated) has its marker lowered, so it is reported again if it slips again.
Marking does not bump the request's version: it is not an officer's edit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from firstcontact.notify.models import NotificationChannel
from firstcontact.notify.services import queue_notification
from firstcontact.partners.models import Membership, Partner, Role, Team
from firstcontact.servicerequests.models import ServiceRequest, SLAAlert, Status

_RANK = {SLAAlert.NONE: 0, SLAAlert.APPROACHING: 1, SLAAlert.BREACHED: 2}
# A request is "approaching" its due time in the last quarter of its SLA window, and at most
# this many hours before it (so a 20-day standard warns a day ahead, a 2-hour one 30 minutes).
WARNING_FRACTION = 0.25


def warning_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.FIRSTCONTACT.get("SLA_WARNING_HOURS", 24))


def desired_alert(request: ServiceRequest, now: dt.datetime) -> str:
    if request.sla_due_at is None or request.status == Status.CLOSED:
        return SLAAlert.NONE
    if request.sla_due_at <= now:
        return SLAAlert.BREACHED
    span = max(request.sla_due_at - request.created_at, dt.timedelta(0))
    warn_before = min(warning_window(), span * WARNING_FRACTION)
    if request.sla_due_at - warn_before <= now:
        return SLAAlert.APPROACHING
    return SLAAlert.NONE


@dataclass
class EscalationReport:
    approaching: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    lowered: list[str] = field(default_factory=list)
    notifications: int = 0


def team_leader_recipients(team: Team | None, partner: Partner) -> list[str]:
    """Who hears about a team's escalations: the team's shared inbox if it has one, and its
    team leaders; for requests with no team, the partner's team leaders (or its inbox)."""
    leaders = Membership.objects.filter(
        partner=partner, role__in=[Role.TEAM_LEADER, Role.MANAGER]
    ).select_related("user")
    if team is not None:
        leaders = leaders.filter(team=team)
    recipients = [team.email] if team is not None and team.email else []
    recipients += [m.user.email for m in leaders if m.user.email and m.user.is_active]
    if not recipients and team is not None:
        # Nobody in the team leads it: fall back to the partner's leaders without a team.
        return team_leader_recipients(None, partner)
    if not recipients and partner.email:
        recipients = [partner.email]
    return list(dict.fromkeys(r.lower() for r in recipients))


def _describe(request: ServiceRequest) -> str:
    due = timezone.localtime(request.sla_due_at)
    return (
        f"- {request.formatted_reference} {request.service.name}, due {due:%d %b %Y %H:%M}"
        f" (/work/requests/{request.reference}/)"
    )


def escalate_slas(*, now: dt.datetime | None = None, notify: bool = True) -> EscalationReport:
    now = now or timezone.now()
    report = EscalationReport()
    horizon = now + warning_window()
    candidates = (
        ServiceRequest.objects.exclude(status__in=[Status.CLOSED, Status.ON_HOLD])
        .filter(sla_due_at__isnull=False, sla_due_at__lte=horizon)
        .exclude(sla_alert=SLAAlert.BREACHED)
        .select_related("service", "team", "responsible_partner")
    )
    newly: dict[tuple[int | None, int], list[tuple[str, ServiceRequest]]] = defaultdict(list)
    for request in candidates.iterator(chunk_size=500):
        wanted = desired_alert(request, now)
        if _RANK[wanted] <= _RANK[SLAAlert(request.sla_alert)]:
            continue
        moved = ServiceRequest.objects.filter(pk=request.pk, sla_alert=request.sla_alert).update(
            sla_alert=wanted, sla_alert_at=now
        )
        if not moved:
            continue  # another run got there first
        (report.breached if wanted == SLAAlert.BREACHED else report.approaching).append(
            request.reference
        )
        newly[(request.team_id, request.responsible_partner_id)].append((wanted, request))

    # Due times that moved later: lower the marker, without telling anyone.
    marked = ServiceRequest.objects.exclude(sla_alert=SLAAlert.NONE).filter(sla_due_at__gt=now)
    fields = ("pk", "reference", "sla_alert", "sla_due_at", "created_at", "status")
    for request in marked.only(*fields):
        wanted = desired_alert(request, now)
        lower = _RANK[wanted] < _RANK[SLAAlert(request.sla_alert)]
        if lower and ServiceRequest.objects.filter(
            pk=request.pk, sla_alert=request.sla_alert
        ).update(sla_alert=wanted, sla_alert_at=now):
            report.lowered.append(request.reference)

    if notify:
        for (_team_id, _partner_id), items in newly.items():
            report.notifications += _notify_team(items)
    return report


def alert_digest[T](
    items: list[tuple[str, T]],
    describe: Callable[[T], str],
    *,
    intro: str,
    overdue_heading: str,
    action: str,
) -> tuple[str, str]:
    """A team's alert email, shared with the messages inbox: how many are overdue and due
    soon ("2 overdue and 1 due soon") and the body listing them. Items are (alert state, thing)
    pairs; the request and message alert states share their values ("breached",
    "approaching")."""
    breached = [thing for state, thing in items if state == SLAAlert.BREACHED]
    approaching = [thing for state, thing in items if state == SLAAlert.APPROACHING]
    parts = []
    if breached:
        parts.append(f"{len(breached)} overdue")
    if approaching:
        parts.append(f"{len(approaching)} due soon")
    lines = [intro, ""]
    if breached:
        lines += [overdue_heading, *(describe(thing) for thing in breached), ""]
    if approaching:
        lines += ["Due soon:", *(describe(thing) for thing in approaching), ""]
    lines.append(action)
    return " and ".join(parts), "\n".join(lines)


def _notify_team(items: list[tuple[str, ServiceRequest]]) -> int:
    first = items[0][1]
    team, partner = first.team, first.responsible_partner
    recipients = team_leader_recipients(team, partner)
    if not recipients:
        return 0
    where = team.name if team is not None else partner.name
    counts, body = alert_digest(
        items,
        _describe,
        intro=f"Requests in the {where} queue that need attention:",
        overdue_heading="Past their due time:",
        action="Open the work queue to reassign or update them.",
    )
    subject = f"{where}: {counts} request{'s' if len(items) != 1 else ''}"
    with transaction.atomic():
        for recipient in recipients:
            queue_notification(
                channel=NotificationChannel.EMAIL,
                recipient=recipient,
                subject=subject,
                body=body,
                service_request=first if len(items) == 1 else None,
            )
    return len(recipients)
