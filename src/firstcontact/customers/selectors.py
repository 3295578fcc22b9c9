"""Reads of customer records, always scoped to what the acting user's partners may see.

A partner sees its own records; another partner's records only where a data-sharing
agreement in force covers the category *and* the customer has consented to sharing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    looks_like_phone,
    looks_like_uprn,
)
from firstcontact.customers.matching import name_score, normalise_name, trigrams
from firstcontact.customers.models import Consent, ConsentPurpose, Customer
from firstcontact.partners.geography import normalise_postcode
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.privacy.models import AuditEvent, DataCategory, DataSharingAgreement
from firstcontact.privacy.services import record_audit_event

User = AbstractBaseUser | AnonymousUser

# How many trigram candidates to re-rank with rapidfuzz, and the lowest score shown.
CANDIDATES = 400
MIN_NAME_SCORE = 60.0


def sharing_scope(
    user: User, category: str, *, partner_field: str, customer_field: str | None
) -> Q:
    """A filter for records of `category` the user may see.

    `partner_field` names the partner that holds the record; `customer_field` the customer it
    is about (None for the customer itself), whose consent to sharing is checked.
    """
    acting = acting_partner_ids(user)
    own = Q(**{f"{partner_field}__in": acting})
    providers = [
        provider
        for provider, categories in DataSharingAgreement.objects.in_force()
        .filter(recipient_id__in=acting)
        .values_list("provider_id", "categories")
        if category in (categories or [])
    ]
    if not providers:
        return own
    consent = Consent.objects.current().filter(
        customer=OuterRef(customer_field or "pk"),
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
    ).filter(Q(recipient__isnull=True) | Q(recipient_id__in=acting))
    return own | (Q(**{f"{partner_field}__in": providers}) & Exists(consent))


def visible_customers(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(
        sharing_scope(user, DataCategory.IDENTITY, partner_field="partner", customer_field=None)
    )


def get_customer(user: User, pk: int, *, purpose: str = "") -> Customer:
    """One customer the user may see, for display: writes an audit event. 404 otherwise."""
    customer = (
        visible_customers(user)
        .select_related("partner")
        .prefetch_related("phones", "emails", "addresses", "consents")
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise Http404("No customer with that reference that you may see.")
    record_audit_event(
        user=user,
        action=AuditEvent.Action.VIEW,
        object_type="customer",
        object_id=customer.pk,
        customer_id=customer.pk,
        detail=purpose,
    )
    return customer


@dataclass(frozen=True)
class CustomerMatch:
    customer: Customer
    score: float
    matched_on: str


def _name_candidate_ids(query: str) -> list[int]:
    grams = sorted(trigrams(query))
    if not grams:
        return list(
            Customer.objects.filter(search_name__startswith=query)
            .values_list("pk", flat=True)[:CANDIDATES]
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # pg_trgm's default similarity threshold (0.3) misses two typos in a short
            # name ("jonh smiht"); 0.2 keeps them, and rapidfuzz re-ranks afterwards.
            with transaction.atomic():
                cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
                cursor.execute(
                    "SELECT id FROM customers_customer WHERE search_name %% %s "
                    "ORDER BY similarity(search_name, %s) DESC LIMIT %s",
                    [query, query, CANDIDATES],
                )
                return [row[0] for row in cursor.fetchall()]
        elif connection.vendor == "sqlite":
            match = " OR ".join(f'"{g}"' for g in grams)
            cursor.execute(
                "SELECT rowid FROM customers_customer_fts WHERE customers_customer_fts MATCH %s "
                "ORDER BY rank LIMIT %s",
                [match, CANDIDATES],
            )
        else:  # pragma: no cover - other databases fall back to a scan of the first letters
            return list(
                Customer.objects.filter(search_name__startswith=query[:2])
                .values_list("pk", flat=True)[: CANDIDATES * 10]
            )
        return [row[0] for row in cursor.fetchall()]


def search_customers(user: User, query: str, *, limit: int = 20) -> list[CustomerMatch]:
    """The adviser's search: by phone, email, postcode, UPRN or (typo-tolerant) name."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    scope = visible_customers(user)
    results: list[CustomerMatch] = []
    if "@" in query:
        try:
            email = clean_email(query)
        except ValueError:
            email = query.lower()
        found = scope.filter(emails__address__iexact=email).distinct()[:limit]
        results = [CustomerMatch(c, 100.0, "email") for c in found]
    elif looks_like_phone(query):
        try:
            number = clean_phone(query)
        except ValueError:
            number = None
        if number:
            found = scope.filter(phones__number=number).distinct()[:limit]
            results = [CustomerMatch(c, 100.0, "phone") for c in found]
    elif postcode := normalise_postcode(query):
        found = scope.filter(addresses__postcode=postcode).distinct()[:limit]
        results = [CustomerMatch(c, 100.0, "postcode") for c in found]
    elif looks_like_uprn(query):
        found = scope.filter(addresses__uprn=str(int(query))).distinct()[:limit]
        results = [CustomerMatch(c, 100.0, "UPRN") for c in found]
    elif re.search(r"[A-Za-z]", query):
        name = normalise_name(query)
        ids = _name_candidate_ids(name)
        candidates = scope.filter(pk__in=ids)
        scored = [
            CustomerMatch(c, name_score(name, c.search_name), "name")
            for c in candidates.select_related("partner")
        ]
        results = sorted(
            (m for m in scored if m.score >= MIN_NAME_SCORE),
            key=lambda m: (-m.score, m.customer.search_name),
        )[:limit]
    record_audit_event(
        user=user,
        action=AuditEvent.Action.SEARCH,
        object_type="customer",
        object_id="-",
        detail=f"{len(results)} result(s) for a search",
    )
    return results


def likely_duplicates(
    user: User, *, given_name: str, family_name: str, date_of_birth=None, postcode: str = ""
) -> list[CustomerMatch]:
    """Existing visible customers who may be the same person, to warn before creating one."""
    name = normalise_name(f"{given_name} {family_name}")
    if not name:
        return []
    matches = []
    for match in search_customers(user, name, limit=10):
        customer = match.customer
        if date_of_birth and customer.date_of_birth and customer.date_of_birth != date_of_birth:
            continue
        if match.score >= 85:
            matches.append(match)
    return matches
