"""Erasure requests (/dpo/erasure/), for data protection officers: the list with due dates,
recording a request, assessing it (what is held, what stops it), then carrying it out or
refusing it with a UK GDPR Article 17(3) reason.

`dpo` covers their partner's records and `partnership_dpo` every partner's; anyone else gets
403, and a request or record outside what the officer covers is 404 (docs/access.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firstcontact.customers.models import Customer
from firstcontact.privacy.decorators import dpo_required
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.retention import selectors, services
from firstcontact.retention.forms import (
    AssessForm,
    CarryOutForm,
    CustomerSearchForm,
    ErasureRequestForm,
    RefuseForm,
    apply_errors,
)
from firstcontact.retention.models import OPEN_STATUSES, ErasureRequest

PAGE_SIZE = 50
DUE_SOON_DAYS = 7


def _pk(value: object) -> int:
    try:
        pk = int(str(value))
    except ValueError:
        raise Http404("No such record.") from None
    if not 0 < pk < 2**63:
        raise Http404("No such record.")
    return pk


def _covered_customer(request: HttpRequest, pk: object) -> Customer:
    customer = (
        selectors.erasable_customers(request.user)
        .select_related("partner")
        .filter(pk=_pk(pk))
        .first()
    )
    if customer is None:
        raise Http404("No customer record with that number that you cover.")
    record_audit_event(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="customer",
        object_id=customer.pk,
        customer_id=customer.pk,
        detail="erasure request",
    )
    return customer


def _erasure(request: HttpRequest, pk: object) -> ErasureRequest:
    erasure = (
        selectors.visible_erasure_requests(request.user)
        .select_related("partner", "customer", "recorded_by", "assessed_by", "decided_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if erasure is None:
        raise Http404("No erasure request with that number that you cover.")
    return erasure


@require_http_methods(["GET"])
@dpo_required
def erasure_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    erasures = (
        selectors.visible_erasure_requests(request.user)
        .select_related("partner", "customer")
        .annotate(
            closed=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "due_on", "pk")
    )
    page = Paginator(erasures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "retention/erasure_list.html",
        {
            "page": page,
            "today": today,
            "due_soon": today + dt.timedelta(days=DUE_SOON_DAYS),
            "open_count": erasures.filter(status__in=OPEN_STATUSES).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@dpo_required
def erasure_new(request: HttpRequest) -> HttpResponse:
    customer_pk = request.POST.get("customer") or request.GET.get("customer")
    if not customer_pk:
        return _search(request)
    customer = _covered_customer(request, customer_pk)
    form = ErasureRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                erasure = services.record_erasure_request(
                    user=request.user,
                    customer=customer,
                    requester=form.cleaned_data["requester"],
                    received_on=form.cleaned_data["received_on"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Erasure request {erasure.pk} recorded: answer it by "
                    f"{erasure.due_on:%-d %B %Y}.",
                )
                return redirect("retention:erasure", pk=erasure.pk)
        status = 400
    return render(
        request, "retention/erasure_new.html", {"form": form, "customer": customer}, status=status
    )


def _search(request: HttpRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET or None)
    results = None
    status = 200
    if request.GET:
        if form.is_valid():
            query = form.cleaned_data["q"]
            results = selectors.find_customers(request.user, query)
            record_audit_event(
                user=request.user,
                action=AuditEvent.Action.SEARCH,
                object_type="customer",
                object_id="",
                detail=f"erasure search {query!r}: {', '.join(str(c.pk) for c in results)}",
            )
        else:
            status = 400
    return render(
        request,
        "retention/erasure_search.html",
        {"form": form, "results": results},
        status=status,
    )


def _detail(request: HttpRequest, erasure: ErasureRequest, *, status: int = 200, **forms):
    customer = erasure.customer
    if customer is not None:
        record_audit_event(
            user=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="customer",
            object_id=customer.pk,
            customer_id=customer.pk,
            detail=f"erasure request {erasure.pk}",
        )
    assessment = services.assess(customer) if erasure.is_open else None
    context = {
        "erasure": erasure,
        "customer": customer,
        "assessment": assessment,
        "assess_form": forms.get("assess_form") or AssessForm(),
        "carry_out_form": forms.get("carry_out_form") or CarryOutForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "today": timezone.localdate(),
        "form": next(iter(forms.values()), None),  # "Error: " in the title
    }
    return render(request, "retention/erasure_detail.html", context, status=status)


@require_http_methods(["GET"])
@dpo_required
def erasure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _erasure(request, pk))


def _closed_message(request: HttpRequest, erasure: ErasureRequest) -> HttpResponse | None:
    if erasure.is_open:
        return None
    messages.info(request, f"This request has already been {erasure.get_status_display().lower()}.")
    return redirect("retention:erasure", pk=erasure.pk)


def _erasure_step(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    page_form: str,
    act: Callable[[ErasureRequest, dict], object],
    done: str,
) -> HttpResponse:
    """One step on an open erasure request (assess, carry out, refuse): `act` with the form's
    data, then `done` said on its page; on an error, the page again (400) with the form (as
    `page_form`) showing it."""
    erasure = _erasure(request, pk)
    if (closed := _closed_message(request, erasure)) is not None:
        return closed
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(erasure, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("retention:erasure", pk=erasure.pk)
    return _detail(request, erasure, status=400, **{page_form: form})


@require_POST
@dpo_required
def erasure_assess(request: HttpRequest, pk: int) -> HttpResponse:
    return _erasure_step(
        request,
        pk,
        AssessForm,
        "assess_form",
        lambda erasure, data: services.assess_erasure(
            user=request.user, erasure=erasure, notes=data["notes"]
        ),
        "Marked as assessed.",
    )


@require_POST
@dpo_required
def erasure_carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _erasure_step(
        request,
        pk,
        CarryOutForm,
        "carry_out_form",
        lambda erasure, data: services.carry_out_erasure(user=request.user, erasure=erasure),
        "Erasure carried out: the record and its history are anonymised.",
    )


@require_POST
@dpo_required
def erasure_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _erasure_step(
        request,
        pk,
        RefuseForm,
        "refuse_form",
        lambda erasure, data: services.refuse_erasure(
            user=request.user, erasure=erasure, reason=data["reason"], notes=data["notes"]
        ),
        "Erasure refused. Tell the person why, within the month.",
    )
