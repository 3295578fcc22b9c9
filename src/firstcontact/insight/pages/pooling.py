"""Hub pooling: agents needed if each partner answers its own calls, if one shared hub
answers them all, and with overflow to the hub (Erlang C and a simulation)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from firstcontact.insight.forms import PoolingForm
from firstcontact.insight.models import IndicatorSettings
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.planning import forecast_day
from firstcontact.insight.pooling import Demand, overflow_what_if, pooling_what_if
from firstcontact.insight.reports import Chart, Report
from firstcontact.insight.scoping import scoped_calls
from firstcontact.insight.tables import Column, Table
from firstcontact.partners.models import Partner

BY_INTERVAL = Report(
    name="pooling-by-interval",
    caption="Agents on the phones: separate queues or one hub",
    columns=(
        Column("start", "Half hour starting"),
        Column("calls", "Forecast calls", "number"),
        Column("separate", "Separate queues", "int"),
        Column("pooled", "One shared hub", "int"),
        Column("saving", "Fewer agents", "int"),
    ),
    charts=(
        Chart(
            "line",
            title="Agents needed: separate queues and one shared hub",
            description="Agents on the phones each half hour if each partner answers its own "
            "calls, and if one shared hub answers them all, for the same service level.",
            category="start",
            series=(("Separate queues", "separate"), ("One shared hub", "pooled")),
        ),
    ),
    charts_when_empty=True,
)

BY_PARTNER = Report(
    name="pooling-by-partner",
    caption="Each partner on its own",
    columns=(
        Column("partner", "Partner"),
        Column("calls", "Forecast calls", "number"),
        Column("hours", "Agent hours", "number"),
        Column("fte", "Full-time equivalents", "number"),
    ),
)

OVERFLOW = Report(
    name="overflow",
    caption="The busiest half hour: three ways to staff it",
    columns=(
        Column("arrangement", "Arrangement"),
        Column("agents", "Agents", "int"),
        Column("service_level", "Service level", "rate"),
    ),
)


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
            BY_INTERVAL.table(
                per_slot,
                caption=f"Agents on the phones on {day:%A %-d %B %Y}: separate queues or one hub",
                footer={
                    "start": "Agent half-hours",
                    "calls": round(sum(r["calls"] for r in per_slot), 1),
                    "separate": totals["separate"],
                    "pooled": totals["pooled"],
                    "saving": totals["separate"] - totals["pooled"],
                },
            )
        )
        tables.append(
            BY_PARTNER.table(
                [
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
                OVERFLOW.table(
                    caption=f"The busiest half hour ({slot:%H:%M}): three ways to staff it",
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
    return render_page(request, "insight/pooling.html", context, tables)
