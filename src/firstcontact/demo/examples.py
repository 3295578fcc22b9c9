"""People the staff pages name in their hints, so that trying a hint in the demo finds them,
and the callbacks the desk's callback list shows.

The desk's search box says "“Hariet Amblesid” finds Harriet Ambleside": she is a customer of
the hub district, whom its advisers can find (misspelt) from the first page.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.contacts.models import Callback, CallbackResult, CallbackStatus
from firstcontact.customers.models import Customer, CustomerAddress
from firstcontact.customers.services import create_customer
from firstcontact.demo.partnership import HUB, Partnership

# (given name, family name) as the hint spells it correctly; the test of the demo reads the
# misspelling from the page itself.
SEARCH_HINT_PERSON = ("Harriet", "Ambleside")


def create_hint_examples(partnership: Partnership) -> Customer:
    hub = partnership.partners[HUB]
    # Somewhere in the hub's own district, as its other customers are.
    address = (
        CustomerAddress.objects.filter(customer__partner=hub, is_current=True)
        .exclude(postcode="")
        .order_by("pk")
        .first()
    )
    given, family = SEARCH_HINT_PERSON
    return create_customer(
        user=None,
        partner=hub,
        title="Mrs",
        given_name=given,
        family_name=family,
        date_of_birth=dt.date(1958, 4, 17),
        phones=["01632 960 001"],
        emails=["harriet.ambleside@example.org"],
        addresses=[
            {
                "line1": "4 Mill Lane",
                "town": address.town if address else "",
                "postcode": address.postcode if address else "",
            }
        ]
        if address
        else [],
        preferred_channel="phone",
    )


CALLBACK_REASONS = [
    "Wants to know when the missed bin will be collected.",
    "Asked about the Council Tax instalments after a change of address.",
    "Query about the Blue Badge renewal: call back with the decision.",
    "Garden waste subscription: confirm the start date.",
    "Noise complaint: update on the officer's visit.",
    "Housing Benefit claim: missing evidence, explain what is needed.",
]


def create_demo_callbacks(partnership: Partnership, now: dt.datetime | None = None) -> int:
    """Callbacks for the hub's contact centre: some due today (one overdue) for the first
    adviser and the team, some later, and two already done, so /desk/callbacks/ has each."""
    hub = partnership.partners[HUB]
    team = partnership.team(HUB, "Contact Centre")
    adviser = partnership.users["adviser"]
    now = now or timezone.now()
    local = timezone.localtime(now)
    people = list(
        Customer.objects.filter(partner=hub, phones__isnull=False).distinct().order_by("pk")[:8]
    )
    made = 0
    for i, customer in enumerate(people):
        phone = customer.phones.first()
        # Two overdue or due soon for the adviser, two for the team, two later, two done.
        start = {
            0: local - dt.timedelta(hours=1),
            1: local + dt.timedelta(hours=1),
            2: local + dt.timedelta(hours=2),
            3: local + dt.timedelta(minutes=30),
            4: local + dt.timedelta(days=1),
            5: local + dt.timedelta(days=2),
        }.get(i, local - dt.timedelta(days=1))
        done = i >= 6
        Callback.objects.create(
            partner=hub,
            customer=customer,
            phone=phone.number,
            reason=CALLBACK_REASONS[i % len(CALLBACK_REASONS)],
            window_start=start,
            window_end=start + dt.timedelta(hours=2),
            assigned_to=adviser if i in (0, 1, 4, 6) else None,
            team=team if i not in (0, 1, 4, 6) else None,
            status=CallbackStatus.DONE if done else CallbackStatus.BOOKED,
            created_by=adviser,
            completed_at=start + dt.timedelta(minutes=20) if done else None,
            completed_by=adviser if done else None,
            result=CallbackResult.SPOKE if done else "",
        )
        made += 1
    return made
