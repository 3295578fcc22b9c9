"""Who may see the insight pages, and which partners' figures they see.

Team leaders, managers and partnership administrators may use the dashboards. Partnership
administrators and managers of a hub see every partner (and queues not yet mapped to one);
everyone else sees the partners they may act for (partners.selectors.acting_partner_ids):
their own, and the clients of a hub they work in.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from firstcontact.contacts.models import Contact
from firstcontact.partners.models import Membership, Partner, Role
from firstcontact.partners.selectors import acting_partner_ids, is_partnership_admin
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.telephony.models import AgentEvent, CallRecord, Queue

User = AbstractBaseUser | AnonymousUser
DASHBOARD_ROLES = (Role.TEAM_LEADER, Role.MANAGER, Role.PARTNERSHIP_ADMIN)


def can_view_insight(user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser or Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES).exists()
    )


def sees_all_partners(user: User) -> bool:
    return (
        is_partnership_admin(user)
        or Membership.objects.filter(user=user, role=Role.MANAGER, partner__is_hub=True).exists()
    )


def insight_partner_ids(user: User) -> set[int] | None:
    """The partners whose figures the user sees; None means every partner."""
    cached = getattr(user, "_fc_insight_partner_ids", False)
    if cached is not False:
        return cached
    result = None if sees_all_partners(user) else set(acting_partner_ids(user))
    if user.is_authenticated:
        user._fc_insight_partner_ids = result
    return result


def scoped_partners(user: User) -> QuerySet[Partner]:
    ids = insight_partner_ids(user)
    partners = Partner.objects.all()
    return partners if ids is None else partners.filter(pk__in=ids)


def scoped_queues(user: User) -> QuerySet[Queue]:
    ids = insight_partner_ids(user)
    queues = Queue.objects.select_related("partner", "service", "handled_by")
    return queues if ids is None else queues.filter(partner_id__in=ids)


def scoped_calls(user: User) -> QuerySet[CallRecord]:
    ids = insight_partner_ids(user)
    calls = CallRecord.objects.all()
    return calls if ids is None else calls.filter(queue__partner_id__in=ids)


def scoped_agent_events(user: User) -> QuerySet[AgentEvent]:
    ids = insight_partner_ids(user)
    events = AgentEvent.objects.all()
    return events if ids is None else events.filter(queue__partner_id__in=ids)


def scoped_contacts(user: User) -> QuerySet[Contact]:
    ids = insight_partner_ids(user)
    contacts = Contact.objects.all()
    return contacts if ids is None else contacts.filter(partner_id__in=ids)


def scoped_requests(user: User) -> QuerySet[ServiceRequest]:
    ids = insight_partner_ids(user)
    requests = ServiceRequest.objects.all()
    return requests if ids is None else requests.filter(responsible_partner_id__in=ids)


# --- Community safety (the hotspots pages) --------------------------------------------------
#
# Who: everyone who may see insight, and a caseworker whose team delivers a community-safety
# service (a police neighbourhood team, a council's street scene or environmental health team).
# Whose figures: the partners the user acts for, and the partners that share service requests
# with one of those under a data-sharing agreement in force; everything for those who see
# every partner in insight. The figures are counts with small numbers suppressed, never a
# record, so a resident's consent to sharing is not needed for them; the requests behind a
# place are listed through servicerequests.selectors.visible_requests, record by record.


def community_safety_service_ids() -> set[int]:
    from firstcontact.insight.models import CommunitySafetyService

    return set(CommunitySafetyService.objects.values_list("service_id", flat=True))


def community_safety_team_ids() -> set[int]:
    from firstcontact.catalogue.models import ServiceDelivery

    return set(
        ServiceDelivery.objects.filter(
            service_id__in=community_safety_service_ids(), team__isnull=False
        ).values_list("team_id", flat=True)
    )


def is_community_safety_caseworker(user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(
        user=user, role=Role.CASEWORKER, team_id__in=community_safety_team_ids()
    ).exists()


def can_view_places(user: User) -> bool:
    return can_view_insight(user) or is_community_safety_caseworker(user)


def places_partner_ids(user: User, category: str = "service_requests") -> set[int] | None:
    """The partners whose community-safety figures (of requests, or of `category` "contacts")
    the user sees; None means every partner."""
    from firstcontact.privacy.models import DataSharingAgreement

    cache = f"_fc_places_partner_ids_{category}"
    cached = getattr(user, cache, False)
    if cached is not False:
        return cached
    if sees_all_partners(user):
        result = None
    else:
        acting = set(acting_partner_ids(user))
        sharing = DataSharingAgreement.objects.in_force().filter(recipient_id__in=acting)
        providers = {
            provider
            for provider, categories in sharing.values_list("provider_id", "categories")
            if category in (categories or [])
        }
        result = acting | providers
    if user.is_authenticated:
        setattr(user, cache, result)
    return result


def scoped_community_safety_requests(user: User) -> QuerySet[ServiceRequest]:
    ids = places_partner_ids(user)
    requests = ServiceRequest.objects.filter(service_id__in=community_safety_service_ids())
    return requests if ids is None else requests.filter(responsible_partner_id__in=ids)


def scoped_community_safety_contacts(user: User) -> QuerySet[Contact]:
    ids = places_partner_ids(user, "contacts")
    contacts = Contact.objects.filter(
        pk__in=Contact.reasons.through.objects.filter(
            service_id__in=community_safety_service_ids()
        ).values("contact_id")
    )
    return contacts if ids is None else contacts.filter(partner_id__in=ids)
