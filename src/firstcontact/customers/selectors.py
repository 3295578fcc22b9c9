"""Reads of customer records, always scoped to what the acting user's partners may see.

A partner sees its own records; another partner's records only where a data-sharing
agreement in force covers the category *and* the customer has consented to sharing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import Case, Exists, F, Lookup, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    looks_like_phone,
    looks_like_uprn,
)
from firstcontact.customers.matching import name_score, normalise_name, one_typo_away, trigrams
from firstcontact.customers.models import Consent, ConsentPurpose, Customer
from firstcontact.partners.geography import normalise_postcode
from firstcontact.partners.selectors import (
    STAFF_ROLES,
    acting_partner_ids,
    acts_in_role,
    own_partner_ids,
)
from firstcontact.privacy.models import AuditEvent, DataCategory, DataSharingAgreement
from firstcontact.privacy.services import record_audit_event

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

User = AbstractBaseUser | AnonymousUser

# How many candidates each look-up gives rapidfuzz to re-rank, and the lowest score shown.
CANDIDATES = 400
MIN_NAME_SCORE = 60.0
# Name search looks first at the people whose given and family names are each the ones typed
# or a typo away from them (or whose given name starts with the one typed: "j smith"), in
# either order ("smith john"): exact look-ups in one index, a few milliseconds among a million
# customers. Only if none of them scores GOOD_NAME_SCORE (the right name with a typo in each
# word nearly always scores 82 or more) does it try the trigram look-ups: names close to every
# word typed, then the broad one on the whole name, which ranks every customer sharing a few
# trigrams with it (all the Smiths, say) and takes hundreds of milliseconds at that size.
# Organisations and single words are found by those alone.
GOOD_NAME_SCORE = 80.0
# Names of more words than this go straight to the trigram look-ups: each way of splitting one
# into given and family names adds hundreds of spellings to look up.
CLOSE_MAX_WORDS = 4
# The pg_trgm word similarity each typed word needs with part of a name: a typo in a short word
# ("smiht" for "smith", "jonh" for "john") leaves 0.3 to 0.5.
WORD_SIMILARITY = 0.25


def sharing_scope(
    user: User, category: str, *, partner_field: str, customer_field: str | None
) -> Q:
    """A filter for records of `category` the user may see: `own` and `hub` (held by a
    partner the user acts for) or `shared` (docs/access.md).

    `partner_field` names the partner that holds the record; `customer_field` the customer it
    is about (None for the customer itself). Shared: a data-sharing agreement in force from
    the holder to a partner the user acts for covers `category`, and the customer has a
    current consent to sharing that names that same partner. A consent with no recipient
    names nobody.
    """
    acting = acting_partner_ids(user)
    own = Q(**{f"{partner_field}__in": acting})
    # provider → the partners the user acts for that it shares `category` with.
    recipients: dict[int, set[int]] = {}
    for provider, recipient, categories in (
        DataSharingAgreement.objects.in_force()
        .filter(recipient_id__in=acting)
        .values_list("provider_id", "recipient_id", "categories")
    ):
        if category in (categories or []):
            recipients.setdefault(provider, set()).add(recipient)
    # Providers sharing with the same partners share one consent condition.
    by_recipients: dict[frozenset[int], list[int]] = {}
    for provider, named in recipients.items():
        by_recipients.setdefault(frozenset(named), []).append(provider)
    scope = own
    for named, providers in by_recipients.items():
        # A consent that names a data category covers that category alone.
        consent = Consent.objects.current().filter(
            Q(data_category="") | Q(data_category=category),
            customer=OuterRef(customer_field or "pk"),
            purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
            recipient_id__in=named,
        )
        scope |= Q(**{f"{partner_field}__in": providers}) & Exists(consent)
    return scope


def visible_customers(user: User) -> QuerySet[Customer]:
    """Customers the user may read: own, hub or shared (identity), and the customer of a
    request referred to a partner the user is a member of while the referral is open."""
    from firstcontact.servicerequests.models import Referral

    scope = sharing_scope(user, DataCategory.IDENTITY, partner_field="partner", customer_field=None)
    members = own_partner_ids(user)
    if members:
        referred = Referral.objects.filter(
            request__customer=OuterRef("pk"),
            to_partner_id__in=members,
            state__in=[Referral.State.SENT, Referral.State.ACCEPTED],
        )
        scope |= Q(Exists(referred))
    # A record merged into another is a tombstone: its survivor is read instead.
    return Customer.objects.filter(scope, merged_into__isnull=True)


def merged_survivor(user: User, pk: int) -> Customer | None:
    """The record `pk` was merged into (following later merges), if it is one and the user
    may read that survivor: the desk sends them there instead of a 404."""
    seen: set[int] = set()
    target = Customer.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
    while target is not None and target not in seen:
        seen.add(target)
        after = Customer.objects.filter(pk=target).values_list("merged_into_id", flat=True).first()
        if after is None:
            return visible_customers(user).filter(pk=target).first()
        target = after
    return None


def can_edit_customer(user: User, customer: Customer) -> bool:
    """Whether the user may change the record (docs/access.md, "Other writes"): advisers,
    caseworkers, team leaders and managers of the holder, or acting for it through a hub.
    Partners that read it by sharing or a referral do not change it."""
    return customer.partner_id in acts_in_role(user, STAFF_ROLES)


def customer_changes(customer: Customer, *, limit: int | None = None) -> list:
    """The record's change history, newest first (for someone who may read the record)."""
    changes = customer.changes.order_by("-changed_at", "-pk")
    return list(changes[:limit] if limit else changes)


