"""Mailboxes are configured in the admin: the IMAP password is write-only (never shown back:
leave it blank to keep the one stored). Raw messages are listed by their state only (their
content is customers' data, which the partnership admin does not read), with an action to
process failed or held ones again."""

from django import forms
from django.contrib import admin

from firstcontact.admin_site import site
from firstcontact.inbox.models import Mailbox, RawMessage, RawState, new_secret
from firstcontact.inbox.services import process_raw
from firstcontact.partners.admin import PartnershipAdminPermissions


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label="IMAP password",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Never shown again. Leave blank to keep the password already stored.",
    )
    rotate_secret = forms.BooleanField(
        label="Make a new webhook secret",
        required=False,
        help_text="The gateway or Notify must then be given the new one.",
    )

    class Meta:
        model = Mailbox
        fields = [
            "partner", "team", "name", "address", "sms_number", "active",
            "first_response_policy", "acknowledge", "acknowledgement_text",
            "imap_host", "imap_port", "imap_security", "imap_username", "imap_password",
            "imap_folder",
        ]  # fmt: skip

    def save(self, commit=True):
        mailbox = super().save(commit=False)
        password = self.cleaned_data.get("imap_password")
        if password:
            mailbox.imap_password = password
        elif mailbox.pk:
            mailbox.imap_password = (
                Mailbox.objects.filter(pk=mailbox.pk).values_list("imap_password", flat=True).get()
            )
        if self.cleaned_data.get("rotate_secret"):
            mailbox.webhook_secret = new_secret()
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox, site=site)
class MailboxAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "partner", "team", "address", "sms_number", "active", "last_polled_at"]
    list_filter = ["active", "partner"]
    readonly_fields = ["webhook_secret", "last_polled_at", "last_error"]
    fieldsets = [
        (None, {"fields": ["partner", "team", "name", "address", "sms_number", "active"]}),
        (
            "Service standard and acknowledgement",
            {"fields": ["first_response_policy", "acknowledge", "acknowledgement_text"]},
        ),
        (
            "IMAP polling",
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_username",
                    "imap_password",
                    "imap_folder",
                    "last_polled_at",
                    "last_error",
                ]
            },
        ),
        ("Webhooks", {"fields": ["webhook_secret", "rotate_secret"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # its messages and conversations refer to it: deactivate instead


@admin.register(RawMessage, site=site)
class RawMessageAdmin(PartnershipAdminPermissions, admin.ModelAdmin):
    list_display = ["received_at", "mailbox", "source", "state", "size", "attempts", "error"]
    list_filter = ["state", "source", "mailbox"]
    fields = ["mailbox", "source", "received_at", "state", "size", "attempts", "error"]
    readonly_fields = fields
    actions = ["process_again"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Process again (failed, or held by the sender limit)")
    def process_again(self, request, queryset):
        done = 0
        for pk in queryset.filter(
            state__in=[RawState.FAILED, RawState.RATE_LIMITED, RawState.PENDING]
        ).values_list("pk", flat=True):
            process_raw(pk, ignore_rate_limit=True)
            done += 1
        self.message_user(request, f"{done} messages processed again.")
