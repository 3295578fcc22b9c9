"""Life events: templates of services across partners raised together ("tell us once"), and
the bundles that group the requests raised in one such transaction under one reference."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LifeEventKind(models.TextChoices):
    BEREAVEMENT = "bereavement", "Bereavement"
    MOVING_IN = "moving_in", "Moving in"


class LifeEventQuerySet(models.QuerySet):
    def active(self) -> LifeEventQuerySet:
        return self.filter(active=True)


class LifeEvent(models.Model):
    """A template: the services (often of several partners) to tell about one event."""

    slug = models.SlugField(unique=True, help_text="Used in the resident site's addresses.")
    name = models.CharField(max_length=200, help_text="E.g. “Tell us about a death”.")
    kind = models.CharField(max_length=20, choices=LifeEventKind.choices)
    summary = models.TextField(blank=True, help_text="One or two sentences for residents.")
    keywords = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated, for the resident site's search."
    )
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=1)

    objects = LifeEventQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class LifeEventService(models.Model):
    """One service in a life event's template, with any answers the template fixes (e.g. the
    electoral register's "what needs to change?" is always "remove someone" after a death)."""

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="life_event_items"
    )
    order = models.PositiveIntegerField(default=1)
    what_happens = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the partner will do, in a sentence for the resident.",
    )
    preset_answers = models.JSONField(
        default=dict,
        blank=True,
        help_text='Answers to the service\'s questions fixed by the template: {"code": "value"}.',
    )
    selected_by_default = models.BooleanField(default=True)

    class Meta:
        ordering = ["life_event", "order", "pk"]
        verbose_name = "life event service"
        constraints = [
            models.UniqueConstraint(fields=["life_event", "service"], name="life_event_service")
        ]

    def __str__(self) -> str:
        return f"{self.life_event}: {self.service}"


class Bundle(models.Model):
    """The requests raised in one tell-us-once transaction, under a reference of their own
    (in the same style as request references, and never the same as one)."""

    reference = models.CharField(max_length=8, unique=True, editable=False)
    life_event = models.ForeignKey(LifeEvent, on_delete=models.PROTECT, related_name="bundles")
    channel = models.CharField(max_length=20, default="web")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    consent_wording = models.TextField(
        blank=True, help_text="What the resident agreed to, as it was put to them."
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.formatted_reference} {self.life_event}"

    @property
    def formatted_reference(self) -> str:
        from firstcontact.servicerequests.references import format_reference

        return format_reference(self.reference)


class BundleItem(models.Model):
    """One request in a bundle (service requests are not changed to know about bundles)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    request = models.OneToOneField(
        "servicerequests.ServiceRequest", on_delete=models.CASCADE, related_name="bundle_item"
    )
    life_event_service = models.ForeignKey(
        LifeEventService, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["bundle", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.bundle.reference}: {self.request_id}"
