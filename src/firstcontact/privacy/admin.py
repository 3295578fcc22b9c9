from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import PartnershipAdminPermissions
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement


@admin.register(DataSharingAgreement, site=site)
class DataSharingAgreementAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["provider", "recipient", "purpose", "starts", "ends"]


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["at", "username", "action", "object_type", "object_id", "customer_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "username"]

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
