"""Cleaning phone numbers, email addresses, postcodes and UPRNs at the edge."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from firstcontact.partners.geography import normalise_postcode

_UPRN = re.compile(r"^\d{1,12}$")


def clean_phone(value: str) -> str:
    """E.164 form of a UK (default) or international number; ValueError if invalid."""
    region = settings.FIRSTCONTACT.get("PHONE_REGION", "GB")
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{value!r} is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = settings.FIRSTCONTACT.get("PHONE_REGION", "GB")
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_email(value: str) -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(f"{value!r} is not an email address.") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def clean_postcode(value: str) -> str:
    postcode = normalise_postcode(value)
    if postcode is None:
        raise ValueError(f"{value!r} is not a UK postcode.")
    return postcode


def clean_uprn(value: str) -> str:
    value = (value or "").strip()
    if not _UPRN.match(value):
        raise ValueError("A UPRN is a number of up to 12 digits.")
    return str(int(value))


def looks_like_phone(value: str) -> bool:
    digits = re.sub(r"[\s()\-]", "", value)
    return bool(re.fullmatch(r"(\+|0)\d{6,14}", digits))


def looks_like_uprn(value: str) -> bool:
    return bool(re.fullmatch(r"[1-9]\d{0,11}", value.strip()))
