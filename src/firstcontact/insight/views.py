"""Insight pages for team leaders, managers and the partnership board, and the public survey.

Every figure is scoped to the partners the user may see (insight.scoping). Every table can be
downloaded as CSV with ?format=csv&table=NAME and the page's filters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from firstcontact.customers.models import Channel
from firstcontact.insight import charts, indicators, rollups
from firstcontact.insight.forms import (
    CallsForm,
    PeriodForm,
    PoolingForm,
    RechargeForm,
    StaffingForm,
    SurveyForm,
)
from firstcontact.insight.indicators import CallStats, Thresholds, local_day_bounds, local_zone
from firstcontact.insight.models import (
    IndicatorSettings,
    SamplingRateChange,
    SamplingRule,
    SatisfactionResponse,
    SurveyInvitation,
)
from firstcontact.insight.planning import forecast_day
from firstcontact.insight.pooling import Demand, overflow_what_if, pooling_what_if
from firstcontact.insight.recharges import recharge_statement
from firstcontact.insight.scoping import (
    can_view_insight,
    insight_partner_ids,
    scoped_calls,
    scoped_contacts,
    scoped_partners,
    scoped_queues,
    scoped_requests,
)
from firstcontact.insight.tables import Column, Table
from firstcontact.partners.models import Partner
from firstcontact.partners.selectors import is_partnership_admin
from firstcontact.telephony import staffing
from firstcontact.telephony.models import AgentEvent, CallOutcome, CallRecord

CHANNEL_LABELS = dict(Channel.choices)
INTERVAL_NAMES = {
    "15": "15 minutes",
    "30": "30 minutes",
    "60": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
}


def insight_staff(view):
    """Team leaders, managers and partnership administrators only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not can_view_insight(request.user):
            raise PermissionDenied("The insight pages are for team leaders and managers.")
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template: str, context: dict, tables: list[Table]) -> HttpResponse:
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("table", "")
        for table in tables:
            if table.name == wanted:
                return table.csv_response()
        raise Http404("No table of that name on this page.")
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    context.update(tables=tables, query=query.urlencode())
    context.setdefault("nav", _nav(request))
    return render(request, template, context)


def _nav(request) -> list[dict]:
    pages = [
        ("insight:dashboard", "Dashboard"),
        ("insight:live", "Today’s queues"),
        ("insight:calls", "Calls"),
        ("insight:staffing", "Staffing"),
        ("insight:pooling", "Hub pooling"),
        ("insight:recharges", "Recharges"),
        ("insight:satisfaction", "Satisfaction"),
    ]
    out = []
    for name, label in pages:
        url = reverse(name)
        out.append({"url": url, "label": label, "current": request.path == url})
    return out


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _bucket_label(bucket: dt.datetime, interval: str, several_days: bool = False) -> str:
    if interval == "month":
        return f"{bucket:%b %Y}"
    if interval == "week":
        return f"w/c {bucket:%-d %b}"
    if interval in indicators.SUB_DAY_INTERVALS:
        return f"{bucket:%a %H:%M}" if several_days else f"{bucket:%H:%M}"
    return f"{bucket:%-d %b}"


# --- Dashboard ------------------------------------------------------------------------------


def _call_row(label: dict, s: CallStats) -> dict:
    return {
        **label,
        "offered": s.offered,
        "answered": s.answered,
        "abandoned": s.abandoned,
        "abandonment": s.abandonment_rate,
        "service_level": s.service_level,
        "asa": s.average_speed_of_answer,
        "aht": s.average_handle_time,
        "longest": s.longest_wait,
        "occupancy": s.occupancy,
    }


CALL_COLUMNS = [
    Column("offered", "Offered", "int"),
    Column("answered", "Answered", "int"),
    Column("abandoned", "Abandoned", "int"),
    Column("abandonment", "Abandonment rate", "rate"),
    Column("service_level", "Service level", "rate"),
    Column("asa", "Average speed of answer", "seconds"),
    Column("aht", "Average handle time", "seconds"),
    Column("longest", "Longest wait", "seconds"),
    Column("occupancy", "Occupancy", "rate"),
]


@insight_staff
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    partners = scoped_partners(user)
    form = PeriodForm(request.GET or None, partners=partners)
    first, last = form.period()
    interval = (
        form.cleaned_data.get("interval", "day") if form.is_bound and form.is_valid() else "day"
    )
    partner = form.cleaned_data.get("partner") if form.is_bound and form.is_valid() else None
    service = form.cleaned_data.get("service") if form.is_bound and form.is_valid() else None
    settings_ = IndicatorSettings.current()
    thresholds = Thresholds(settings_.service_level_seconds, settings_.short_abandon_seconds)
    start, end = local_day_bounds(first, last)
    partner_ids = insight_partner_ids(user)
    if partner is not None:
        partner_ids = {partner.pk}

    queues = list(scoped_queues(user))
    if partner is not None:
        queues = [q for q in queues if q.partner_id == partner.pk]
    if service is not None:
        queues = [q for q in queues if q.service_id == service.pk]
    tables: list[Table] = []

    # Calls by queue.
    by_queue = rollups.daily_call_stats(
        queues, first, last, group_by="queue", thresholds=thresholds
    )
    queue_names = {q.pk: q for q in queues}
    queue_rows = []
    total = CallStats()
    for (qid, _), s in sorted(by_queue.items(), key=lambda kv: str(queue_names[kv[0][0]])):
        q = queue_names[qid]
        total = total + s
        queue_rows.append(
            _call_row(
                {
                    "queue": q.display_name,
                    "partner": q.partner.name if q.partner else "Not mapped",
                    "service": q.service.name if q.service else "–",
                },
                s,
            )
        )
    tables.append(
        Table(
            name="calls-by-queue",
            caption="Calls by queue",
            columns=[
                Column("queue", "Queue"),
                Column("partner", "Partner"),
                Column("service", "Service"),
            ]
            + CALL_COLUMNS,
            rows=queue_rows,
            footer=_call_row({"queue": "All queues", "partner": "", "service": ""}, total)
            if queue_rows
            else None,
            note=f"Service level: answered within {thresholds.service_level_seconds} seconds. "
            f"Callers who hung up within {thresholds.short_abandon_seconds} seconds are left out.",
        )
    )

    # Calls by partner.
    by_partner = rollups.daily_call_stats(
        queues, first, last, group_by="partner", thresholds=thresholds
    )
    partner_names_all = dict(Partner.objects.values_list("pk", "name"))
    tables.append(
        Table(
            name="calls-by-partner",
            caption="Calls by partner",
            columns=[Column("partner", "Partner")] + CALL_COLUMNS,
            rows=[
                _call_row({"partner": partner_names_all.get(pid, "Not mapped")}, s)
                for (pid, _), s in sorted(
                    by_partner.items(), key=lambda kv: partner_names_all.get(kv[0][0], "~")
                )
            ],
        )
    )

    # Calls over time.
    intraday = interval in indicators.SUB_DAY_INTERVALS
    over_time = rollups.daily_call_stats(
        queues, first, last, interval=interval, thresholds=thresholds, use_rollups=not intraday
    )
    buckets = indicators.bucket_starts(start, end, interval)
    series = [over_time.get((None, b), CallStats()) for b in buckets]
    labels = [_bucket_label(b, interval, several_days=first != last) for b in buckets]
    time_rows = [
        _call_row({"period": b if intraday else b.date()}, s)
        for b, s in zip(buckets, series, strict=True)
    ]
    time_columns = [
        Column("period", "Period starting", "datetime" if intraday else "date")
    ] + CALL_COLUMNS[:7]
    tables.append(
        Table(
            name="calls-over-time",
            caption=f"Calls by {INTERVAL_NAMES[interval]}",
            columns=time_columns,
            rows=time_rows,
            charts=[
                charts.bar_chart(
                    title="Calls answered and abandoned",
                    description=f"Stacked bars of calls answered, abandoned and otherwise not "
                    f"answered for each period from {first:%-d %B %Y} to {last:%-d %B %Y}.",
                    categories=labels,
                    series=[
                        ("Answered", [s.answered for s in series]),
                        ("Abandoned", [s.abandoned for s in series]),
                        (
                            "Other not answered",
                            [s.offered - s.answered - s.abandoned for s in series],
                        ),
                    ],
                ),
                charts.line_chart(
                    title="Service level",
                    description=f"Share of calls answered within "
                    f"{thresholds.service_level_seconds} seconds, each period, against the "
                    f"target of {settings_.service_level_target:.0%}.",
                    categories=labels,
                    series=[("Service level", [s.service_level for s in series])],
                    percent=True,
                    target=settings_.service_level_target,
                ),
            ],
        )
    )

    # Contacts by channel, cost and channel shift.
    use_contact_rollups = service is None
    if use_contact_rollups:
        shift_rows = rollups.daily_contact_counts(partner_ids, first, last, interval="month")
    else:
        shift_rows = _contact_rows_for_service(user, partner_ids, service, start, end, "month")
    # One read, by month; the period's totals are the months summed.
    contact_rows = shift_rows
    counts = dict.fromkeys(Channel.values, 0)
    for row in contact_rows:
        counts[row["channel"]] += row["contacts"]
    costs = indicators.unit_costs()
    cost = indicators.cost_per_contact(counts, costs)
    total_contacts = sum(counts.values())
    channel_table_rows = [
        {
            "channel": CHANNEL_LABELS[ch],
            "contacts": n,
            "share": n / total_contacts if total_contacts else None,
            "unit_cost": costs.get(ch),
            "cost": cost.by_channel[ch],
        }
        for ch, n in counts.items()
    ]
    tables.append(
        Table(
            name="contacts-by-channel",
            caption="Contacts by channel, and what they cost",
            columns=[
                Column("channel", "Channel"),
                Column("contacts", "Contacts", "int"),
                Column("share", "Share", "rate"),
                Column("unit_cost", "Cost each", "money"),
                Column("cost", "Cost", "money"),
            ],
            rows=channel_table_rows,
            footer={
                "channel": "All channels",
                "contacts": total_contacts,
                "share": 1.0 if total_contacts else None,
                "unit_cost": cost.per_contact,
                "cost": cost.total,
            },
            charts=[
                charts.bar_chart(
                    title="Contacts by channel",
                    description="One bar for each channel: the number of contacts from "
                    f"{first:%-d %B %Y} to {last:%-d %B %Y}.",
                    categories=[CHANNEL_LABELS[ch] for ch in counts],
                    series=[("Contacts", list(counts.values()))],
                )
            ],
            note="Cost each: the partnership's unit costs (admin: Unit costs); the total row's "
            "cost each is the mean cost per contact.",
        )
    )

    months: dict = defaultdict(lambda: dict.fromkeys(Channel.values, 0))
    for row in shift_rows:
        months[row["bucket"]][row["channel"]] += row["contacts"]
    month_keys = sorted(months)
    shift_table_rows = []
    for m in month_keys:
        c = months[m]
        n = sum(c.values())
        digital = sum(v for ch, v in c.items() if ch in indicators.DIGITAL_CHANNELS)
        shift_table_rows.append(
            {
                "month": f"{m:%B %Y}",
                "contacts": n,
                "digital": digital / n if n else None,
                "phone": c[Channel.PHONE] / n if n else None,
                "face_to_face": c[Channel.FACE_TO_FACE] / n if n else None,
                "cost": indicators.cost_per_contact(c, costs).per_contact,
            }
        )
    saving = (
        indicators.channel_shift_saving(months[month_keys[0]], months[month_keys[-1]], costs)
        if len(month_keys) > 1
        else None
    )
    tables.append(
        Table(
            name="channel-shift",
            caption="Channel shift by month",
            columns=[
                Column("month", "Month"),
                Column("contacts", "Contacts", "int"),
                Column("digital", "Digital share", "rate"),
                Column("phone", "Phone", "rate"),
                Column("face_to_face", "Face to face", "rate"),
                Column("cost", "Cost per contact", "money"),
            ],
            rows=shift_table_rows,
            charts=[
                charts.line_chart(
                    title="Digital share of contacts",
                    description="Share of contacts by web, Open311, email, text, kiosk and social "
                    "media, and by phone, each month.",
                    categories=[f"{m:%b %Y}" for m in month_keys],
                    series=[
                        ("Digital", [r["digital"] for r in shift_table_rows]),
                        ("Phone", [r["phone"] for r in shift_table_rows]),
                    ],
                    percent=True,
                )
            ]
            if month_keys
            else [],
            note=(
                f"Implied saving from channel shift: £{saving:,.2f} — what "
                f"{month_keys[-1]:%B %Y}'s contacts would have cost with "
                f"{month_keys[0]:%B %Y}'s mix of channels, less what they cost."
                if saving is not None
                else "Choose a period spanning two months or more to see the saving from "
                "channel shift."
            ),
        )
    )

    # First-contact resolution by partner.
    partner_names = dict(Partner.objects.values_list("pk", "name"))
    fcr: dict = defaultdict(lambda: [0, 0])
    if use_contact_rollups:
        for row in contact_rows:
            f = fcr[row["partner_id"]]
            f[0] += row["ended"] - row["abandoned"]
            f[1] += row["resolved"]
    else:
        from firstcontact.contacts.models import Contact

        contacts = scoped_contacts(user).filter(
            pk__in=Contact.objects.filter(reasons=service).values("pk")
        )
        if partner is not None:
            contacts = contacts.filter(partner=partner)
        for pid, result in indicators.first_contact_resolution_by_partner(
            contacts, start=start, end=end
        ).items():
            fcr[pid] = [result.eligible, result.resolved]
    fcr_rows = [
        {"partner": partner_names[pid], "eligible": e, "resolved": r, "fcr": r / e if e else None}
        for pid, (e, r) in sorted(fcr.items(), key=lambda kv: partner_names[kv[0]])
    ]
    all_e = sum(e for e, _ in fcr.values())
    all_r = sum(r for _, r in fcr.values())
    tables.append(
        Table(
            name="first-contact-resolution",
            caption="First-contact resolution by partner",
            columns=[
                Column("partner", "Partner"),
                Column("eligible", "Ended contacts", "int"),
                Column("resolved", "Resolved at first contact", "int"),
                Column("fcr", "First-contact resolution", "rate"),
            ],
            rows=fcr_rows,
            footer={
                "partner": "All partners",
                "eligible": all_e,
                "resolved": all_r,
                "fcr": all_r / all_e if all_e else None,
            }
            if fcr_rows
            else None,
            note="Abandoned contacts are left out: they had no chance of resolution.",
        )
    )

    # SLA compliance of requests.
    requests = scoped_requests(user)
    if partner is not None:
        requests = requests.filter(responsible_partner=partner)
    if service is not None:
        requests = requests.filter(service=service)
    sla_rows = []
    sla_total = [0, 0, 0]
    for pid, result in indicators.sla_compliance_by(requests, start=start, end=end).items():
        sla_rows.append(
            {
                "partner": partner_names[pid],
                "closed": result.closed,
                "on_time": result.on_time,
                "rate": result.rate,
                "overdue": result.open_overdue,
            }
        )
        sla_total = [
            sla_total[0] + result.closed,
            sla_total[1] + result.on_time,
            sla_total[2] + result.open_overdue,
        ]
    tables.append(
        Table(
            name="sla-compliance",
            caption="Service requests closed within their SLA, by responsible partner",
            columns=[
                Column("partner", "Partner"),
                Column("closed", "Closed (with an SLA)", "int"),
                Column("on_time", "Closed on time", "int"),
                Column("rate", "SLA compliance", "rate"),
                Column("overdue", "Open and overdue now", "int"),
            ],
            rows=sla_rows,
            footer={
                "partner": "All partners",
                "closed": sla_total[0],
                "on_time": sla_total[1],
                "rate": sla_total[1] / sla_total[0] if sla_total[0] else None,
                "overdue": sla_total[2],
            }
            if sla_rows
            else None,
        )
    )

    tables.append(_satisfaction_table(user, partner, service, start, end, partner_names))
    summary = [
        ("Calls offered", f"{total.offered:,}"),
        (
            f"Service level (answered within {thresholds.service_level_seconds} seconds; "
            f"target {settings_.service_level_target:.0%})",
            _pct(total.service_level),
        ),
        ("Abandonment rate", _pct(total.abandonment_rate)),
        ("Contacts, all channels", f"{total_contacts:,}"),
        ("Mean cost per contact", "–" if cost.per_contact is None else f"£{cost.per_contact:,.2f}"),
    ]
    context = {
        "form": form,
        "first": first,
        "last": last,
        "summary": summary,
        "thresholds": thresholds,
        "target": settings_.service_level_target,
        "contacts_total": total_contacts,
        "cost": cost,
        "rollup_calls": rollups.rolled_days(rollups.CALLS),
        "rollup_contacts": rollups.rolled_days(rollups.CONTACTS),
    }
    return _render(request, "insight/dashboard.html", context, tables)


