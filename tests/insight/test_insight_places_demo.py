"""The demo's year of community-safety requests shows hotspots, to the police officer and to
a council street scene officer."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from tests.insight.insight_helpers import csv_rows


@pytest.mark.django_db
def test_the_demo_map_shows_hotspots(client):
    call_command("load_demo", people=600, no_progress=True, calls=False, stdout=io.StringIO())
    users = get_user_model().objects
    client.force_login(users.get(username="police"))
    today = timezone.localdate()
    year = {"date_from": today - dt.timedelta(days=364), "date_to": today}
    page = client.get("/insight/places/", year)
    assert page.status_code == 200 and b"fc-map" in page.content
    rows = csv_rows(client.get("/insight/places/", {**year, "format": "csv", "table": "places"}))
    shown = [int(r["Requests"]) for r in rows[:-1] if r["Requests"].isdigit()]
    # Clustered: the busiest square has many requests, most squares few.
    assert shown and max(shown) >= 10
    assert sum(1 for r in rows if r["Requests"] == "fewer than 5") > len(shown)
    tasking = client.get("/insight/places/tasking/", year).content.decode()
    assert "1. Square" in tasking
    client.force_login(users.get(username="streets-officer"))
    assert client.get("/insight/places/").status_code == 200
    client.force_login(users.get(username="caseworker"))  # revenues: not community safety
    assert client.get("/insight/places/").status_code == 403

    # Each agency has reported something to the other from the map; the raiser follows it.
    from firstcontact.insight.models import ReciprocalRequest

    raised = {r.raised_by.username: r for r in ReciprocalRequest.objects.select_related("raised")}
    assert set(raised) == {"police", "streets-officer"}
    client.force_login(users.get(username="police"))
    log = client.get("/insight/places/actions/", {"place": raised["police"].place})
    assert raised["police"].raised.formatted_reference in log.content.decode()
