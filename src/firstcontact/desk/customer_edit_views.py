"""Keeping a customer's record right at the desk: change its details (with a history of
every change, and the second of two people saving at once told what the first changed), and
the customer's consents (each one's wording, channel and who took it; record one; withdraw
one through desk:consent_withdraw).

Who may: docs/access.md ("Other writes"); the services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from firstcontact.customers.models import Consent
from firstcontact.customers.selectors import can_edit_customer, customer_changes, get_customer
from firstcontact.customers.services import (
    EditConflict,
    consent_wording,
    record_consent,
    update_customer,
)
from firstcontact.desk.customer_forms import (
    ERROR_FIELDS,
    ConsentForm,
    CustomerEditForm,
    slots,
)
from firstcontact.desk.forms import apply_errors, error_dict
from firstcontact.desk.views import _forbidden, desk_context


def _cannot_edit(request: HttpRequest, customer) -> HttpResponse:
    return _forbidden(
        request,
        f"Only advisers, caseworkers, team leaders and managers of {customer.partner.name}, "
        "or of a hub acting for it, may change this record. You may read it.",
        back=reverse("desk:customer", args=[customer.pk]),
        label=f"Back to {customer.display_name}",
    )


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer(request.user, pk, purpose="edit details")
    if not can_edit_customer(request.user, customer):
        return _cannot_edit(request, customer)
    posted = request.POST if request.method == "POST" else None
    kwargs = {
        "customer": customer,
        "phone_slots": slots(customer.phones.count(), posted, "phone_"),
        "email_slots": slots(customer.emails.count(), posted, "email_"),
    }
    conflict = None
    if posted is not None:
        form = CustomerEditForm(posted, **kwargs)
        if form.is_valid():
            try:
                changes = update_customer(
                    user=request.user,
                    customer=customer,
                    version=form.cleaned_data["version"],
                    data=form.to_data(),
                )
            except PermissionDenied:
                return _cannot_edit(request, customer)
            except ValidationError as exc:
                apply_errors(form, error_dict(exc), ERROR_FIELDS)
            except EditConflict as exc:
                conflict = _conflict(form, exc)
                # Saving again replaces their changes with these, knowingly.
                form.data = form.data.copy()
                form.data["version"] = str(exc.current.version)
            else:
                if changes:
                    messages.success(
                        request,
                        f"Saved: {', '.join(c.label.lower() for c in changes)} changed.",
                    )
                else:
                    messages.info(request, "Nothing was changed.")
                return redirect("desk:customer", pk=customer.pk)
    else:
        form = CustomerEditForm(initial=CustomerEditForm.initial_for(customer), **kwargs)
    return render(
        request,
        "desk/customer_edit.html",
        {**desk_context(request), "customer": customer, "form": form, "conflict": conflict},
    )


def _conflict(form: CustomerEditForm, exc: EditConflict) -> dict:
    """What the second saver is shown: who saved meanwhile, and each field they changed with
    its value then, now, and what this editor entered."""
    rows = []
    for change in exc.missed:
        rows.append(
            {
                "label": change.label,
                "was": change.old_value,
                "now": change.new_value,
                "yours": form.entered_text(change.field),
                "by": change.changed_by_name or "someone",
                "at": change.changed_at,
            }
        )
    by = sorted({r["by"] for r in rows}) or ["someone"]
    form.add_error(
        None,
        f"{' and '.join(by)} changed this record while you were editing it. Check what they "
        "changed below: save again to keep what you entered, or cancel to keep theirs.",
    )
    return {"rows": rows, "current": exc.current}


@login_required
def customer_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer(request.user, pk, purpose="change history")
    return render(
        request,
        "desk/customer_history.html",
        {**desk_context(request), "customer": customer, "changes": customer_changes(customer)},
    )


# --- consents ------------------------------------------------------------------------------


@login_required
def consents(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer(request.user, pk, purpose="consents")
    rows = (
        Consent.objects.filter(customer=customer)
        .select_related("recipient", "recorded_by", "withdrawn_by")
        .order_by("withdrawn_at", "-given_at", "-pk")
    )
    return render(
        request,
        "desk/consents.html",
        {**desk_context(request), "customer": customer, "consents": list(rows)},
    )


@login_required
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent in two steps: the choices, then the exact words to put to the
    customer, ticked as agreed. The words recorded are the ones shown."""
    customer = get_customer(request.user, pk, purpose="record a consent")
    confirming = False
    wording = ""
    if request.method == "POST":
        form = ConsentForm(request.POST, customer=customer)
        if form.is_valid():
            data = form.cleaned_data
            wording = consent_wording(
                data["purpose"],
                holder=customer.partner,
                recipient=data["recipient"],
                data_category=data["data_category"],
            )
            confirming = True
            if request.POST.get("step") == "confirm":
                if not data["agreed"]:
                    form.add_error("agreed", "Tick to confirm the customer agreed to these words.")
                else:
                    try:
                        consent = record_consent(
                            user=request.user,
                            customer=customer,
                            purpose=data["purpose"],
                            recipient=data["recipient"],
                            data_category=data["data_category"],
                            wording=wording,
                            channel=data["channel"],
                            how=f"Told {request.user.get_username()} at the desk",
                            refuse_repeat=True,
                        )
                    except PermissionDenied as exc:
                        return _forbidden(
                            request, str(exc), back=reverse("desk:customer", args=[customer.pk])
                        )
                    except ValidationError as exc:
                        apply_errors(form, error_dict(exc))
                        confirming = False
                    else:
                        messages.success(
                            request, f"Consent recorded: {consent.get_purpose_display()}."
                        )
                        return redirect("desk:consents", pk=customer.pk)
    else:
        form = ConsentForm(customer=customer)
    return render(
        request,
        "desk/consent_new.html",
        {
            **desk_context(request),
            "customer": customer,
            "form": form,
            "confirming": confirming,
            "wording": wording,
        },
    )
