"""The data protection officer's pages: find a person, the subject access request log and
export, and the audit trail's search. For the `dpo` and `partnership_dpo` roles only
(docs/access.md); every read goes through privacy.selectors, scoped to the partners the
officer covers, and every write through privacy.services."""

from __future__ import annotations

import csv
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firstcontact.dpo.forms import (
    AuditSearchForm,
    ExportForm,
    PersonSearchForm,
    SubjectAccessRequestForm,
    SubjectAccessStatusForm,
)
from firstcontact.privacy import selectors
from firstcontact.privacy.decorators import dpo_required
from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest
from firstcontact.privacy.sar import SubjectAccessExport, csv_cell
from firstcontact.privacy.services import (
    close_subject_access_request,
    log_subject_access_request,
    record_audit_event,
    record_subject_access_export,
)

AUDIT_PAGE_SIZE = 50


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context.setdefault("covered", selectors.covered_partners(request.user))
    return render(request, template, context)


@dpo_required
def home(request: HttpRequest) -> HttpResponse:
    requests = selectors.subject_access_requests(request.user)
    today = timezone.localdate()
    open_requests = requests.filter(status=SubjectAccessRequest.Status.OPEN)
    return _render(
        request,
        "dpo/home.html",
        {
            "search_form": PersonSearchForm(),
            "open_count": open_requests.count(),
            "overdue_count": open_requests.filter(due_on__lt=today).count(),
        },
    )


