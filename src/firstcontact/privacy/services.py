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
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        customer_id=customer_id,
        detail=detail[:500],
    )
