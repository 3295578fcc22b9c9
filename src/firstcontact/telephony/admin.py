from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import PartnershipAdminPermissions
from firstcontact.telephony.models import AgentEvent, ImportRun, Queue


@admin.register(Queue, site=site)
class QueueAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "label", "partner", "service", "handled_by"]
    list_filter = ["partner", "handled_by"]
    list_editable = ["partner", "service", "handled_by"]
    search_fields = ["name", "label"]


class ReadOnlyAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    """Records written by imports: looked at, not edited."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AgentEvent, site=site)
class AgentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "agent", "kind", "queue_name", "reason"]
    list_filter = ["kind"]
    search_fields = ["agent"]
    show_full_result_count = False


@admin.register(ImportRun, site=site)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "source", "format", "lines", "calls_written", "error_count"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
