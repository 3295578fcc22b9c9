"""A day's calls one by one: the page shows the newest 500, the CSV every one."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from firstcontact.insight.forms import CallsForm
from firstcontact.insight.indicators import local_day_bounds, local_zone
from firstcontact.insight.pages.base import insight_staff, render_page
from firstcontact.insight.reports import Report
from firstcontact.insight.scoping import scoped_calls, scoped_queues
from firstcontact.insight.tables import Column, Table
from firstcontact.telephony.models import CallOutcome

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


CALLS = Report(
    name="calls",
    caption="Calls on {day:%A %-d %B %Y}",
    columns=(
        Column("entered", "Entered"),
        Column("queue", "Queue"),
        Column("call_id", "Call id"),
        Column("outcome", "Outcome"),
        Column("wait", "Wait (seconds)", "int"),
        Column("talk", "Talk (seconds)", "int"),
        Column("agent", "Agent"),
        Column("transferred", "Transferred"),
        Column("position", "Position in queue", "int"),
    ),
)


def _calls_table(day: dt.date, rows: list[dict], *, for_csv: bool, note: str = "") -> Table:
    # On the page the time to the second (the day is in the caption); in the CSV the full
    # local date and time, since the file may be read without the page.
    entered = Column("entered", "Entered", "datetime" if for_csv else "text")
    return CALLS.table(rows, columns=[entered, *CALLS.columns[1:]], note=note, context={"day": day})


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
        return render_page(request, "insight/calls.html", context, [])

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
    return render_page(
        request,
        "insight/calls.html",
        context,
        [_calls_table(day, rows, for_csv=for_csv, note=note)],
    )
