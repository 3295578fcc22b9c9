"""How long each kind of record is kept, what stops it going (legal holds), and residents'
requests to erase what is held about them (UK GDPR Article 17)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from firstcontact.dates import add_months, one_calendar_month_after


class RecordKind(models.TextChoices):
    CONTACTS = "contacts", "Contacts (with their callbacks)"
    CLOSED_REQUESTS = "closed_requests", "Closed service requests"
    PHOTOS = "photos", "Photos of closed requests"
    INACTIVE_CUSTOMERS = "inactive_customers", "Customers with no activity"
    NOTIFICATIONS = "notifications", "Emails and text messages sent"
    ABANDONED_UPLOADS = "abandoned_uploads", "Resident site uploads never sent"
    AUDIT_EVENTS = "audit_events", "Audit trail"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise"
    DELETE = "delete", "Delete"


class PeriodUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"
    MONTHS = "months", "Months"
    YEARS = "years", "Years"


# Kinds with no partner of their own: one rule for the whole partnership.
PARTNERSHIP_ONLY_KINDS = frozenset({RecordKind.ABANDONED_UPLOADS, RecordKind.AUDIT_EVENTS})

# What may be done with each kind. Contacts and requests are counted by insight's figures
# (contacts by channel, FCR, SLA compliance, satisfaction), so their rows stay and only the
# personal data in them goes; files and messages can simply go.
ALLOWED_ACTIONS: dict[str, frozenset[str]] = {
    RecordKind.CONTACTS: frozenset({RetentionAction.ANONYMISE}),
    RecordKind.CLOSED_REQUESTS: frozenset({RetentionAction.ANONYMISE}),
    RecordKind.PHOTOS: frozenset({RetentionAction.DELETE}),
    RecordKind.INACTIVE_CUSTOMERS: frozenset({RetentionAction.ANONYMISE, RetentionAction.DELETE}),
    RecordKind.NOTIFICATIONS: frozenset({RetentionAction.ANONYMISE, RetentionAction.DELETE}),
    RecordKind.ABANDONED_UPLOADS: frozenset({RetentionAction.DELETE}),
    RecordKind.AUDIT_EVENTS: frozenset({RetentionAction.DELETE}),
}

# Longest period a rule may give, in its unit (a typo of 6000 years would keep things forever;
# 0 would delete things the moment they are made).
LONGEST = {PeriodUnit.HOURS: 24 * 366, PeriodUnit.DAYS: 366 * 100, PeriodUnit.MONTHS: 1200}
LONGEST[PeriodUnit.YEARS] = 100
# Audit events are evidence of who saw what: kept at least a year.
SHORTEST_AUDIT = dt.timedelta(days=365)


def period_before(moment: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """`moment` less the period, in local time (so months and years are calendar ones)."""
    if unit == PeriodUnit.HOURS:
        return moment - dt.timedelta(hours=amount)
    if unit == PeriodUnit.DAYS:
        return moment - dt.timedelta(days=amount)
    months = amount * 12 if unit == PeriodUnit.YEARS else amount
    local = timezone.localtime(moment)
    day = add_months(local.date(), -months)
    return local.replace(year=day.year, month=day.month, day=day.day)


class RetentionRuleQuerySet(models.QuerySet):
    def partnership(self) -> RetentionRuleQuerySet:
        return self.filter(partner__isnull=True)


class RetentionRule(models.Model):
    """Keep one kind of record for a period, then anonymise or delete it. A rule without a
    partner is the partnership's default; a partner's own rule for the kind replaces it for
    that partner's records."""

    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="retention_rules",
        help_text="Empty: the partnership's default, for every partner without a rule of its own.",
    )
    kind = models.CharField(max_length=30, choices=RecordKind.choices)
    amount = models.PositiveIntegerField(
        "keep for", validators=[MinValueValidator(1)], help_text="How many hours, days, months…"
    )
    unit = models.CharField(max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.YEARS)
    action = models.CharField(
        max_length=10, choices=RetentionAction.choices, default=RetentionAction.ANONYMISE
    )
    notes = models.CharField(
        max_length=300, blank=True, help_text="Why this period (the law or policy it follows)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kind"],
                condition=Q(partner__isnull=False),
                name="retention_rule_one_per_partner_kind",
                violation_error_message="This partner already has a rule for this kind of record.",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(partner__isnull=True),
                name="retention_rule_one_default_per_kind",
                violation_error_message="The partnership already has a rule for this kind.",
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="retention_rule_amount_1"),
        ]

    def __str__(self) -> str:
        who = self.partner.name if self.partner_id else "Partnership"
        return f"{who}: {self.get_kind_display()}, {self.period_text}, {self.get_action_display()}"

    @property
    def period_text(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit.rstrip("s")
        return f"{self.amount} {unit}"

    def cutoff(self, now: dt.datetime | None = None) -> dt.datetime:
        """Records older than this are due."""
        return period_before(now or timezone.now(), self.amount, self.unit)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind in PARTNERSHIP_ONLY_KINDS and self.partner_id:
            errors["partner"] = (
                f"{self.get_kind_display()} belong to no partner: leave the partner empty "
                "for one rule across the partnership."
            )
        allowed = ALLOWED_ACTIONS.get(self.kind)
        if allowed is not None and self.action not in allowed:
            if self.kind in {RecordKind.CONTACTS, RecordKind.CLOSED_REQUESTS}:
                errors["action"] = (
                    "Anonymise these: insight's figures count them, so deleting them would "
                    "change past months' figures."
                )
            else:
                errors["action"] = f"{self.get_kind_display()} can only be deleted."
        if self.amount and self.unit in LONGEST and self.amount > LONGEST[self.unit]:
            errors["amount"] = f"Keep for at most {LONGEST[self.unit]} {self.unit}."
        if (
            self.kind == RecordKind.AUDIT_EVENTS
            and self.amount
            and self.unit in PeriodUnit.values
            and timezone.now() - period_before(timezone.now(), self.amount, self.unit)
            < SHORTEST_AUDIT
        ):
            errors["amount"] = "Keep the audit trail for at least a year."
        if errors:
            raise ValidationError(errors)


class LegalHoldQuerySet(models.QuerySet):
    def active(self, on: dt.date | None = None) -> LegalHoldQuerySet:
        on = on or timezone.localdate()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=on))


