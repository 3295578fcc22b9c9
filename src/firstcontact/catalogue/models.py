"""What residents can ask for, who delivers it, how fast, and what we need to know."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


def default_holiday_subdivision() -> str:
    """The partnership's bank-holiday region (settings.FIRSTCONTACT["HOLIDAY_SUBDIV"])."""
    from django.conf import settings

    return settings.FIRSTCONTACT.get("HOLIDAY_SUBDIV", "ENG")


class SLAUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days"
    WORKING_HOURS = "working_hours", "Working hours"
    CALENDAR_HOURS = "calendar_hours", "Hours, around the clock"


class SLAPolicy(models.Model):
    """A service standard: how long the responsible team has to finish a request.

    Working time runs between `day_starts` and `day_ends` on weekdays that are not bank
    holidays; a working day is one such span, so "5 working days" from Friday 15:00 is due
    the next Friday at 15:00.
    """

    name = models.CharField(max_length=100, unique=True)
    unit = models.CharField(max_length=20, choices=SLAUnit.choices)
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    day_starts = models.TimeField(default=dt.time(9, 0))
    day_ends = models.TimeField(default=dt.time(17, 0))
    holiday_subdivision = models.CharField(
        max_length=10,
        default=default_holiday_subdivision,
        help_text="UK bank holidays for: ENG (England and Wales), SCT, NIR.",
    )

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="sla_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.day_starts >= self.day_ends:
            raise ValidationError({"day_ends": "The working day must end after it starts."})


class ServiceKind(models.TextChoices):
    INFORMATION = "information", "Information"
    FAULT_REPORT = "fault_report", "Fault report"
    APPLICATION = "application", "Application"
    REFERRAL = "referral", "Referral"
    COMPLAINT = "complaint", "Complaint"
    LIFE_EVENT = "life_event", "Life event"


class Tier(models.TextChoices):
    """Which tier of a two-tier area delivers the service (LGSL's 'Providing Tier')."""

    COUNTY = "county", "County or unitary"
    DISTRICT = "district", "District or unitary"
    ALL = "all", "Any tier or agency"


class PublicLocation(models.TextChoices):
    """How precisely a public request's place is published (Open311's GET requests)."""

    STREET = "street", "The street only"
    POINT = "point", "The exact point on the map (never a house number)"


