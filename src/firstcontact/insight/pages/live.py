"""Today's queues: waiting calls, agents and today's figures per queue (refreshed by
live.json without a reload), and today so far interval by interval."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from firstcontact.insight import indicators
from firstcontact.insight.indicators import CallStats, local_day_bounds
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.reports import (
    CALL_COLUMNS,
    INTERVAL_NAMES,
    Chart,
    Report,
    call_row,
)
from firstcontact.insight.scoping import scoped_calls, scoped_queues
from firstcontact.insight.tables import Column, Table
from firstcontact.telephony.models import AgentEvent, CallOutcome, CallRecord

TODAY = Report(
    name="today",
    caption="Today’s queues",
    columns=(
        Column("queue", "Queue"),
        Column("partner", "Partner"),
        Column("waiting", "Waiting now", "int"),
        Column("longest_now", "Longest wait now", "seconds"),
        Column("agents", "Agents available", "int"),
        Column("paused", "Agents paused", "int"),
        Column("offered", "Offered today", "int"),
        Column("answered", "Answered", "int"),
        Column("abandoned", "Abandoned", "int"),
        Column("abandonment", "Abandonment rate", "rate"),
        Column("service_level", "Service level", "rate"),
        Column("asa", "Average speed of answer", "seconds"),
    ),
)
LIVE_COLUMNS = list(TODAY.columns)

TODAY_BY_INTERVAL = Report(
    name="today-by-interval",
    caption="Today so far, every {name}",
    columns=(Column("period", "Starting", "time"),) + CALL_COLUMNS[:6],
    charts=(
        Chart(
            "bar",
            title="Calls today, every {name}",
            description="Stacked bars of calls answered and abandoned in each {name} since "
            "midnight.",
            category="label",
            series=(("Answered", "answered"), ("Abandoned", "abandoned")),
        ),
    ),
    note="Refresh the page to update this table.",
)


def _agent_states(queue_ids: list[int], since: dt.datetime, now: dt.datetime):
    """(available, paused) agents per queue now, from today's agent events."""
    members: dict[tuple, bool] = {}
    paused: dict[str, bool] = {}
    events = (
        AgentEvent.objects.filter(at__gte=since, at__lte=now)
        .filter(Q(queue_id__in=queue_ids) | Q(queue__isnull=True))
        .order_by("at", "pk")
        .values_list("agent", "kind", "queue_id")
    )
    for agent, kind, queue_id in events:
        if kind == "add_member" and queue_id is not None:
            members[(agent, queue_id)] = True
        elif kind == "remove_member" and queue_id is not None:
            members[(agent, queue_id)] = False
        elif kind == "pause":
            paused[agent] = True
        elif kind == "unpause":
            paused[agent] = False
    available: dict[int, int] = defaultdict(int)
    on_pause: dict[int, int] = defaultdict(int)
    for (agent, queue_id), present in members.items():
        if present:
            if paused.get(agent):
                on_pause[queue_id] += 1
            else:
                available[queue_id] += 1
    return available, on_pause


def live_table(user, now: dt.datetime | None = None) -> Table:
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, _ = local_day_bounds(today, today)
    queues = list(scoped_queues(user))
    queue_ids = [q.pk for q in queues]
    stats = indicators.call_stats(
        CallRecord.objects.filter(queue_id__in=queue_ids),
        start=start,
        end=now,
        group_by="queue",
    )
    waiting: dict[int, list] = defaultdict(list)
    for qid, entered in CallRecord.objects.filter(
        queue_id__in=queue_ids, outcome=CallOutcome.WAITING, entered_at__gte=start
    ).values_list("queue_id", "entered_at"):
        waiting[qid].append(entered)
    available, paused = _agent_states(queue_ids, start, now)
    rows = []
    for q in sorted(queues, key=lambda q: q.display_name):
        s = stats.get((q.pk, None), CallStats())
        w = waiting.get(q.pk, [])
        rows.append(
            {
                "queue": q.display_name,
                "partner": q.partner.name if q.partner else "Not mapped",
                "waiting": len(w),
                "longest_now": max(((now - e).total_seconds() for e in w), default=None),
                "agents": available.get(q.pk, 0),
                "paused": paused.get(q.pk, 0),
                "offered": s.offered,
                "answered": s.answered,
                "abandoned": s.abandoned,
                "abandonment": s.abandonment_rate,
                "service_level": s.service_level,
                "asa": s.average_speed_of_answer,
            }
        )
    return TODAY.table(rows)


@insight_staff
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    table = live_table(request.user, now)
    interval = request.GET.get("interval", "30")
    if interval not in indicators.SUB_DAY_INTERVALS:
        interval = "30"
    return render_page(
        request,
        "insight/live.html",
        {"updated": now},
        [table, intraday_table(request.user, now, interval)],
    )


def intraday_table(user, now: dt.datetime, interval: str) -> Table:
    """Today's calls on every queue the user sees, interval by interval so far."""
    today = timezone.localdate(now)
    start, _ = local_day_bounds(today, today)
    stats = indicators.call_stats(scoped_calls(user), start=start, end=now, interval=interval)
    series = [(bucket, s) for (_, bucket), s in sorted(stats.items())]
    while series and not series[0][1].offered_all:  # from the first call of the day
        series.pop(0)
    rows = [{**call_row({"period": bucket}, s), "label": f"{bucket:%H:%M}"} for bucket, s in series]
    return TODAY_BY_INTERVAL.table(rows, context={"name": INTERVAL_NAMES[interval]})


@insight_staff
@never_cache
def live_json(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    table = live_table(request.user, now)
    return JsonResponse(
        {
            "updated": timezone.localtime(now).isoformat(),
            "updated_display": f"{timezone.localtime(now):%H:%M:%S}",
            "columns": [c.key for c in table.columns],
            "numeric": [c.numeric for c in table.columns],
            "rows": [[text for text, _, _ in row] for row in table.body],
        }
    )
