"""Settings for the indicators, unit costs and recharge rates, the satisfaction sampling rule,
survey invitations and responses, and the daily rollups the dashboards read."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from firstcontact.customers.models import Channel

RATE = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class IndicatorSettings(models.Model):
    """The partnership's definitions for the call indicators (one row, pk 1)."""

    service_level_seconds = models.PositiveIntegerField(
        default=20, help_text="Service level: calls answered within this many seconds."
    )
    service_level_target = models.FloatField(
        default=0.8, validators=RATE, help_text="The share to answer in that time, 0–1."
    )
    short_abandon_seconds = models.PositiveIntegerField(
        default=5,
        help_text="Callers who hang up sooner than this are left out of offered and abandoned "
        "calls (misdials, wrong numbers).",
    )
    shrinkage = models.FloatField(
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.95)],
        help_text="Share of paid time agents are not available for calls (breaks, training, "
        "absence), for rostering.",
    )
    fte_hours_per_day = models.FloatField(
        default=7.4, help_text="Hours in one full-time equivalent's working day (37 h ÷ 5)."
    )

    class Meta:
        verbose_name = "indicator settings"
        verbose_name_plural = "indicator settings"

    def __str__(self) -> str:
        return (
            f"{self.service_level_target:.0%} in {self.service_level_seconds} s, short abandons "
            f"under {self.short_abandon_seconds} s"
        )

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> IndicatorSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


# What a contact costs by channel when no UnitCost is recorded: Socitm Insight's widely quoted
# 2012 figures (face to face £8.62, phone £2.83, web £0.15); others are estimates.
DEFAULT_UNIT_COSTS = {
    Channel.FACE_TO_FACE: Decimal("8.62"),
    Channel.PHONE: Decimal("2.83"),
    Channel.LETTER: Decimal("5.00"),
    Channel.EMAIL: Decimal("1.50"),
    Channel.SOCIAL: Decimal("1.00"),
    Channel.SMS: Decimal("0.50"),
    Channel.KIOSK: Decimal("0.40"),
    Channel.WEB: Decimal("0.15"),
    Channel.OPEN311: Decimal("0.15"),
}


class UnitCost(models.Model):
    """What one contact costs on a channel, for cost per contact and channel-shift savings."""

    channel = models.CharField(max_length=20, choices=Channel.choices, unique=True)
    cost = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["channel"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: £{self.cost}"


class RechargeRate(models.Model):
    """What a hub charges a client partner per contact and per call it handles for them."""

    hub = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="recharge_rates"
    )
    client = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Leave empty for the hub's rate for every client.",
    )
    per_contact = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="Per contact (not a call) handled for them."
    )
    per_call = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="Per call answered on their queues."
    )
    charge_phone_contacts = models.BooleanField(
        default=False,
        help_text="Also charge phone contacts per contact (only when the hub's calls are not "
        "imported and charged per call).",
    )
    starts = models.DateField(help_text="The rate applies to months from this date.")

    class Meta:
        ordering = ["hub", "client", "-starts"]

    def __str__(self) -> str:
        return f"{self.hub} for {self.client or 'every client'} from {self.starts}"


class ChargingBasis(models.TextChoices):
    PER_CONTACT = "per_contact", "Per contact and per call, at the recharge rates"
    FIXED_FEE = "fixed_fee", "A fixed monthly fee"
    COST_SHARE = "cost_share", "A share of the centre's running costs"


class ServiceAgreement(models.Model):
    """The terms of a hub agreement (issue 17, item 4): the services the hub handles for the
    client, the standards agreed, and how it is charged. Its dates are the agreement's."""

    agreement = models.OneToOneField(
        "partners.HubAgreement", on_delete=models.CASCADE, related_name="terms"
    )
    services = models.ManyToManyField(
        "catalogue.Service", blank=True, related_name="+", help_text="Services the hub handles."
    )
    service_level_seconds = models.PositiveIntegerField(
        default=20, help_text="Service level: calls answered within this many seconds."
    )
    service_level_target = models.FloatField(
        default=0.8, validators=RATE, help_text="The share to answer in that time, 0–1."
    )
    abandonment_max = models.FloatField(
        default=0.05, validators=RATE, help_text="The most calls abandoned, 0–1."
    )
    fcr_target = models.FloatField(
        null=True,
        blank=True,
        validators=RATE,
        help_text=(
            "First-contact resolution to reach, 0–1. Leave empty for the partnership's target "
            "(80% unless FIRSTCONTACT['FCR_TARGET'] says otherwise)."
        ),
    )
    sla_target = models.FloatField(
        default=0.9, validators=RATE, help_text="Requests closed within their SLA, 0–1."
    )
    charging_basis = models.CharField(
        max_length=20, choices=ChargingBasis.choices, default=ChargingBasis.PER_CONTACT
    )
    monthly_fee = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="For a fixed monthly fee.",
    )
    cost_share = models.FloatField(
        null=True, blank=True, validators=RATE, help_text="For a share of costs, 0–1."
    )
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = "shared-service agreement"

    def __str__(self) -> str:
        return f"Terms of {self.agreement}"

    @property
    def agreed_fcr_target(self) -> float:
        """The agreed FCR target, or the partnership's where the terms leave it empty."""
        from firstcontact.insight.targets import default_fcr_target

        return default_fcr_target() if self.fcr_target is None else self.fcr_target

    def clean(self) -> None:
        if self.charging_basis == ChargingBasis.FIXED_FEE and self.monthly_fee is None:
            raise ValidationError({"monthly_fee": "Enter the monthly fee."})
        if self.charging_basis == ChargingBasis.COST_SHARE and self.cost_share is None:
            raise ValidationError({"cost_share": "Enter the client's share of the costs."})