def get_customer(user: User, pk: int, *, purpose: str = "") -> Customer:
    """One customer the user may see, for display: writes an audit event. 404 otherwise."""
    return audited_customer(
        user,
        visible_customers(user),
        pk,
        purpose=purpose,
        missing="No customer with that reference that you may see.",
        prefetch=("phones", "emails", "addresses", "consents"),
    )


def audited_customer(
    user: User,
    scope: QuerySet[Customer],
    pk: int,
    *,
    purpose: str,
    missing: str,
    prefetch: tuple[str, ...],
) -> Customer:
    """The customer `pk` within `scope`, for display: its view is audited with `purpose`.
    404 with `missing` when it is not there (shared with the DPO's covered records)."""
    customer = scope.select_related("partner").prefetch_related(*prefetch).filter(pk=pk).first()
    if customer is None:
        raise Http404(missing)
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


class _OneOf(Lookup):
    """A column is one of a set of (hundreds of) normalised names, passed as one string.

    One string is quick to send, and on PostgreSQL the planner then doesn't weigh each name
    against the column's statistics, which for the sets name search makes costs more than
    running the query. As the condition an index is searched by (`indexed`), the set is an
    array to look up; otherwise, a filter on rows already found, a hashed set.
    """

    lookup_name = "one_of"
    prepare_rhs = False
    indexed = True

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        lhs, params = self.process_lhs(compiler, connection)
        names = sorted(self.rhs)
        if connection.vendor == "postgresql":
            # Normalised names hold nothing but letters, digits and spaces.
            array = "CAST((SELECT string_to_array(%s, ',')) AS text[])"
            if self.indexed:
                return f"{lhs} = ANY({array})", [*params, ",".join(names)]
            return f"{lhs} IN (SELECT unnest({array}))", [*params, ",".join(names)]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(names)]


class _AlsoOneOf(_OneOf):
    """_OneOf as a filter on rows an index search found."""

    indexed = False


def _close_name_ids(scope: QuerySet[Customer], name: str, size: int) -> QuerySet | list[int] | None:
    """Ids of people named like `name` with at most a typo in each name, exact names first.

    The given name(s) may come first in `name` or last ("smith john"); a name of three words
    or more is tried split at each place ("gareth jenkins jones"). A given name may also be
    the start of the right one ("j smith", "chris"). None for a single word, which could be
    either name, or more than CLOSE_MAX_WORDS.

    On PostgreSQL, up to `size` customers in `scope`, as a subquery (so their names are read
    in the same query). SQLite has no statistics unless ANALYZE is run (Django doesn't), and
    without them its planner walks the index of the user's partners instead of this one: there,
    a list of up to ten times `size` of every partner's customers, for the caller to scope.
    """
    words = name.split()
    if not 2 <= len(words) <= CLOSE_MAX_WORDS:
        return None
    readings: list[tuple[str, str]] = []  # (given, family)
    for split in range(1, len(words)):
        first, rest = " ".join(words[:split]), " ".join(words[split:])
        readings += [(first, rest), (rest, first)]
    typos = {part: one_typo_away(part) for reading in readings for part in reading}
    # The index is searched for every family name that any reading allows; each reading's
    # pair of names is then checked in the index too (which holds the family and given names,
    # partner and id: nothing else is read).
    families = set().union(*(typos[family] for _, family in readings))
    pairs = reduce(
        or_,
        [
            Q(_AlsoOneOf(F("search_family"), typos[family]))
            & (Q(_AlsoOneOf(F("search_given"), typos[given])) | Q(search_given__startswith=given))
            for given, family in readings
        ],
    )
    # Exact family names first, for when more than `size` match ("j smith" among a million).
    exact = {family for _, family in readings}
    scoped = connection.vendor == "postgresql"
    ids = (
        (scope if scoped else Customer.objects.all())
        .filter(_OneOf(F("search_family"), families))
        .filter(pairs)
        .order_by(
            Case(When(search_family__in=exact, then=Value(0)), default=Value(1)),
            "search_family",
            "search_given",
        )
        .values_list("pk", flat=True)
    )
    return ids[:size] if scoped else list(ids[: size * 10])


