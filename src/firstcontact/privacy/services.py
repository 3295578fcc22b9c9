from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from firstcontact.privacy.models import (
    AuditEvent,
    SubjectAccessExport,
    SubjectAccessRequest,
    one_calendar_month_after,
)


def record_audit_event(
    *,
    user: AbstractBaseUser | None,
    action: str,
    object_type: str,
    object_id: object,
    customer_id: int | None = None,
    detail: str = "",
    ip_address: str | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail. `username` names an actor that is not a signed-in
    user (a failed sign-in's attempted login)."""
    signed_in = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        user=user if signed_in else None,
        username=(user.get_username() if signed_in else username)[:150],
        ip_address=ip_address or None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        customer_id=customer_id,
        detail=detail[:500],
    )


def purge_audit_events(before: dt.datetime) -> int:
    """Remove the audit rows recorded before `before`; how many went.

    The audit trail is append-only: on PostgreSQL a trigger refuses every UPDATE, DELETE and
    TRUNCATE of it (migration privacy 0004), except inside the database function called here.
    The retention command (`firstcontact apply_retention`) is its one documented caller; no
    page or other code removes audit rows. SQLite (development only) has no trigger, so a
    plain delete does the same there.
    """
    if timezone.is_naive(before):
        before = timezone.make_aware(before)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT firstcontact_purge_audit_events(%s)", [before])
            return int(cursor.fetchone()[0])
    removed, _ = AuditEvent.objects.filter(at__lt=before).delete()
    return removed


def log_subject_access_request(
    *,
    user: AbstractBaseUser,
    customer,
    received_on: dt.date,
    requester: str,
    identity_check: str,
    ip_address: str | None = None,
) -> SubjectAccessRequest:
    """Log a subject access request matched to a customer record (the caller has checked the
    DPO covers it), due one calendar month after receipt."""
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            customer=customer,
            partner_id=customer.partner_id,
            subject_name=customer.display_name,
            received_on=received_on,
            due_on=one_calendar_month_after(received_on),
            requester=requester,
            identity_check=identity_check,
            logged_by=user,
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.CREATE,
            object_type="subject_access_request",
            object_id=sar.pk,
            customer_id=customer.pk,
            detail=f"received {received_on:%Y-%m-%d}, due {sar.due_on:%Y-%m-%d}",
            ip_address=ip_address,
        )
    return sar


def close_subject_access_request(
    *,
    user: AbstractBaseUser,
    sar: SubjectAccessRequest,
    status: str,
    refusal_reason: str = "",
    closed_on: dt.date | None = None,
    ip_address: str | None = None,
) -> SubjectAccessRequest:
    """Mark a request sent, refused (with its reason) or open again."""
    if status not in SubjectAccessRequest.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    if status == SubjectAccessRequest.Status.REFUSED and not refusal_reason.strip():
        raise ValueError("A refusal needs its reason.")
    with transaction.atomic():
        sar.status = status
        sar.refusal_reason = (
            refusal_reason.strip() if status == SubjectAccessRequest.Status.REFUSED else ""
        )
        sar.closed_on = (
            None
            if status == SubjectAccessRequest.Status.OPEN
            else closed_on or timezone.localdate()
        )
        sar.save(update_fields=["status", "refusal_reason", "closed_on"])
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="subject_access_request",
            object_id=sar.pk,
            customer_id=sar.customer_id,
            detail=f"status {status}",
            ip_address=ip_address,
        )
    return sar


def record_subject_access_export(
    *,
    user: AbstractBaseUser,
    sar: SubjectAccessRequest,
    customer_ids: list[int],
    partner_ids: list[int],
    counts: dict[str, int],
    ip_address: str | None = None,
) -> SubjectAccessExport:
    """Attach an export to its request and audit it (before the first byte is sent)."""
    with transaction.atomic():
        export = SubjectAccessExport.objects.create(
            request=sar,
            exported_by=user,
            username=user.get_username(),
            customer_ids=sorted(customer_ids),
            partner_ids=sorted(partner_ids),
            counts=counts,
        )
        record_audit_event(
            user=user,
            action=AuditEvent.Action.EXPORT,
            object_type="subject_access_request",
            object_id=sar.pk,
            customer_id=sar.customer_id,
            detail=(
                f"export {export.pk} of customer records "
                + ", ".join(map(str, sorted(customer_ids)))
            ),
            ip_address=ip_address,
        )
    return export
