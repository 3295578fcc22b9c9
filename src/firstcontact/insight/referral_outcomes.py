"""Referral outcomes and time to feedback (issue 17, item 3): of the referrals made in a
month, how many each partner completed, declined, left open or had withdrawn, how long the
answer took, and how many answers the responsible team has yet to pass on to the resident.
Counts and durations only."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from firstcontact.servicerequests.models import Referral


@dataclass
class ReferralLine:
    from_partner: str
    to_partner: str
    sent: int = 0
    completed: int = 0
    declined: int = 0
    withdrawn: int = 0
    open: int = 0
    # answered, and the responsible team not yet through the prompt to tell the resident
    awaiting_update: int = 0
    days: list[float] = field(default_factory=list)  # to each completion or decline

    @property
    def answered(self) -> int:
        return self.completed + self.declined

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(month.replace(day=1), dt.time()))
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(dt.datetime.combine(following, dt.time()))


def referral_outcomes(month: dt.date, *, partner_ids: set[int] | None) -> list[ReferralLine]:
    """Referrals made in the month by or to the partners given (None: every partner), one
    line per (referring partner, partner referred to)."""
    start, end = month_bounds(month)
    referrals = Referral.objects.filter(created_at__gte=start, created_at__lt=end)
    if partner_ids is not None:
        referrals = referrals.filter(
            Q(from_partner_id__in=partner_ids) | Q(to_partner_id__in=partner_ids)
        )
    lines: dict[tuple[str, str], ReferralLine] = {}
    fields = ("from_partner__name", "to_partner__name", "state", "created_at", "answered_at")
    fields += ("feedback_at",)
    for from_name, to_name, state, created, answered, feedback in referrals.values_list(
        *fields
    ).order_by():
        line = lines.setdefault((from_name, to_name), ReferralLine(from_name, to_name))
        line.sent += 1
        if state in (Referral.State.SENT, Referral.State.ACCEPTED):
            line.open += 1
        elif state == Referral.State.WITHDRAWN:
            line.withdrawn += 1
        else:
            setattr(line, state, getattr(line, state) + 1)
            if answered is not None:
                line.days.append((answered - created).total_seconds() / 86400)
            if feedback is None:
                line.awaiting_update += 1
    return [lines[key] for key in sorted(lines)]
