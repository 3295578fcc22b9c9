from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.casework.models import CannedReply
from firstcontact.partners.admin import PartnershipAdminPermissions


@admin.register(CannedReply, site=site)
class CannedReplyAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    """Canned replies are configuration: team leaders and managers keep their partner's on
    /work/replies/; the partnership's administrators can see and correct them all here."""

    list_display = ["title", "partner", "service", "retired_at", "updated_at"]
    list_filter = ["partner", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "text"]
    autocomplete_fields = ["partner", "service"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
