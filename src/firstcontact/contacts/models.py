"""Contacts: one interaction with a customer on one channel, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from firstcontact.customers.models import Channel


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved at first contact"
    REQUEST_RAISED = "request_raised", "Service request raised"
    REFERRED = "referred", "Referred to a partner"
    SIGNPOSTED = "signposted", "Signposted"
    CALLBACK_BOOKED = "callback_booked", "Callback booked"
    ABANDONED = "abandoned", "Abandoned"


class Contact(models.Model):
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text="The partner the contact was handled for.",
    )
    handled_by = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_handled",
        help_text="The partner (hub) whose staff handled it, if not the same.",
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reasons = models.ManyToManyField("catalogue.Service", blank=True, related_name="contacts")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["partner", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="contact_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(outcome=""),
                name="ended_contact_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} contact {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