class SamplingRule(models.Model):
    """Whom to invite to a satisfaction survey: a share of contacts on a queue, raised while
    the queue's abandonment rate is high.

    Each evaluation looks at the last `period_minutes` of calls: with at least `min_calls`
    offered and abandonment above `raise_above`, the rate becomes `raised_rate`; it falls
    back to `base_rate` once abandonment is below `lower_below` (lower, so it does not
    flap). The rule with no queue is the default for contacts and requests on no queue.
    """

    queue = models.ForeignKey(
        "telephony.Queue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sampling_rules",
        help_text="Empty: the default rule, for contacts and requests not on a queue.",
    )
    base_rate = models.FloatField(default=0.1, validators=RATE, help_text="Normally, 0–1.")
    raised_rate = models.FloatField(
        default=0.3, validators=RATE, help_text="While abandonment is high, 0–1."
    )
    raise_above = models.FloatField(
        default=0.1, validators=RATE, help_text="Raise the rate when abandonment exceeds this."
    )
    lower_below = models.FloatField(
        default=0.07, validators=RATE, help_text="Lower it again when abandonment is below this."
    )
    period_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(5)], help_text="How far back to look."
    )
    min_calls = models.PositiveIntegerField(
        default=20, help_text="Change nothing on fewer calls offered than this."
    )
    raised = models.BooleanField(default=False, editable=False)
    last_abandonment_rate = models.FloatField(null=True, blank=True, editable=False)
    last_offered = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["queue__name"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("queue", models.Value(0)), name="one_sampling_rule_per_queue"
            ),
            models.CheckConstraint(
                condition=Q(lower_below__lte=models.F("raise_above")),
                name="sampling_lower_below_raise",
            ),
        ]

    def __str__(self) -> str:
        return f"Sampling for {self.queue or 'contacts on no queue'}"

    @property
    def current_rate(self) -> float:
        return self.raised_rate if self.raised else self.base_rate

    def clean(self) -> None:
        if self.lower_below > self.raise_above:
            raise ValidationError(
                {"lower_below": "Lower the rate at or below the level that raises it."}
            )
        if self.raised_rate < self.base_rate:
            raise ValidationError({"raised_rate": "The raised rate cannot be below the base."})


