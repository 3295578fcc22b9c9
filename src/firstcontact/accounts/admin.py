"""Locked-out sign-ins in the partnership admin: see them, and unlock them."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from firstcontact.accounts.audit import client_address
from firstcontact.admin_site import site
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event


def audit_unlock(request, attempts) -> None:
    User = get_user_model()
    usernames = {attempt.username for attempt in attempts if attempt.username}
    ids = dict(
        User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames}).values_list(
            User.USERNAME_FIELD, "pk"
        )
    )
    for attempt in attempts:
        record_audit_event(
            user=request.user,
            action=AuditEvent.Action.ADMIN,
            object_type="user",
            object_id=ids.get(attempt.username, ""),
            ip_address=client_address(request),
            detail=(
                f"unlocked sign-in for login {attempt.username or '-'} "
                f"from address {attempt.ip_address or '-'}"
            ),
        )


@admin.register(AccessAttempt, site=site)
class FailedSignInAdmin(admin.ModelAdmin):
    """axes' record of failed sign-ins (per login and address). Deleting a row, or the
    "Unlock" action, clears the failures: the login (and address) can sign in again at once."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["unlock"]

    @admin.display(boolean=True, description="Locked out")
    def locked(self, attempt: AccessAttempt) -> bool:
        return attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description="Unlock: clear these failed sign-ins")
    def unlock(self, request, queryset) -> None:
        attempts = list(queryset)
        audit_unlock(request, attempts)
        queryset.delete()
        self.message_user(request, f"Unlocked {len(attempts)}.", messages.SUCCESS)

    def delete_model(self, request, obj) -> None:
        audit_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        audit_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    # The site lets partnership administrators in; they see and clear failures, nothing else.
    def has_module_permission(self, request) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return True
