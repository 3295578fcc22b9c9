"""What docs/access.md allows, worked out from the models in plain lines, independently of the
application's selectors (so a bug there cannot hide itself here)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from firstcontact.catalogue.models import ServiceDelivery
from firstcontact.customers.models import Consent, ConsentPurpose
from firstcontact.insight.models import CommunitySafetyService
from firstcontact.partners.models import HubAgreement, Membership
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import Referral

ADMIN = "partnership_admin"
# Roles reading no case work or customer records (docs/access.md, Roles).
NO_CASE_WORK = {ADMIN, "directory_editor"}
OFFICERS = {"caseworker", "team_leader", "manager"}
LEADERS = {"team_leader", "manager"}
STAFF = {"adviser"} | OFFICERS
# Actions on a request and who of the responsible partner may take them ("Acting" table).
REQUEST_ACTIONS = {
    "note": OFFICERS,
    "public": OFFICERS,
    "assign": OFFICERS,
    "acknowledge": OFFICERS,
    "start": OFFICERS,
    "hold": OFFICERS,
    "resume": OFFICERS,
    "close": OFFICERS,
    "refer": OFFICERS,
    "attach": OFFICERS,
    "complaint_respond": OFFICERS,
    "complaint_escalate": LEADERS,
    "withdraw_referral": OFFICERS,
    "referral_feedback": OFFICERS,
    "bulk_assign": OFFICERS,
}
OPEN_REFERRAL = {"sent", "accepted"}
# Not a role of its own: a caseworker whose team delivers a community-safety service.
COMMUNITY_SAFETY = "community_safety"
STEWARD = "data_steward"


class Oracle:
    """Relations of users to records, per the "Words" of docs/access.md."""

    def __init__(self) -> None:
        today = timezone.localdate()
        self.memberships: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
        for user_id, partner_id, role, team_id in Membership.objects.values_list(
            "user_id", "partner_id", "role", "team_id"
        ):
            self.memberships[user_id].append((partner_id, role, team_id))
        self.community_safety_teams = set(
            ServiceDelivery.objects.filter(
                service__in=CommunitySafetyService.objects.values("service")
            ).values_list("team_id", flat=True)
        )
        self.hubs = [
            (a.hub_id, a.client_id, set(a.acting_roles or []), {t.pk for t in a.acting_teams.all()})
            for a in HubAgreement.objects.in_force(today).prefetch_related("acting_teams")
        ]
        self.sharing = [
            (provider, recipient, set(categories or []))
            for provider, recipient, categories in DataSharingAgreement.objects.in_force(
                today
            ).values_list("provider_id", "recipient_id", "categories")
        ]
        self.consents: dict[int, set[int]] = defaultdict(set)
        for customer_id, recipient_id in (
            Consent.objects.filter(
                purpose=ConsentPurpose.SHARE_WITH_PARTNERS, withdrawn_at__isnull=True
            )
            .exclude(recipient__isnull=True)  # a consent with no recipient names nobody
            .values_list("customer_id", "recipient_id")
        ):
            self.consents[customer_id].add(recipient_id)
        self.load_referrals()
        self._acts: dict[int, set[int]] = {}

    def load_referrals(self) -> None:
        """Open referrals, read again when a case reopens or answers one."""
        self.open_referrals: dict[int, set[int]] = defaultdict(set)
        self.referred_customers: dict[int, set[int]] = defaultdict(set)
        for request_id, to_partner, state, customer_id in Referral.objects.values_list(
            "request_id", "to_partner_id", "state", "request__customer_id"
        ):
            if state in OPEN_REFERRAL:
                self.open_referrals[request_id].add(to_partner)
                if customer_id:
                    self.referred_customers[customer_id].add(to_partner)

    # --- who the user is ------------------------------------------------------------------

    def roles(self, user) -> set[str]:
        roles = set()
        for _, role, team in self.memberships.get(user.pk, []):
            roles.add(role)
            if role == "caseworker" and team in self.community_safety_teams:
                roles.add(COMMUNITY_SAFETY)
        return roles

    def member_of(self, user, *, reading: bool = True) -> set[int]:
        """Partners the user is a member of (for reading: not as partnership_admin alone)."""
        return {
            partner
            for partner, role, _ in self.memberships.get(user.pk, [])
            if not reading or role not in NO_CASE_WORK
        }

    def hub_clients(self, user) -> set[int]:
        """Clients of a hub agreement naming the user's role (and team, if it names teams)."""
        clients = set()
        for partner, role, team in self.memberships.get(user.pk, []):
            for hub, client, roles, teams in self.hubs:
                if hub == partner and role in roles and (not teams or team in teams):
                    clients.add(client)
        return clients

    def acts_for(self, user) -> set[int]:
        if user.pk not in self._acts:
            self._acts[user.pk] = self.member_of(user) | self.hub_clients(user)
        return self._acts[user.pk]

    # --- relations ------------------------------------------------------------------------

    def relation(
        self, user, holder: int, category: str, customer_id: int | None, request_id=None
    ) -> str:
        if not user.is_authenticated:
            return "none"
        if holder in self.member_of(user):
            return "own"
        if holder in self.hub_clients(user):
            return "hub"
        if request_id is not None and self.open_referrals.get(request_id, set()) & self.member_of(
            user
        ):
            return "referred"
        if customer_id is not None:
            acting = self.acts_for(user)
            recipients = {
                recipient
                for provider, recipient, categories in self.sharing
                if provider == holder and category in categories and recipient in acting
            }
            if recipients & self.consents.get(customer_id, set()):
                return "shared"
        return "none"

    def can_read_customer(self, user, customer) -> bool:
        if self.relation(user, customer.partner_id, "identity", customer.pk) != "none":
            return True
        # The customer of a request referred to the user's partner (identity only).
        return bool(self.referred_customers.get(customer.pk, set()) & self.member_of(user))

    def can_read_request(self, user, sr) -> bool:
        return (
            self.relation(
                user, sr.responsible_partner_id, "service_requests", sr.customer_id, sr.pk
            )
            != "none"
        )

    def can_read_internal(self, user, sr) -> bool:
        """A request's internal notes: own, hub and referred readers; `shared` ones see its
        public updates only."""
        return self.relation(
            user, sr.responsible_partner_id, "service_requests", sr.customer_id, sr.pk
        ) in {"own", "hub", "referred"}

    def can_read_callback(self, user, callback) -> bool:
        if self.relation(user, callback.partner_id, "contacts", None) not in {"own", "hub"}:
            return False
        return callback.customer is None or self.can_read_customer(user, callback.customer)

    def can_read_notification(self, user, notification) -> bool:
        sr = notification.service_request
        if sr is None:
            return False
        return any(
            partner == sr.responsible_partner_id and role in OFFICERS
            for partner, role, _ in self.memberships.get(user.pk, [])
        )

    def can_read_photo(self, user, photo) -> bool:
        sr = photo.request
        rel = self.relation(
            user, sr.responsible_partner_id, "service_requests", sr.customer_id, sr.pk
        )
        return rel in {"own", "hub", "referred"}

    def can_read_bundle(self, user, bundle_requests) -> bool:
        return any(
            self.relation(
                user, sr.responsible_partner_id, "service_requests", sr.customer_id, sr.pk
            )
            in {"own", "hub"}
            for sr in bundle_requests
        )

    def can_read_conversation(self, user, conversation) -> bool:
        return self.relation(user, conversation.partner_id, "contacts", None) in {"own", "hub"}

    def can_act_on_conversation(self, user, conversation) -> bool:
        """Staff roles acting for the mailbox's partner: own, or through a hub agreement."""
        holder = conversation.partner_id
        for partner, role, team in self.memberships.get(user.pk, []):
            if role not in STAFF:
                continue
            if partner == holder:
                return True
            for hub, client, roles, teams in self.hubs:
                if (
                    hub == partner
                    and client == holder
                    and role in roles
                    and (not teams or team in teams)
                ):
                    return True
        return False

    def can_edit_customer(self, user, customer) -> bool:
        """Editing a customer ("Other writes"): staff roles of the holder, or through a hub."""
        return self.can_act_on_conversation(user, customer)  # the same rule, on partner_id

    def can_read_referral(self, user, referral) -> bool:
        return self.can_read_request(user, referral.request)

    # --- actions --------------------------------------------------------------------------

    def can_act_on_request(self, user, sr, action: str) -> bool:
        allowed = REQUEST_ACTIONS.get(action)
        if allowed is None:
            return False
        # A referral records the customer's consent to the partner referred to, and only staff
        # who may read a customer record a consent for them (docs/access.md).
        if (
            action == "refer"
            and sr.customer is not None
            and not self.can_read_customer(user, sr.customer)
        ):
            return False
        return any(
            partner == sr.responsible_partner_id and role in allowed
            for partner, role, _ in self.memberships.get(user.pk, [])
        )

    def can_respond_to_referral(self, user, referral) -> bool:
        return referral.state in OPEN_REFERRAL and any(
            partner == referral.to_partner_id and role in OFFICERS
            for partner, role, _ in self.memberships.get(user.pk, [])
        )

    # --- data stewards ("review possible duplicates", "merge and undo a merge") -----------

    def stewards_for(self, user) -> set[int]:
        """Partners the user acts for as data steward: their own, and hub clients."""
        own = {p for p, role, _ in self.memberships.get(user.pk, []) if role == STEWARD}
        for partner, role, team in self.memberships.get(user.pk, []):
            for hub, client, roles, teams in self.hubs:
                named = role == STEWARD and hub == partner and role in roles
                if named and (not teams or team in teams):
                    own.add(client)
        return own

    def can_review_pair(self, user, pair) -> bool:
        """Both records readable (identity), one held by a partner they are steward for."""
        stewarded = self.stewards_for(user)
        return (
            bool({pair.left.partner_id, pair.right.partner_id} & stewarded)
            and self.can_read_customer(user, pair.left)
            and self.can_read_customer(user, pair.right)
        )

    def can_see_merge(self, user, merge) -> bool:
        """Merges into a record held by a partner the user is steward for."""
        return merge.survivor.partner_id in self.stewards_for(user)

    def is_dpo_for(self, user, holder: int) -> bool:
        for partner, role, _ in self.memberships.get(user.pk, []):
            if role == "partnership_dpo" or (role == "dpo" and partner == holder):
                return True
        return False
