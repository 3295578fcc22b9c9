"""Every sign-in, failed sign-in, lockout and sign-out goes into the audit trail."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from firstcontact.accounts.audit import client_address
from firstcontact.accounts.middleware import stamp_activity
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event


def _user_id(username: str) -> str:
    User = get_user_model()
    pk = User.objects.filter(**{User.USERNAME_FIELD: username}).values_list("pk", flat=True)
    return str(pk.first() or "")


@receiver(user_logged_in, dispatch_uid="firstcontact-audit-sign-in")
def audit_sign_in(sender, request, user, **kwargs) -> None:
    from firstcontact.accounts.services import needs_second_factor

    if request is not None:
        stamp_activity(request)
    record_audit_event(
        user=user,
        action=AuditEvent.Action.SIGN_IN,
        object_type="user",
        object_id=user.pk,
        ip_address=client_address(request),
        detail="password; second factor to follow" if needs_second_factor(user) else "password",
    )


@receiver(user_login_failed, dispatch_uid="firstcontact-audit-sign-in-failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password with asterisks in `credentials`.
    username = str(credentials.get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    record_audit_event(
        user=None,
        username=username,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        object_type="user",
        object_id=_user_id(username) if username else "",
        ip_address=client_address(request),
        detail="locked out: too many failed sign-ins" if locked else "wrong username or password",
    )


@receiver(user_locked_out, dispatch_uid="firstcontact-audit-locked-out")
def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    username = str(username or "")[:150]
    record_audit_event(
        user=None,
        username=username,
        action=AuditEvent.Action.LOCKED_OUT,
        object_type="user",
        object_id=_user_id(username) if username else "",
        ip_address=ip_address or client_address(request),
        detail="too many failed sign-ins from this login or this address",
    )


@receiver(user_logged_out, dispatch_uid="firstcontact-audit-sign-out")
def audit_sign_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    record_audit_event(
        user=user,
        action=AuditEvent.Action.SIGN_OUT,
        object_type="user",
        object_id=user.pk,
        ip_address=client_address(request),
        detail=getattr(request, "sign_out_reason", "") or "signed out",
    )
