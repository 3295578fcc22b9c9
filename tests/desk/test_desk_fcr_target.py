"""The desk's own FCR figures beside the partner's target (issue 18), in words."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.insight.models import ServiceAgreement
from firstcontact.partners.models import HubAgreement, Role, Team
from tests.conftest import make_user


def today_contacts(user, partner, outcomes):
    now = timezone.now()
    started = max(
        now - dt.timedelta(minutes=30), timezone.localtime(now).replace(hour=0, minute=0, second=1)
    )
    for outcome in outcomes:
        c = start_contact(user=user, channel="phone", partner=partner, started_at=started)
        end_contact(contact=c, outcome=outcome, ended_at=max(started, now))


def figure(page: str, name: str) -> str:
    return page.split(f'id="{name}">')[1].split("</dd>")[0]


def test_desk_figures_say_whether_the_default_target_is_met(client, partnership):
    adviser = make_user("county-adviser", partnership.county, Role.ADVISER)
    today_contacts(adviser, partnership.county, ["resolved", "resolved", "resolved"])
    today_contacts(adviser, partnership.county, ["request_raised"])  # 75%
    client.force_login(adviser)
    page = client.get("/desk/").content.decode()
    assert "75%" in figure(page, "fcr-mine")
    assert "target 80% — not met" in figure(page, "fcr-mine")
    assert "target 80% — not met" in figure(page, "fcr-partner")


def test_desk_figures_use_the_partners_agreed_target(client, partnership):
    ServiceAgreement.objects.create(
        agreement=HubAgreement.objects.get(reference="SLA-HUB-1"), fcr_target=0.7
    )
    adviser = make_user("county-adviser", partnership.county, Role.ADVISER)
    today_contacts(adviser, partnership.county, ["resolved", "resolved", "resolved"])
    today_contacts(adviser, partnership.county, ["request_raised"])
    client.force_login(adviser)
    page = client.get("/desk/").content.decode()
    assert "target 70% — met" in figure(page, "fcr-mine")
    assert "target 70% — met" in figure(page, "fcr-partner")


def test_desk_with_no_contacts_shows_the_target_only(client, partnership):
    client.force_login(partnership.police_officer)
    page = client.get("/desk/").content.decode()
    assert "target 80% — no contacts yet" in figure(page, "fcr-mine")


def test_the_team_figure_counts_the_advisers_team_against_its_partners_target(client, partnership):
    team = Team.objects.create(partner=partnership.county, name="Contact centre")
    adviser = make_user("county-adviser", partnership.county, Role.ADVISER, team=team)
    colleague = make_user("county-colleague", partnership.county, Role.ADVISER, team=team)
    outsider = make_user("county-outsider", partnership.county, Role.ADVISER)
    today_contacts(adviser, partnership.county, ["resolved"])
    today_contacts(colleague, partnership.county, ["request_raised"])
    today_contacts(outsider, partnership.county, ["resolved", "resolved"])  # not the team's
    client.force_login(adviser)
    page = client.get("/desk/").content.decode()
    assert "Your team (Contact centre)" in page
    team_figure = figure(page, "fcr-team")
    assert "50%" in team_figure and "(1 of 2)" in team_figure
    assert "target 80% — not met" in team_figure
    assert "target 80% — met" in figure(page, "fcr-mine")
    ServiceAgreement.objects.create(
        agreement=HubAgreement.objects.get(reference="SLA-HUB-1"), fcr_target=0.5
    )
    page = client.get("/desk/").content.decode()
    assert "target 50% — met" in figure(page, "fcr-team")


def test_no_team_figure_for_an_adviser_without_a_team(client, partnership):
    client.force_login(make_user("county-adviser", partnership.county, Role.ADVISER))
    assert 'id="fcr-team"' not in client.get("/desk/").content.decode()
