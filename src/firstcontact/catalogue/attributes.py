"""Validate a resident's answers against a service's typed attributes (Open311 datatypes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from firstcontact.catalogue.models import Automated, Datatype, ServiceAttribute
from firstcontact.validation import UNSTORABLE_MESSAGE, is_storable_text

STRING_MAX = 500
TEXT_MAX = 10_000
NUMBER_MAX_DIGITS = 15


def field_name(code: str) -> str:
    return f"attribute[{code}]"


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _clean_one(attribute: ServiceAttribute, values: list[str]) -> object:
    if not all(is_storable_text(v) for v in values):
        raise ValueError(UNSTORABLE_MESSAGE)
    datatype = attribute.datatype
    if datatype == Datatype.MULTIVALUELIST:
        allowed = {str(v["key"]) for v in attribute.values}
        chosen = [v.strip() for v in values if v.strip()]
        bad = [v for v in chosen if v not in allowed]
        if bad:
            raise ValueError(f"{', '.join(bad)} is not one of the choices.")
        return list(dict.fromkeys(chosen))
    if len([v for v in values if v.strip()]) > 1:
        raise ValueError("Give one answer only.")
    value = next((v.strip() for v in values if v.strip()), "")
    if datatype == Datatype.SINGLEVALUELIST:
        if value not in {str(v["key"]) for v in attribute.values}:
            raise ValueError(f"{value!r} is not one of the choices.")
        return value
    if datatype == Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError("Enter a number.") from None
        if not number.is_finite():
            raise ValueError("Enter a number.")
        # adjusted() is the power of ten of the leading digit. Bounding it before int()
        # or float() stops "1e999999" costing minutes of CPU and "1…1.5" becoming inf.
        if number and number.adjusted() >= NUMBER_MAX_DIGITS:
            raise ValueError(f"Enter a number with at most {NUMBER_MAX_DIGITS} digits.")
        return int(number) if number == number.to_integral_value() else float(number)
    if datatype == Datatype.DATETIME:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
            except ValueError:
                raise ValueError("Enter a date and time such as 2026-11-23T14:30:00Z.") from None
        return parsed.isoformat()
    if datatype == Datatype.STRING:
        if len(value) > STRING_MAX or "\n" in value:
            raise ValueError(f"Enter a single line of at most {STRING_MAX} characters.")
        return value
    if len(value) > TEXT_MAX:
        raise ValueError(f"Enter at most {TEXT_MAX} characters.")
    return value


def validate_answers(
    attributes: Iterable[ServiceAttribute],
    answers: Mapping[str, object],
    *,
    ignore_unknown: bool = False,
) -> dict[str, object]:
    """Cleaned answers keyed by attribute code, or ValidationError naming every bad field.

    Values may be a string or a list of strings (for multivaluelist).
    """
    by_code = {a.code: a for a in attributes}
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    if not ignore_unknown:
        for code in answers:
            if code not in by_code:
                errors[field_name(str(code)[:60])] = "This service has no such question."
    for code, attribute in by_code.items():
        values = _as_list(answers.get(code))
        if not any(v.strip() for v in values):
            if attribute.required and attribute.automated != Automated.SERVER_SET:
                errors[field_name(code)] = f"Answer “{attribute.description}”."
            continue
        try:
            cleaned[code] = _clean_one(attribute, values)
        except ValueError as exc:
            errors[field_name(code)] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned
