"""Reads of contacts and the first-contact resolution indicator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.customers.selectors import sharing_scope
from firstcontact.privacy.models import DataCategory

User = AbstractBaseUser | AnonymousUser


def visible_contacts(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(
        sharing_scope(user, DataCategory.CONTACTS, partner_field="partner", customer_field="customer")
    )


@dataclass(frozen=True)
class FirstContactResolution:
    resolved: int
    eligible: int

    @property
    def rate(self) -> float | None:
        """Share of contacts resolved at first contact, 0–1; None when there were none."""
        return self.resolved / self.eligible if self.eligible else None


def first_contact_resolution(
    contacts: QuerySet[Contact],
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> FirstContactResolution:
    """FCR: contacts resolved at first contact ÷ ended contacts, abandoned ones excluded
    (an abandoned call was never answered, so it had no chance of resolution).

    Pass an already-scoped queryset (e.g. `visible_contacts(user).filter(partner=...)`).
    """
    qs = contacts.exclude(ended_at__isnull=True).exclude(outcome=Outcome.ABANDONED)
    if start is not None:
        qs = qs.filter(started_at__gte=start)
    if end is not None:
        qs = qs.filter(started_at__lt=end)
    counts = qs.aggregate(
        eligible=Count("pk"), resolved=Count("pk", filter=Q(outcome=Outcome.RESOLVED))
    )
    return FirstContactResolution(resolved=counts["resolved"], eligible=counts["eligible"])
