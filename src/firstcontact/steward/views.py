"""The data steward's pages: the queue of possible duplicates, a pair's field-by-field
comparison and decision, and recent merges with "Undo merge" (docs/access.md, `data_steward`).

Reads go through steward.selectors and the desk's customer selectors (every record shown is
audited); writes through customers.merging.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firstcontact.contacts.selectors import visible_contacts
from firstcontact.customers.merging import (
    MergeRefused,
    link_customers,
    merge_customers,
    merge_refusal,
    unmerge,
    unmerge_refusal,
)
from firstcontact.customers.models import Customer
from firstcontact.customers.selectors import get_customer
from firstcontact.linkage.models import CandidatePair, PairSource, PairStatus
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.selectors import visible_requests
from firstcontact.steward import selectors

PAGE_SIZE = 50
# The comparison levels a pair may carry (linkage.engine.FIELDS), in words.
LEVELS = {
    "exact": "Same",
    "nickname": "A nickname of the other",
    "typo": "Nearly the same (a typo)",
    "similar": "Similar",
    "initial": "An initial of the other",
    "close": "Close (one part or digit differs, or day and month swapped)",
    "near": "Two digits differ",
    "uprn": "Same property (UPRN)",
    "postcode": "Same postcode",
    "town": "Same town",
    "district": "Same postcode district",
    "town_typo": "Town nearly the same",
    "different": "Different",
    "missing": "Missing on one or both",
}


def steward_required(view):
    """Data stewards only: others 403, visitors to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.is_steward(request.user):
            raise PermissionDenied("These pages are for data stewards.")
        return view(request, *args, **kwargs)

    return wrapper


def _audit_list(request: HttpRequest, what: str, customer_ids: list[int]) -> None:
    """A list of records shown (names and partners): one audit row with their ids."""
    ids = ", ".join(map(str, customer_ids))
    detail = f"{what}: {len(customer_ids)} record(s)" + (f": customer {ids}" if ids else "")
    record_audit_event(
        user=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="customer",
        object_id="-",
        detail=detail[:500],
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


class QueueFilter(forms.Form):
    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *PairSource.choices], label="Found by"
    )
    cross = forms.ChoiceField(
        required=False,
        choices=[("", "Any partners"), ("no", "Within one partner"), ("yes", "Across partners")],
        label="Partners",
    )


