"""Background work for insight: rollups and sampling after imports, survey invitations."""

from __future__ import annotations

import datetime as dt

from django.tasks import task


@task()
def refresh_after_import(first: str, last: str) -> str:
    """Rebuild call rollups for the local days first…last (ISO dates) and re-evaluate the
    satisfaction sampling rules."""
    from firstcontact.insight.rollups import build_call_rollups
    from firstcontact.insight.sampling import evaluate_rules

    rows = build_call_rollups(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    changes = evaluate_rules()
    return f"{rows} rollup rows, {len(changes)} sampling changes"


@task()
def rebuild_call_rollups(first: str, last: str) -> str:
    """Rebuild call rollups for the local days first…last (ISO dates)."""
    from firstcontact.insight.rollups import build_call_rollups

    rows = build_call_rollups(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    return f"{rows} rollup rows"


@task()
def invite_after_contact(contact_id: int) -> str:
    from firstcontact.contacts.models import Contact
    from firstcontact.insight.sampling import invite_for_contact

    contact = Contact.objects.select_related("customer", "partner").filter(pk=contact_id).first()
    if contact is None:
        return "no such contact"
    return "invited" if invite_for_contact(contact) else "not invited"


@task()
def invite_after_request(request_id: int) -> str:
    from firstcontact.insight.sampling import invite_for_request
    from firstcontact.servicerequests.models import ServiceRequest

    request = (
        ServiceRequest.objects.select_related("customer", "service").filter(pk=request_id).first()
    )
    if request is None:
        return "no such request"
    return "invited" if invite_for_request(request) else "not invited"
