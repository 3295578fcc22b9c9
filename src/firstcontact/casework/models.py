"""Case work staples around the work queue: canned replies a partner's officers pick when
they write to a resident, and each officer's saved views of the queue."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CannedReply(models.Model):
    """Words a partner's officers reuse in public updates, closing messages and letters, with
    placeholders ({reference}, {service}...) filled from the request when picked
    (casework/placeholders.py). Offered only on the partner's own requests, and, when a
    service is named, only on that service's."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="canned_replies"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_replies",
        help_text="Offered only on requests for this service (empty: on every request of the "
        "partner).",
    )
    title = models.CharField(max_length=100)
    text = models.TextField(max_length=5000)
    # Retired replies are kept (an update sent with one still reads the same) but not offered.
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "title"]
        verbose_name_plural = "canned replies"
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "title"],
                condition=Q(retired_at__isnull=True),
                name="canned_reply_title_unique_while_in_use",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def clean(self) -> None:
        # The admin's check; the staff page's is casework.services.save_reply (the same).
        from firstcontact.casework.placeholders import PLACEHOLDERS, unknown_placeholders

        if unknown := unknown_placeholders(self.text):
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise ValidationError(
                {"text": f"Not a placeholder: {', '.join(unknown)}. Use only {known}."}
            )
        if (
            self.service_id
            and self.partner_id
            and not self.service.deliveries.filter(partner_id=self.partner_id).exists()
        ):
            raise ValidationError({"service": "Choose a service the partner delivers, or none."})


class SavedView(models.Model):
    """An officer's own filters and sort of the work queue, by name. `query` is the queue's
    query string (team, service, status, service standard, assignee, priority, sort); it is
    applied through the queue's own form, so a filter that no longer fits is dropped there
    with its error, never trusted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="one_default_view_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name
