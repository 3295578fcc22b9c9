"""Give feedback: how the resident felt about the service, and how to improve it.

Satisfaction surveys sent in notifications after a contact or a closed request are answered on
the insight app's survey page (/insight/survey/<token>/); a link here with ?token= goes there.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from firstcontact.portal.forms import FeedbackForm
from firstcontact.portal.models import Feedback
from firstcontact.portal.ratelimit import is_limited
from firstcontact.portal.rendering import render_portal
from firstcontact.portal.views.journey import language


def survey_url(token: str) -> str | None:
    try:
        return reverse("insight:survey", kwargs={"token": token})
    except NoReverseMatch:
        return None


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "").strip()
    if token and len(token) <= 64 and (url := survey_url(token)):
        return redirect(url)
    form = FeedbackForm(
        (request.POST if request.method == "POST" else None),
        initial={"reference": request.GET.get("reference", "")[:40]},
    )
    if request.method == "POST":
        if is_limited(request, "submit"):
            return render_portal(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            Feedback.objects.create(
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"].strip(),
                reference=form.cleaned_data["reference"],
                language=language(),
            )
            return redirect("portal:feedback_thanks")
    return render_portal(request, "portal/feedback.html", {"form": form})


@require_http_methods(["GET"])
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/feedback_thanks.html")