def _fts_word_terms(word: str) -> str | None:
    """An FTS5 trigram query for names with a word like `word`, typos allowed.

    Any trigram of the word; its first two letters after a space or its last two before one
    (the trigram tokenizer indexes the pieces that span words); a name starting with its first
    three letters; and, for a short word, which a swapped pair of letters leaves with no trigram
    in common with the right one ("jaon" and "joan"), the word with a pair swapped back.
    """
    terms = {word[i : i + 3] for i in range(len(word) - 2)}
    if len(word) >= 2:
        terms |= {f" {word[:2]}", f"{word[-2:]} "}
    if 3 <= len(word) <= 5:
        terms |= {
            word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            for i in range(len(word) - 1)
            if word[i] != word[i + 1]
        }
    phrases = [f'"{term}"' for term in sorted(terms)]
    if len(word) >= 3:
        phrases.append(f'^"{word[:3]}"')
    return f"({' OR '.join(phrases)})" if phrases else None


def _name_candidate_ids(
    query: str, *, every_word: bool = False, size: int | None = None
) -> list[int] | None:
    """Ids of up to CANDIDATES customers whose (normalised) name is like `query`, best first.

    every_word: only names with something like each word of the query, which the index
    finds far faster than the default broad look-up on the whole name; None where this
    database or query has no such look-up.
    """
    size = size or CANDIDATES
    grams = sorted(trigrams(query))
    if not grams:
        if every_word:
            return None
        return list(
            Customer.objects.filter(search_name__startswith=query).values_list("pk", flat=True)[
                :size
            ]
        )
    words = list(dict.fromkeys(query.split()))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and every_word:
            # Each word's condition narrows the one GIN index scan, so a common surname
            # costs little once the given name is there too.
            with transaction.atomic():
                cursor.execute(f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}")
                cursor.execute(
                    "SELECT id FROM customers_customer WHERE "
                    + " AND ".join(["%s <%% search_name"] * len(words))
                    + " ORDER BY similarity(search_name, %s) DESC LIMIT %s",
                    [*words, query, size],
                )
                return [row[0] for row in cursor.fetchall()]
        elif connection.vendor == "postgresql":
            # pg_trgm's default similarity threshold (0.3) misses two typos in a short
            # name ("jonh smiht"); 0.2 keeps them, and rapidfuzz re-ranks afterwards.
            with transaction.atomic():
                cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
                cursor.execute(
                    "SELECT id FROM customers_customer WHERE search_name %% %s "
                    "ORDER BY similarity(search_name, %s) DESC LIMIT %s",
                    [query, query, size],
                )
                return [row[0] for row in cursor.fetchall()]
        elif connection.vendor == "sqlite":
            if every_word:
                groups = [g for g in map(_fts_word_terms, words) if g]
                match = " AND ".join(groups)
            else:
                match = " OR ".join(f'"{g}"' for g in grams)
            cursor.execute(
                "SELECT rowid FROM customers_customer_fts WHERE customers_customer_fts MATCH %s "
                "ORDER BY rank LIMIT %s",
                [match, size],
            )
        else:  # pragma: no cover - other databases fall back to a scan of the first letters
            if every_word:
                return None
            return list(
                Customer.objects.filter(search_name__startswith=query[:2]).values_list(
                    "pk", flat=True
                )[: size * 10]
            )
        return [row[0] for row in cursor.fetchall()]


