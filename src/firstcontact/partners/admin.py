from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from firstcontact.admin_site import NamedControlsAdmin, site
from firstcontact.partners.models import (
    HubAgreement,
    Membership,
    OpeningHours,
    Partner,
    PartnerArea,
    Team,
)


class PartnershipAdminPermissions(NamedControlsAdmin):
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


class CaseWorkSuperusersOnly(NamedControlsAdmin):
    """Case work kept in the admin for an operator tracing a fault (messages sent, bundles
    raised): superusers only, read-only. A partnership administrator configures and reads no
    case work (docs/access.md), so it is neither listed nor opened for them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


# Fields only a superuser may see or set: superuser status, and the groups and permissions
# that could grant superuser-like rights through the back door.
SUPERUSER_ONLY_FIELDS = {"is_superuser", "groups", "user_permissions"}


@admin.register(User, site=site)
class StaffAdmin(PartnershipAdminPermissions, UserAdmin):
    """Staff logins. A partnership administrator who is not a superuser cannot make anyone
    (themselves included) a superuser or grant permissions, cannot change a superuser's login,
    and nobody deletes a login here: switch it off ("Active") instead, so its history stays
    whole."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = ["unlock_sign_in", "reset_second_factor"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS],
                },
            )
            for name, options in fieldsets
        ]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f not in SUPERUSER_ONLY_FIELDS]

    def has_change_permission(self, request, obj=None):
        # A superuser's login (and password) is changed only by a superuser.
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock sign-in (clear failed attempts for these logins)")
    def unlock_sign_in(self, request, queryset):
        from axes.models import AccessAttempt

        from firstcontact.accounts.admin import audit_unlock

        attempts = AccessAttempt.objects.filter(
            username__in=list(queryset.values_list("username", flat=True))
        )
        audit_unlock(request, list(attempts))
        count = len(set(attempts.values_list("username", flat=True)))
        attempts.delete()
        self.message_user(request, f"Unlocked {count} login(s).", messages.SUCCESS)

    @admin.action(description="Reset two-factor authentication (they set up their app again)")
    def reset_second_factor(self, request, queryset):
        from firstcontact.accounts.services import reset_second_factor

        users = list(queryset)
        if not request.user.is_superuser and any(u.is_superuser for u in users):
            self.message_user(
                request, "Only a superuser can reset a superuser's second factor.", messages.ERROR
            )
            return
        for user in users:
            reset_second_factor(request, user)
        self.message_user(
            request,
            f"Reset the second factor of {len(users)} login(s): they set up an app at their "
            "next sign-in.",
            messages.SUCCESS,
        )


site.register(Group, GroupAdmin)
