"""Scoped reads of canned replies and saved views (docs/access.md)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from firstcontact.casework.models import CannedReply, SavedView
from firstcontact.partners.selectors import LEAD_ROLES, partner_ids_with_role
from firstcontact.servicerequests.permissions import Action, may_act_on_request, work_partner_ids


def managed_partner_ids(user) -> set[int]:
    """Partners whose canned replies the user keeps: team leaders and managers (members)."""
    return partner_ids_with_role(user, LEAD_ROLES)


def manageable_replies(user) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(partner_id__in=managed_partner_ids(user)).select_related(
        "partner", "service"
    )


def get_manageable_reply(user, pk: int) -> CannedReply:
    reply = manageable_replies(user).filter(pk=pk).first()
    if reply is None:
        raise Http404("No canned reply that you keep.")
    return reply


def offered_for(request) -> Q:
    """Replies in use of the request's partner, for its service or for every service."""
    return Q(retired_at__isnull=True, partner_id=request.responsible_partner_id) & (
        Q(service__isnull=True) | Q(service_id=request.service_id)
    )


def replies_for_request(user, request) -> QuerySet[CannedReply]:
    """The replies offered on a request's page: none unless the user may write to the
    resident about it (a public update: the responsible partner's officers)."""
    if not may_act_on_request(user, request, Action.PUBLIC_UPDATE):
        return CannedReply.objects.none()
    return CannedReply.objects.filter(offered_for(request)).order_by("title")


def bulk_replies(user) -> QuerySet[CannedReply]:
    """Replies in use of every partner whose requests the user works (each request of a bulk
    action takes only its own partner's)."""
    return (
        CannedReply.objects.filter(retired_at__isnull=True, partner_id__in=work_partner_ids(user))
        .select_related("partner", "service")
        .order_by("partner__name", "title")
    )


def my_views(user) -> QuerySet[SavedView]:
    if not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user).order_by("name")


def get_my_view(user, pk: int) -> SavedView:
    """One of the user's own views; anyone else's is a 404 (never given away)."""
    view = my_views(user).filter(pk=pk).first()
    if view is None:
        raise Http404("No saved view of yours.")
    return view


def default_view(user) -> SavedView | None:
    return my_views(user).filter(is_default=True).first()
