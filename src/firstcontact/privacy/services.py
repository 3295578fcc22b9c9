from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from firstcontact.privacy.models import AuditEvent


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
