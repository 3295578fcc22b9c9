from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.notify.models import Notification
from firstcontact.partners.admin import PartnershipAdminPermissions


@admin.register(Notification, site=site)
class NotificationAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "status", "attempts", "last_error"]
    list_filter = ["status", "channel"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request, *args):
        return False