@dpo_required
def people(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = selectors.search_people(request.user, form.cleaned_data["q"])
    return _render(request, "dpo/people.html", {"form": form, "results": results})


def _person(request: HttpRequest, pk: int):
    return selectors.get_covered_customer(request.user, pk, purpose="data protection officer")


@dpo_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _person(request, pk)
    return _render(
        request,
        "dpo/person.html",
        {
            "customer": customer,
            "records": selectors.covered_linked_records(request.user, customer),
            "candidates": selectors.possible_matches(request.user, customer),
            "requests": selectors.subject_access_requests(request.user).filter(customer=customer),
        },
    )


# Subject access requests.


def _sar_rows(user, sars) -> list[dict]:
    today = timezone.localdate()
    return [{"sar": sar, "tag": selectors.deadline_tag(sar, today)} for sar in sars]


def _csv_line(values) -> str:
    class _Line:
        def write(self, value: str) -> str:
            return value

    return csv.writer(_Line()).writerow([csv_cell(v) for v in values])


@dpo_required
def sar_list(request: HttpRequest) -> HttpResponse:
    sars = selectors.subject_access_requests(request.user)
    status = request.GET.get("status", "")
    if status in SubjectAccessRequest.Status.values:
        sars = sars.filter(status=status)
    else:
        status = ""
    if request.GET.get("format") == "csv":
        return _sar_csv(request, sars)
    return _render(
        request,
        "dpo/sar_list.html",
        {
            "rows": _sar_rows(request.user, sars),
            "status": status,
            "statuses": SubjectAccessRequest.Status.choices,
        },
    )


def _sar_csv(request: HttpRequest, sars) -> HttpResponse:
    record_audit_event(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="subject_access_request_log",
        object_id="-",
        detail="CSV of the subject access request log",
        ip_address=_address(request),
    )
    today = timezone.localdate()
    header = [
        "number",
        "person",
        "customer record",
        "partner",
        "received",
        "due",
        "status",
        "deadline",
        "requester",
        "identity checked by",
        "refusal reason",
        "closed",
    ]

    def lines():
        yield _csv_line(header)
        for sar in sars.iterator(chunk_size=500):
            yield _csv_line(
                [
                    sar.pk,
                    sar.subject_name,
                    sar.customer_id or "",
                    sar.partner.name,
                    sar.received_on.isoformat(),
                    sar.due_on.isoformat(),
                    sar.get_status_display(),
                    selectors.deadline_tag(sar, today),
                    sar.requester,
                    sar.identity_check,
                    sar.refusal_reason,
                    sar.closed_on.isoformat() if sar.closed_on else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="subject-access-requests-{stamp}.csv"'
    return response


@dpo_required
@require_http_methods(["GET", "POST"])
def sar_new(request: HttpRequest) -> HttpResponse:
    customer_pk = request.GET.get("customer") or request.POST.get("customer") or ""
    if not re.fullmatch(r"[0-9]{1,15}", customer_pk):
        messages.info(request, "Find the person first, then log their request from their record.")
        return redirect("dpo:people")
    customer = _person(request, int(customer_pk))
    form = SubjectAccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sar = log_subject_access_request(
            user=request.user,
            customer=customer,
            received_on=form.cleaned_data["received_on"],
            requester=form.cleaned_data["requester"],
            identity_check=form.cleaned_data["identity_check"],
            ip_address=_address(request),
        )
        messages.success(
            request, f"Subject access request {sar.pk} logged: due {sar.due_on:%-d %B %Y}."
        )
        return redirect("dpo:sar", pk=sar.pk)
    return _render(request, "dpo/sar_new.html", {"form": form, "customer": customer})


def _sar_context(request: HttpRequest, sar: SubjectAccessRequest, **extra) -> dict:
    user = request.user
    customer = None
    if sar.customer_id and sar.customer.partner_id in selectors.dpo_partner_ids(user):
        customer = sar.customer
    candidates = selectors.possible_matches(user, customer) if customer else []
    context = {
        "sar": sar,
        "tag": selectors.deadline_tag(sar),
        "customer": customer,
        "records": selectors.covered_linked_records(user, customer) if customer else [],
        "status_form": SubjectAccessStatusForm(
            initial={"status": sar.status, "refusal_reason": sar.refusal_reason}
        ),
        "export_form": ExportForm(candidates=candidates),
        "exports": sar.exports.all()[:20],
        "form": None,  # the form with errors, if any, for the error summary
    }
    context.update(extra)
    return context


@dpo_required
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = selectors.get_subject_access_request(request.user, pk)
    return _render(request, "dpo/sar_detail.html", _sar_context(request, sar))


@dpo_required
@require_POST
def sar_status(request: HttpRequest, pk: int) -> HttpResponse:
    sar = selectors.get_subject_access_request(request.user, pk)
    form = SubjectAccessStatusForm(request.POST)
    if not form.is_valid():
        context = _sar_context(request, sar, status_form=form, form=form)
        return _render(request, "dpo/sar_detail.html", context)
    close_subject_access_request(
        user=request.user,
        sar=sar,
        status=form.cleaned_data["status"],
        refusal_reason=form.cleaned_data["refusal_reason"],
        ip_address=_address(request),
    )
    messages.success(request, f"Subject access request {sar.pk}: {sar.get_status_display()}.")
    return redirect("dpo:sar", pk=sar.pk)


@dpo_required
@require_POST
def sar_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ZIP of everything held about the person, streamed (privacy/sar.py says why)."""
    user = request.user
    sar = selectors.get_subject_access_request(user, pk)
    partner_ids = selectors.dpo_partner_ids(user)
    if not sar.customer_id or sar.customer.partner_id not in partner_ids:
        raise Http404("The record this request was logged against is no longer held.")
    customer = sar.customer
    candidates = selectors.possible_matches(user, customer)
    form = ExportForm(request.POST, candidates=candidates)
    if not form.is_valid():
        context = _sar_context(request, sar, export_form=form, form=form)
        return _render(request, "dpo/sar_detail.html", context)
    chosen = {customer.pk, *(int(pk) for pk in form.cleaned_data["also"])}
    export = SubjectAccessExport(
        partner_ids=partner_ids,
        customer_ids=chosen,
        sar=sar,
        prepared_by=user.get_full_name() or user.get_username(),
    )
    record_subject_access_export(
        user=user,
        sar=sar,
        customer_ids=sorted(chosen),
        partner_ids=sorted(partner_ids),
        counts=export.counts(),
        ip_address=_address(request),
    )
    response = StreamingHttpResponse(export.stream(), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}-{stamp}.zip"'
    return response


# The audit trail.


@dpo_required
def audit(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = request.GET.copy()
    wants_csv = data.pop("format", [""])[-1] == "csv"
    data.pop("page", None)
    visible = selectors.visible_audit_events(user)
    form = AuditSearchForm(
        data or None,
        known_customer=lambda pk: (
            selectors.covered_customers(user).filter(pk=pk).exists()
            or visible.filter(customer_id=pk).exists()
        ),
        known_username=selectors.known_username,
    )
    context: dict = {"form": form, "searched": False, "page": None}
    if data and not form.is_valid():
        return _render(request, "dpo/audit.html", context)
    filters = form.cleaned_data if data else {}
    customer_ids = None
    if filters.get("customer"):
        customer_ids = selectors.linked_customer_ids({filters["customer"]})
    events = selectors.search_audit_events(
        user,
        customer_ids=customer_ids,
        username=filters.get("username", ""),
        starts=filters.get("starts"),
        ends=filters.get("ends"),
        actions=[filters["action"]] if filters.get("action") else None,
    )
    description = _describe(filters, customer_ids)
    record_audit_event(
        user=user,
        action=AuditEvent.Action.EXPORT if wants_csv else AuditEvent.Action.SEARCH,
        object_type="audit_trail",
        object_id="-",
        detail=f"audit {'CSV' if wants_csv else 'search'}: {description}",
        ip_address=_address(request),
    )
    if wants_csv:
        return _audit_csv(events)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.urlencode()
    context.update(
        searched=bool(data),
        page=page,
        query=query,
        description=description,
        linked=sorted(customer_ids - {filters["customer"]}) if customer_ids else [],
    )
    return _render(request, "dpo/audit.html", context)


def _describe(filters: dict, customer_ids: set[int] | None) -> str:
    parts = []
    if filters.get("customer"):
        parts.append(f"customer record {filters['customer']}")
    if filters.get("username"):
        parts.append(f"user {filters['username']}")
    if filters.get("starts"):
        parts.append(f"from {filters['starts']:%Y-%m-%d}")
    if filters.get("ends"):
        parts.append(f"to {filters['ends']:%Y-%m-%d}")
    if filters.get("action"):
        parts.append(f"action {filters['action']}")
    return ", ".join(parts) or "everything"


def _audit_csv(events) -> StreamingHttpResponse:
    header = ["at", "username", "address", "action", "object type", "object id", "customer"]

    def lines():
        yield _csv_line([*header, "detail"])
        for event in events.iterator(chunk_size=2000):
            yield _csv_line(
                [
                    timezone.localtime(event.at).isoformat(timespec="seconds"),
                    event.username,
                    event.ip_address or "",
                    event.get_action_display(),
                    event.object_type,
                    event.object_id,
                    event.customer_id or "",
                    event.detail,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
