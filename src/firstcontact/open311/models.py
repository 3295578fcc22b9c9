"""Open311-specific state: API clients (keys held hashed), and submissions: each report as
accepted (its service_request_id given out at once), for idempotent retries, for knowing
which jurisdiction a request was posted to, and for the background task that raises it.
Photos are the shared servicerequests.RequestPhoto, so officers see them with the request."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

KEY_PREFIX = "fc311_"
# Characters of the key kept in clear for lookup and for recognising a key in the admin.
LOOKUP_LENGTH = len(KEY_PREFIX) + 8


def hash_key(raw_key: str) -> str:
    """Keys are 256 random bits, so a plain SHA-256 is enough (no salt or stretching needed)."""
    return hashlib.sha256(raw_key.encode("utf-8", "replace")).hexdigest()


class Open311ClientQuerySet(models.QuerySet):
    def for_key(self, raw_key: str) -> Open311Client | None:
        """The active client holding `raw_key`, or None. Compared in constant time."""
        if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
            return None
        digest = hash_key(raw_key)
        for client in self.filter(active=True, key_prefix=raw_key[:LOOKUP_LENGTH]).select_related(
            "partner"
        ):
            if hmac.compare_digest(client.key_hash, digest):
                return client
        return None


class Open311Client(models.Model):
    """A system allowed to post reports for one partner (one FixMyStreet body, say)."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="open311_clients",
        help_text="The jurisdiction this key posts to (jurisdiction_id is the partner's slug).",
    )
    name = models.CharField(max_length=200, help_text="Who uses the key, e.g. FixMyStreet.")
    key_prefix = models.CharField(max_length=20, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Requests a minute allowed with this key; empty for the partnership default.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name", "name"]
        verbose_name = "Open311 client"

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"

    def set_new_key(self) -> str:
        """Give the client a fresh key and return it: the only time it is ever seen."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_prefix = raw[:LOOKUP_LENGTH]
        self.key_hash = hash_key(raw)
        return raw

    @property
    def masked_key(self) -> str:
        return f"{self.key_prefix}…" if self.key_prefix else "(no key yet)"


class Open311Submission(models.Model):
    """A report posted through Open311: by which client, to which jurisdiction, under which
    client-side id (FixMyStreet's fixmystreet_id), so a retry returns the same request.

    A report is accepted in one INSERT: checked, routed against the cached areas and given
    its `reference` (the service_request_id the client gets back at once), with what is
    needed to raise it in `report`. A background task (tasks.process_report) then matches
    the customer and raises the service request under that reference, and empties `report`.
    Until then `service_request` is empty and the report is listed as open.
    """

    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="submissions")
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="open311_submissions",
        help_text="The jurisdiction it was posted to.",
    )
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="open311_submissions",
        help_text="Empty until the report has been processed.",
    )
    reference = models.CharField(
        max_length=8,
        blank=True,
        editable=False,
        help_text="The service_request_id given to the client when the report was accepted.",
    )
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who the report was routed to when it was accepted.",
    )
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text="The accepted report, kept until it is raised as a service request.",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    client_request_id = models.CharField(
        max_length=100, blank=True, help_text="fixmystreet_id or the client's own id."
    )
    account_id = models.CharField(max_length=200, blank=True)
    device_id = models.CharField(max_length=200, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_request_id"],
                condition=~Q(client_request_id=""),
                name="open311_submission_client_id_unique",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="open311_submission_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "service_request"]),
            models.Index(
                fields=["created_at"],
                condition=Q(service_request__isnull=True),
                name="open311_submission_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.client_request_id or self.reference}"

    @property
    def is_pending(self) -> bool:
        return self.service_request_id is None


class Open311UpdateSubmission(models.Model):
    """A citizen's update posted by a client, keyed by the client's update_id."""

    client = models.ForeignKey(
        Open311Client, on_delete=models.PROTECT, related_name="update_submissions"
    )
    request_update = models.ForeignKey(
        "servicerequests.RequestUpdate", on_delete=models.CASCADE, related_name="+"
    )
    client_update_id = models.CharField(max_length=100, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_update_id"],
                condition=~Q(client_update_id=""),
                name="open311_update_client_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client}: update {self.client_update_id or self.request_update_id}"
