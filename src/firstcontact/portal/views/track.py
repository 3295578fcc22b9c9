"""Track a request (or a tell-us-once bundle) by its reference and the email or phone used.

Contract (other tests drive it): POST /track/ with the fields `reference` and `contact`
(CSRF-protected). The contact goes in the body only: a GET shows the empty form (with the
reference from a link filled in, never a contact; an old link carrying one is redirected
without it), so emails and phone numbers stay out of URLs, logs and browser history.

The result shows the status and public updates only, never personal data. A request made
without contact details shows its status alone. Otherwise an unknown reference and a known
reference with the wrong contact get the same answer, and cost the same work: one lookup by
reference and one query matching the contact against the customers of whatever has that
reference (none for an unknown one), so neither the answer nor its timing tells whether a
reference exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.customers.models import Customer, CustomerEmail, CustomerPhone
from firstcontact.lifeevents.models import Bundle
from firstcontact.lifeevents.selectors import bundle_by_reference, bundle_requests
from firstcontact.portal.forms import TrackForm
from firstcontact.portal.journeys import remember
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.security import personal_data
from firstcontact.servicerequests.models import Complaint, RequestUpdate, ServiceRequest, Status
from firstcontact.servicerequests.reopen import REASON_MAX, may_reopen, reopen_days

TRACKED_BUNDLES_KEY = "portal_bundles"
# Requests this browser tracked with the right contact details: the ones it may say are not
# fixed (portal/views/reopen.py), without the contact being put in the page.
TRACKED_REQUESTS_KEY = "portal_tracked"


class ReopenForm(forms.Form):
    reference = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
        error_messages={
            "required": gettext_lazy("Tell us what is still wrong"),
            "max_length": gettext_lazy("Keep it to 500 characters"),
        },
    )


def customers_with_reference(reference: str) -> QuerySet:
    """The customer ids of the request or the bundle with this reference, and of those who
    reported the same problem and were added to the request (a subquery)."""
    return Customer.objects.filter(
        Q(service_requests__reference=reference)
        | Q(service_requests__bundle_item__bundle__reference=reference)
        | Q(supported_requests__request__reference=reference)
    ).values("pk")


def contact_matches(customers: QuerySet, text: str) -> bool:
    """Whether the email address or phone number is one of these customers' own: one query,
    whether or not there are any such customers."""
    text = (text or "").strip()
    if "@" in text:
        try:
            email = clean_email(text)
        except ValueError:
            return False
        points = CustomerEmail.objects.filter(address__lower=email.lower())
    else:
        try:
            number = clean_phone(text)
        except ValueError:
            return False
        points = CustomerPhone.objects.filter(number=number)
    return points.filter(customer_id__in=customers).exists()


class NeedContact(Exception):
    """No contact was given and the reference is not an anonymous report's."""


@dataclass
class TrackResult:
    kind: str  # "request", "anonymous" (status only) or "bundle"
    request: ServiceRequest | None = None
    updates: QuerySet[RequestUpdate] | list = field(default_factory=list)
    bundle: Bundle | None = None
    requests: list[ServiceRequest] = field(default_factory=list)
    # For a complaint: its decision ("partly_upheld"), shown instead of "Closed · Fixed".
    decision: str = ""


def public_updates(request: ServiceRequest) -> QuerySet[RequestUpdate]:
    return request.updates.filter(public=True).order_by("-created_at", "-pk")


def find(reference: str, contact: str) -> TrackResult | None:
    """What may be shown for the reference and contact, or None (shown as "not found").

    Up to the contact check, an unknown reference and a known one take the same path."""
    request = (
        ServiceRequest.objects.select_related("service", "responsible_partner")
        .filter(reference=reference)
        .first()
    )
    if request is not None and request.customer_id is None:
        # Reported without contact details: its status is all anyone is shown.
        return TrackResult(kind="anonymous", request=request)
    if not contact.strip():
        raise NeedContact
    if not contact_matches(customers_with_reference(reference), contact):
        return None
    if request is not None:
        record_audit_event(
            user=None,
            action=AuditEvent.Action.VIEW,
            object_type="service_request",
            object_id=request.reference,
            customer_id=request.customer_id,
            detail="tracked by the resident on the web",
        )
        updates = list(public_updates(request))
        decision = _complaint_decisions(request, updates)
        return TrackResult(kind="request", request=request, updates=updates, decision=decision)
    bundle = bundle_by_reference(reference)
    if bundle is None:
        return None
    return TrackResult(kind="bundle", bundle=bundle, requests=bundle_requests(bundle))


def _complaint_decisions(request: ServiceRequest, updates: list[RequestUpdate]) -> str:
    """A complaint's latest decision, and each response's own on the timeline (the stage 1
    response, then the final one), as `decision` on those updates."""
    complaint = Complaint.objects.filter(request=request).first()
    if complaint is None:
        return ""
    decisions = [d for d in (complaint.stage1_decision, complaint.stage2_decision) if d]
    responses = [u for u in reversed(updates) if u.outcome]  # oldest first
    for update, decision in zip(responses, decisions, strict=False):
        update.decision = decision
    return complaint.decision if request.status == Status.CLOSED else ""


@personal_data
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        reference = request.GET.get("reference", "")[:40]
        if "contact" in request.GET:
            # An old link with the contact in it: neither used nor shown, and taken out of the
            # address bar (and so out of the browser's history and any Referer).
            query = f"?{urlencode({'reference': reference})}" if reference else ""
            return redirect(f"{reverse('portal:track')}{query}")
        form = TrackForm(initial={"reference": reference})
        return render_portal(request, "portal/track.html", {"form": form, "result": None})
    if is_limited(request, "track"):
        return render_portal(request, "portal/rate_limited.html", status=429)
    form = TrackForm(request.POST)
    result = None
    if form.is_valid():
        reference = form.cleaned_data["reference"]
        try:
            result = find(reference, form.cleaned_data["contact"])
        except NeedContact:
            form.add_error(
                "contact",
                _(
                    "Enter the email address or phone number you gave us. If you did not "
                    "give us one, check the reference"
                ),
            )
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
            elif result.kind == "request":
                remember(request, TRACKED_REQUESTS_KEY, result.request.reference)
    return render_portal(
        request, "portal/track.html", {"form": form, "result": result, **_reopen(result)}
    )


def _reopen(result: TrackResult | None, form: ReopenForm | None = None) -> dict:
    """The "This is not fixed" form, for a request tracked with its contact details and
    closed within FIRSTCONTACT["REOPEN_DAYS"]."""
    if result is None or result.kind != "request" or not may_reopen(result.request):
        return {"reopen_form": None}
    return {
        "reopen_form": form
        or ReopenForm(initial={"reference": result.request.formatted_reference}),
        "reopen_days": reopen_days(),
    }


def result_page(
    request: HttpRequest,
    service_request: ServiceRequest,
    *,
    reopen_form: ReopenForm | None = None,
    reopened: bool = False,
    follow_up: ServiceRequest | None = None,
    status: int = 200,
) -> HttpResponse:
    """The tracking result for a request this browser has tracked with its contact details
    (after saying it is not fixed)."""
    updates = list(public_updates(service_request))
    result = TrackResult(
        kind="request",
        request=service_request,
        updates=updates,
        decision=_complaint_decisions(service_request, updates),
    )
    return render_portal(
        request,
        "portal/track.html",
        {
            "form": TrackForm(),
            "result": result,
            "reopened": reopened,
            "follow_up": follow_up,
            **_reopen(result, reopen_form),
        },
        status=status,
    )
