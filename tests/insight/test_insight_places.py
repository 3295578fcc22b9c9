"""Community-safety hotspots, the joint tasking list and place action logs: who may open
them, whose requests they count, and small-number suppression that nothing gives away."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.insight_helpers import csv_rows

from firstcontact.catalogue.models import Service, ServiceDelivery, ServiceKind, Tier
from firstcontact.insight.hotspots import FEWER_THAN_5, WITHHELD, Square, suppress
from firstcontact.insight.models import CommunitySafetyService, PlaceAction
from firstcontact.insight.tables import Withheld
from firstcontact.partners.models import Role, Team
from firstcontact.privacy.models import DataSharingAgreement
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import new_reference

# --- Suppression ----------------------------------------------------------------------------


def test_a_cell_of_4_shows_fewer_than_5_and_another_is_withheld():
    shown, total = suppress([4, 10, 20])
    assert shown == [FEWER_THAN_5, WITHHELD, 20] and total == 34
    shown, total = suppress([0, 7, 9])
    assert shown == [0, 7, 9] and total == 16
    # Two small cells hide each other, unless their sum pins both (1 + 1).
    assert suppress([2, 3, 9]) == ([FEWER_THAN_5, FEWER_THAN_5, 9], 14)
    assert suppress([1, 1, 9, 12]) == ([FEWER_THAN_5, FEWER_THAN_5, WITHHELD, 12], 23)
    # A small total is itself suppressed.
    assert suppress([3, 0, 0]) == ([FEWER_THAN_5, 0, 0], FEWER_THAN_5)
    # "fewer than 5" + a withheld 5 = 6 would pin both: a third is withheld.
    assert suppress([1, 5, 9, 30]) == ([FEWER_THAN_5, WITHHELD, WITHHELD, 30], 45)


def _check_nothing_given_away(length: int, tested: int, search: int = 60):
    """Every vector of counts (each up to `tested`): from what is shown, each suppressed
    cell could still have two or more values. What a reader knows: the shown cells, the
    total (if shown), "fewer than 5" is 1 to 4, "withheld" is 5 or more (or it would say
    fewer than 5). Searched independently of how suppress() chose its cells."""
    checked = 0
    for values in itertools.product(range(tested + 1), repeat=length):
        shown, total = suppress(values)
        assert not any(isinstance(s, int) and 0 < s < 5 for s in shown), (values, shown)
        hidden = [i for i, s in enumerate(shown) if isinstance(s, Withheld)]
        if not hidden:
            continue
        known = sum(s for s in shown if not isinstance(s, Withheld))
        ranges = [range(1, 5) if shown[i] is FEWER_THAN_5 else range(5, search) for i in hidden]
        possible = [set() for _ in hidden]
        for guess in itertools.product(*ranges):
            whole = known + sum(guess)
            if isinstance(total, int) and whole != total:
                continue
            if total is FEWER_THAN_5 and not 0 < whole < 5:
                continue
            for j, g in enumerate(guess):
                possible[j].add(g)
        for j, i in enumerate(hidden):
            assert values[i] in possible[j], (values, shown, total)
            assert len(possible[j]) > 1, (values, shown, total, possible[j])
            checked += 1
    assert checked > 100


def test_no_suppressed_count_can_be_worked_out_from_the_totals():
    _check_nothing_given_away(length=3, tested=12)
    _check_nothing_given_away(length=4, tested=7)


# --- The pages ------------------------------------------------------------------------------

TODAY = timezone.localdate()
A = Square(11290, -320)  # about 50.8N 2.3W
B = Square(11292, -318)
C = Square(11288, -322)


@pytest.fixture
def places(partnership):
    p = partnership
    street_scene = Team.objects.create(partner=p.south, name="Street scene")
    flytip = Service.objects.create(
        code="fly-tipping", name="Fly-tipping", kind=ServiceKind.FAULT_REPORT, tier=Tier.DISTRICT
    )
    ServiceDelivery.objects.create(service=flytip, partner=p.south, team=street_scene)
    for service in (flytip, p.asb):
        CommunitySafetyService.objects.create(service=service)
    when = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=2), dt.time(22)))

    def make(service, partner, square, n, team=None):
        lat, lon = square.centre
        return [
            ServiceRequest.objects.create(
                reference=new_reference(),
                service=service,
                channel="web",
                responsible_partner=partner,
                team=team,
                latitude=lat + i * 0.00001,
                longitude=lon,
                created_at=when,
            )
            for i in range(n)
        ]

    made = {
        "flytip_a": make(flytip, p.south, A, 12, street_scene),
        "flytip_b": make(flytip, p.south, B, 3, street_scene),
        "flytip_c": make(flytip, p.south, C, 6, street_scene),
        "asb_a": make(p.asb, p.police, A, 7, p.asb_team),
        "potholes": make(p.pothole, p.county, A, 9, p.highways),
    }
    return {
        "flytip": flytip,
        "made": made,
        "street_officer": make_user("street-officer", p.south, Role.CASEWORKER, street_scene),
        "police_officer": p.police_officer,
        "waste_officer": p.south_caseworker,  # a caseworker in a team with no such service
        "manager": make_user("hub-manager", p.north, Role.MANAGER),
    }


URLS = ["/insight/places/", "/insight/places/tasking/", f"/insight/places/actions/?place={A.key}"]


@pytest.mark.parametrize("url", URLS)
def test_who_may_open_the_community_safety_pages(client, places, partnership, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in ("waste_officer",):
        client.force_login(places[user])
        assert client.get(url).status_code == 403
    client.force_login(partnership.hub_adviser)
    assert client.get(url).status_code == 403
    for user in ("street_officer", "police_officer", "manager"):
        client.force_login(places[user])
        assert client.get(url).status_code == 200, user


def test_a_council_officer_sees_only_the_services_their_partner_may_see(client, places):
    client.force_login(places["street_officer"])
    page = client.get("/insight/places/").content.decode()
    assert "Fly-tipping" in page
    assert "Antisocial behaviour" not in page and "Pothole" not in page
    rows = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "places"}))
    # 12 in A, 3 in B, 6 in C: the 3 shows as fewer than 5, and so the 6 is withheld (else
    # the total less the others would give the 3 away); the withheld come last, whatever
    # their size.
    assert [(r["Place"][:17], r["Requests"]) for r in rows] == [
        ("Square 11290_-320", "12"),
        ("Square 11288_-322", "withheld"),
        ("Square 11292_-318", "fewer than 5"),
        ("All places", "21"),
    ]
    categories = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "categories"}))
    assert [(r["Category"], r["Requests"]) for r in categories] == [
        ("Fly-tipping", "21"),
        ("All categories", "21"),
    ]


def test_a_sharing_agreement_adds_the_council_s_requests_for_the_police(
    client, places, partnership
):
    client.force_login(places["police_officer"])
    rows = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "places"}))
    assert [r["Requests"] for r in rows] == ["7", "7"]  # their own ASB only
    DataSharingAgreement.objects.create(
        provider=partnership.south,
        recipient=partnership.police,
        categories=["service_requests"],
        purpose="Community safety",
        starts=TODAY - dt.timedelta(days=30),
    )
    client.force_login(places["police_officer"])  # a fresh user object: no cached scope
    rows = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "places"}))
    assert [r["Requests"] for r in rows] == ["19", "withheld", "fewer than 5", "28"]


def test_no_exact_point_or_personal_data_on_the_page(client, places):
    client.force_login(places["manager"])
    page = client.get("/insight/places/").content.decode()
    lat, lon = A.centre
    assert f"{lat:.5f}"[:7] not in page.replace(f"{lat:.3f}", "")
    assert "<svg" in page and "fc-map" in page  # the map, drawn on the server
    assert "fewer than 5" in page


def test_hours_and_days(client, places):
    client.force_login(places["manager"])
    hours = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "hours"}))
    by_hour = {r["Hour"]: r["Requests"] for r in hours}
    assert by_hour["22:00 to 22:59"] == "28" and by_hour["All hours"] == "28"
    assert by_hour["09:00 to 09:59"] == "0"
    days = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "days"}))
    weekday = (TODAY - dt.timedelta(days=2)).strftime("%A")
    assert {r["Day"]: r["Requests"] for r in days}[weekday] == "28"


def test_the_tasking_list_and_the_shared_action_log(client, places, partnership):
    police = places["police_officer"]
    client.force_login(police)
    page = client.get("/insight/places/tasking/").content.decode()
    asb = places["made"]["asb_a"]
    assert asb[0].formatted_reference in page
    assert places["made"]["flytip_a"][0].formatted_reference not in page
    response = client.post(
        "/insight/places/actions/",
        {
            "place": A.key,
            "action": "Joint patrol on Friday and Saturday nights",
            "partner": partnership.police.pk,
            "owner": "Neighbourhood team 3",
            "due": (TODAY + dt.timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    action = PlaceAction.objects.get()
    # The council officer sees the police's action on their own list, cannot close it.
    client.force_login(places["street_officer"])
    page = client.get("/insight/places/tasking/").content.decode()
    assert "Joint patrol on Friday and Saturday nights" in page
    assert asb[0].formatted_reference not in page
    done = {"place": A.key, "done": action.pk}
    assert client.post("/insight/places/actions/", done).status_code == 403
    client.force_login(police)
    assert client.post("/insight/places/actions/", done).status_code == 302
    action.refresh_from_db()
    assert action.state == PlaceAction.State.DONE


def test_bad_input_is_answered_clearly(client, places):
    client.force_login(places["police_officer"])
    assert client.get("/insight/places/actions/?place=nowhere").status_code == 404
    response = client.post(
        "/insight/places/actions/", {"place": A.key, "action": "", "due": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    response = client.get("/insight/places/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_the_staff_menu_leads_each_to_the_insight_page_they_may_open(client, places):
    client.force_login(places["street_officer"])
    page = client.get("/insight/places/").content.decode()
    assert 'href="/insight/places/" aria-current="page">Insight</a>' in page
    assert 'href="/insight/"' not in page  # the dashboard is not theirs
    client.force_login(places["manager"])
    page = client.get("/insight/places/").content.decode()
    assert 'href="/insight/">Insight</a>' in page
    client.force_login(places["waste_officer"])
    assert ">Insight</a>" not in client.get("/work/").content.decode()
