"""The public satisfaction survey a resident reaches from the link in an invitation."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from firstcontact.insight.forms import SurveyForm
from firstcontact.insight.models import SatisfactionResponse, SurveyInvitation


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("partner", "contact", "service_request__service"),
        token=token,
    )
    if hasattr(invitation, "response"):
        return render(
            request, "insight/survey_done.html", {"invitation": invitation, "already": True}
        )
    if not invitation.is_open:
        return render(request, "insight/survey_closed.html", {"invitation": invitation}, status=410)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = None
        if invitation.service_request_id:
            service = invitation.service_request.service
        elif invitation.contact_id:
            service = invitation.contact.reasons.first()
        try:
            with transaction.atomic():
                SatisfactionResponse.objects.create(
                    invitation=invitation,
                    partner=invitation.partner,
                    service=service,
                    channel=invitation.channel,
                    score=form.cleaned_data["score"],
                    resolved=form.cleaned_data["resolved"],
                    comment=form.cleaned_data["comment"].strip(),
                )
        except IntegrityError:
            pass  # answered twice at once: the first answer stands
        return redirect("insight:survey", token=token)
    about = (
        f"your request about {invitation.service_request.service.name.lower()}"
        if invitation.service_request_id
        else f"your recent contact with {invitation.partner.name}"
    )
    return render(
        request, "insight/survey.html", {"form": form, "invitation": invitation, "about": about}
    )
