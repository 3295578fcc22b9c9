from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from firstcontact.admin_site import site
from firstcontact.partners.models import (
    HubAgreement,
    Membership,
    OpeningHours,
    Partner,
    PartnerArea,
    Team,
)


class PartnershipAdminPermissions:
    """Partnership admins manage everything here; the site itself checks the role."""

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, *args):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True


class AreaInline(PartnershipAdminPermissions, admin.TabularInline):
    model = PartnerArea
    extra = 0


class TeamInline(PartnershipAdminPermissions, admin.TabularInline):
    model = Team
    extra = 0


class OpeningHoursInline(PartnershipAdminPermissions, admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Partner, site=site)
class PartnerAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_hub"]
    list_filter = ["kind", "is_hub"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AreaInline, TeamInline, OpeningHoursInline]


@admin.register(Team, site=site)
class TeamAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["name", "partner", "email"]
    list_filter = ["partner"]
    search_fields = ["name"]


@admin.register(HubAgreement, site=site)
class HubAgreementAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["hub", "client", "reference", "starts", "ends"]


class MembershipInline(PartnershipAdminPermissions, admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["partner"]


@admin.register(User, site=site)
class StaffAdmin(PartnershipAdminPermissions, UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]


site.register(Group, GroupAdmin)
