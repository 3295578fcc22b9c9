"""Reads for the erasure pages, scoped to the partners a data protection officer covers."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import Customer
from firstcontact.privacy.selectors import dpo_partner_ids
from firstcontact.retention.models import ErasureRequest

User = AbstractBaseUser | AnonymousUser


def covered_partner_ids(user: User) -> set[int]:
    """Partners whose records the user answers for as a data protection officer: their own
    partner's as `dpo`, every partner's as `partnership_dpo`; none for anyone else."""
    return set(dpo_partner_ids(user))


def is_dpo(user: User) -> bool:
    return bool(covered_partner_ids(user))


def visible_erasure_requests(user: User) -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.filter(partner_id__in=covered_partner_ids(user))


def erasable_customers(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(partner_id__in=covered_partner_ids(user))


def find_customers(user: User, query: str, *, limit: int = 20) -> list[Customer]:
    """Customers of the covered partners by record number or name (all the words typed)."""
    query = query.strip()
    customers = erasable_customers(user).select_related("partner")
    if query.isdigit():
        return list(customers.filter(pk=int(query))[:1])
    words = normalise_name(query).split()
    if not words:
        return []
    for word in words:
        customers = customers.filter(search_name__contains=word)
    return list(customers.order_by("search_name", "pk")[:limit])
