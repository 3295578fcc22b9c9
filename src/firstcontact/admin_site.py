"""The Django admin, for partnership administrators only."""

from django.contrib import admin

from firstcontact.partners.selectors import is_partnership_admin


class PartnershipAdminSite(admin.AdminSite):
    site_header = "FirstContact partnership administration"
    site_title = "FirstContact admin"
    index_title = "Partners, services, teams and staff"

    def has_permission(self, request) -> bool:
        return is_partnership_admin(request.user)


site = PartnershipAdminSite(name="admin")
