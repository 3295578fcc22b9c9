from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.insight.models import (
    CommunitySafetyService,
    IndicatorSettings,
    RechargeRate,
    SamplingRateChange,
    SamplingRule,
    SatisfactionResponse,
    ServiceAgreement,
    StatementSent,
    SurveyInvitation,
    UnitCost,
)
from firstcontact.partners.admin import CaseWorkSuperusersOnly, PartnershipAdminPermissions


@admin.register(IndicatorSettings, site=site)
class IndicatorSettingsAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["__str__", "shrinkage", "fte_hours_per_day"]

    def has_add_permission(self, request, *args):
        return not IndicatorSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitCost, site=site)
class UnitCostAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["channel", "cost"]


@admin.register(RechargeRate, site=site)
class RechargeRateAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["hub", "client", "per_contact", "per_call", "charge_phone_contacts", "starts"]
    list_filter = ["hub"]


@admin.register(ServiceAgreement, site=site)
class ServiceAgreementAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = [
        "agreement",
        "service_level_target",
        "abandonment_max",
        "fcr_target",
        "sla_target",
        "charging_basis",
    ]
    filter_horizontal = ["services"]
    list_select_related = ["agreement__hub", "agreement__client"]


@admin.register(SamplingRule, site=site)
class SamplingRuleAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = [
        "__str__",
        "base_rate",
        "raised_rate",
        "raise_above",
        "lower_below",
        "period_minutes",
        "raised",
        "last_abandonment_rate",
        "evaluated_at",
    ]
    readonly_fields = [
        "raised",
        "last_abandonment_rate",
        "last_offered",
        "evaluated_at",
        "changed_at",
    ]
    list_select_related = ["queue"]


@admin.register(SamplingRateChange, site=site)
class SamplingRateChangeAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["at", "rule", "from_rate", "to_rate", "abandonment_rate", "offered"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatementSent, site=site)
class StatementSentAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    """Which monthly statements `send_statements` has emailed: read-only (delete one to have
    it sent again)."""

    list_display = ["partner", "month", "sent_to", "sent_at"]
    list_filter = ["month"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvitation, site=site)
class SurveyInvitationAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Each names a resident's contact or request: case work, superusers only."""

    list_display = ["created_at", "partner", "channel", "rate", "sent_by", "expires_at"]
    list_filter = ["partner", "sent_by"]
    exclude = ["token"]
    raw_id_fields = ["contact", "service_request"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionResponse, site=site)
class SatisfactionResponseAdmin(CaseWorkSuperusersOnly, admin.ModelAdmin):
    """Residents' own words (comments): superusers only; insight shows the figures."""

    list_display = ["submitted_at", "partner", "service", "channel", "score", "resolved"]
    list_filter = ["partner", "score", "channel"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommunitySafetyService, site=site)
class CommunitySafetyServiceAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    """Which services count as community safety (the hotspots pages)."""

    list_display = ["service"]
    autocomplete_fields = ["service"]
