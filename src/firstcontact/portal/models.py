"""What the resident site keeps of its own: feedback about the site and its services.

Satisfaction surveys sent after a contact or a closed request are the insight app's
(SurveyInvitation and SatisfactionResponse, answered at /insight/survey/<token>/); this is the
general "give feedback" form anyone can fill in, with no invitation."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Feedback(models.Model):
    class Rating(models.IntegerChoices):
        VERY_DISSATISFIED = 1, "Very dissatisfied"
        DISSATISFIED = 2, "Dissatisfied"
        NEITHER = 3, "Neither satisfied nor dissatisfied"
        SATISFIED = 4, "Satisfied"
        VERY_SATISFIED = 5, "Very satisfied"

    rating = models.PositiveSmallIntegerField(
        choices=Rating.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    reference = models.CharField(
        max_length=8, blank=True, help_text="A request reference the resident gave, if any."
    )
    language = models.CharField(max_length=10, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} ({self.submitted_at:%Y-%m-%d})"
