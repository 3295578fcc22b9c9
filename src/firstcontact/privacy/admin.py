from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import CaseWorkSuperusersOnly, PartnershipAdminPermissions
from firstcontact.privacy.models import AuditEvent, DataSharingAgreement


@admin.register(DataSharingAgreement, site=site)
class DataSharingAgreementAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["provider", "recipient", "purpose", "starts", "ends"]


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Read-only: the audit trail is append-only. It names the records viewed (request
    references, customers), so it is read by data protection officers at /dpo/ and here by
    superusers only, not by a partnership administrator (docs/access.md)."""

    list_display = ["at", "username", "action", "object_type", "object_id", "customer_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "username"]
