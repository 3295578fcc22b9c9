"""Reciprocal reporting (issue 17, item 3): a police or council community-safety officer raises
a request for the other agency from a place on the hotspot map or from their own request; it is
routed by service and place, and both partners follow its progress as docs/access.md allows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.conftest import make_user
from tests.insight.test_insight_places import places  # noqa: F401 - the fixture

from firstcontact.insight.hotspots import Square
from firstcontact.insight.models import ReciprocalRequest
from firstcontact.partners.models import Role
from firstcontact.servicerequests.models import ClosureOutcome, ServiceRequest, Status
from firstcontact.servicerequests.references import new_reference

RAISE = "/insight/places/raise/"
A = Square(11222, -209)  # about 50.5N 1.5W: in South Wessex and the police's area


@pytest.fixture
def at_a(places, partnership):  # noqa: F811
    """Fly-tipping (the district's) and antisocial behaviour (the police's) in square A."""
    when = timezone.now() - dt.timedelta(days=2)
    lat, lon = A.centre
    made = {}
    for key, service, partner in [
        ("flytip", places["flytip"], partnership.south),
        ("asb", partnership.asb, partnership.police),
    ]:
        made[key] = [
            ServiceRequest.objects.create(
                reference=new_reference(),
                service=service,
                channel="phone",
                responsible_partner=partner,
                latitude=lat + i * 0.0001,
                longitude=lon,
                created_at=when,
            )
            for i in range(6)
        ]
    return {**places, "made": made}


def raise_at_a(client, at_a, **extra):
    data = {
        "place": A.key,
        "service": str(at_a["flytip"].pk),
        "address": "Behind the Co-op, Mill Lane",
        "description": "Mattresses and bags dumped by the garages.",
        **extra,
    }
    return client.post(RAISE, data)


def test_a_police_officer_raises_fly_tipping_for_the_council_from_a_square(
    client,
    at_a,
    partnership,
):
    officer = at_a["police_officer"]
    client.force_login(officer)
    page = client.get("/insight/places/").content.decode()
    assert f'href="{RAISE}?place={A.key}"' in page  # a link per square, beside its counts
    assert "Report to another agency" in page

    form = client.get(RAISE, {"place": A.key}).content.decode()
    assert "Fly-tipping: South Wessex District Council" in form
    assert "Antisocial behaviour" not in form  # the police's own service is not offered

    response = raise_at_a(client, at_a)
    assert response.status_code == 302
    assert response["Location"] == f"/insight/places/actions/?place={A.key}"
    link = ReciprocalRequest.objects.get()
    sr = link.raised
    assert sr.responsible_partner == partnership.south and sr.service == at_a["flytip"]
    assert sr.customer_id is None and sr.raised_by == officer and not sr.description_public
    assert sr.address == "Behind the Co-op, Mill Lane"
    assert (link.from_partner, link.place, link.origin) == (partnership.police, A.key, None)

    # The police follow its progress on the place's action log, without reading it.
    log = client.get(response["Location"]).content.decode()
    assert f"Request {sr.formatted_reference} raised for South Wessex District Council" in log
    assert sr.formatted_reference in log and "Open" in log
    assert f"/work/requests/{sr.reference}/" not in log
    assert client.get(f"/work/requests/{sr.reference}/").status_code == 404

    # The council reads it as its own, and sees who raised it from where.
    client.force_login(at_a["street_officer"])
    own = client.get(f"/work/requests/{sr.reference}/").content.decode()
    assert "Raised by Wessex Police" in own and "from the community-safety map" in own

    ServiceRequest.objects.filter(pk=sr.pk).update(
        status=Status.CLOSED, outcome=ClosureOutcome.FIXED, closed_at=timezone.now()
    )
    client.force_login(officer)
    log = client.get(response["Location"]).content.decode()
    assert "Closed" in log  # the police see it closed


def test_another_partner_sees_nothing_of_it(client, at_a, partnership):
    client.force_login(at_a["police_officer"])
    client.get(raise_at_a(client, at_a)["Location"])  # the confirmation, shown once
    sr = ReciprocalRequest.objects.get().raised
    county_lead = make_user("county-lead", partnership.county, Role.TEAM_LEADER)
    client.force_login(county_lead)
    log = client.get(f"/insight/places/actions/?place={A.key}").content.decode()
    assert sr.formatted_reference not in log and "None that you follow." in log


def test_raising_from_the_officers_own_request(client, at_a, partnership):
    officer = at_a["police_officer"]
    origin = at_a["made"]["asb"][0]
    client.force_login(officer)
    page = client.get(f"/work/requests/{origin.reference}/").content.decode()
    assert f'href="{RAISE}?from={origin.reference}"' in page

    response = client.post(
        RAISE,
        {
            "from": origin.reference,
            "service": str(at_a["flytip"].pk),
            "description": "The caller also reports rubbish dumped in the alley.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/work/requests/{origin.reference}/"
    link = ReciprocalRequest.objects.get()
    assert link.origin == origin and link.raised.responsible_partner == partnership.south
    assert link.raised.latitude == origin.latitude and link.raised.channel == origin.channel
    page = client.get(response["Location"]).content.decode()
    assert link.raised.formatted_reference in page  # the raised one, beside the origin

    # The council sees it came from one of the police's requests, not which one.
    client.force_login(at_a["street_officer"])
    page = client.get(f"/work/requests/{link.raised.reference}/").content.decode()
    assert "from one of their requests" in page
    assert origin.formatted_reference not in page and origin.reference not in page


def test_who_may_raise_and_from_what(client, at_a, partnership):
    assert client.get(RAISE, {"place": A.key}).status_code == 302  # sign in first
    for user in (at_a["waste_officer"], partnership.admin, partnership.hub_adviser):
        client.force_login(user)
        assert client.get(RAISE, {"place": A.key}).status_code == 403
    client.force_login(at_a["police_officer"])
    assert client.get(RAISE, {"place": "nowhere"}).status_code == 404
    assert client.get(RAISE).status_code == 404
    council_request = at_a["made"]["flytip"][0]
    assert client.get(RAISE, {"from": council_request.reference}).status_code == 404
    assert client.get(RAISE, {"from": "not-a-ref"}).status_code == 404
    client.force_login(at_a["street_officer"])
    own_flytip = at_a["made"]["flytip"][0]
    assert client.get(RAISE, {"from": own_flytip.reference}).status_code == 200
    client.force_login(at_a["police_officer"])
    pothole = ServiceRequest.objects.create(
        reference=new_reference(),
        service=partnership.pothole,
        channel="phone",
        responsible_partner=partnership.police,
    )
    assert client.get(RAISE, {"from": pothole.reference}).status_code == 403  # not community safety
    assert not ReciprocalRequest.objects.exists()


def test_mistakes_are_error_messages(client, at_a, partnership):
    client.force_login(at_a["police_officer"])
    response = client.post(RAISE, {"place": A.key, "service": str(partnership.asb.pk)})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Report to another agency" in page
    assert "Choose a problem from the list" in page  # its own service is not the other's
    page = client.get(RAISE, {"place": A.key, "service": ""}).content.decode()
    assert "Choose the problem to report" in page
    response = client.post(RAISE, {"place": A.key, "service": str(at_a["flytip"].pk)})
    page = response.content.decode()
    assert "Say what the other agency should know" in page and "Raise the request" in page
    response = raise_at_a(client, at_a, description="x" * 2001)
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert not ReciprocalRequest.objects.exists()


def test_the_services_own_questions_are_asked(client, at_a, partnership):
    from firstcontact.catalogue.models import ServiceAttribute

    ServiceAttribute.objects.create(
        service=at_a["flytip"],
        code="waste",
        description="What kind of waste is it?",
        datatype="string",
        required=True,
        order=1,
    )
    client.force_login(at_a["police_officer"])
    step2 = client.get(RAISE, {"place": A.key, "service": at_a["flytip"].pk}).content.decode()
    assert "What kind of waste is it?" in step2
    response = raise_at_a(client, at_a)
    assert response.status_code == 200 and "What kind of waste is it?" in response.content.decode()
    assert not ReciprocalRequest.objects.exists()
    response = raise_at_a(client, at_a, attr_waste="Builders' rubble")
    assert response.status_code == 302
    assert ReciprocalRequest.objects.get().raised.attributes == {"waste": "Builders' rubble"}


def test_the_tasking_list_offers_it_per_place(client, at_a):
    client.force_login(at_a["police_officer"])
    page = client.get("/insight/places/tasking/").content.decode()
    assert f"{RAISE}?place={A.key}" in page


@pytest.mark.parametrize("by_area", [True])
def test_an_area_on_the_map_has_its_link(client, at_a, partnership, by_area):
    client.force_login(at_a["police_officer"])
    page = client.get("/insight/places/", {"areas": partnership.south.pk}).content.decode()
    link = f"{RAISE}?areas={partnership.south.pk}&amp;area=South"
    assert link in page
    form = client.get(RAISE, {"areas": partnership.south.pk, "area": "South"})
    assert form.status_code == 200 and "Fly-tipping: South Wessex District Council" in (
        form.content.decode()
    )
    assert client.get(RAISE, {"areas": partnership.south.pk, "area": "Atlantis"}).status_code == 404


def test_the_tasking_list_reads_what_was_raised_once_for_all_its_places(client, at_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(at_a["police_officer"])
    assert raise_at_a(client, at_a).status_code == 302
    sr = ReciprocalRequest.objects.get().raised
    table = ReciprocalRequest._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/insight/places/tasking/").content.decode()
    assert page.count(f"{RAISE}?place=") > 1  # more than one place listed
    assert "Raised for other agencies" in page and sr.formatted_reference in page
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
