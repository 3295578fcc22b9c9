from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.catalogue.models import (
    EligibilityQuestion,
    EvidenceRequirement,
    PriorityRule,
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


class EvidenceInline(PartnershipAdminPermissions, admin.TabularInline):
    model = EvidenceRequirement
    extra = 0


class PriorityRuleInline(PartnershipAdminPermissions, admin.StackedInline):
    """Priority by answers: the first active rule whose conditions all hold sets the
    request's priority and service standard when it is raised (catalogue/priority.py)."""

    model = PriorityRule
    extra = 0
    fields = ["order", "name", "conditions", "priority", "sla_policy", "active"]


class DeliveryInline(PartnershipAdminPermissions, admin.TabularInline):
    model = ServiceDelivery
    extra = 0


class GroupFilter(admin.SimpleListFilter):
    """Services by group, with "No group" named: Django's own filter gave services without a
    group a link with no text (axe: link-name)."""

    title = "group"
    parameter_name = "group"
    NONE = "-"

    def lookups(self, request, model_admin):
        groups = Service.objects.exclude(group="").order_by("group").values_list("group", flat=True)
        return [(group, group) for group in groups.distinct()] + [(self.NONE, "No group")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(group="")
        if self.value():
            return queryset.filter(group=self.value())
        return queryset


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
        GroupFilter,
    ]
    search_fields = ["name", "code", "keywords"]
    inlines = [
        DeliveryInline,
        AttributeInline,
        EligibilityInline,
        EvidenceInline,
        PriorityRuleInline,
    ]


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


@admin.register(PriorityRule, site=site)
class PriorityRuleAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "service", "order", "priority", "sla_policy", "active"]
    list_filter = ["priority", "active", "sla_policy"]
    search_fields = ["name", "service__name", "service__code"]
    list_select_related = ["service", "sla_policy"]
