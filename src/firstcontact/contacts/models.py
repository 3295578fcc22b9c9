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
    # Left "in progress" when the adviser's session ended; closed by close_timed_out_contacts
    # (see contacts.services). Nobody knows how it ended, so FCR leaves it out and counts it
    # apart.
    TIMED_OUT = "timed_out", "Timed out (left in progress)"


# Outcomes that say nothing about resolution: FCR leaves them out of its denominator.
NOT_COUNTED_IN_FCR = (Outcome.ABANDONED, Outcome.TIMED_OUT)

# Outcomes that count as resolved at first contact, wherever FCR is computed (selectors,
# insight rollups and dashboards): answered outright, or signposted to a service that meets
# the need (issue 14: the customer needs nothing more from us).
FCR_OUTCOMES = (Outcome.RESOLVED, Outcome.SIGNPOSTED)


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


class CallbackStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CallbackResult(models.TextChoices):
    SPOKE = "spoke", "Spoke to the customer"
    NO_ANSWER = "no_answer", "No answer, message left or not"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class Callback(models.Model):
    """A promise to ring a customer back in a time window, for a partner, by an adviser or a
    team. Booked in a contact (usually ending it as "callback booked")."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="callbacks",
        help_text="The partner the callback is made for.",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
        help_text="The contact in which it was booked.",
    )
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +447700900123.")
    reason = models.TextField()
    window_start = models.DateTimeField(db_index=True)
    window_end = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks_assigned",
    )
    team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    status = models.CharField(
        max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.BOOKED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(max_length=20, choices=CallbackResult.choices, blank=True)
    result_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["window_start", "pk"]
        indexes = [models.Index(fields=["partner", "status", "window_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="callback_window_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="booked", completed_at__isnull=True)
                | ~Q(status="booked") & Q(completed_at__isnull=False),
                name="callback_completed_iff_not_booked",
            ),
        ]

    def __str__(self) -> str:
        return f"Callback {self.pk} ({self.window_start:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.status == CallbackStatus.BOOKED
