"""Answers shown to staff read as people write them: a date of death is "30 November 2026",
not "2026-11-30T00:00:00"; a time, when one was given, in local time."""

from __future__ import annotations

import datetime as dt

from firstcontact.catalogue.answers import display_answer, display_date
from firstcontact.catalogue.models import Datatype, ServiceAttribute
from firstcontact.servicerequests.services import clean_location, raise_request


def test_dates_read_as_dates():
    assert display_date("2026-11-30T00:00:00") == "30 November 2026"
    assert display_date("2026-11-30") == "30 November 2026"
    # Stored in UTC, shown in the UK's summer time.
    assert display_date("2026-07-01T13:30:00+00:00") == "1 July 2026, 14:30"
    assert display_date("not a date") == "not a date"


def test_the_staff_request_page_shows_a_date_of_death_as_a_date(client, partnership):
    attribute = ServiceAttribute.objects.create(
        service=partnership.missed_bin,
        code="date_of_death",
        description="Date of death",
        order=9,
        datatype=Datatype.DATETIME,
    )
    assert display_answer(attribute, dt.date(2026, 11, 30).isoformat()) == "30 November 2026"
    sr = raise_request(
        user=partnership.hub_adviser,
        service=partnership.missed_bin,
        channel="phone",
        location=clean_location(postcode="WX3 1AA"),
        attributes={"date_of_death": "2026-11-30"},
    )
    assert sr.attributes["date_of_death"] == "2026-11-30T00:00:00"  # stored as ISO 8601
    client.force_login(partnership.south_caseworker)
    page = client.get(f"/desk/requests/{sr.reference}/").content.decode()
    assert "30 November 2026" in page
    assert "2026-11-30T00:00:00" not in page
