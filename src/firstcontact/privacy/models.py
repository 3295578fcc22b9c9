"""Who looked at what, and which partner may see which of another partner's data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from firstcontact.dates import one_calendar_month_after


class DataCategory(models.TextChoices):
    IDENTITY = "identity", "Identity and contact details"
    SERVICE_REQUESTS = "service_requests", "Service requests"
    CONTACTS = "contacts", "Contact history"


class DataSharingAgreementQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> DataSharingAgreementQuerySet:
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(starts__lte=on), Q(ends__isnull=True) | Q(ends__gte=on))


class DataSharingAgreement(models.Model):
    """The provider partner lets the recipient partner see some categories of its records,
    for a stated purpose, where the customer has consented."""

    provider = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="sharing_agreements_given"
    )
    recipient = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="sharing_agreements_received"
    )
    categories = models.JSONField(
        default=list, help_text="Which kinds of record: identity, service_requests, contacts."
    )
    purpose = models.CharField(max_length=300)
    reference = models.CharField(max_length=100, blank=True)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)

    objects = DataSharingAgreementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider=models.F("recipient")), name="dsa_between_two_partners"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient}: {', '.join(self.categories)}"

    def clean(self) -> None:
        unknown = set(self.categories) - set(DataCategory.values)
        if unknown:
            raise ValidationError(
                {"categories": f"Unknown categories: {', '.join(sorted(unknown))}"}
            )
        if self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "The agreement cannot end before it starts."})


class AuditEvent(models.Model):
    """One access to or change of personal data. Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        EXPORT = "export", "Exported"
        DELETE = "delete", "Deleted"
        ANONYMISE = "anonymise", "Anonymised"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"
        ADMIN = "admin", "Administration"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and nothing done on delete: deleting a user leaves their audit
    # rows as they were (the id and the username below), since the trail is append-only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The user's name at the time (kept if deleted)."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    customer_id = models.BigIntegerField(null=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.username or '-'} {self.action} {self.object_type} {self.object_id}"


class SubjectAccessRequest(models.Model):
    """A person's request for a copy of what is held about them, logged by a data protection
    officer, with its statutory due date (one calendar month after receipt)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused"

    # The record the request was matched to. Kept if that record is later erased: the log
    # keeps the name it was logged under.
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="subject_access_requests",
        help_text="The partner holding the record it was matched to (whose DPOs see it).",
    )
    subject_name = models.CharField(max_length=300)
    received_on = models.DateField()
    due_on = models.DateField()
    requester = models.CharField(
        max_length=300,
        help_text="Who asked: the person, or who acts for them and on what authority.",
    )
    identity_check = models.CharField(
        max_length=500, help_text="How the requester's identity (and any authority) was checked."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    refusal_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    logged_at = models.DateTimeField(auto_now_add=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["partner", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="sar_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="sar_due_after_receipt"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} ({self.subject_name})"

    def save(self, *args, **kwargs) -> None:
        if self.received_on and not self.due_on:
            self.due_on = one_calendar_month_after(self.received_on)
        super().save(*args, **kwargs)


class SubjectAccessExport(models.Model):
    """One export made for a subject access request: when, by whom, of which records, and
    how many of each kind of thing it held (the ZIP itself is not kept)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="exports"
    )
    exported_at = models.DateTimeField(auto_now_add=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    customer_ids = models.JSONField(default=list)
    partner_ids = models.JSONField(default=list)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"Export for subject access request {self.request_id} at {self.exported_at}"
