from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import PartnershipAdminPermissions
from firstcontact.portal.models import Feedback


@admin.register(Feedback, site=site)
class FeedbackAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["submitted_at", "rating", "reference", "language"]
    list_filter = ["rating", "language"]
    readonly_fields = ["rating", "comment", "reference", "language", "submitted_at"]

    def has_add_permission(self, request):
        return False
