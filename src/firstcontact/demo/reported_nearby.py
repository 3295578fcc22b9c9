"""Demo data for "already reported nearby" and resident reopen (issue 18): the case-work
resident's pothole by the school reported again by a neighbour, who was added to it ("Reported
by 2 people" on /work/requests/…), and a street light of theirs fixed three days ago, which
the tracking page offers to reopen ("This is not fixed", within 28 days of closure).
The staff map (/work/map/) shows the demo's requests at their points."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from firstcontact.catalogue.models import Service
from firstcontact.customers.models import Customer
from firstcontact.demo.partnership import HUB, Partnership
from firstcontact.servicerequests.models import ServiceRequest, Status
from firstcontact.servicerequests.nearby import add_supporter
from firstcontact.servicerequests.services import change_status, clean_location, raise_request


def create_reported_nearby_demo(partnership: Partnership) -> dict[str, ServiceRequest]:
    hub = partnership.partners[HUB]
    resident = (
        Customer.objects.filter(partner=hub, addresses__is_current=True)
        .exclude(emails=None)
        .order_by("pk")
        .first()
    )
    pothole = (
        ServiceRequest.objects.filter(customer=resident, service__code="pothole")
        .exclude(status=Status.CLOSED)
        .select_related("responsible_partner")
        .first()
    )
    light = Service.objects.filter(code="street-light").first()
    officer = get_user_model().objects.filter(username="highways").first()
    if resident is None or pothole is None or light is None or officer is None:
        return {}
    made: dict[str, ServiceRequest] = {"supported": pothole}
    neighbour = (
        Customer.objects.filter(partner=pothole.responsible_partner)
        .exclude(emails=None)
        .exclude(pk=resident.pk)
        .order_by("pk")
        .first()
    )
    if neighbour is not None and not pothole.supporters.exists():
        add_supporter(request=pothole, channel="phone", customer=neighbour)
    address = resident.addresses.filter(is_current=True).first()
    light_out = raise_request(
        user=None,
        service=light,
        channel="web",
        location=clean_location(postcode=address.postcode, address=f"Outside {address.line1}"),
        description="The street light outside has been flickering and is now out.",
        customer=resident,
        attributes={"fault": "out"},
        created_at=timezone.now() - dt.timedelta(days=9),
    )
    change_status(
        user=officer,
        request=light_out,
        status=Status.CLOSED,
        outcome="fixed",
        text="We replaced the lamp.",
        at=timezone.now() - dt.timedelta(days=3),
    )
    made["reopenable"] = light_out
    return made