def _contact_rows_for_service(user, partner_ids, service, start, end, interval=None):
    from firstcontact.contacts.models import Contact, Outcome

    contacts = scoped_contacts(user).filter(
        started_at__gte=start,
        started_at__lt=end,
        pk__in=Contact.objects.filter(reasons=service).values("pk"),
    )
    if partner_ids is not None:
        contacts = contacts.filter(partner_id__in=partner_ids)
    zone = local_zone()
    totals: dict = defaultdict(lambda: [0, 0, 0, 0])
    for pid, channel, started_at, ended_at, outcome in contacts.values_list(
        "partner_id", "channel", "started_at", "ended_at", "outcome"
    ):
        bucket = indicators.bucket_of(started_at, interval, zone) if interval else None
        t = totals[(pid, channel, bucket)]
        t[0] += 1
        if ended_at is not None:
            t[1] += 1
            t[2] += outcome == Outcome.RESOLVED
            t[3] += outcome == Outcome.ABANDONED
    return [
        {
            "partner_id": pid,
            "channel": ch,
            "bucket": b,
            "contacts": v[0],
            "ended": v[1],
            "resolved": v[2],
            "abandoned": v[3],
        }
        for (pid, ch, b), v in totals.items()
    ]


def _satisfaction_table(user, partner, service, start, end, partner_names) -> Table:
    ids = insight_partner_ids(user)
    responses = SatisfactionResponse.objects.all()
    invitations = SurveyInvitation.objects.all()
    if ids is not None:
        responses = responses.filter(partner_id__in=ids)
        invitations = invitations.filter(partner_id__in=ids)
    if partner is not None:
        responses = responses.filter(partner=partner)
        invitations = invitations.filter(partner=partner)
    if service is not None:
        responses = responses.filter(service=service)
        invitations = invitations.filter(
            Q(service_request__service=service) | Q(contact__reasons=service)
        ).distinct()
    rows = []
    totals = [0, 0, 0, 0]
    for pid, s in indicators.satisfaction_by_partner(
        responses, invitations, start=start, end=end
    ).items():
        rows.append(
            {
                "partner": partner_names[pid],
                "invited": s.invited,
                "responded": s.responded,
                "response_rate": s.response_rate,
                "responses": s.responses,
                "satisfied": s.satisfied,
                "csat": s.csat,
            }
        )
        totals = [
            totals[0] + s.invited,
            totals[1] + s.responded,
            totals[2] + s.responses,
            totals[3] + s.satisfied,
        ]
    return Table(
        name="satisfaction",
        caption="Customer satisfaction by partner",
        columns=[
            Column("partner", "Partner"),
            Column("invited", "Invited", "int"),
            Column("responded", "Of those, responded", "int"),
            Column("response_rate", "Response rate", "rate"),
            Column("responses", "Responses received", "int"),
            Column("satisfied", "Satisfied or very satisfied", "int"),
            Column("csat", "Satisfaction (CSAT)", "rate"),
        ],
        rows=rows,
        footer={
            "partner": "All partners",
            "invited": totals[0],
            "responded": totals[1],
            "response_rate": totals[1] / totals[0] if totals[0] else None,
            "responses": totals[2],
            "satisfied": totals[3],
            "csat": totals[3] / totals[2] if totals[2] else None,
        }
        if rows
        else None,
        note="Response rate: invitations sent in the period that were answered. CSAT: "
        "responses in the period scoring 4 or 5 out of 5.",
    )


