"""What the hotspot page's speed-ups (bench/hotspots.py) must not change: grid squares counted in
SQL on both databases (negative longitudes too), hours in local time either side of a clock
change, and a long places table listed in part on the page but whole in its CSV."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.insight.insight_helpers import csv_rows
from tests.insight.test_insight_places import places  # noqa: F401 - the fixture

from firstcontact.insight import hotspots
from firstcontact.insight.hotspots import Square
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import new_reference

LONDON = ZoneInfo("Europe/London")


def make(service, partner, lat, lon, when):
    return ServiceRequest.objects.create(
        reference=new_reference(),
        service=service,
        channel="web",
        responsible_partner=partner,
        latitude=lat,
        longitude=lon,
        created_at=when,
    )


def test_squares_and_local_hours_are_counted_in_the_database(places, partnership):  # noqa: F811
    ServiceRequest.objects.all().delete()
    flytip, south = places["flytip"], partnership.south
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=LONDON)  # 21:30 UTC
    winter = dt.datetime(2026, 1, 7, 22, 30, tzinfo=LONDON)  # 22:30 UTC, a Wednesday
    make(flytip, south, 50.5, -1.5, summer)
    make(flytip, south, 50.5, -1.5, winter)
    make(flytip, south, 50.5, -0.0001, winter)  # just west of Greenwich: column -1
    make(flytip, south, 50.5, 0.0001, winter)
    counts = hotspots.square_counts(ServiceRequest.objects.all())
    assert counts == {
        Square(11222, -209): 2,
        Square(11222, -1): 1,
        Square(11222, 0): 1,
    }
    hours, days = hotspots.local_hours_and_days(ServiceRequest.objects.all())
    assert hours == {22: 4}
    assert days == {3: 4}  # both Wednesdays


def test_a_long_places_table_is_listed_in_part_with_all_in_the_csv(
    client,
    places,  # noqa: F811
    monkeypatch,
):
    from firstcontact.insight.pages import places as page

    monkeypatch.setattr(page, "PAGE_PLACES", 2)
    client.force_login(places["manager"])
    html = client.get("/insight/places/").content.decode()
    assert "The 2 places with the most requests of 3 are listed here" in html
    table = html[html.index('id="places-table"') :].split("</table>")[0]
    assert "Square 11290_-320" in table and "Square 11292_-318" not in table
    assert "Square 11292_-318" in html  # still on the map
    rows = csv_rows(client.get("/insight/places/", {"format": "csv", "table": "places"}))
    assert len(rows) == 4  # three squares and the total
