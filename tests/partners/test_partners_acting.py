"""Who acts for whom (docs/access.md, "Words"): a hub agreement names the roles, and perhaps
the teams, of the hub's staff that act for its client; nobody else at the hub does."""

import datetime as dt

from django.contrib.auth.models import User
from tests.conftest import make_user

from firstcontact.partners.models import HubAgreement, Role, Team
from firstcontact.partners.selectors import acting_partner_ids, roles_at


def fresh(user):
    """The same user without the per-request caches."""
    return User.objects.get(pk=user.pk)


def test_the_agreement_names_the_roles_that_act_for_the_client(partnership):
    p = partnership
    assert acting_partner_ids(p.hub_adviser) == {p.north.pk, p.county.pk}
    # The hub's own back office is not named: it acts for its own partner only.
    assert acting_partner_ids(p.hub_caseworker) == {p.north.pk}
    assert acting_partner_ids(p.highways_officer) == {p.county.pk}
    # Roles held through a hub are not the client's own roles.
    assert roles_at(p.hub_adviser, p.county.pk) == frozenset()
    assert roles_at(p.highways_lead, p.county.pk) == {Role.TEAM_LEADER}


def test_named_teams_narrow_it_to_those_teams(partnership):
    p = partnership
    contact_centre = Team.objects.create(partner=p.north, name="Contact Centre")
    agreement = HubAgreement.objects.get(hub=p.north, client=p.county)
    agreement.acting_teams.add(contact_centre)
    in_centre = make_user("centre-adviser", p.north, Role.ADVISER, contact_centre)
    in_waste = make_user("waste-adviser", p.north, Role.ADVISER, p.north_waste)
    assert p.county.pk in acting_partner_ids(in_centre)
    assert acting_partner_ids(in_waste) == {p.north.pk}
    assert acting_partner_ids(fresh(p.hub_adviser)) == {p.north.pk}  # in no team


def test_an_agreement_not_in_force_or_naming_nobody_gives_nothing(partnership):
    p = partnership
    agreement = HubAgreement.objects.get(hub=p.north, client=p.county)
    agreement.ends = dt.date(2021, 1, 1)
    agreement.save()
    assert acting_partner_ids(fresh(p.hub_adviser)) == {p.north.pk}
    agreement.ends = None
    agreement.acting_roles = []
    agreement.save()
    assert acting_partner_ids(fresh(p.hub_adviser)) == {p.north.pk}


def test_a_partnership_admin_alone_acts_for_nobody(partnership):
    p = partnership
    assert acting_partner_ids(p.admin) == set()
    # A DPO is a member of its partner and reads its records.
    dpo = make_user("county-dpo", p.county, Role.DATA_PROTECTION_OFFICER)
    assert acting_partner_ids(dpo) == {p.county.pk}
