"""The staff map of requests (/work/map/): the requests the user may read
(servicerequests.selectors.visible_requests: docs/access.md's reading rules, never more),
filtered as the work queue is (service, status, team, service standard) and by when they were
raised, as a table that works without JavaScript and, with it, as markers on a Leaflet map
(desk/static/desk/work_map.js) grouped where they crowd, each linking to its request.
Everyone listed is a reader of the request, so places are shown as precisely as recorded.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.partners.models import Team
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.portal.places import map_config
from firstcontact.security import personal_data
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.servicerequests.queues import SLA_FILTERS, STATUS_OPEN, sla_filter, sla_state
from firstcontact.servicerequests.selectors import visible_requests

MAP_LIMIT = 500
PERIODS = {
    "7": "Raised in the last 7 days",
    "30": "Raised in the last 30 days",
    "90": "Raised in the last 90 days",
    "365": "Raised in the last year",
    "": "Raised at any time",
}


class MapFilterForm(forms.Form):
    service = forms.ChoiceField(label="Service", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    sla = forms.ChoiceField(label="Service standard", required=False)
    period = forms.ChoiceField(label="When raised", required=False, choices=list(PERIODS.items()))

    def __init__(self, *args, teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Any service")] + [
            (str(s.pk), s.name)
            for s in Service.objects.filter(deliveries__isnull=False).distinct().order_by("name")
        ]
        self.fields["status"].choices = [
            (STATUS_OPEN, "Not closed"),
            *[(s.value, s.label) for s in Status],
            ("any", "Any status"),
        ]
        self.fields["team"].choices = [("", "Any team")] + [
            (str(t.pk), f"{t.partner.name} – {t.name}") for t in teams
        ]
        self.fields["sla"].choices = [("", "Any"), *SLA_FILTERS.items()]


def map_requests(
    user,
    *,
    service_id: int | None = None,
    status: str = STATUS_OPEN,
    team_id: int | None = None,
    sla: str = "",
    days: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """The requests the user reads, filtered; the most recently raised first."""
    now = now or timezone.now()
    requests = visible_requests(user)
    if service_id:
        requests = requests.filter(service_id=service_id)
    if status == STATUS_OPEN:
        requests = requests.exclude(status=Status.CLOSED)
    elif status in Status.values:
        requests = requests.filter(status=status)
    if team_id:
        requests = requests.filter(team_id=team_id)
    if sla in SLA_FILTERS:
        requests = requests.filter(sla_filter(sla, now))
    if days:
        requests = requests.filter(created_at__gte=now - dt.timedelta(days=days))
    return requests.select_related("service", "responsible_partner", "team").order_by(
        "-created_at", "-pk"
    )


@personal_data
@login_required
def request_map(request: HttpRequest) -> HttpResponse:
    user = request.user
    teams = list(
        Team.objects.filter(partner_id__in=acting_partner_ids(user))
        .select_related("partner")
        .order_by("partner__name", "name")
    )
    params = request.GET.copy()
    params.setdefault("status", STATUS_OPEN)
    params.setdefault("period", "30")
    form = MapFilterForm(params, teams=teams)
    form.is_valid()  # a bad value is dropped (its error shown), the others apply
    data = {k: form.cleaned_data.get(k) or "" for k in ("service", "status", "team", "sla")}
    period = form.cleaned_data.get("period", "") if "period" in form.cleaned_data else "30"
    now = timezone.now()
    found = map_requests(
        user,
        service_id=int(data["service"]) if data["service"].isdigit() else None,
        status=data["status"] or STATUS_OPEN,
        team_id=int(data["team"]) if data["team"].isdigit() else None,
        sla=data["sla"],
        days=int(period) if period.isdigit() else None,
        now=now,
    )
    rows = list(found[: MAP_LIMIT + 1])
    shown = rows[:MAP_LIMIT]
    return render(
        request,
        "work/map.html",
        {
            "form": form,
            "requests": [(r, sla_state(r, now)) for r in shown],
            "more": len(rows) > MAP_LIMIT,
            "limit": MAP_LIMIT,
            "placed": sum(1 for r in shown if r.latitude is not None and r.longitude is not None),
            "map": map_config(),
        },
    )
