from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.catalogue.models import (
    EligibilityQuestion,
    ProactivePrompt,
    Service,
    ServiceAttribute,
    ServiceDelivery,
    SLAPolicy,
)
from firstcontact.partners.admin import PartnershipAdminPermissions


class AttributeInline(PartnershipAdminPermissions, admin.StackedInline):
    model = ServiceAttribute
    extra = 0


class EligibilityInline(PartnershipAdminPermissions, admin.StackedInline):
    model = EligibilityQuestion
    extra = 0


class DeliveryInline(PartnershipAdminPermissions, admin.TabularInline):
    model = ServiceDelivery
    extra = 0


@admin.register(Service, site=site)
class ServiceAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "lgsl_code",
        "kind",
        "tier",
        "sla_policy",
        "active",
        "private",
        "requests_public",
        "open311_reportable",
    ]
    list_filter = [
        "kind",
        "tier",
        "active",
        "private",
        "requests_public",
        "open311_reportable",
        "group",
    ]
    search_fields = ["name", "code", "keywords"]
    inlines = [DeliveryInline, AttributeInline, EligibilityInline]


@admin.register(SLAPolicy, site=site)
class SLAPolicyAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "unit", "amount", "day_starts", "day_ends", "holiday_subdivision"]


@admin.register(ProactivePrompt, site=site)
class ProactivePromptAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = [
        "name",
        "offer_service",
        "min_age",
        "max_age",
        "unless_has_request_for",
        "active",
    ]
