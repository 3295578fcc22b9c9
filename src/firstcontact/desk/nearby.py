"""Already reported nearby, at the desk: raising a fault report for a place where the same
service already has an open request within FIRSTCONTACT["NEARBY_METRES"], the raise form
comes back once with those requests (the service, street, status and date; a link to those
the adviser may read) and the choice to add the customer to one instead
(servicerequests/nearby.py). No JavaScript: a second submit of the same form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Contact
from firstcontact.customers.models import Customer
from firstcontact.partners.geography import Location
from firstcontact.servicerequests.nearby import Nearby, add_supporter, nearby_requests
from firstcontact.servicerequests.permissions import may_raise_requests
from firstcontact.servicerequests.references import ReferenceError, parse_reference
from firstcontact.servicerequests.selectors import visible_requests

NEW = "new"


def nearby_step(
    request: HttpRequest,
    service: Service,
    location: Location,
    *,
    customer: Customer | None,
    contact: Contact | None,
    channel: str,
) -> list[Nearby] | HttpResponse | None:
    """What the raise form does about requests nearby: a list to offer (the form is shown
    again with them), a response (the customer was added to one), or None (raise as new)."""
    choice = request.POST.get("nearby", "")
    if choice == NEW:
        return None
    found = nearby_requests(service, location, readable=visible_requests(request.user))
    if not found:
        return None
    if not choice:
        if request.POST.get("nearby_offered"):
            raise ValidationError(
                {"nearby": "Choose a request nearby to add the customer to, or raise a new one."}
            )
        return found
    try:
        reference = parse_reference(choice)
    except ReferenceError:
        reference = ""
    chosen = next((n for n in found if n.request.reference == reference), None)
    if chosen is None:
        raise ValidationError({"nearby": "Choose one of the requests nearby, or raise a new one."})
    if not may_raise_requests(request.user):
        raise PermissionDenied(
            "Only advisers, caseworkers, team leaders and managers raise requests."
        )
    add_supporter(
        request=chosen.request,
        channel=channel,
        customer=customer,
        contact=contact,
        user=request.user,
    )
    messages.success(
        request,
        f"Added to {chosen.reference} ({service.name}): "
        + ("the customer will be told of its updates." if customer else "counted as a report."),
    )
    if chosen.readable:
        return redirect("desk:request", reference=chosen.request.reference)
    if customer is not None:
        return redirect("desk:customer", pk=customer.pk)
    return redirect("desk:home")
