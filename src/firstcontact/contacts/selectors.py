"""Reads of contacts and the first-contact resolution indicator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from firstcontact.contacts.models import (
    FCR_OUTCOMES,
    Callback,
    CallbackStatus,
    Contact,
    Outcome,
)
from firstcontact.customers.selectors import sharing_scope
from firstcontact.partners.selectors import acting_partner_ids
from firstcontact.privacy.models import DataCategory

User = AbstractBaseUser | AnonymousUser


def visible_contacts(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(
        sharing_scope(
            user, DataCategory.CONTACTS, partner_field="partner", customer_field="customer"
        )
    )


@dataclass(frozen=True)
class FirstContactResolution:
    resolved: int
    eligible: int
    # Contacts left in progress and closed by the timeout: outside `eligible`, counted apart.
    timed_out: int = 0

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
    """FCR: contacts resolved at first contact (FCR_OUTCOMES: resolved, or signposted to a
    service) ÷ ended contacts, abandoned and timed-out ones excluded (an abandoned call was
    never answered, so it had no chance of resolution; a contact left in progress when the
    adviser's session ended has no known outcome). Timed-out contacts are counted apart, so a
    desk that leaves contacts open shows it.

    Pass an already-scoped queryset (e.g. `visible_contacts(user).filter(partner=...)`).
    """
    qs = contacts.exclude(ended_at__isnull=True).exclude(outcome=Outcome.ABANDONED)
    if start is not None:
        qs = qs.filter(started_at__gte=start)
    if end is not None:
        qs = qs.filter(started_at__lt=end)
    counts = qs.aggregate(
        eligible=Count("pk", filter=~Q(outcome=Outcome.TIMED_OUT)),
        resolved=Count("pk", filter=Q(outcome__in=FCR_OUTCOMES)),
        timed_out=Count("pk", filter=Q(outcome=Outcome.TIMED_OUT)),
    )
    return FirstContactResolution(**counts)


def visible_callbacks(user: User) -> QuerySet[Callback]:
    """Callbacks for partners the user acts for (own or hub) whose customer, if any, the user
    may read too (docs/access.md): a callback booked for a customer the partner's staff
    cannot see stays out of their lists, whatever partner it was booked for."""
    from firstcontact.customers.selectors import visible_customers

    return Callback.objects.filter(partner_id__in=acting_partner_ids(user)).filter(
        Q(customer__isnull=True) | Q(customer__in=visible_customers(user).values("pk"))
    )


def callbacks_due(
    user: User, *, scope: str = "mine", now: dt.datetime | None = None
) -> QuerySet[Callback]:
    """Booked callbacks whose window starts before the end of today (so overdue ones too):
    scope "mine" (assigned to the user), "team" (to the user's teams, or unassigned for the
    user's partners) or "all" (every visible booked callback), earliest first."""
    from firstcontact.partners.models import Membership

    now = now or timezone.now()
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    booked = visible_callbacks(user).filter(status=CallbackStatus.BOOKED)
    if scope == "mine":
        booked = booked.filter(assigned_to=user)
    elif scope == "team":
        memberships = Membership.objects.filter(user=user)
        teams = [t for t in memberships.values_list("team_id", flat=True) if t]
        partners = list(memberships.values_list("partner_id", flat=True))
        booked = booked.filter(
            Q(team_id__in=teams)
            | Q(team__isnull=True, assigned_to__isnull=True, partner_id__in=partners)
        )
    return booked.filter(window_start__lt=end_of_day).select_related(
        "customer", "partner", "assigned_to", "team"
    )