# --- Today's queues -------------------------------------------------------------------------


LIVE_COLUMNS = [
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
]


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
    return Table(name="today", caption="Today’s queues", columns=LIVE_COLUMNS, rows=rows)


@insight_staff
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    table = live_table(request.user, now)
    interval = request.GET.get("interval", "30")
    if interval not in indicators.SUB_DAY_INTERVALS:
        interval = "30"
    return _render(
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
    labels = [f"{bucket:%H:%M}" for bucket, _ in series]
    name = INTERVAL_NAMES[interval]
    return Table(
        name="today-by-interval",
        caption=f"Today so far, every {name}",
        columns=[Column("period", "Starting", "time")] + CALL_COLUMNS[:6],
        rows=[_call_row({"period": bucket}, s) for bucket, s in series],
        charts=[
            charts.bar_chart(
                title=f"Calls today, every {name}",
                description=f"Stacked bars of calls answered and abandoned in each {name} "
                "since midnight.",
                categories=labels,
                series=[
                    ("Answered", [s.answered for _, s in series]),
                    ("Abandoned", [s.abandoned for _, s in series]),
                ],
            )
        ]
        if series
        else [],
        note="Refresh the page to update this table.",
    )


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


# --- Calls, one by one ----------------------------------------------------------------------

CALLS_ON_PAGE = 500
OUTCOME_LABELS = dict(CallOutcome.choices)
CALL_FIELDS = (
    "entered_at",
    "queue_id",
    "call_id",
    "outcome",
    "wait_seconds",
    "talk_seconds",
    "agent",
    "transferred",
    "entry_position",
)


def _calls_table(day: dt.date, rows: list[dict], *, for_csv: bool, note: str = "") -> Table:
    # On the page the time to the second (the day is in the caption); in the CSV the full
    # local date and time, since the file may be read without the page.
    return Table(
        name="calls",
        caption=f"Calls on {day:%A %-d %B %Y}",
        columns=[
            Column("entered", "Entered", "datetime" if for_csv else "text"),
            Column("queue", "Queue"),
            Column("call_id", "Call id"),
            Column("outcome", "Outcome"),
            Column("wait", "Wait (seconds)", "int"),
            Column("talk", "Talk (seconds)", "int"),
            Column("agent", "Agent"),
            Column("transferred", "Transferred"),
            Column("position", "Position in queue", "int"),
        ],
        rows=rows,
        note=note,
    )


@insight_staff
def calls_page(request: HttpRequest) -> HttpResponse:
    """A day's calls, newest first: the page shows the newest 500, the CSV every one."""
    user = request.user
    queues = scoped_queues(user)
    form = CallsForm(request.GET or None, queues=queues)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("day") or timezone.localdate()
    context = {"form": form, "day": day, "count": None}
    if form.is_bound and form.errors:
        return _render(request, "insight/calls.html", context, [])

    start, end = local_day_bounds(day, day)
    calls = scoped_calls(user).filter(entered_at__gte=start, entered_at__lt=end)
    if data.get("queue") is not None:
        calls = calls.filter(queue_id=data["queue"].pk)
    if data.get("outcome"):
        calls = calls.filter(outcome=data["outcome"])
    calls = calls.order_by("-entered_at", "-queue_id", "-call_id").values_list(*CALL_FIELDS)
    for_csv = request.GET.get("format") == "csv"
    if for_csv:
        count = None
    else:
        count = calls.count()
        calls = calls[:CALLS_ON_PAGE]
    names = {pk: label or name for pk, label, name in queues.values_list("pk", "label", "name")}
    zone = local_zone()
    rows = [
        {
            "entered": entered if for_csv else f"{entered.astimezone(zone):%H:%M:%S}",
            "queue": names.get(queue_id, str(queue_id)),
            "call_id": call_id,
            "outcome": OUTCOME_LABELS.get(outcome, outcome),
            "wait": wait,
            "talk": talk,
            "agent": agent,
            "transferred": "Yes" if transferred else "No",
            "position": position,
        }
        for (
            entered,
            queue_id,
            call_id,
            outcome,
            wait,
            talk,
            agent,
            transferred,
            position,
        ) in calls
    ]
    note = ""
    if count is not None:
        calls_word = "call" if count == 1 else "calls"
        if count > CALLS_ON_PAGE:
            note = (
                f"{count:,} {calls_word}. The newest {CALLS_ON_PAGE:,} are shown here; "
                f"the CSV download has all {count:,}."
            )
        else:
            note = f"{count:,} {calls_word}. The CSV download has all of them."
    context["count"] = count
    return _render(
        request,
        "insight/calls.html",
        context,
        [_calls_table(day, rows, for_csv=for_csv, note=note)],
    )


# --- Staffing -------------------------------------------------------------------------------


@insight_staff
def staffing_page(request: HttpRequest) -> HttpResponse:
    settings_ = IndicatorSettings.current()
    queues = scoped_queues(request.user).order_by("name")
    defaults = {
        "date": timezone.localdate() + dt.timedelta(days=1),
        "interval": "30",
        "weeks": 4,
        "growth": 0,
        "target": round(settings_.service_level_target * 100),
        "seconds": settings_.service_level_seconds,
        "shrinkage": round(settings_.shrinkage * 100),
        "model": "erlang_c",
    }
    form = StaffingForm(request.GET or None, queues=queues, defaults=defaults)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queue = data.get("queue")
    day = data.get("date") or timezone.localdate() + dt.timedelta(days=1)
    interval = int(data.get("interval") or 30)
    weeks = data.get("weeks") or 4
    growth = (data.get("growth") or 0) / 100
    target = (data.get("target") or round(settings_.service_level_target * 100)) / 100
    seconds = data.get("seconds") or settings_.service_level_seconds
    shrinkage = (
        data["shrinkage"] / 100 if data.get("shrinkage") is not None else settings_.shrinkage
    )
    model = data.get("model") or "erlang_c"
    tables: list[Table] = []
    context = {
        "form": form,
        "queue": queue,
        "day": day,
        "target": target,
        "seconds": seconds,
        "shrinkage": shrinkage,
        "model": model,
        "interval": interval,
    }
    if queue is not None:
        forecast = forecast_day(
            CallRecord.objects.filter(queue=queue),
            day,
            interval_seconds=interval * 60,
            weeks=weeks,
            growth=growth,
        ).get(None)
        patience = data.get("patience") or (forecast.patience_seconds if forecast else None)
        context["patience"] = patience
        context["patience_estimated"] = not data.get("patience")
        rows = []
        agent_hours = 0.0
        if forecast is not None:
            for slot in forecast.slots:
                if model == "erlang_a" and patience:
                    result = staffing.erlang_a_agents_for_service_level(
                        slot.calls,
                        slot.aht_seconds,
                        patience,
                        interval_seconds=interval * 60,
                        target=target,
                        target_seconds=seconds,
                        shrinkage=shrinkage,
                    )
                else:
                    result = staffing.agents_for_service_level(
                        slot.calls,
                        slot.aht_seconds,
                        interval_seconds=interval * 60,
                        target=target,
                        target_seconds=seconds,
                        shrinkage=shrinkage,
                    )
                agent_hours += result.scheduled * interval / 60
                rows.append(
                    {
                        "start": slot.start.strftime("%H:%M"),
                        "calls": round(slot.calls, 1),
                        "aht": slot.aht_seconds,
                        "traffic": round(result.traffic, 2),
                        "agents": result.agents,
                        "scheduled": result.scheduled,
                        "service_level": result.service_level,
                        "asa": result.average_speed_of_answer,
                        "abandonment": result.abandonment if model == "erlang_a" else None,
                        "occupancy": result.occupancy,
                    }
                )
        context["agent_hours"] = agent_hours
        context["fte"] = agent_hours / settings_.fte_hours_per_day
        context["days_used"] = forecast.days_used if forecast else []
        columns = [
            Column("start", "Interval starting"),
            Column("calls", "Forecast calls", "number"),
            Column("aht", "Handle time", "seconds"),
            Column("traffic", "Erlangs", "number"),
            Column("agents", "Agents on the phones", "int"),
            Column("scheduled", "Agents to schedule", "int"),
            Column("service_level", "Expected service level", "rate"),
            Column("asa", "Expected speed of answer", "seconds"),
        ]
        if model == "erlang_a":
            columns.append(Column("abandonment", "Expected abandonment", "rate"))
        columns.append(Column("occupancy", "Occupancy", "rate"))
        tables.append(
            Table(
                name="staffing",
                caption=f"Agents needed on {day:%A %-d %B %Y}, {queue.display_name}",
                columns=columns,
                rows=rows,
                charts=[
                    charts.bar_chart(
                        title="Agents to schedule",
                        description=f"Agents to schedule in each {interval}-minute interval, "
                        f"including {shrinkage:.0%} shrinkage.",
                        categories=[r["start"] for r in rows],
                        series=[("Agents to schedule", [r["scheduled"] for r in rows])],
                    )
                ]
                if rows
                else [],
            )
        )
    return _render(request, "insight/staffing.html", context, tables)


# --- Pooling --------------------------------------------------------------------------------


@insight_staff
def pooling_page(request: HttpRequest) -> HttpResponse:
    settings_ = IndicatorSettings.current()
    defaults = {
        "date": timezone.localdate() + dt.timedelta(days=1),
        "weeks": 4,
        "target": round(settings_.service_level_target * 100),
        "seconds": settings_.service_level_seconds,
        "overflow_after": 10,
        "keep": 75,
    }
    form = PoolingForm(request.GET or None, defaults=defaults)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("date") or timezone.localdate() + dt.timedelta(days=1)
    weeks = data.get("weeks") or 4
    target = (data.get("target") or round(settings_.service_level_target * 100)) / 100
    seconds = data.get("seconds") or settings_.service_level_seconds
    overflow_after = data.get("overflow_after")
    overflow_after = 10 if overflow_after is None else overflow_after
    keep = (data.get("keep") or 75) / 100
    interval = 1800
    calls = scoped_calls(request.user).filter(queue__partner__isnull=False)
    forecasts = forecast_day(
        calls, day, interval_seconds=interval, weeks=weeks, group_by="queue__partner"
    )
    names = dict(Partner.objects.filter(pk__in=forecasts.keys()).values_list("pk", "name"))
    slots = sorted({s.start for f in forecasts.values() for s in f.slots})
    context = {
        "form": form,
        "day": day,
        "target": target,
        "seconds": seconds,
        "overflow_after": overflow_after,
        "keep": keep,
        "partners": len(forecasts),
    }
    tables: list[Table] = []
    if len(forecasts) >= 1 and slots:
        per_slot = []
        separate_hours: dict[int, float] = defaultdict(float)
        totals = {"separate": 0, "pooled": 0}
        peak = None
        for slot in slots:
            demands = []
            for pid, f in forecasts.items():
                match = next((s for s in f.slots if s.start == slot), None)
                if match is not None and match.calls > 0:
                    demands.append(Demand(str(pid), match.calls, match.aht_seconds))
            if not demands:
                continue
            result = pooling_what_if(
                demands, interval_seconds=interval, target=target, target_seconds=seconds
            )
            for d in demands:
                separate_hours[int(d.name)] += result.separate[d.name].agents * 0.5
            totals["separate"] += result.separate_agents
            totals["pooled"] += result.pooled.agents
            per_slot.append(
                {
                    "start": slot.strftime("%H:%M"),
                    "calls": round(sum(d.calls for d in demands), 1),
                    "separate": result.separate_agents,
                    "pooled": result.pooled.agents,
                    "saving": result.saving,
                }
            )
            if peak is None or sum(d.calls for d in demands) > peak[0]:
                peak = (sum(d.calls for d in demands), slot, demands, result)
        hours_factor = 0.5 / settings_.fte_hours_per_day
        context["separate_fte"] = totals["separate"] * hours_factor
        context["pooled_fte"] = totals["pooled"] * hours_factor
        context["saving_fte"] = (totals["separate"] - totals["pooled"]) * hours_factor
        tables.append(
            Table(
                name="pooling-by-interval",
                caption=f"Agents on the phones on {day:%A %-d %B %Y}: separate queues or one hub",
                columns=[
                    Column("start", "Half hour starting"),
                    Column("calls", "Forecast calls", "number"),
                    Column("separate", "Separate queues", "int"),
                    Column("pooled", "One shared hub", "int"),
                    Column("saving", "Fewer agents", "int"),
                ],
                rows=per_slot,
                footer={
                    "start": "Agent half-hours",
                    "calls": round(sum(r["calls"] for r in per_slot), 1),
                    "separate": totals["separate"],
                    "pooled": totals["pooled"],
                    "saving": totals["separate"] - totals["pooled"],
                },
                charts=[
                    charts.line_chart(
                        title="Agents needed: separate queues and one shared hub",
                        description="Agents on the phones each half hour if each partner "
                        "answers its own calls, and if one shared hub answers them all, for the "
                        "same service level.",
                        categories=[r["start"] for r in per_slot],
                        series=[
                            ("Separate queues", [r["separate"] for r in per_slot]),
                            ("One shared hub", [r["pooled"] for r in per_slot]),
                        ],
                    )
                ],
            )
        )
        tables.append(
            Table(
                name="pooling-by-partner",
                caption="Each partner on its own",
                columns=[
                    Column("partner", "Partner"),
                    Column("calls", "Forecast calls", "number"),
                    Column("hours", "Agent hours", "number"),
                    Column("fte", "Full-time equivalents", "number"),
                ],
                rows=[
                    {
                        "partner": names.get(pid, str(pid)),
                        "calls": round(sum(s.calls for s in forecasts[pid].slots), 1),
                        "hours": hours,
                        "fte": round(hours / settings_.fte_hours_per_day, 1),
                    }
                    for pid, hours in sorted(
                        separate_hours.items(), key=lambda kv: names.get(kv[0], "")
                    )
                ],
            )
        )
        if peak is not None and len(peak[2]) > 1:
            _, slot, demands, result = peak
            plan = overflow_what_if(
                demands,
                result.separate,
                overflow_after=overflow_after,
                keep_share=keep,
                target=target,
                target_seconds=seconds,
                interval_seconds=interval,
                intervals=60,
            )
            tables.append(
                Table(
                    name="overflow",
                    caption=f"The busiest half hour ({slot:%H:%M}): three ways to staff it",
                    columns=[
                        Column("arrangement", "Arrangement"),
                        Column("agents", "Agents", "int"),
                        Column("service_level", "Service level", "rate"),
                    ],
                    rows=[
                        {
                            "arrangement": "Each partner answers its own calls",
                            "agents": result.separate_agents,
                            "service_level": min(s.service_level for s in result.separate.values()),
                        },
                        {
                            "arrangement": "One shared hub answers every call",
                            "agents": result.pooled.agents,
                            "service_level": result.pooled.service_level,
                        },
                        {
                            "arrangement": f"Partners keep {keep:.0%} of their advisers; calls "
                            f"overflow to the hub after {overflow_after} seconds "
                            f"({plan.hub_agents} hub agents)",
                            "agents": plan.total_agents,
                            "service_level": plan.simulation.service_level,
                        },
                    ],
                    note="Separate and shared: Erlang C (the lowest partner's service level is "
                    "shown for separate queues). Overflow: simulated, "
                    f"{plan.simulation.calls:,} calls; "
                    f"{plan.simulation.overflowed_share:.0%} of them answered by the hub."
                    + (
                        ""
                        if plan.reached
                        else f" The target cannot be met this way: calls reach the hub after "
                        f"{overflow_after} seconds, and the advisers partners keep cannot answer "
                        f"enough within {seconds} seconds on their own."
                    ),
                )
            )
    return _render(request, "insight/pooling.html", context, tables)


# --- Recharges ------------------------------------------------------------------------------


@insight_staff
def recharges_page(request: HttpRequest) -> HttpResponse:
    form = RechargeForm(request.GET or None)
    month = form.chosen_month()
    lines = recharge_statement(month, partner_ids=insight_partner_ids(request.user))
    rows = [
        {
            "client": line.client.name,
            "hub": line.hub.name,
            "agreement": line.agreement,
            "contacts": line.contacts,
            "charged_contacts": line.charged_contacts,
            "per_contact": line.rate.per_contact if line.rate else None,
            "contact_amount": line.contact_amount,
            "calls": line.calls,
            "per_call": line.rate.per_call if line.rate else None,
            "call_amount": line.call_amount,
            "total": line.total,
        }
        for line in lines
    ]
    table = Table(
        name="recharges",
        caption=f"Recharges for {month:%B %Y}",
        columns=[
            Column("client", "Client partner"),
            Column("hub", "Hub"),
            Column("agreement", "Agreement"),
            Column("contacts", "Contacts handled", "int"),
            Column("charged_contacts", "Contacts charged", "int"),
            Column("per_contact", "Per contact", "money"),
            Column("contact_amount", "For contacts", "money"),
            Column("calls", "Calls answered", "int"),
            Column("per_call", "Per call", "money"),
            Column("call_amount", "For calls", "money"),
            Column("total", "Total", "money"),
        ],
        rows=rows,
        footer={
            "client": "Total",
            "contacts": sum(r["contacts"] for r in rows),
            "charged_contacts": sum(r["charged_contacts"] for r in rows),
            "contact_amount": sum((r["contact_amount"] for r in rows), Decimal("0")),
            "calls": sum(r["calls"] for r in rows),
            "call_amount": sum((r["call_amount"] for r in rows), Decimal("0")),
            "total": sum((r["total"] for r in rows), Decimal("0")),
        }
        if rows
        else None,
        note="Phone contacts are charged through the calls the hub answered on the client's "
        "queues, not again per contact, unless the rate says otherwise.",
    )
    return _render(request, "insight/recharges.html", {"form": form, "month": month}, [table])


# --- Satisfaction ---------------------------------------------------------------------------


@insight_staff
def satisfaction_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    ids = insight_partner_ids(user)
    rules = SamplingRule.objects.select_related("queue", "queue__partner")
    if ids is not None:
        rules = rules.filter(Q(queue__partner_id__in=ids) | Q(queue__isnull=True))
    rule_rows = [
        {
            "queue": r.queue.display_name if r.queue else "Contacts and requests on no queue",
            "partner": r.queue.partner.name if r.queue and r.queue.partner else "–",
            "base": r.base_rate,
            "raised_rate": r.raised_rate,
            "raise_above": r.raise_above,
            "lower_below": r.lower_below,
            "period": f"{r.period_minutes} minutes",
            "state": ("Raised" if r.raised else "Normal") if r.queue_id else "–",
            "current": r.current_rate,
            "abandonment": r.last_abandonment_rate,
            "offered": r.last_offered,
            "evaluated": r.evaluated_at,
        }
        for r in rules
    ]
    rules_table = Table(
        name="sampling-rules",
        caption="Who is asked about their satisfaction",
        columns=[
            Column("queue", "Queue"),
            Column("partner", "Partner"),
            Column("base", "Normal rate", "rate"),
            Column("raised_rate", "Raised rate", "rate"),
            Column("raise_above", "Raise when abandonment is above", "rate"),
            Column("lower_below", "Lower again below", "rate"),
            Column("period", "Looking back"),
            Column("state", "Now"),
            Column("current", "Rate now", "rate"),
            Column("abandonment", "Abandonment last period", "rate"),
            Column("offered", "Calls offered last period", "int"),
            Column("evaluated", "Checked", "datetime"),
        ],
        rows=rule_rows,
    )
    changes = SamplingRateChange.objects.select_related("rule__queue")
    if ids is not None:
        changes = changes.filter(rule__queue__partner_id__in=ids)
    changes_table = Table(
        name="sampling-changes",
        caption="Recent changes of rate",
        columns=[
            Column("at", "When", "datetime"),
            Column("queue", "Queue"),
            Column("from_rate", "From", "rate"),
            Column("to_rate", "To", "rate"),
            Column("abandonment", "Abandonment", "rate"),
            Column("offered", "Calls offered", "int"),
        ],
        rows=[
            {
                "at": c.at,
                "queue": c.rule.queue.display_name if c.rule.queue else "–",
                "from_rate": c.from_rate,
                "to_rate": c.to_rate,
                "abandonment": c.abandonment_rate,
                "offered": c.offered,
            }
            for c in changes[:50]
        ],
    )
    form = PeriodForm(request.GET or None, partners=scoped_partners(user))
    first, last = form.period()
    start, end = local_day_bounds(first, last)
    partner_names = dict(Partner.objects.values_list("pk", "name"))
    partner = form.cleaned_data.get("partner") if form.is_bound and form.is_valid() else None
    service = form.cleaned_data.get("service") if form.is_bound and form.is_valid() else None
    csat = _satisfaction_table(user, partner, service, start, end, partner_names)
    context = {"form": form, "first": first, "last": last, "is_admin": is_partnership_admin(user)}
    return _render(
        request, "insight/satisfaction.html", context, [rules_table, changes_table, csat]
    )


# --- Public survey --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("partner", "contact", "service_request__service"),
        token=token,
    )
    if hasattr(invitation, "response"):
        return render(
            request, "insight/survey_done.html", {"invitation": invitation, "already": True}
        )
    if not invitation.is_open:
        return render(request, "insight/survey_closed.html", {"invitation": invitation}, status=410)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = None
        if invitation.service_request_id:
            service = invitation.service_request.service
        elif invitation.contact_id:
            service = invitation.contact.reasons.first()
        try:
            with transaction.atomic():
                SatisfactionResponse.objects.create(
                    invitation=invitation,
                    partner=invitation.partner,
                    service=service,
                    channel=invitation.channel,
                    score=form.cleaned_data["score"],
                    resolved=form.cleaned_data["resolved"],
                    comment=form.cleaned_data["comment"].strip(),
                )
        except IntegrityError:
            pass  # answered twice at once: the first answer stands
        return redirect("insight:survey", token=token)
    about = (
        f"your request about {invitation.service_request.service.name.lower()}"
        if invitation.service_request_id
        else f"your recent contact with {invitation.partner.name}"
    )
    return render(
        request, "insight/survey.html", {"form": form, "invitation": invitation, "about": about}
    )
