"""Translations of what the catalogue says to residents (service names, descriptions,
questions, choices, life events), one row per object, field and language.

The catalogue's own models stay in English; a resident page in another language shows the
translation whose English (`source`) is still the text on the object, so a translation goes
quiet, rather than wrong, when the English changes (the admin lists those as out of date).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

# What may be translated: model label -> fields. "values" is a choice list's names
# (ServiceAttribute.values), translated one choice at a time as "values.<key>".
TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "catalogue.service": ("name", "description", "group"),
    "catalogue.serviceattribute": ("description", "datatype_description", "values"),
    "catalogue.eligibilityquestion": ("question", "hint", "not_eligible_message"),
    "lifeevents.lifeevent": ("name", "summary"),
    "lifeevents.lifeeventservice": ("what_happens",),
}


def other_languages() -> list[tuple[str, str]]:
    """The site's languages other than English (the catalogue's own)."""
    return [(code, name) for code, name in settings.LANGUAGES if not code.startswith("en")]


def source_text(obj: models.Model, field: str) -> str:
    """The English a translation of `obj`'s `field` translates ("values.<key>": that choice's
    name)."""
    if field.startswith("values."):
        key = field.split(".", 1)[1]
        for value in getattr(obj, "values", None) or []:
            if str(value.get("key")) == key:
                return str(value.get("name", ""))
        return ""
    return str(getattr(obj, field, "") or "")


class Translation(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        max_length=120, help_text='The field translated, e.g. "name"; a choice: "values.<key>".'
    )
    language = models.CharField(max_length=10, choices=other_languages)
    text = models.TextField(help_text="The translation, as residents will read it.")
    source = models.TextField(
        editable=False, help_text="The English it translates, as it was when saved."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="one_translation_per_field_and_language",
            )
        ]
        indexes = [models.Index(fields=["language"], name="translation_language")]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} {self.field} ({self.language})"

    @property
    def current_source(self) -> str:
        obj = self.content_object
        return source_text(obj, self.field) if obj is not None else ""

    @property
    def is_current(self) -> bool:
        """False when the English has changed since it was translated."""
        return self.source == self.current_source
