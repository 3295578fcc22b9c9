"""Resident reopen: "This is not fixed" on the tracking page (servicerequests/reopen.py).

The tracking page is the proof: only a browser that has just tracked the request with its
reference and the email or phone given (POST, rate-limited: portal/views/track.py) is offered
the button, and only that browser's POST is taken, so no contact detail is put in the page or
the URL. A POST from anyone else, for a request not closed or closed more than
FIRSTCONTACT["REOPEN_DAYS"] ago, is refused with a clear message and changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from firstcontact.portal.journeys import remembered
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.portal.views.track import TRACKED_REQUESTS_KEY, ReopenForm, result_page
from firstcontact.security import personal_data
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import ReferenceError, parse_reference
from firstcontact.servicerequests.reopen import may_reopen, reopen_by_resident, reopen_days


def _refused(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render_portal(request, "portal/reopen_refused.html", {"message": message}, status=status)


@personal_data
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("portal:track")
    if is_limited(request, "track"):
        return render_portal(request, "portal/rate_limited.html", status=429)
    try:
        reference = parse_reference(request.POST.get("reference", "")[:40])
    except ReferenceError:
        reference = ""
    service_request = None
    if reference and reference in remembered(request, TRACKED_REQUESTS_KEY):
        service_request = (
            ServiceRequest.objects.select_related("service", "responsible_partner")
            .filter(reference=reference)
            .first()
        )
    if service_request is None:
        # The same answer for an unknown reference and someone else's.
        return _refused(
            request,
            _(
                "Track your request again with its reference and the email address or phone "
                "number you gave us, then tell us it is not fixed"
            ),
            status=403,
        )
    if not may_reopen(service_request):
        if service_request.is_closed:
            message = _(
                "This request was closed more than %(days)s days ago, so it cannot be reopened. "
                "Report the problem again as a new request"
            ) % {"days": reopen_days()}
        else:
            message = _("This request is not closed, so there is nothing to reopen")
        return _refused(request, message, status=400)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            result = reopen_by_resident(service_request, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages)[0])
        else:
            service_request.refresh_from_db()
            return result_page(
                request,
                service_request,
                follow_up=result.request if result.new else None,
                reopened=True,
            )
    # The form again with its error, as every resident form answers one.
    return result_page(request, service_request, reopen_form=form)
