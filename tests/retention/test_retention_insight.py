"""After retention has anonymised a month's contacts and requests, insight's figures for that
month are what they were: the rows it counts stay, only the personal data in them goes."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from firstcontact.contacts.models import Contact
from firstcontact.contacts.selectors import first_contact_resolution
from firstcontact.insight.indicators import (
    contacts_by_channel,
    local_day_bounds,
    sla_compliance,
    sla_compliance_by,
)
from firstcontact.insight.rollups import build_contact_rollups, daily_contact_counts
from firstcontact.servicerequests.models import ServiceRequest
from tests.retention.conftest import ago, closed_pothole, contact, resident


def figures(first: dt.date, last: dt.date, request_first: dt.date, request_last: dt.date):
    start, end = local_day_bounds(first, last)
    r_start, r_end = local_day_bounds(request_first, request_last)
    contacts, requests = Contact.objects.all(), ServiceRequest.objects.all()
    return {
        "fcr": first_contact_resolution(contacts, start=start, end=end),
        "by_channel": contacts_by_channel(contacts, start=start, end=end, interval="month"),
        "counts": sorted(
            daily_contact_counts(None, first, last, interval="month"),
            key=lambda row: (row["partner_id"], row["channel"], str(row["bucket"])),
        ),
        "sla": sla_compliance(requests, start=r_start, end=r_end),
        "sla_by_service": sla_compliance_by(requests, start=r_start, end=r_end, field="service"),
    }


def test_insight_figures_for_past_months_are_unchanged(partnership):
    people = [resident(partnership, family=f"Person{i}", given="Sam") for i in range(6)]
    base = ago(days=3 * 365)
    outcomes = ["resolved", "resolved", "request_raised", "abandoned", "signposted", "resolved"]
    for i, (person, outcome) in enumerate(zip(people, outcomes, strict=True)):
        contact(partnership, person, when=base + dt.timedelta(days=i), outcome=outcome)
    old = ago(days=7 * 365)
    for i, person in enumerate(people[:4]):
        # Two closed within their five working days, two long after.
        closed_pothole(
            partnership,
            person,
            when=old + dt.timedelta(days=i),
            closed_after=dt.timedelta(days=1 if i % 2 else 30),
        )
    first = (base - dt.timedelta(days=2)).date()
    last = (base + dt.timedelta(days=10)).date()
    r_first = (old - dt.timedelta(days=2)).date()
    r_last = (old + dt.timedelta(days=60)).date()
    build_contact_rollups(first, last - dt.timedelta(days=5))  # part rolled up, part raw

    before = figures(first, last, r_first, r_last)
    # Resolved 3 and signposted 1 count as resolved at first contact; abandoned is left out.
    assert before["fcr"].eligible == 5 and before["fcr"].resolved == 4
    assert before["sla"].closed == 4 and before["sla"].on_time == 2

    call_command("apply_retention", "--no-progress", stdout=io.StringIO())
    assert not Contact.objects.exclude(notes="").filter(started_at__lt=ago(days=2 * 365))
    assert not ServiceRequest.objects.filter(closed_at__lt=ago(days=6 * 365)).exclude(
        description=""
    )

    assert figures(first, last, r_first, r_last) == before
