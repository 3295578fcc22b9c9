from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.lifeevents.models import Bundle, BundleItem, LifeEvent, LifeEventService
from firstcontact.partners.admin import CaseWorkSuperusersOnly, PartnershipAdminPermissions


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


class BundleItemInline(CaseWorkSuperusersOnly, admin.TabularInline):
    model = BundleItem
    extra = 0
    fields = ["request", "life_event_service", "order"]
    readonly_fields = fields


@admin.register(Bundle, site=site)
class BundleAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Tell-us-once bundles name the requests raised for a resident: case work, superusers
    only (the life events themselves, above, are configuration)."""

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
