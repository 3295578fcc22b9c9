"""Record linkage: pairs of customer records that may be the same person, for a data steward.

A pair is found by probabilistic matching (Fellegi–Sunter: a match weight summed over field
comparisons), by the front door (a resident-site, Open311 or tell-us-once submission whose
email or phone matches a record that is not verified), or by an import. The steward decides;
the decision is remembered so the same pair is never asked about again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PairSource(models.TextChoices):
    BATCH = "batch", "Duplicate search"
    DESK = "desk", "Desk"
    FRONT_DOOR = "front_door", "Resident site, Open311 or tell us once"
    IMPORT = "import", "Import"


class PairStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    SAME = "same", "Same person"
    NOT_SAME = "not_same", "Not the same person"
    LINKED = "linked", "Linked automatically"
    MERGED = "merged", "Merged"


class CandidatePair(models.Model):
    """Two customer records that may be one person. `left` has the lower id, so a pair is
    stored once whichever way it was found."""

    left = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(help_text="Match weight: log2 of the Bayes factor, summed.")
    probability = models.FloatField(help_text="Match probability, 0 to 1.")
    # Comparison level per field ("exact", "typo", "different", "missing"...), never the
    # values themselves: the review page reads those live, within what the steward may see.
    comparison = models.JSONField(default=dict, blank=True)
    cross_partner = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=PairSource.choices)
    status = models.CharField(
        max_length=20, choices=PairStatus.choices, default=PairStatus.PENDING, db_index=True
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose action found it (an adviser creating a record), if anyone's.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="candidate_pair_unique"),
            models.CheckConstraint(condition=Q(left__lt=F("right")), name="candidate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-weight"], name="candidate_pair_queue")]

    def __str__(self) -> str:
        return f"Customers {self.left_id} and {self.right_id} ({self.get_status_display()})"


class MatchModel(models.Model):
    """The matcher's parameters (m and u per field and level, and the prior) as last
    estimated from the customers by `firstcontact find_duplicates`. The newest is used to
    score pairs found one at a time (the desk, the front door); with none, the engine's
    documented priors (linkage.engine.DEFAULT_MODEL)."""

    trained_at = models.DateTimeField(auto_now_add=True)
    records = models.PositiveIntegerField(help_text="How many customers it was estimated from.")
    parameters = models.JSONField()

    class Meta:
        get_latest_by = "trained_at"

    def __str__(self) -> str:
        return f"Match model of {self.trained_at:%Y-%m-%d %H:%M} ({self.records} customers)"
