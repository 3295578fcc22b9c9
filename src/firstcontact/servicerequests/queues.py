"""Back-office work queues: a team's requests with filters, SLA states and sorting by due time.

Only requests the user works (docs/access.md): those of partners they are a caseworker, team
leader or manager of, and those referred to such a partner (a hub agreement or a data-sharing
agreement lets staff *read* another partner's requests, not work them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from firstcontact.partners.models import Team
from firstcontact.servicerequests.models import Referral, ServiceRequest, Status
from firstcontact.servicerequests.permissions import OPEN_REFERRAL_STATES, work_partner_ids

User = AbstractBaseUser | AnonymousUser

# Filter values for the SLA state, as the queue page offers them.
SLA_FILTERS = {
    "due_today": "Due today",
    "overdue": "Overdue",
    "on_time": "On time",
}
# How the queue may be sorted: earliest due first (the default), or most urgent first.
SORTS = {"due": "Earliest due first", "priority": "Most urgent first"}
# Status filter values besides the statuses themselves.
STATUS_OPEN = "open_any"  # anything not closed: the default


def end_of_today(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def workable_requests(user: User) -> QuerySet[ServiceRequest]:
    """Requests the user works: those of partners they are a caseworker, team leader or
    manager of, and those referred to such a partner while the referral is open. A hub's
    staff, advisers and sharing partners read requests; they do not work them."""
    partners = work_partner_ids(user)
    referred = Referral.objects.filter(
        request=OuterRef("pk"), to_partner_id__in=partners, state__in=OPEN_REFERRAL_STATES
    )
    return ServiceRequest.objects.filter(Q(responsible_partner_id__in=partners) | Exists(referred))


def queue_teams(user: User) -> QuerySet[Team]:
    """Teams whose queues the user may open: those of the partners whose work they do."""
    return Team.objects.filter(partner_id__in=work_partner_ids(user)).select_related("partner")


def sla_filter(sla: str, now: dt.datetime) -> Q:
    running = Q(sla_due_at__isnull=False) & ~Q(status__in=[Status.ON_HOLD, Status.CLOSED])
    if sla == "due_today":
        return running & Q(sla_due_at__gte=now, sla_due_at__lt=end_of_today(now))
    if sla == "overdue":
        return running & Q(sla_due_at__lt=now)
    if sla == "on_time":
        return ~(running & Q(sla_due_at__lt=end_of_today(now)))
    return Q()


def work_queue(
    user: User,
    *,
    team: Team | None = None,
    service_id: int | None = None,
    status: str = STATUS_OPEN,
    sla: str = "",
    assignee: str = "",
    now: dt.datetime | None = None,
    priority: int | None = None,
    sort: str = "due",
) -> QuerySet[ServiceRequest]:
    """A team's queue, earliest due first (requests without a due time last), or with
    `sort` "priority" the most urgent first (catalogue.Priority), then by due time.
    `priority`: only requests of that priority.

    `assignee`: "" anyone, "me", "none" (unassigned) or a user's id. A request referred to
    the team is in its queue while the referral is open.
    """
    now = now or timezone.now()
    requests = workable_requests(user)
    if team is not None:
        referred_to_team = Referral.objects.filter(
            request=OuterRef("pk"),
            to_team=team,
            state__in=OPEN_REFERRAL_STATES,
        )
        requests = requests.filter(Q(team=team) | Exists(referred_to_team))
    if service_id:
        requests = requests.filter(service_id=service_id)
    if status == STATUS_OPEN:
        requests = requests.exclude(status=Status.CLOSED)
    elif status in Status.values:
        requests = requests.filter(status=status)
    if sla in SLA_FILTERS:
        requests = requests.filter(sla_filter(sla, now))
    if assignee == "me":
        requests = requests.filter(assignee=user)
    elif assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee.isdigit():
        requests = requests.filter(assignee_id=int(assignee))
    if priority:
        requests = requests.filter(priority=priority)
    order = [F("sla_due_at").asc(nulls_last=True), "created_at", "pk"]
    if sort == "priority":
        order.insert(0, "priority")
    return requests.select_related(
        "service", "responsible_partner", "team", "assignee", "customer"
    ).order_by(*order)


@dataclass(frozen=True)
class SLAState:
    code: str  # "closed", "on_hold", "overdue", "due_today", "on_time", "none"
    label: str
    tag: str  # GOV.UK tag colour modifier


def sla_state(request: ServiceRequest, now: dt.datetime | None = None) -> SLAState:
    """How the request stands against its service standard, for a tag on the queue."""
    now = now or timezone.now()
    if request.status == Status.CLOSED:
        met = request.sla_due_at is None or (
            request.closed_at and request.closed_at <= request.sla_due_at
        )
        return SLAState("closed", "Closed on time" if met else "Closed late", "grey")
    if request.sla_due_at is None:
        return SLAState("none", "No deadline", "grey")
    if request.status == Status.ON_HOLD:
        return SLAState("on_hold", "Clock paused", "yellow")
    if request.sla_due_at < now:
        return SLAState("overdue", "Overdue", "red")
    if request.sla_due_at < end_of_today(now):
        return SLAState("due_today", "Due today", "orange")
    return SLAState("on_time", "On time", "green")