def _search_by_name(scope: QuerySet[Customer], name: str, limit: int) -> list[CustomerMatch]:
    """The best `limit` visible customers named like `name` (normalised), by rapidfuzz score.

    Candidates come from the quick look-ups of names a typo away, then, unless they found a
    good match, the trigram look-ups too. Only their names are read to score them; whole
    records only for the customers shown.
    """
    scores: dict[str, float] = {}
    ranked: list[tuple] = []
    seen: set[int] = set()
    # The trigram look-ups draw candidates from every partner's records before the visibility
    # filter, so a common name held mostly by other partners can fill the pool: widen it once
    # if so.
    attempts = [
        ("close", CANDIDATES),
        ("every word", CANDIDATES),
        ("broad", CANDIDATES),
        ("broad", CANDIDATES * 10),
    ]
    pool_was_full = False
    for look_up, size in attempts:
        if size > CANDIDATES and (len(ranked) >= limit or not pool_was_full):
            break
        if look_up == "close":
            ids = _close_name_ids(scope, name, size)
        else:
            found = _name_candidate_ids(name, every_word=look_up == "every word", size=size)
            pool_was_full = found is not None and len(found) >= size
            ids = None if found is None else [pk for pk in found if pk not in seen]
        if ids is None:
            continue
        rows = list(
            scope.filter(pk__in=ids).values_list(
                "pk", "search_name", "family_name", "given_name", "organisation_name"
            )
        )
        seen.update(row[0] for row in rows)
        for pk, search_name, family, given, organisation in rows:
            score = scores.get(search_name)
            if score is None:
                score = scores[search_name] = name_score(name, search_name)
            if score >= MIN_NAME_SCORE:
                ranked.append((-score, search_name, family, given, organisation, pk))
        if ranked and -min(ranked)[0] >= GOOD_NAME_SCORE:
            break
    ranked.sort()
    shown = ranked[:limit]
    customers = scope.select_related("partner").in_bulk([row[-1] for row in shown])
    return [CustomerMatch(customers[row[-1]], -row[0], "name") for row in shown]


def search_customers(
    user: User, query: str, *, limit: int = 20, purpose: str = ""
) -> list[CustomerMatch]:
    """The adviser's search: by phone, email, postcode, UPRN or (typo-tolerant) name. Audited
    with the terms and the ids of the customers found."""
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
        found = scope.filter(emails__address__lower=email.lower()).distinct()[:limit]
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
        results = _search_by_name(scope, normalise_name(query), limit)
    record_search(user, query, [m.customer.pk for m in results], purpose=purpose)
    return results


# The audit row of a search keeps what was typed (to this many characters) and the ids of
# the customers shown, as many as fit in AuditEvent.detail (500 characters).
SEARCH_TERMS_MAX = 100
AUDIT_DETAIL_MAX = 500


def search_audit_detail(query: str, customer_ids: list[int], *, purpose: str = "") -> str:
    """`search "<terms>" (<purpose>): 3 result(s): customer 12, 45, 78`, the ids cut short
    with "and N more" where they would not fit."""
    terms = query.strip()
    if len(terms) > SEARCH_TERMS_MAX:
        terms = terms[: SEARCH_TERMS_MAX - 1] + "…"
    head = f"search {json.dumps(terms, ensure_ascii=False)}"
    if purpose:
        head += f" ({purpose})"
    head += f": {len(customer_ids)} result(s)"
    if not customer_ids:
        return head
    ids = [str(pk) for pk in customer_ids]
    for shown in range(len(ids), 0, -1):
        rest = len(ids) - shown
        detail = f"{head}: customer {', '.join(ids[:shown])}"
        if rest:
            detail += f" and {rest} more"
        if len(detail) <= AUDIT_DETAIL_MAX:
            return detail
    return head[:AUDIT_DETAIL_MAX]


def record_search(
    user: User, query: str, customer_ids: list[int], *, purpose: str = "", by: str = ""
) -> None:
    """Audit one search: the terms typed and the customers it showed (their ids)."""
    record_audit_event(
        user=user,
        action=AuditEvent.Action.SEARCH,
        object_type="customer",
        object_id=by or "-",
        customer_id=customer_ids[0] if len(customer_ids) == 1 else None,
        detail=search_audit_detail(query, customer_ids, purpose=purpose),
    )


def likely_duplicates(
    user: User, *, given_name: str, family_name: str, date_of_birth=None, postcode: str = ""
) -> list[CustomerMatch]:
    """Existing visible customers who may be the same person, to warn before creating one."""
    name = normalise_name(f"{given_name} {family_name}")
    if not name:
        return []
    matches = []
    for match in search_customers(user, name, limit=10, purpose="duplicate check"):
        customer = match.customer
        if date_of_birth and customer.date_of_birth and customer.date_of_birth != date_of_birth:
            continue
        if match.score >= 85:
            matches.append(match)
    return matches
