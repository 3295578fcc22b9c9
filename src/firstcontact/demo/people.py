"""The demo population: customers with names, dates of birth, phone numbers from Ofcom's
ranges reserved for drama, example.org/example.com email addresses, addresses in the fictional
WX postcode area, consents, languages and accessibility needs, and a few organisations."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from firstcontact.customers.contact_points import clean_phone
from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import (
    Channel,
    Consent,
    ConsentPurpose,
    Customer,
    CustomerAddress,
    CustomerEmail,
    CustomerKind,
    CustomerLink,
    CustomerPhone,
)
from firstcontact.demo import names
from firstcontact.demo.geography import PostcodeUnit
from firstcontact.demo.partnership import COUNTY, DEMO_SLUGS, HOUSING, NHS, POLICE, Partnership

# Ofcom's numbers for drama (never allocated to a real line): 1,000 in each range.
DRAMA_RANGES = [
    "0113 496 0",
    "0114 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "020 7946 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "0191 498 0",
    "029 2018 0",
]
# 0117 496 0000-0099 are the partners' own switchboards.
_RESERVED_PREFIX = "+4411749600"

LANGUAGES = [("en", 93.0), ("pl", 3.0), ("ur", 2.0), ("cy", 2.0)]
PREFERRED_CHANNELS = [
    (Channel.PHONE, 40),
    (Channel.EMAIL, 28),
    (Channel.WEB, 14),
    ("", 8),
    (Channel.FACE_TO_FACE, 5),
    (Channel.LETTER, 3),
    (Channel.SMS, 2),
]
# A sharing consent given for every partner (one consent row naming each).
ALL_PARTNERS = "*"

CONSENT_WORDING = [
    "Verbal consent on the phone (script v3), read back to the customer.",
    "Ticked the consent box on the online form.",
    "Signed consent form at the one-stop shop.",
]


def drama_numbers(rng: random.Random) -> list[str]:
    """Every drama number as E.164, shuffled.

    Validity goes by range, so each range's first, middle and last numbers are checked with
    the project's own cleaner (cleaning all 13,000 would take seconds).
    """
    numbers = []
    for prefix in DRAMA_RANGES:
        national = prefix.replace(" ", "")
        e164_prefix = "+44" + national[1:]
        for n in (0, 500, 999):
            if clean_phone(f"{prefix}{n:03d}") != f"{e164_prefix}{n:03d}":
                raise ValueError(f"{prefix}{n:03d} is not a valid UK number.")
        numbers.extend(
            f"{e164_prefix}{n:03d}"
            for n in range(1000)
            if not f"{e164_prefix}{n:03d}".startswith(_RESERVED_PREFIX)
        )
    rng.shuffle(numbers)
    return numbers


def _backdate(customers: list[Customer], moments: list[dt.datetime]) -> None:
    """Set created_at/updated_at (auto_now fields, so bulk_create stamped them "now").

    One executemany; bulk_update's CASE expressions cost seconds for a few thousand rows.
    """
    meta = Customer._meta
    table = connection.ops.quote_name(meta.db_table)
    created = connection.ops.quote_name(meta.get_field("created_at").column)
    updated = connection.ops.quote_name(meta.get_field("updated_at").column)
    pk = connection.ops.quote_name(meta.pk.column)
    params = []
    for customer, moment in zip(customers, moments, strict=True):
        value = connection.ops.adapt_datetimefield_value(moment)
        params.append((value, value, customer.pk))
        customer.created_at = customer.updated_at = moment
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {created} = %s, {updated} = %s WHERE {pk} = %s", params
        )


def _weighted(rng: random.Random, pairs: list[tuple[object, float]]):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _ascii_slug(text: str) -> str:
    return normalise_name(text).replace(" ", "")


@dataclass
class Household:
    """Where a customer lives (their current address)."""

    unit: PostcodeUnit
    number: int

    @property
    def line1(self) -> str:
        return f"{self.number} {self.unit.street}"

    @property
    def uprn(self) -> str:
        return self.unit.uprn(self.number)

    @property
    def point(self) -> tuple[float, float]:
        return self.unit.property_point(self.number)

    @property
    def one_line(self) -> str:
        return f"{self.line1}, {self.unit.town}"


@dataclass
class Population:
    customers: list[Customer]
    homes: dict[int, Household]  # by customer pk
    # customer pk -> recipient partner slug -> a current share-with-partners consent naming it
    sharing_consent: dict[int, dict[str, Consent]]


def create_people(
    rng: random.Random,
    partnership: Partnership,
    gazetteer: list[PostcodeUnit],
    count: int,
    *,
    progress: Callable[[Iterable, str, int], Iterable],
) -> Population:
    now = timezone.now()
    today = timezone.localdate()
    phones = drama_numbers(rng)
    partners = partnership.partners
    emails_used: set[str] = set()

    organisations = max(1, count // 100)
    people = count - organisations
    customers: list[Customer] = []
    households: list[Household] = []
    plan: list[dict] = []  # contact points etc. per customer, in the same order

    homes_taken: set[tuple[str, int]] = set()

    def new_home() -> Household:
        for _ in range(50):
            unit = rng.choice(gazetteer)
            number = rng.randint(1, unit.properties)
            if (unit.postcode, number) not in homes_taken:
                break
        homes_taken.add((unit.postcode, number))
        return Household(unit, number)

    def holder(home: Household) -> str:
        return _weighted(
            rng,
            [(home.unit.district, 62), (COUNTY, 25), (HOUSING, 8), (NHS, 3), (POLICE, 2)],
        )

    def email_for(local: str, domain: str | None = None) -> str:
        domain = domain or rng.choice(["example.org", "example.com"])
        address = f"{local}@{domain}"
        n = 1
        while address in emails_used:
            n += 1
            address = f"{local}{n}@{domain}"
        emails_used.add(address)
        return address

    for i in progress(range(count), "People", count):
        home = new_home()
        extra: dict = {"phones": [], "emails": [], "consents": [], "previous": None}
        if i < people:
            sex = rng.random()
            if sex < 0.49:
                given, title = rng.choice(names.GIVEN_NAMES_FEMALE), rng.choice(names.TITLES_FEMALE)
            elif sex < 0.98:
                given, title = rng.choice(names.GIVEN_NAMES_MALE), rng.choice(names.TITLES_MALE)
            else:
                given, title = (
                    rng.choice(names.GIVEN_NAMES_NEUTRAL),
                    rng.choice(names.TITLES_NEUTRAL),
                )
            if rng.random() < 0.15:
                title = ""
            family = rng.choice(names.FAMILY_NAMES)
            age_days = int(rng.triangular(18, 95, 45) * 365.25)
            customer = Customer(
                partner=partners[holder(home)],
                kind=CustomerKind.PERSON,
                title=title,
                given_name=given,
                family_name=family,
                date_of_birth=today - dt.timedelta(days=age_days),
                preferred_channel=_weighted(rng, PREFERRED_CHANNELS),
                preferred_language=_weighted(rng, LANGUAGES),
                search_name=normalise_name(f"{given} {family}"),
            )
            if rng.random() < 0.06:
                customer.accessibility_needs = rng.choice(names.ACCESSIBILITY_NEEDS)
            if rng.random() < 0.03:
                customer.vulnerability = rng.choice(names.VULNERABILITIES)
            if rng.random() < 0.88:
                extra["phones"].append((phones.pop(), "home" if rng.random() < 0.6 else "mobile"))
                if rng.random() < 0.15:
                    extra["phones"].append((phones.pop(), "work"))
            if rng.random() < 0.65:
                local = f"{_ascii_slug(given)}.{_ascii_slug(family)}"
                extra["emails"].append(email_for(local))
        else:
            town = home.unit.town
            name = rng.choice(names.ORGANISATIONS).format(town=town)
            customer = Customer(
                partner=partners[home.unit.district],
                kind=CustomerKind.ORGANISATION,
                organisation_name=name,
                preferred_channel=Channel.EMAIL,
                search_name=normalise_name(name),
            )
            extra["phones"].append((phones.pop(), "office"))
            extra["emails"].append(email_for("enquiries", f"{_ascii_slug(name)[:40]}.example.org"))
        if not extra["phones"] and not extra["emails"]:
            extra["phones"].append((phones.pop(), "home"))
        # Consents, given some time in the last three years.
        given_at = now - dt.timedelta(days=rng.uniform(1, 1000))
        if rng.random() < 0.4:
            # Most who agree to sharing agree for every partner (one consent naming each);
            # some for one partner only. A sharing consent always names its recipient.
            recipient = ALL_PARTNERS if rng.random() < 0.9 else rng.choice([POLICE, NHS, HOUSING])
            withdrawn = rng.random() < 0.03
            extra["consents"].append((ConsentPurpose.SHARE_WITH_PARTNERS, recipient, withdrawn))
        if extra["emails"] and rng.random() < 0.45:
            extra["consents"].append((ConsentPurpose.EMAIL_UPDATES, None, False))
        if extra["phones"] and rng.random() < 0.1:
            extra["consents"].append((ConsentPurpose.SMS_UPDATES, None, False))
        if rng.random() < 0.2:
            extra["consents"].append((ConsentPurpose.SURVEYS, None, False))
        extra["given_at"] = given_at
        if rng.random() < 0.1:
            extra["previous"] = new_home()
        extra["created_at"] = now - dt.timedelta(days=rng.uniform(0, 1100))
        customers.append(customer)
        households.append(home)
        plan.append(extra)

    Customer.objects.bulk_create(customers, batch_size=500)
    _backdate(customers, [extra["created_at"] for extra in plan])

    phone_rows, email_rows, address_rows, consent_rows = [], [], [], []
    # Customers who agreed to sharing with every partner -> their consent per recipient slug.
    sharing: dict[Customer, dict[str, Consent]] = {}
    for customer, home, extra in zip(customers, households, plan, strict=True):
        for number, label in extra["phones"]:
            phone_rows.append(CustomerPhone(customer=customer, number=number, label=label))
        for address in extra["emails"]:
            email_rows.append(CustomerEmail(customer=customer, address=address))
        address_rows.append(
            CustomerAddress(
                customer=customer,
                line1=home.line1,
                town=home.unit.town,
                postcode=home.unit.postcode,
                uprn=home.uprn,
                is_current=True,
            )
        )
        if extra["previous"] is not None:
            old = extra["previous"]
            address_rows.append(
                CustomerAddress(
                    customer=customer,
                    line1=old.line1,
                    town=old.unit.town,
                    postcode=old.unit.postcode,
                    uprn=old.uprn,
                    is_current=False,
                )
            )
        for purpose, recipient, withdrawn in extra["consents"]:
            withdrawn_at = now - dt.timedelta(days=rng.uniform(0, 30)) if withdrawn else None
            how = rng.choice(CONSENT_WORDING)
            if recipient == ALL_PARTNERS:
                recipients = [slug for slug in DEMO_SLUGS if partners[slug] != customer.partner]
            else:
                recipients = [recipient]
            rows = [
                Consent(
                    customer=customer,
                    purpose=purpose,
                    recipient=partners[slug] if slug else None,
                    given_at=extra["given_at"],
                    withdrawn_at=withdrawn_at,
                    how=how,
                )
                for slug in recipients
            ]
            consent_rows.extend(rows)
            if recipient == ALL_PARTNERS and withdrawn_at is None:
                sharing[customer] = {row.recipient.slug: row for row in rows}
    CustomerPhone.objects.bulk_create(phone_rows, batch_size=1000)
    CustomerEmail.objects.bulk_create(email_rows, batch_size=1000)
    CustomerAddress.objects.bulk_create(address_rows, batch_size=1000)
    Consent.objects.bulk_create(consent_rows, batch_size=1000)

    _link_duplicates(rng, partnership, customers, households, plan, phones)

    homes = {c.pk: h for c, h in zip(customers, households, strict=True)}
    sharing_consent = {customer.pk: by_slug for customer, by_slug in sharing.items()}
    return Population(customers=customers, homes=homes, sharing_consent=sharing_consent)


def _link_duplicates(rng, partnership, customers, households, plan, phones) -> None:
    """Some people are known to two partners: a second record held by the other partner,
    linked (never merged) by a member of staff."""
    people = [
        (c, h, p)
        for c, h, p in zip(customers, households, plan, strict=True)
        if c.kind == CustomerKind.PERSON
    ]
    sample = rng.sample(people, k=min(len(people), max(1, len(customers) // 150)))
    linked_by = partnership.users.get("adviser")
    copies, copied_from = [], []
    for original, _home, _extra in sample:
        other = (
            COUNTY
            if original.partner.slug != COUNTY
            else rng.choice([HOUSING, NHS, original.partner.slug])
        )
        if other == original.partner.slug:
            continue
        copies.append(
            Customer(
                partner=partnership.partners[other],
                kind=CustomerKind.PERSON,
                title=original.title,
                given_name=original.given_name,
                family_name=original.family_name,
                date_of_birth=original.date_of_birth,
                preferred_language=original.preferred_language,
                search_name=original.search_name,
            )
        )
        copied_from.append((original, _home))
    Customer.objects.bulk_create(copies)
    rows, addresses, phone_rows = [], [], []
    for copy, (original, home) in zip(copies, copied_from, strict=True):
        rows.append(CustomerLink(from_customer=copy, to_customer=original, linked_by=linked_by))
        addresses.append(
            CustomerAddress(
                customer=copy,
                line1=home.line1,
                town=home.unit.town,
                postcode=home.unit.postcode,
                uprn=home.uprn,
            )
        )
        phone_rows.append(CustomerPhone(customer=copy, number=phones.pop(), label="mobile"))
    CustomerLink.objects.bulk_create(rows)
    CustomerAddress.objects.bulk_create(addresses)
    CustomerPhone.objects.bulk_create(phone_rows)
