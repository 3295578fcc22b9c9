from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import CaseWorkSuperusersOnly, PartnershipAdminPermissions
from firstcontact.retention.models import ErasureRequest, LegalHold, RetentionRule


@admin.register(RetentionRule, site=site)
class RetentionRuleAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["kind", "partner", "amount", "unit", "action", "notes"]
    list_filter = ["kind", "action", "partner"]
    search_fields = ["notes", "partner__name"]


@admin.register(LegalHold, site=site)
class LegalHoldAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["__str__", "placed_at", "placed_by", "until", "lifted_at"]
    list_filter = ["lifted_at"]
    raw_id_fields = ["customer", "service_request"]
    readonly_fields = ["placed_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A hold is lifted (with the date), not deleted, so its history stays.
        return False


@admin.register(ErasureRequest, site=site)
class ErasureRequestAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Data protection officers work them at /dpo/erasure/; they name the person asking and
    the customer record, so here they are for superusers only, read-only (a partnership
    administrator reads no case work: docs/access.md)."""

    list_display = ["pk", "partner", "received_on", "due_on", "status", "refusal_reason"]
    list_filter = ["status", "partner"]
