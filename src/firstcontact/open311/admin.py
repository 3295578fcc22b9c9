"""Open311 clients and their API keys. A key is shown once, when it is made; only its hash
and a short prefix (to recognise it) are kept."""

from django.contrib import admin, messages

from firstcontact.admin_site import site
from firstcontact.open311.models import Open311Client, Open311Submission
from firstcontact.partners.admin import PartnershipAdminPermissions


def _show_key_once(request, client: Open311Client, raw_key: str) -> None:
    messages.warning(
        request,
        f"The api_key for “{client}” is {raw_key} — copy it now: it will not be shown again. "
        f"Its jurisdiction_id is “{client.partner.slug}”.",
    )


@admin.register(Open311Client, site=site)
class Open311ClientAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = [
        "name",
        "partner",
        "masked_key",
        "active",
        "rate_limit_per_minute",
        "created_at",
    ]
    list_filter = ["active", "partner"]
    search_fields = ["name", "partner__name", "key_prefix"]
    fields = ["partner", "name", "active", "rate_limit_per_minute", "masked_key", "created_at"]
    readonly_fields = ["masked_key", "created_at"]
    actions = ["generate_new_key"]

    @admin.display(description="API key")
    def masked_key(self, obj: Open311Client) -> str:
        return obj.masked_key

    def save_model(self, request, obj, form, change):
        raw_key = None if change and obj.key_hash else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw_key:
            _show_key_once(request, obj, raw_key)

    @admin.action(description="Generate a new API key (the old one stops working)")
    def generate_new_key(self, request, queryset):
        for client in queryset.select_related("partner"):
            raw_key = client.set_new_key()
            client.save(update_fields=["key_prefix", "key_hash"])
            _show_key_once(request, client, raw_key)


@admin.register(Open311Submission, site=site)
class Open311SubmissionAdmin(admin.ModelAdmin):
    """Reports as received, for an operator tracing a client's retries: case work (which
    request, which client id), so superusers only; a partnership administrator configures
    and reads no case work (docs/access.md)."""

    list_display = [
        "reference",
        "service_request",
        "client",
        "partner",
        "client_request_id",
        "created_at",
        "processed_at",
    ]
    list_filter = ["partner", "client"]
    search_fields = ["reference", "client_request_id", "service_request__reference"]
    list_select_related = ["service_request__service", "client__partner", "partner"]
    # The accepted report itself (the resident's details) is not shown: it is emptied once
    # the report is raised, and the request and customer record hold it from then on.
    fields = readonly_fields = [
        "client",
        "partner",
        "reference",
        "service",
        "responsible_partner",
        "service_request",
        "client_request_id",
        "account_id",
        "device_id",
        "media_urls",
        "created_at",
        "processed_at",
    ]

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
