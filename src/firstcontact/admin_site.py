"""The Django admin, for partnership administrators only."""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from firstcontact.partners.selectors import is_partnership_admin


class PartnershipAdminSite(admin.AdminSite):
    site_header = "FirstContact partnership administration"
    site_title = "FirstContact admin"
    index_title = "Partners, services, teams and staff"

    def has_permission(self, request) -> bool:
        from firstcontact.accounts.services import second_factor_satisfied

        # The second factor is checked by middleware on every staff page; here as well, so
        # the admin never relies on the middleware being in place.
        return is_partnership_admin(request.user) and second_factor_satisfied(request.user)

    def login(self, request, extra_context=None):
        """The staff sign-in (password, then the second factor), not the admin's own form."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


site = PartnershipAdminSite(name="admin")
