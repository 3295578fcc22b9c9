"""Track a request (or a tell-us-once bundle) by its reference and the email or phone used.

Contract (other tests drive it): GET or POST /track/ with the fields `reference` and `contact`.
The result shows the status and public updates only, never personal data. A request made
without contact details shows its status alone; a wrong email or phone shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.customers.models import CustomerEmail, CustomerPhone
from firstcontact.lifeevents.models import Bundle
from firstcontact.lifeevents.selectors import bundle_by_reference, bundle_requests
from firstcontact.portal.forms import TrackForm
from firstcontact.portal.journeys import remember
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.security import personal_data
from firstcontact.servicerequests.models import RequestUpdate, ServiceRequest

TRACKED_BUNDLES_KEY = "portal_bundles"


def contact_matches(customer_ids: set[int], text: str) -> bool:
    """Whether the email address or phone number is one of these customers' own."""
    text = (text or "").strip()
    if not text or not customer_ids:
        return False
    if "@" in text:
        try:
            email = clean_email(text)
        except ValueError:
            return False
        return CustomerEmail.objects.filter(
            customer_id__in=customer_ids, address__lower=email.lower()
        ).exists()
    try:
        number = clean_phone(text)
    except ValueError:
        return False
    return CustomerPhone.objects.filter(customer_id__in=customer_ids, number=number).exists()


class NeedContact(Exception):
    """The request has contact details: the resident must give the email or phone used."""


@dataclass
class TrackResult:
    kind: str  # "request", "anonymous" (status only) or "bundle"
    request: ServiceRequest | None = None
    updates: QuerySet[RequestUpdate] | list = field(default_factory=list)
    bundle: Bundle | None = None
    requests: list[ServiceRequest] = field(default_factory=list)


def public_updates(request: ServiceRequest) -> QuerySet[RequestUpdate]:
    return request.updates.filter(public=True).order_by("-created_at", "-pk")


def find(reference: str, contact: str) -> TrackResult | None:
    """What may be shown for the reference and contact, or None (shown as "not found")."""
    request = (
        ServiceRequest.objects.select_related("service", "responsible_partner")
        .filter(reference=reference)
        .first()
    )
    if request is not None:
        if request.customer_id is None:
            return TrackResult(kind="anonymous", request=request)
        if not contact.strip():
            raise NeedContact
        if not contact_matches({request.customer_id}, contact):
            return None
        record_audit_event(
            user=None,
            action=AuditEvent.Action.VIEW,
            object_type="service_request",
            object_id=request.reference,
            customer_id=request.customer_id,
            detail="tracked by the resident on the web",
        )
        return TrackResult(kind="request", request=request, updates=public_updates(request))
    bundle = bundle_by_reference(reference)
    if bundle is not None:
        requests = bundle_requests(bundle)
        customer_ids = {r.customer_id for r in requests if r.customer_id}
        if not contact.strip():
            raise NeedContact
        if not contact_matches(customer_ids, contact):
            return None
        return TrackResult(kind="bundle", bundle=bundle, requests=requests)
    return None


@personal_data
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    if data is None and request.GET.get("reference") and "contact" in request.GET:
        data = request.GET  # a link or bookmark with both fields filled in
    form = TrackForm(data, initial={"reference": request.GET.get("reference", "")})
    result = None
    if data is not None:
        if is_limited(request, "track"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            reference = form.cleaned_data["reference"]
            contact = form.cleaned_data["contact"]
            try:
                result = find(reference, contact)
            except NeedContact:
                form.add_error("contact", _("Enter the email address or phone number you gave us"))
            else:
                if result is None:
                    form.add_error(
                        None,
                        _(
                            "We could not find a request with that reference and those "
                            "contact details. Check them and try again"
                        ),
                    )
                elif result.kind == "bundle":
                    remember(request, TRACKED_BUNDLES_KEY, result.bundle.reference)
    return render_portal(request, "portal/track.html", {"form": form, "result": result})