class SamplingRateChange(models.Model):
    """When a rule raised or lowered its rate, and why."""

    rule = models.ForeignKey(SamplingRule, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    from_rate = models.FloatField()
    to_rate = models.FloatField()
    abandonment_rate = models.FloatField()
    offered = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}: {self.from_rate:.0%} to {self.to_rate:.0%}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SurveyInvitation(models.Model):
    """An invitation to rate a contact or a closed request; the link carries the token."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    contact = models.OneToOneField(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitation",
    )
    service_request = models.OneToOneField(
        "servicerequests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitation",
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    queue = models.ForeignKey(
        "telephony.Queue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    rate = models.FloatField(help_text="The sampling rate that selected it.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    sent_by = models.CharField(max_length=10, blank=True, help_text="email or sms")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, service_request__isnull=True)
                | Q(contact__isnull=True, service_request__isnull=False),
                name="invitation_about_one_thing",
            )
        ]

    def __str__(self) -> str:
        subject = f"contact {self.contact_id}" if self.contact_id else "a request"
        return f"Survey about {subject} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.expires_at


class Score(models.IntegerChoices):
    VERY_DISSATISFIED = 1, "Very dissatisfied"
    DISSATISFIED = 2, "Dissatisfied"
    NEITHER = 3, "Neither satisfied nor dissatisfied"
    SATISFIED = 4, "Satisfied"
    VERY_SATISFIED = 5, "Very satisfied"


SATISFIED_SCORES = (Score.SATISFIED, Score.VERY_SATISFIED)


class SatisfactionResponse(models.Model):
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="satisfaction_responses"
    )
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    resolved = models.CharField(
        max_length=10,
        blank=True,
        choices=[("yes", "Yes"), ("no", "No"), ("partly", "Partly")],
        help_text="Did we sort it out, in the customer's view.",
    )
    comment = models.TextField(blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} ({self.submitted_at:%Y-%m-%d})"

    @property
    def satisfied(self) -> bool:
        return self.score in SATISFIED_SCORES


class CallDailyRollup(models.Model):
    """One queue's calls on one local day, summed, for dashboards over long periods.

    Counts use the settings recorded with them (service_level_seconds, short_abandon_seconds);
    a page asking for other thresholds reads the call records instead.
    """

    queue = models.ForeignKey("telephony.Queue", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    offered_all = models.PositiveIntegerField(default=0)
    short_abandoned = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    answered_within = models.PositiveIntegerField(default=0)
    answered_wait_sum = models.BigIntegerField(default=0)
    talk_sum = models.BigIntegerField(default=0)
    talk_count = models.PositiveIntegerField(default=0)
    max_wait = models.PositiveIntegerField(default=0)
    wait_sum_all = models.BigIntegerField(default=0)
    staffed_seconds = models.BigIntegerField(default=0)
    busy_seconds = models.BigIntegerField(default=0)
    service_level_seconds = models.PositiveIntegerField()
    short_abandon_seconds = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["date", "queue"], name="call_rollup_unique")]

    def __str__(self) -> str:
        return f"Calls on queue {self.queue_id} on {self.date}"


class ContactDailyRollup(models.Model):
    """Contacts on one local day for one partner, handling partner and channel, counted:
    all, ended, resolved at first contact, abandoned (FCR = resolved ÷ (ended − abandoned),
    the definition in contacts.selectors.first_contact_resolution)."""

    date = models.DateField()
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    handled_by = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    contacts = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["date", "partner"], name="contact_rollup_date")]

    def __str__(self) -> str:
        return f"{self.channel} contacts for partner {self.partner_id} on {self.date}"


class RollupState(models.Model):
    """Which days each rollup holds: every day from `built_from` to `built_through`."""

    name = models.CharField(max_length=20, primary_key=True)
    built_from = models.DateField(null=True, blank=True)
    built_through = models.DateField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} rollup {self.built_from} to {self.built_through}"


class CommunitySafetyService(models.Model):
    """A catalogue service that counts as community safety (antisocial behaviour, noise,
    fly-tipping, graffiti…): its requests and contacts are on the hotspots pages, and the
    caseworkers of the teams that deliver it may open those pages (docs/access.md)."""

    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="community_safety"
    )

    class Meta:
        ordering = ["service__name"]
        verbose_name = "community-safety service"

    def __str__(self) -> str:
        return str(self.service)


class PlaceAction(models.Model):
    """One line of a place's action log for joint tasking: who does what by when. Shared by
    everyone who may open the hotspots pages, police and council alike."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    place = models.CharField(
        max_length=40, db_index=True, help_text="The grid square's key, e.g. g:11282:-347."
    )
    action = models.CharField(max_length=300, help_text="What will be done.")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", help_text="Who does it."
    )
    owner = models.CharField(
        max_length=100, blank=True, help_text="The team or officer (no resident's name)."
    )
    due = models.DateField(help_text="By when.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["state", "due", "pk"]

    def __str__(self) -> str:
        return f"{self.place}: {self.action}"


class StatementSent(models.Model):
    """A monthly statement emailed to a client partner (issue 17, item 5): kept so that
    `send_statements` sends each partner's statement for a month once, however often it runs."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="statements_sent"
    )
    month = models.DateField(help_text="The first day of the month the statement covers.")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="one_statement_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.partner} statement for {self.month:%B %Y}"


class ReciprocalRequest(models.Model):
    """A request one agency raised for another from the community-safety map or from one of
    its own requests (issue 17, item 3): a police officer reporting graffiti to the council,
    a council officer reporting drug dealing to the police. The raised request is an ordinary
    one of the other partner, routed by its service and place, with no customer; this row
    links it to the place and the request it came from, so that the raising partner follows
    its progress (status, due date and outcome: what public tracking shows anyone for a
    request without contact details) and the other partner sees where it came from."""

    raised = models.OneToOneField(
        "servicerequests.ServiceRequest", on_delete=models.CASCADE, related_name="reciprocal"
    )
    origin = models.ForeignKey(
        "servicerequests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reciprocal_raised",
        help_text="The raising partner's own request it came from, if any.",
    )
    place = models.CharField(
        max_length=40, db_index=True, help_text="The grid square's key of the place raised at."
    )
    from_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner the officer raised it for.",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.raised_id} from {self.from_partner_id} at {self.place}"
