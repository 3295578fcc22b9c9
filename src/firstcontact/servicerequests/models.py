"""Service requests (cases), their timeline, and referrals between partners."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from firstcontact.catalogue.models import Priority
from firstcontact.customers.models import Channel


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class ClosureOutcome(models.TextChoices):
    FIXED = "fixed", "Fixed"
    NOT_OUR_RESPONSIBILITY = "not_our_responsibility", "Not our responsibility"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    DUPLICATE = "duplicate", "Duplicate"
    CANCELLED = "cancelled", "Cancelled"


# Which status may follow which. Closed is final: a new problem is a new request.
TRANSITIONS: dict[str, set[str]] = {
    Status.OPEN: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED},
    Status.IN_PROGRESS: {Status.ON_HOLD, Status.CLOSED},
    Status.ON_HOLD: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: set(),
}


class SLAAlert(models.TextChoices):
    NONE = "", "On time"
    APPROACHING = "approaching", "Due soon"
    BREACHED = "breached", "Overdue"


class ServiceRequest(models.Model):
    reference = models.CharField(max_length=8, unique=True, editable=False)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="requests"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
        help_text="The contact in which it was raised.",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    responsible_partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="service_requests"
    )
    team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=30, choices=ClosureOutcome.choices, blank=True)
    description = models.TextField(blank=True)
    # Whether the description may be published (Open311's GET requests, for a service whose
    # requests are public): a resident's own words in their own report are; anything staff
    # wrote is internal unless they mark it public (docs/access.md, "Public").
    description_public = models.BooleanField(
        default=False,
        verbose_name="description is public",
        help_text="The description may be shown publicly with the request (only for services "
        "whose requests are public). A resident's own report is; staff's words are not "
        "unless marked so.",
    )
    attributes = models.JSONField(default=dict, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    uprn = models.CharField(max_length=12, blank=True, verbose_name="UPRN")
    sla_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when raised from the service's priority rules (catalogue/priority.py): the standard
    # the due time was worked out by (null: the service's), how urgent, and which rule said so.
    sla_policy = models.ForeignKey(
        "catalogue.SLAPolicy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="service standard",
    )
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL, db_index=True
    )
    priority_reason = models.CharField(max_length=200, blank=True)
    on_hold_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every change; a write that names an older version is a stale edit.
    version = models.PositiveIntegerField(default=1)
    # What the periodic SLA escalation (escalate_slas) last told the team leader about this
    # request, so it tells them once per state; lowered again when the due time moves later.
    sla_alert = models.CharField(
        max_length=12, choices=SLAAlert.choices, blank=True, default=SLAAlert.NONE
    )
    sla_alert_at = models.DateTimeField(null=True, blank=True)
    # A request a resident raised by saying a closed one "is not fixed" (where reopening it
    # was not allowed: the service says so, or it was reopened too often): the one it follows.
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="The closed request this one was raised from, when a resident said it was "
        "not fixed.",
    )
    # How many times the resident reopened it ("this is not fixed" on the tracking page).
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["responsible_partner", "status", "sla_due_at"]),
            models.Index(fields=["team", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | ~Q(status="closed") & Q(outcome=""),
                name="closed_iff_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="on_hold", on_hold_since__isnull=False)
                | ~Q(status="on_hold") & Q(on_hold_since__isnull=True),
                name="on_hold_has_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.formatted_reference} {self.service}"

    @property
    def formatted_reference(self) -> str:
        from firstcontact.servicerequests.references import format_reference

        return format_reference(self.reference)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class UpdateKind(models.TextChoices):
    CREATED = "created", "Request raised"
    STATUS = "status", "Status changed"
    NOTE = "note", "Note"
    ASSIGNED = "assigned", "Assigned"
    REFERRAL = "referral", "Referred"
    CUSTOMER = "customer", "Update from the customer"
    REOPENED = "reopened", "Reopened by the resident"
    SUPPORTER = "supporter", "Also reported by someone else"


class RequestUpdate(models.Model):
    """One entry on a request's timeline. Public entries are shown to the resident."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=UpdateKind.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, help_text="The request's status after this update."
    )
    outcome = models.CharField(max_length=30, choices=ClosureOutcome.choices, blank=True)
    public = models.BooleanField(default=False)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.get_kind_display()}"


class RequestSupporter(models.Model):
    """Someone else who reported the same problem and was added to this request instead of
    raising a duplicate ("already reported nearby"): told of its public updates when they gave
    contact details (a customer record of the responsible partner), counted as "reported by N
    people" for staff. Never shown to the public or to the request's own customer."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="supporters")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supported_requests",
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Supporter of {self.request.reference}"


class Referral(models.Model):
    """A request handed to another partner, with the consent that allowed its details to go."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"  # by the referrer: sent in error

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="referrals")
    from_partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="referrals_made"
    )
    to_partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="referrals_received"
    )
    to_team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    consent = models.ForeignKey(
        "customers.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SENT)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the partner completed or declined it (insight's time to feedback), and when the
    # responsible team answered the prompt to tell the resident (null: still prompted).
    answered_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_partner=models.F("to_partner")), name="referral_to_another"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} referred to {self.to_partner}"