class ServiceQuerySet(models.QuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(active=True)

    def public(self) -> ServiceQuerySet:
        return self.filter(active=True, private=False)

    def open311_reportable(self) -> ServiceQuerySet:
        """Services a reporting client (FixMyStreet) may send and list: public faults."""
        return self.public().filter(open311_reportable=True, requests_public=True)


class Service(models.Model):
    code = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Stable identifier (the Open311 service_code). Never reuse or rename it.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=100, blank=True, help_text="Category group, e.g. Roads.")
    keywords = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")
    lgsl_code = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="LGSL code", help_text="Local Government Service List."
    )
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.ALL)
    sla_policy = models.ForeignKey(
        SLAPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    adviser_script = models.TextField(
        blank=True, help_text="What an adviser can read out to answer at first contact (Markdown)."
    )
    active = models.BooleanField(default=True)
    private = models.BooleanField(
        default=False, help_text="Private services are for staff only: not offered to residents."
    )
    # What the public may see of its requests (docs/access.md, "Public"). Street-scene faults
    # are public, as FixMyStreet shows them; applications, care, benefits, housing, antisocial
    # behaviour, complaints and life events never are.
    requests_public = models.BooleanField(
        default=False,
        verbose_name="requests are public",
        help_text="Its requests are listed publicly (Open311 GET requests and updates): the "
        "status, the street, and the resident's description where they gave it for "
        "publication. Only for street faults such as potholes; never for anything about a "
        "person (applications, care, benefits, housing, antisocial behaviour, complaints).",
    )
    public_location = models.CharField(
        max_length=10,
        choices=PublicLocation.choices,
        default=PublicLocation.STREET,
        verbose_name="place shown publicly",
        help_text="How precisely a public request's place is shown: the street (the default; "
        "coordinates rounded to about 100 m), or the exact point for faults in the street "
        "itself (potholes, street lights). A house number is never shown.",
    )
    open311_reportable = models.BooleanField(
        default=False,
        verbose_name="reportable through Open311",
        help_text="Reporting clients such as FixMyStreet may send it (it is listed in Open311's "
        "services). Only for fault reports whose requests are public.",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.open311_reportable and not self.requests_public:
            raise ValidationError(
                {
                    "open311_reportable": "Only a service whose requests are public can be "
                    "reported through Open311 (FixMyStreet publishes every report)."
                }
            )
        if self.open311_reportable and self.kind != ServiceKind.FAULT_REPORT:
            raise ValidationError(
                {"open311_reportable": "Only fault reports can be reported through Open311."}
            )


class ServiceDelivery(models.Model):
    """A partner delivers a service in its area, worked by a team."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="deliveries")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="deliveries"
    )
    team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "service deliveries"
        constraints = [
            models.UniqueConstraint(fields=["service", "partner"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} by {self.partner}"

    def clean(self) -> None:
        if self.team_id and self.team.partner_id != self.partner_id:
            raise ValidationError({"team": "The team must belong to the delivering partner."})


class Datatype(models.TextChoices):
    """The six Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", "Short text"
    NUMBER = "number", "Number"
    DATETIME = "datetime", "Date and time"
    TEXT = "text", "Long text"
    SINGLEVALUELIST = "singlevaluelist", "Choose one"
    MULTIVALUELIST = "multivaluelist", "Choose any"


class Automated(models.TextChoices):
    NONE = "", "Asked of the person reporting"
    SERVER_SET = "server_set", "Set by the server"
    HIDDEN_FIELD = "hidden_field", "Filled in by the client, not shown"


class ServiceAttribute(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=60)
    description = models.CharField(max_length=300, help_text="The question, as asked.")
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    datatype_description = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=1)
    values = models.JSONField(
        default=list, blank=True, help_text='For lists: [{"key": "...", "name": "..."}, ...].'
    )
    automated = models.CharField(max_length=20, choices=Automated.choices, blank=True, default="")

    class Meta:
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="attribute_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service.code}: {self.code}"

    @property
    def is_list(self) -> bool:
        return self.datatype in {Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST}

    def clean(self) -> None:
        if self.is_list:
            if not self.values:
                raise ValidationError({"values": "A list attribute needs at least one value."})
            keys = []
            for value in self.values:
                if not isinstance(value, dict) or not value.get("key") or "name" not in value:
                    raise ValidationError({"values": 'Each value needs a "key" and a "name".'})
                keys.append(str(value["key"]))
            if len(keys) != len(set(keys)):
                raise ValidationError({"values": "Value keys must be unique."})
        elif self.values:
            raise ValidationError({"values": "Only list attributes have values."})


class EligibilityQuestion(models.Model):
    """A yes/no question asked before an application, e.g. "Do you live in Wessex?"."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="eligibility_questions"
    )
    code = models.SlugField(max_length=60)
    question = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=1)
    eligible_answer = models.BooleanField(
        default=True, help_text="The answer that lets the resident carry on."
    )
    not_eligible_message = models.TextField(
        help_text="What to tell someone who gives the other answer, and where else to go."
    )

    class Meta:
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="eligibility_code_unique")
        ]

    def __str__(self) -> str:
        return self.question


class ProactivePrompt(models.Model):
    """A rule that suggests something else to offer a customer ("also offer"), e.g. a customer
    over state pension age with no council tax reduction claim → offer a benefits check."""

    name = models.CharField(max_length=200)
    offer_service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(help_text="What the adviser should offer, in a sentence.")
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    unless_has_request_for = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Skip customers who already have a request for this service.",
    )
    lookback_days = models.PositiveIntegerField(
        default=365, help_text="How far back to look for that request."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": "The maximum age must be at least the minimum."})


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", "A photo (JPEG, PNG, GIF or WebP)"
    DOCUMENT = "document", "A document or a photo (PDF, Word, Excel, OpenDocument or a photo)"


class EvidenceRequirement(models.Model):
    """Evidence an application asks for (a photo for a Blue Badge, proof of address or of
    benefit): the resident site asks for each file on its own page of the application, and
    the adviser sees what came with it."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200, help_text="What to send, e.g. “Proof of address”.")
    hint = models.CharField(
        max_length=300, blank=True, help_text="e.g. “A council tax bill or a bank statement.”"
    )
    kind = models.CharField(
        max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.DOCUMENT
    )
    required = models.BooleanField(
        default=False, help_text="The application cannot be sent without it."
    )
    order = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="evidence_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Priority(models.IntegerChoices):
    """How urgent a request is; lower sorts first in the work queue."""

    URGENT = 1, "Urgent"
    HIGH = 2, "High"
    NORMAL = 3, "Normal"
    LOW = 4, "Low"


class PriorityRule(models.Model):
    """An answer that changes a request's priority and service standard, e.g. a pothole
    deeper than 10 cm near a school → urgent, 24 hours. Rules are tried in order; the first
    whose every condition holds applies.

    `conditions` maps an attribute's code to what its answer must be: a value (the answer
    is it, or for a “choose any” question includes it), a list of values (any of them), or
    {"min": n} / {"max": n} for a number."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="priority_rules")
    name = models.CharField(
        max_length=200, help_text="Why, as officers see it: e.g. “Deep pothole near a school”."
    )
    order = models.PositiveIntegerField(default=1)
    conditions = models.JSONField(
        default=dict,
        help_text='Answers that must all hold, e.g. {"depth": "deep", "hazards": "school"}, '
        '{"repair_type": ["heating", "electrics"]} or {"width_cm": {"min": 50}}.',
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.HIGH)
    sla_policy = models.ForeignKey(
        SLAPolicy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="service standard",
        help_text="The standard that applies instead of the service's (blank: the service's).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"

    def clean(self) -> None:
        from firstcontact.catalogue.priority import condition_problems

        if self.service_id:
            problems = condition_problems(self.conditions, list(self.service.attributes.all()))
            if problems:
                raise ValidationError({"conditions": problems})
