"""Staff pages: search, the single view of a customer, and a request."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from firstcontact.contacts.selectors import visible_contacts
from firstcontact.customers.selectors import get_customer
from firstcontact.partners.models import Membership
from firstcontact.servicerequests.selectors import find_customers, get_request, visible_requests


@login_required
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = find_customers(request.user, query) if query else []
    memberships = Membership.objects.filter(user=request.user).select_related("partner", "team")
    return render(
        request,
        "desk/home.html",
        {"query": query, "results": results, "memberships": memberships, "searched": bool(query)},
    )


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer(request.user, pk, purpose="single view")
    requests = (
        visible_requests(request.user)
        .filter(customer=customer)
        .select_related("service", "responsible_partner")[:50]
    )
    contacts = (
        visible_contacts(request.user)
        .filter(customer=customer)
        .select_related("partner")
        .prefetch_related("reasons")[:50]
    )
    return render(
        request,
        "desk/customer.html",
        {"customer": customer, "requests": requests, "contacts": contacts},
    )


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    service_request = get_request(request.user, reference)
    updates = service_request.updates.select_related("author")
    return render(request, "desk/request.html", {"sr": service_request, "updates": updates})
