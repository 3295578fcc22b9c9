"""First-contact resolution by team and by adviser (issue 18), each beside its target: the
same FCR as everywhere (contacts.selectors.first_contact_resolution: resolved or signposted ÷
ended contacts, abandoned and timed-out ones left out), counted for the contacts of the
partners the user sees figures of. An adviser and a team are held to their own partner's
target (insight.targets), as on the desk."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse

from firstcontact.contacts.models import FCR_OUTCOMES, Outcome
from firstcontact.insight.forms import PeriodForm
from firstcontact.insight.indicators import local_day_bounds
from firstcontact.insight.pages.base import NAV, NavItem, insight_staff, render_page
from firstcontact.insight.reports import Report, Total
from firstcontact.insight.scoping import scoped_contacts, scoped_partners
from firstcontact.insight.tables import Column
from firstcontact.insight.targets import (
    against_target,
    default_fcr_target,
    fcr_target_for,
    fcr_targets,
)
from firstcontact.partners.models import Membership

NAV.append(NavItem("insight:fcr", "FCR by team"))

COLUMNS = (
    Column("eligible", "Ended contacts", "int"),
    Column("resolved", "Resolved at first contact", "int"),
    Column("fcr", "First-contact resolution", "rate"),
    Column("target", "Target", "rate"),
    Column("against_target", "Against target"),
)
FOOTER = Total("All", sums=("eligible", "resolved"), ratios={"fcr": ("resolved", "eligible")})

BY_TEAM = Report(
    name="fcr-by-team",
    caption="First-contact resolution by team",
    columns=(Column("team", "Team"), Column("partner", "Partner"), *COLUMNS),
    note="A team's contacts are those its members handled (someone in two teams counts in "
    "both). Each team is held to its partner's target: the one in its shared-service agreement "
    "where one is in force, else the partnership's.",
)
BY_ADVISER = Report(
    name="fcr-by-adviser",
    caption="First-contact resolution by adviser",
    columns=(Column("adviser", "Adviser"), *COLUMNS),
    footer=FOOTER,
    note="Contacts with no adviser (a resident's own report on the web) are left out. Each "
    "adviser is held to their own partner's target, as on the desk.",
)


class FcrForm(PeriodForm):
    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["interval"]
        del self.fields["service"]


def _row(label: dict, eligible: int, resolved: int, target: float) -> dict:
    rate = resolved / eligible if eligible else None
    return {
        **label,
        "eligible": eligible,
        "resolved": resolved,
        "fcr": rate,
        "target": target,
        "against_target": against_target(rate, target),
    }


@insight_staff
def fcr_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FcrForm(request.GET or None, partners=scoped_partners(user))
    first, last = form.period()
    start, end = local_day_bounds(first, last)
    contacts = scoped_contacts(user).filter(
        started_at__gte=start, started_at__lt=end, adviser__isnull=False, ended_at__isnull=False
    )
    if form.is_bound and form.is_valid() and form.cleaned_data.get("partner") is not None:
        contacts = contacts.filter(partner=form.cleaned_data["partner"])
    counts = {
        row["adviser_id"]: (row["eligible"], row["resolved"])
        for row in contacts.exclude(outcome=Outcome.ABANDONED)
        .values("adviser_id")
        .annotate(
            eligible=Count("pk", filter=~Q(outcome=Outcome.TIMED_OUT)),
            resolved=Count("pk", filter=Q(outcome__in=FCR_OUTCOMES)),
        )
        .order_by()
    }
    advisers = get_user_model().objects.in_bulk(counts)
    memberships = Membership.objects.filter(user_id__in=counts).select_related("team__partner")
    own: dict[int, set[int]] = defaultdict(set)
    teams: dict = {}
    by_team: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for m in memberships:
        own[m.user_id].add(m.partner_id)
        if m.team_id is not None:
            teams[m.team_id] = m.team
    seen: set[tuple[int, int]] = set()
    for m in memberships:
        if m.team_id is None or (m.user_id, m.team_id) in seen:
            continue
        seen.add((m.user_id, m.team_id))
        eligible, resolved = counts[m.user_id]
        by_team[m.team_id][0] += eligible
        by_team[m.team_id][1] += resolved

    def name(u) -> str:
        return u.get_full_name() or u.username

    # Every row's partners' targets, read once for the page.
    targets = fcr_targets(set().union(*own.values(), (team.partner_id for team in teams.values())))
    adviser_rows = sorted(
        (
            _row({"adviser": name(advisers[uid])}, e, r, fcr_target_for(own[uid], targets))
            for uid, (e, r) in counts.items()
        ),
        key=lambda row: row["adviser"],
    )
    team_rows = sorted(
        (
            _row(
                {"team": teams[tid].name, "partner": teams[tid].partner.name},
                e,
                r,
                fcr_target_for({teams[tid].partner_id}, targets),
            )
            for tid, (e, r) in by_team.items()
        ),
        key=lambda row: (row["partner"], row["team"]),
    )
    footer = FOOTER(adviser_rows, BY_ADVISER.columns)
    if footer is not None:
        footer.update(
            target=default_fcr_target(),
            against_target=against_target(footer["fcr"], default_fcr_target()),
        )
    tables = [BY_TEAM.table(team_rows), BY_ADVISER.table(adviser_rows, footer=footer)]
    page = {"form": form, "first": first, "last": last}
    return render_page(request, "insight/fcr.html", page, tables)
