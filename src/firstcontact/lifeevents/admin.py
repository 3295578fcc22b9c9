from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.lifeevents.models import Bundle, BundleItem, LifeEvent, LifeEventService
from firstcontact.partners.admin import PartnershipAdminPermissions


class LifeEventServiceInline(PartnershipAdminPermissions, admin.TabularInline):
    model = LifeEventService
    extra = 0
    autocomplete_fields = ["service"]


@admin.register(LifeEvent, site=site)
class LifeEventAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "active", "order"]
    list_filter = ["kind", "active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LifeEventServiceInline]


class BundleItemInline(PartnershipAdminPermissions, admin.TabularInline):
    model = BundleItem
    extra = 0
    fields = ["request", "life_event_service", "order"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bundle, site=site)
class BundleAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["reference", "life_event", "channel", "created_at"]
    list_filter = ["life_event", "channel"]
    search_fields = ["reference"]
    readonly_fields = [
        "reference",
        "life_event",
        "channel",
        "created_at",
        "consent_wording",
        "consent_given_at",
    ]
    inlines = [BundleItemInline]

    def has_add_permission(self, request):
        return False
