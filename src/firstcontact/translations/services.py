"""Translating catalogue text: saving a translation, and finding one for English text.

Pages pass the English they would show (the portal's `catalogue` filter); the translation of
that same English in the page's language is found among the language's rows. Within one
request the rows are read once (resident pages show a few dozen catalogue strings).
"""

from __future__ import annotations

import threading

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import models
from django.utils import timezone

from firstcontact.translations.models import (
    TRANSLATABLE,
    Translation,
    other_languages,
    source_text,
)

_memo = threading.local()


def _reset(**kwargs) -> None:
    _memo.active = True
    _memo.by_language = {}


def _stop(**kwargs) -> None:
    _memo.active = False
    _memo.by_language = {}


request_started.connect(_reset, dispatch_uid="translations-memo-start")
request_finished.connect(_stop, dispatch_uid="translations-memo-stop")


def forget_memo() -> None:
    _memo.by_language = {}


def _table(language: str) -> dict[str, str]:
    rows = Translation.objects.filter(language=language).order_by("pk")
    table: dict[str, str] = {}
    for source, text in rows.values_list("source", "text"):
        table.setdefault(source, text)
    return table


def base_language(language: str | None) -> str:
    return (language or "en").lower().split("-")[0]


def translate_text(text: object, language: str | None) -> str | None:
    """The translation into `language` of this English catalogue text, or None."""
    language = base_language(language)
    english = str(text or "")
    if not english or language == "en":
        return None
    if getattr(_memo, "active", False):
        tables = _memo.by_language
        if language not in tables:
            tables[language] = _table(language)
        return tables[language].get(english)
    found = (
        Translation.objects.filter(language=language, source=english)
        .order_by("pk")
        .values_list("text", flat=True)
        .first()
    )
    return found


def _check_field(obj: models.Model, field: str) -> None:
    label = obj._meta.label_lower
    allowed = TRANSLATABLE.get(label)
    base = field.split(".", 1)[0]
    if allowed is None or base not in allowed or (base == "values") != ("." in field):
        raise ValidationError({"field": f"{label}.{field} is not translated."})


def set_translation(obj: models.Model, field: str, language: str, text: str) -> Translation:
    """Save (or replace) the translation of `obj`'s `field` into `language`."""
    _check_field(obj, field)
    language = base_language(language)
    if language not in {code for code, _name in other_languages()}:
        raise ValidationError({"language": f"{language} is not one of the site's languages."})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the translation."})
    source = source_text(obj, field)
    if not source:
        raise ValidationError({"field": "There is no English to translate."})
    translation, _created = Translation.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
        defaults={"text": text, "source": source, "updated_at": timezone.now()},
    )
    forget_memo()
    return translation


def translatable_fields(obj: models.Model) -> list[str]:
    """The fields of `obj` that a translation may name (choices one by one)."""
    fields = []
    for field in TRANSLATABLE.get(obj._meta.label_lower, ()):
        if field == "values":
            fields += [f"values.{v['key']}" for v in getattr(obj, "values", None) or []]
        else:
            fields.append(field)
    return fields
