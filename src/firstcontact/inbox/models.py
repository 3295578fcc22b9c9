"""Email and text messages in: partners' mailboxes and SMS numbers, the raw messages as they
arrived (stored before anything else), and the conversations staff answer from the desk."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Mailbox(models.Model):
    """A shared inbox (contact@, council.tax@) or an inbound SMS number of a partner's team.

    Messages arrive by IMAP polling (imap_* fields), by the raw-MIME webhook, or by an SMS
    webhook (GOV.UK Notify's received-text callback or a generic gateway), each authenticated
    by `webhook_secret`.
    """

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="mailboxes"
    )
    team = models.ForeignKey(
        "partners.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailboxes",
        help_text="The team that answers it (its queue in the desk).",
    )
    name = models.CharField(max_length=200)
    address = models.EmailField(
        blank=True, help_text="The mailbox's own address: replies are sent from it."
    )
    sms_number = models.CharField(
        max_length=20, blank=True, help_text="The inbound SMS number (E.164), for text messages."
    )
    active = models.BooleanField(default=True)
    # IMAP polling (leave the host empty for a mailbox fed by the webhook alone).
    imap_host = models.CharField(max_length=200, blank=True, verbose_name="IMAP host")
    imap_port = models.PositiveIntegerField(default=993, verbose_name="IMAP port")
    imap_security = models.CharField(
        max_length=10,
        choices=[("ssl", "SSL/TLS"), ("starttls", "STARTTLS"), ("none", "None (tests only)")],
        default="ssl",
        verbose_name="IMAP security",
    )
    imap_username = models.CharField(max_length=200, blank=True, verbose_name="IMAP username")
    # Write-only in the admin: never shown back.
    imap_password = models.CharField(max_length=500, blank=True, verbose_name="IMAP password")
    imap_folder = models.CharField(max_length=200, default="INBOX", verbose_name="IMAP folder")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    webhook_secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Sent by the mail gateway or SMS provider as 'Authorization: Bearer …'.",
    )
    first_response_policy = models.ForeignKey(
        "catalogue.SLAPolicy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first-response service standard (e.g. 2 working days).",
    )
    acknowledge = models.BooleanField(
        default=True, help_text="Send one automatic acknowledgement per conversation."
    )
    acknowledgement_text = models.TextField(
        blank=True,
        help_text="The acknowledgement's words; the conversation's reference is added.",
    )

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["partner__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"

    @property
    def polls_imap(self) -> bool:
        return bool(self.imap_host and self.imap_username)


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    WEBHOOK = "webhook", "Mail webhook"
    NOTIFY = "notify", "GOV.UK Notify text"
    SMS = "sms", "SMS webhook"


class RawState(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate of a message already in a conversation"
    AUTOMATIC = "automatic", "Automatic reply or bounce, not threaded"
    RATE_LIMITED = "rate_limited", "Held: the sender sent too many"
    FAILED = "failed", "Failed"


class RawMessage(models.Model):
    """Exactly what arrived, stored before anything else, so nothing is ever lost. One row per
    distinct message: the same bytes (or the same Notify id) arriving twice make one row."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="raw_messages")
    source = models.CharField(max_length=10, choices=Source.choices)
    raw = models.BinaryField(help_text="The RFC 822 message, or the SMS payload as JSON.")
    size = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the bytes, or a provider id.")
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=15, choices=RawState.choices, default=RawState.PENDING)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "digest"], name="raw_message_once"),
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} message {self.pk} ({self.get_state_display()})"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class ConversationStatus(models.TextChoices):
    UNASSIGNED = "unassigned", "Unassigned"
    CLAIMED = "claimed", "Claimed"
    RESOLVED = "resolved", "Resolved"


class FirstResponseAlert(models.TextChoices):
    """What the team leaders have been told about a conversation's first response."""

    NONE = "", "Nothing"
    APPROACHING = "approaching", "Due soon"
    BREACHED = "breached", "Overdue"


class ConversationQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=ConversationStatus.RESOLVED)


class Conversation(models.Model):
    """Messages with one sender about one thing, answered by the mailbox's team."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="conversations")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="conversations"
    )
    team = models.ForeignKey(
        "partners.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reference = models.CharField(max_length=8, unique=True)
    subject = models.CharField(max_length=300, blank=True)
    sender = models.CharField(max_length=254, help_text="Email address or E.164 number.")
    sender_name = models.CharField(max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    status = models.CharField(
        max_length=12, choices=ConversationStatus.choices, default=ConversationStatus.UNASSIGNED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    # The contact it counts as (channel email or sms), ended with its outcome when resolved.
    contact = models.OneToOneField(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversation",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    first_response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    # Moved only forwards by inbox.escalation with a conditional UPDATE: each alert is sent once.
    first_response_alert = models.CharField(
        max_length=12, choices=FirstResponseAlert.choices, blank=True, default=""
    )
    first_response_alert_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["partner", "status", "created_at"]),
            models.Index(fields=["mailbox", "sender", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | ~Q(status="resolved") & Q(resolved_at__isnull=True),
                name="conversation_resolved_iff_resolved_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.formatted_reference} {self.subject}"

    @property
    def formatted_reference(self) -> str:
        from firstcontact.servicerequests.references import format_reference

        return format_reference(self.reference)

    @property
    def is_open(self) -> bool:
        return self.status != ConversationStatus.RESOLVED


class Direction(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"
    NOTE = "note", "Internal note"


class DeliveryState(models.TextChoices):
    """A reply's way out: queued, then sent (the mail server or GOV.UK Notify took it) or
    retrying with backoff, then, for a text message, delivered or failed as Notify's delivery
    receipt says; failed after the last try."""

    NONE = "", "–"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Not sent yet: trying again"
    FAILED = "failed", "Failed"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    raw = models.OneToOneField(
        RawMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="message"
    )
    direction = models.CharField(max_length=4, choices=Direction.choices)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    # Sanitised with nh3 when received: safe to show as it is.
    html = models.TextField(blank=True)
    automatic = models.BooleanField(
        default=False, help_text="An auto-reply or a bounce: never answered automatically."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivery = models.CharField(
        max_length=10, choices=DeliveryState.choices, blank=True, default=DeliveryState.NONE
    )
    delivery_error = models.TextField(blank=True)
    # Sending a reply: tries so far, when the next is due (RETRYING), when the state last
    # changed, and GOV.UK Notify's id for a text message (its delivery receipts name it).
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.pk} in {self.conversation.reference}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"inbox/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class AttachmentState(models.TextChoices):
    STORED = "stored", "Stored"
    REFUSED = "refused", "Refused"
    INFECTED = "infected", "Refused: the virus scan found something"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=_attachment_path, max_length=200, blank=True)
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=AttachmentState.choices)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def stored(self) -> bool:
        return self.state == AttachmentState.STORED