class LegalHold(models.Model):
    """Keep a customer's records, or one request, whatever the retention rules say (a claim,
    an investigation, a court order). Held records and everything of a held customer are
    neither anonymised nor deleted, and a held customer cannot be erased (so retention never
    deletes a held record; a hold goes with its record only if that is deleted by hand)."""

    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_holds",
    )
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_holds",
    )
    reason = models.TextField(help_text="Why it is held, e.g. the claim or order's reference.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    until = models.DateField(
        null=True, blank=True, help_text="The hold ends after this day. Empty: until lifted."
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, service_request__isnull=True)
                | Q(customer__isnull=True, service_request__isnull=False),
                name="legal_hold_on_one_thing",
                violation_error_message="Hold either a customer or a service request.",
            )
        ]

    def __str__(self) -> str:
        what = (
            f"customer {self.customer_id}"
            if self.customer_id
            else f"request {self.service_request_id}"
        )
        return f"Legal hold on {what}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.until is None or self.until >= timezone.localdate())

    def clean(self) -> None:
        if bool(self.customer_id) == bool(self.service_request_id):
            raise ValidationError("Hold either a customer or a service request.")
        if self.until and self.placed_at and self.until < timezone.localdate(self.placed_at):
            raise ValidationError({"until": "The hold cannot end before it was placed."})


class ErasureStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSESSED = "assessed", "Assessed"
    CARRIED_OUT = "carried_out", "Carried out"
    REFUSED = "refused", "Refused"


class RefusalReason(models.TextChoices):
    """UK GDPR Article 17(3): when the right to erasure does not apply, and a legal hold."""

    FREEDOM_OF_EXPRESSION = (
        "expression",
        "Exercising the right of freedom of expression and information (Art. 17(3)(a))",
    )
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "Compliance with a legal obligation, or a task in the public interest or in the "
        "exercise of official authority (Art. 17(3)(b))",
    )
    PUBLIC_HEALTH = "public_health", "Public health purposes (Art. 17(3)(c))"
    ARCHIVING = (
        "archiving",
        "Archiving in the public interest, scientific or historical research or statistics "
        "(Art. 17(3)(d))",
    )
    LEGAL_CLAIMS = (
        "legal_claims",
        "The establishment, exercise or defence of legal claims (Art. 17(3)(e))",
    )
    LEGAL_HOLD = "legal_hold", "A legal hold applies to the records"


OPEN_STATUSES = (ErasureStatus.RECEIVED, ErasureStatus.ASSESSED)


class ErasureRequest(models.Model):
    """A person's request to erase a partner's record about them: received, assessed, then
    carried out (the record and its history anonymised) or refused with a reason, within one
    calendar month."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        help_text="The partner holding the record (the controller who answers).",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    received_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField(editable=False)
    requester = models.CharField(
        max_length=200,
        help_text="Who asked (the person, or who for them) and how, e.g. “Letter from her son”.",
    )
    status = models.CharField(
        max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.RECEIVED
    )
    refusal_reason = models.CharField(max_length=20, choices=RefusalReason.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="refused") & ~Q(refusal_reason="")
                | ~Q(status="refused") & Q(refusal_reason=""),
                name="erasure_refused_iff_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "assessed"], decided_at__isnull=True)
                | Q(status__in=["carried_out", "refused"], decided_at__isnull=False),
                name="erasure_decided_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        self.due_on = one_calendar_month_after(self.received_on)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_on"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class AnonymisedRecord(models.Model):
    """A record whose personal data has been removed (by a retention rule or an erasure),
    so a later run passes it by: the rows themselves stay for insight's figures. Written in
    the same transaction as the change."""

    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    done_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=100, help_text="The rule or erasure request.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="anonymised_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} anonymised {self.done_at:%Y-%m-%d}"