@steward_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    pairs = selectors.review_queue(
        request.user, source=filters.get("source", ""), cross=filters.get("cross", "")
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [pk for pair in page for pk in (pair.left_id, pair.right_id)]
    _audit_list(request, "duplicate review queue", shown)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "steward/queue.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _summary(user, customer: Customer) -> dict:
    """What the steward may read of one record: identity (the desk reads it the same way)
    and how many contacts and requests they may see of it."""
    return {
        "customer": customer,
        "phones": sorted(str(p) for p in customer.phones.all()),
        "emails": sorted(e.address for e in customer.emails.all()),
        "addresses": [str(a) for a in customer.addresses.all() if a.is_current]
        or [str(a) for a in customer.addresses.all()],
        "contacts": visible_contacts(user).filter(customer=customer).count(),
        "requests": visible_requests(user).filter(customer=customer).count(),
    }


def _rows(pair: CandidatePair, left: dict, right: dict) -> list[dict]:
    level = pair.comparison or {}

    def lvl(*keys: str) -> str:
        for key in keys:
            if key in level:
                value = str(level[key])
                return LEVELS.get(value, value.replace("_", " ").capitalize())
        return ""

    def join(values) -> str:
        return "\n".join(values) if values else "–"

    lc, rc = left["customer"], right["customer"]
    dob = "%-d %B %Y"
    return [
        {"label": "Name", "left": lc.display_name, "right": rc.display_name, "level": ""},
        {
            "label": "First name",
            "left": lc.given_name or "–",
            "right": rc.given_name or "–",
            "level": lvl("given_name", "first_name"),
        },
        {
            "label": "Last name",
            "left": lc.family_name or lc.organisation_name or "–",
            "right": rc.family_name or rc.organisation_name or "–",
            "level": lvl("family_name", "surname", "last_name"),
        },
        {
            "label": "Date of birth",
            "left": lc.date_of_birth.strftime(dob) if lc.date_of_birth else "–",
            "right": rc.date_of_birth.strftime(dob) if rc.date_of_birth else "–",
            "level": lvl("date_of_birth", "dob"),
        },
        {
            "label": "Addresses",
            "left": join(left["addresses"]),
            "right": join(right["addresses"]),
            "level": lvl("address", "postcode", "uprn"),
        },
        {
            "label": "Phone numbers",
            "left": join(left["phones"]),
            "right": join(right["phones"]),
            "level": lvl("phone", "phones"),
        },
        {
            "label": "Email addresses",
            "left": join(left["emails"]),
            "right": join(right["emails"]),
            "level": lvl("email", "emails"),
        },
        {"label": "Held by", "left": lc.partner.name, "right": rc.partner.name, "level": ""},
        {
            "label": "Contacts you may see",
            "left": left["contacts"],
            "right": right["contacts"],
            "level": "",
        },
        {
            "label": "Requests you may see",
            "left": left["requests"],
            "right": right["requests"],
            "level": "",
        },
    ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("merge", "Same person: merge the records"),
            ("link", "Same person: link the records (each partner keeps its own)"),
            ("not_same", "Not the same person"),
        ],
        error_messages={"required": "Choose whether these records are the same person"},
    )
    survivor = forms.ChoiceField(
        required=False,
        choices=[("left", "The first record"), ("right", "The second record")],
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "merge" and not data.get("survivor"):
            self.add_error("survivor", "Choose which record to keep")
        return data


def _pair_page(request: HttpRequest, pair: CandidatePair, form: DecisionForm):
    user = request.user
    left = get_customer(user, pair.left_id, purpose="duplicate review")
    right = get_customer(user, pair.right_id, purpose="duplicate review")
    stewarded = selectors.steward_partner_ids(user)
    keep_options = []
    for side, keep, gone in [("left", left, right), ("right", right, left)]:
        if keep.partner_id not in stewarded:
            reason = f"You are not data steward for {keep.partner}, which holds this record."
        else:
            reason = merge_refusal(keep, gone)
        keep_options.append({"side": side, "customer": keep, "refusal": reason})
    left_summary, right_summary = _summary(user, left), _summary(user, right)
    return render(
        request,
        "steward/pair.html",
        {
            "pair": pair,
            "left": left,
            "right": right,
            "rows": _rows(pair, left_summary, right_summary),
            "form": form,
            "keep_options": keep_options,
            "can_merge": any(not o["refusal"] for o in keep_options),
            "pending": pair.status == PairStatus.PENDING,
        },
    )


@steward_required
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_pair(request.user, pk)
    return _pair_page(request, found, DecisionForm())


@steward_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = selectors.get_pair(user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, found, form)
    if found.status != PairStatus.PENDING:
        messages.info(request, f"This pair was already decided: {found.get_status_display()}.")
        return redirect("steward:pair", pk=found.pk)
    decision = form.cleaned_data["decision"]
    left, right = found.left, found.right
    if decision == "not_same":
        # Only while still pending: another steward's decision made meanwhile stands.
        decided = CandidatePair.objects.filter(pk=found.pk, status=PairStatus.PENDING).update(
            status=PairStatus.NOT_SAME, decided_by=user, decided_at=timezone.now()
        )
        if decided:
            messages.success(
                request, "Marked as not the same person: this pair is not asked again."
            )
        else:
            messages.info(request, "This pair was decided by someone else meanwhile.")
        return redirect("steward:queue")
    if decision == "link":
        link_customers(left, right, by=user, pair=found)
        messages.success(request, "Marked as the same person: the two records are linked.")
        return redirect("steward:queue")
    keep, gone = (left, right) if form.cleaned_data["survivor"] == "left" else (right, left)
    if keep.partner_id not in selectors.steward_partner_ids(user):
        form.add_error(
            "survivor", f"You are not data steward for {keep.partner}: keep the other record."
        )
        return _pair_page(request, found, form)
    try:
        merge = merge_customers(keep, gone, by=user, pair=found)
    except MergeRefused as refused:
        form.add_error("decision", refused.reason)
        return _pair_page(request, found, form)
    messages.success(
        request,
        f"Merged: customer {merge.merged_id} is now part of customer {merge.survivor_id}. "
        "You can undo this for 30 days.",
    )
    return redirect("steward:merges")


@steward_required
def merges(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.visible_merges(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [{"merge": m, "refusal": unmerge_refusal(m, now=now)} for m in page]
    _audit_list(
        request,
        "merges made",
        [pk for m in page for pk in (m.survivor_id, m.merged_id)],
    )
    return render(request, "steward/merges.html", {"page": page, "rows": rows})


@steward_required
@require_http_methods(["GET", "POST"])
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.get_merge(request.user, pk)
    refusal = unmerge_refusal(merge)
    if request.method == "POST" and not refusal:
        try:
            unmerge(merge, by=request.user)
        except MergeRefused as refused:
            refusal = refused.reason
        else:
            messages.success(
                request,
                f"Merge undone: customer {merge.merged_id} and customer {merge.survivor_id} "
                "are two records again.",
            )
            return redirect("steward:merges")
    _audit_list(request, f"undo merge {merge.pk}", [merge.survivor_id, merge.merged_id])
    return render(
        request,
        "steward/undo.html",
        {"merge": merge, "refusal": refusal},
    )
