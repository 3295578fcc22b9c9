"""The directory at the desk: find a service beside the customer during a contact, and
signpost them to it (recorded as the contact's outcome, optionally sent by email and by text).

docs/access.md: the directory is public data, so any staff member searches it; signposting
takes a contact in progress, so only the roles that take contacts do it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firstcontact.customers.contact_points import format_phone
from firstcontact.customers.selectors import visible_customers
from firstcontact.desk import session
from firstcontact.directory import finder
from firstcontact.directory.forms import FindServiceForm, search_query
from firstcontact.directory.signposting import MAX_SIGNPOSTS, signpost
from firstcontact.partners.selectors import STAFF_ROLES, acts_in_role

PER_PAGE = 25


def _customer_email(user, contact) -> str:
    """The email address of the contact's customer, to offer for the short list."""
    if contact is None or contact.customer_id is None:
        return ""
    customer = visible_customers(user).filter(pk=contact.customer_id).first()
    email = customer.emails.first() if customer is not None else None
    return email.address if email is not None else ""


def _customer_phone(user, contact) -> str:
    """The customer's phone number (a mobile first), to offer for the list by text."""
    if contact is None or contact.customer_id is None:
        return ""
    customer = visible_customers(user).filter(pk=contact.customer_id).first()
    if customer is None:
        return ""
    phones = [p.number for p in customer.phones.all()]
    # UK mobiles (07…, +447…) can take a text; a landline is offered only if there is no mobile.
    mobiles = [n for n in phones if n.startswith("+447")]
    number = (mobiles or phones or [""])[0]
    return format_phone(number) if number else ""


def _rows(found: list[finder.Found]) -> list[dict]:
    rows = []
    for f in found:
        addresses = list(f.location.addresses.all()) if f.location else []
        rows.append(
            {
                "found": f,
                "service": f.service,
                "name": f.service.display_name,
                "organization": f.service.organization.name if f.service.organization else "",
                "address": addresses[0] if addresses else None,
                "times": [t for t in (finder.describe(s) for s in f.schedules[:3]) if t],
                "free": finder.is_free(f.service),
            }
        )
    return rows


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    contact = session.current_contact(request)
    bound = any(request.GET.get(k) for k in ("q", "postcode", "category", "search"))
    form = FindServiceForm(request.GET if bound else None)
    found = None
    if bound and form.is_valid():
        try:
            found = finder.attach(finder.find(form.filters(), attach=False)[:PER_PAGE])
        except finder.UnknownPostcode:
            form.unknown_postcode()
    can_signpost = contact is not None and bool(acts_in_role(request.user, STAFF_ROLES))
    return render(
        request,
        "desk/directory.html",
        {
            "contact": contact,
            "form": form,
            "rows": _rows(found) if found is not None else None,
            "query": search_query(request.GET),
            "can_signpost": can_signpost,
            "customer_email": _customer_email(request.user, contact) if can_signpost else "",
            "customer_phone": _customer_phone(request.user, contact) if can_signpost else "",
            "max_signposts": MAX_SIGNPOSTS,
        },
    )


@login_required
@require_POST
def directory_signpost(request: HttpRequest) -> HttpResponse:
    back = f"{reverse('desk:directory')}?{search_query(request.GET)}"
    if not acts_in_role(request.user, STAFF_ROLES):
        return render(
            request,
            "desk/forbidden.html",
            {
                "contact": None,
                "reason": "Only advisers and officers taking contacts signpost customers.",
                "back": back,
                "back_label": "Back to the directory",
            },
            status=403,
        )
    contact = session.current_contact(request)
    if contact is None:
        messages.error(request, "Start a contact first: there is no contact in progress.")
        return redirect(back)
    ids = []
    for raw in request.POST.getlist("service")[: MAX_SIGNPOSTS + 1]:
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    chosen = {s.pk: s for s in finder.full_services_by_id(ids)}
    services = [chosen[i] for i in ids if i in chosen]
    email = request.POST.get("email", "").strip()[:254] if request.POST.get("send") else ""
    if request.POST.get("send") and not email:
        messages.error(request, "Enter the email address to send the list to.")
        return redirect(back)
    phone = request.POST.get("phone", "").strip()[:40] if request.POST.get("send_sms") else ""
    if request.POST.get("send_sms") and not phone:
        messages.error(request, "Enter the mobile phone number to text the list to.")
        return redirect(back)
    end = not session.raised_in_contact(request)
    try:
        signpost(
            user=request.user,
            contact=contact,
            services=services,
            email=email,
            phone=phone,
            end=end,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(back)
    names = "; ".join(s.display_name for s in services)
    sent = (f" The list was sent to {email}." if email else "") + (
        f" The list was texted to {phone}." if phone else ""
    )
    if end:
        session.forget_contact(request)
        request.session.pop("desk_contact_callback", None)
        messages.success(request, f"Contact ended: signposted to {names}.{sent}")
        return redirect("desk:home")
    messages.success(
        request,
        f"Signposted to {names}.{sent} A request was raised in this contact too: end it as usual.",
    )
    return redirect(back)
