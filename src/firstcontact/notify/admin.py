from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.notify.models import Notification
from firstcontact.partners.admin import CaseWorkSuperusersOnly


@admin.register(Notification, site=site)
class NotificationAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Messages sent to residents (their addresses): case work, superusers only."""

    list_display = ["created_at", "channel", "recipient", "status", "attempts", "last_error"]
    list_filter = ["status", "channel"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
