"""What a data steward may see: pairs of possible duplicates and the merges made.

docs/access.md, `data_steward`: the pairs whose two records the steward may read (the desk's
visible_customers: own, hub or shared identity data), at least one held by a partner they are
data steward for; merges whose surviving record is held by such a partner.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from firstcontact.customers.models import CustomerMerge
from firstcontact.customers.selectors import visible_customers
from firstcontact.linkage.models import CandidatePair, PairStatus
from firstcontact.partners.models import Role
from firstcontact.partners.selectors import acts_in_role

User = AbstractBaseUser | AnonymousUser

STEWARD_ROLES = frozenset({Role.DATA_STEWARD})


def steward_partner_ids(user: User) -> set[int]:
    """Partners the user acts for as data steward (own, or through a hub agreement)."""
    return acts_in_role(user, STEWARD_ROLES) if user.is_authenticated else set()


def is_steward(user: User) -> bool:
    return bool(steward_partner_ids(user))


def visible_pairs(user: User) -> QuerySet[CandidatePair]:
    """Pairs the steward may review: both records readable, one held by their partner."""
    stewarded = steward_partner_ids(user)
    if not stewarded:
        return CandidatePair.objects.none()
    readable = visible_customers(user).values("pk")
    return CandidatePair.objects.filter(
        Q(left__partner_id__in=stewarded) | Q(right__partner_id__in=stewarded),
        left__in=readable,
        right__in=readable,
    )


def review_queue(user: User, *, source: str = "", cross: str = "") -> QuerySet[CandidatePair]:
    """Pending pairs, the strongest matches first; `source` a PairSource, `cross` "yes" (across
    partners only) or "no" (within one partner only)."""
    pairs = visible_pairs(user).filter(status=PairStatus.PENDING)
    if source:
        pairs = pairs.filter(source=source)
    if cross == "yes":
        pairs = pairs.filter(cross_partner=True)
    elif cross == "no":
        pairs = pairs.filter(cross_partner=False)
    return pairs.select_related("left__partner", "right__partner").order_by("-weight", "pk")


def get_pair(user: User, pk: int) -> CandidatePair:
    pair = visible_pairs(user).select_related("left__partner", "right__partner").filter(pk=pk)
    found = pair.first()
    if found is None:
        raise Http404("No pair with that number that you may review.")
    return found


def visible_merges(user: User) -> QuerySet[CustomerMerge]:
    """Merges into a record held by a partner the user is data steward for, newest first."""
    return (
        CustomerMerge.objects.filter(survivor__partner_id__in=steward_partner_ids(user))
        .select_related("survivor__partner", "merged__partner")
        .order_by("-merged_at", "-pk")
    )


def get_merge(user: User, pk: int) -> CustomerMerge:
    merge = visible_merges(user).filter(pk=pk).first()
    if merge is None:
        raise Http404("No merge with that number that you may see.")
    return merge
