"""Cleaning phone numbers, email addresses, postcodes and UPRNs at the edge."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from firstcontact.partners.geography import normalise_postcode

_UPRN = re.compile(r"^\d{1,12}$")


# Ofcom's numbers reserved for drama (TV, radio, training, examples like ours): never given
# to a real line, and phonenumbers calls some of them invalid (07700 900xxx, 01632 960xxx).
# National significant numbers (no leading 0) of each range of 1,000.
OFCOM_DRAMA_RANGES = re.compile(
    r"^(?:"
    r"7700900"  # mobile, 07700 900000–900999
    r"|1632960"  # no area, 01632 960000–960999
    r"|11[3-8]4960|1[2-6]14960|1914980"  # Leeds … Manchester, Tyneside
    r"|2079460|2890180|2920180"  # London, Belfast, Cardiff
    r"|8081570|9098790|3069990"  # freephone, premium rate, UK-wide
    r")\d{3}$"
)


def is_drama_number(parsed: phonenumbers.PhoneNumber) -> bool:
    """A UK number in one of Ofcom's drama ranges (that phonenumbers says is possible)."""
    return (
        parsed.country_code == 44
        and phonenumbers.is_possible_number(parsed)
        and bool(OFCOM_DRAMA_RANGES.match(phonenumbers.national_significant_number(parsed)))
    )


def clean_phone(value: str) -> str:
    """E.164 form of a UK (default) or international number; ValueError if invalid. Ofcom's
    drama numbers pass (our own examples and the demo use them)."""
    region = settings.FIRSTCONTACT.get("PHONE_REGION", "GB")
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number.") from None
    if not (phonenumbers.is_valid_number(parsed) or is_drama_number(parsed)):
        raise ValueError(f"{value!r} is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = settings.FIRSTCONTACT.get("PHONE_REGION", "GB")
    if phonenumbers.region_code_for_number(parsed) == region or (
        region == "GB" and is_drama_number(parsed)
    ):
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
