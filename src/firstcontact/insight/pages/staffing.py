"""Staffing: agents needed interval by interval for a queue and day (Erlang C or A), from a
forecast of the weeks before."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from firstcontact.insight.forms import StaffingForm
from firstcontact.insight.models import IndicatorSettings
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.planning import forecast_day
from firstcontact.insight.reports import Chart, Report
from firstcontact.insight.scoping import scoped_queues
from firstcontact.insight.tables import Column, Table
from firstcontact.telephony import staffing
from firstcontact.telephony.models import CallRecord

STAFFING = Report(
    name="staffing",
    caption="Agents needed",
    columns=(
        Column("start", "Interval starting"),
        Column("calls", "Forecast calls", "number"),
        Column("aht", "Handle time", "seconds"),
        Column("traffic", "Erlangs", "number"),
        Column("agents", "Agents on the phones", "int"),
        Column("scheduled", "Agents to schedule", "int"),
        Column("service_level", "Expected service level", "rate"),
        Column("asa", "Expected speed of answer", "seconds"),
        Column("abandonment", "Expected abandonment", "rate"),  # Erlang A only
        Column("occupancy", "Occupancy", "rate"),
    ),
    charts=(
        Chart(
            "bar",
            title="Agents to schedule",
            description="Agents to schedule in each {interval}-minute interval, including "
            "{shrinkage:.0%} shrinkage.",
            category="start",
            series=(("Agents to schedule", "scheduled"),),
        ),
    ),
)


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
        columns = list(STAFFING.columns)
        if model != "erlang_a":
            columns = [c for c in columns if c.key != "abandonment"]
        tables.append(
            STAFFING.table(
                rows,
                # The queue's name is data: given whole, not as a template.
                caption=f"Agents needed on {day:%A %-d %B %Y}, {queue.display_name}",
                columns=columns,
                context={"interval": interval, "shrinkage": shrinkage},
            )
        )
    return render_page(request, "insight/staffing.html", context, tables)
