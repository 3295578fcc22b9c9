from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.partners.admin import PartnershipAdminPermissions
from firstcontact.servicerequests.models import ComplaintPolicy


@admin.register(ComplaintPolicy, site=site)
class ComplaintPolicyAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["partner", "stage1_working_days", "stage2_working_days"]
    autocomplete_fields = ["partner"]