def _photo_path(instance: RequestPhoto, filename: str) -> str:
    import secrets

    now = timezone.now()
    return f"requests/{now:%Y/%m}/{secrets.token_hex(16)}.{instance.extension}"


class RequestPhoto(models.Model):
    """A photo sent with a request, checked by its content (not its name) when received."""

    EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Photo {self.pk} of {self.request.reference}"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "bin")


class ComplaintPolicy(models.Model):
    """A partner's complaint deadlines in working days; partners without one use the
    partnership's (settings.FIRSTCONTACT["COMPLAINT_STAGE_WORKING_DAYS"], 10 and 20)."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="complaint_policy"
    )
    stage1_working_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1)]
    )
    stage2_working_days = models.PositiveSmallIntegerField(
        default=20, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name_plural = "complaint policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(stage1_working_days__gte=1, stage2_working_days__gte=1),
                name="complaint_days_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.stage1_working_days} and {self.stage2_working_days} days"


class ComplaintStage(models.IntegerChoices):
    STAGE_1 = 1, "Stage 1"
    STAGE_2 = 2, "Stage 2 (final)"


class ComplaintDecision(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class Complaint(models.Model):
    """A service request about a complaint: answered at stage 1 by a deadline; a customer who
    is not satisfied escalates it to stage 2 (the final response), with its own deadline."""

    request = models.OneToOneField(
        ServiceRequest, on_delete=models.CASCADE, related_name="complaint"
    )
    stage = models.PositiveSmallIntegerField(
        choices=ComplaintStage.choices, default=ComplaintStage.STAGE_1
    )
    stage1_due_at = models.DateTimeField()
    stage1_responded_at = models.DateTimeField(null=True, blank=True)
    stage1_decision = models.CharField(max_length=20, choices=ComplaintDecision.choices, blank=True)
    stage1_response = models.TextField(blank=True, help_text="The stage 1 response letter.")
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    stage2_due_at = models.DateTimeField(null=True, blank=True)
    stage2_responded_at = models.DateTimeField(null=True, blank=True)
    stage2_decision = models.CharField(max_length=20, choices=ComplaintDecision.choices, blank=True)
    stage2_response = models.TextField(blank=True, help_text="The final response letter.")
    # What it is about: it goes to whoever delivers that service (or holds that request),
    # not to the council where the complainant lives.
    about_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about_request = models.ForeignKey(
        ServiceRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_about",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stage=1, escalated_at__isnull=True, stage2_due_at__isnull=True)
                | Q(stage=2, escalated_at__isnull=False, stage2_due_at__isnull=False),
                name="complaint_stage2_iff_escalated",
            )
        ]

    def __str__(self) -> str:
        return f"Complaint {self.request.reference} ({self.get_stage_display()})"

    @property
    def due_at(self):
        return self.stage2_due_at if self.stage == ComplaintStage.STAGE_2 else self.stage1_due_at

    @property
    def responded_at(self):
        if self.stage == ComplaintStage.STAGE_2:
            return self.stage2_responded_at
        return self.stage1_responded_at

    @property
    def decision(self) -> str:
        """The decision of the latest response ("" while none has been sent)."""
        return self.stage2_decision if self.stage2_decision else self.stage1_decision

    def get_decision_display(self) -> str:
        return ComplaintDecision(self.decision).label if self.decision else ""


def _attachment_path(instance: RequestAttachment, filename: str) -> str:
    import secrets

    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{secrets.token_hex(16)}.{instance.extension}"


class RequestAttachment(models.Model):
    """A file kept with a request: a letter or a photo from site that staff attach, or the
    evidence a resident sends with an application. Accepted by its content (not its name);
    images are re-encoded without their metadata. Staff only (docs/access.md): never public."""

    class Source(models.TextChoices):
        STAFF = "staff", "Staff"
        RESIDENT = "resident", "Resident"

    EXTENSIONS = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/gif": "gif",
        "image/webp": "webp",
        "application/pdf": "pdf",
        "application/msword": "doc",
        "application/vnd.ms-excel": "xls",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
        "application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
    }

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(max_length=120, help_text="The file's name as it was sent.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    # The evidence requirement it answers (catalogue.EvidenceRequirement.code), if any.
    evidence_code = models.SlugField(max_length=60, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.request.reference})"

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "bin")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
