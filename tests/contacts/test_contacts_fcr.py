"""First-contact resolution: resolved or signposted ÷ ended contacts, abandoned ones left out
(they were never answered), open ones left out (not finished yet)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from firstcontact.contacts.models import Contact
from firstcontact.contacts.selectors import first_contact_resolution, visible_contacts

LONDON = ZoneInfo("Europe/London")


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=LONDON)


def contacts(partner, started: dt.datetime, outcome: str, n: int = 1, *, ended: bool = True):
    for i in range(n):
        start = started + dt.timedelta(minutes=i)
        Contact.objects.create(
            channel="phone",
            partner=partner,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=5) if ended else None,
            outcome=outcome,
        )


def test_fcr_counts_resolved_over_ended_answered_contacts(partnership):
    north = partnership.north
    contacts(north, at(3, 2), "resolved", 8)
    contacts(north, at(3, 3), "request_raised", 2)
    contacts(north, at(3, 4), "abandoned", 3)
    contacts(north, at(3, 5), "", 2, ended=False)  # still going
    fcr = first_contact_resolution(Contact.objects.all())
    assert (fcr.resolved, fcr.eligible) == (8, 10)
    assert fcr.rate == pytest.approx(0.8)


def test_signposting_counts_as_resolved_at_first_contact(partnership):
    # Signposted to a service that meets the need: the customer needs nothing more from us.
    north = partnership.north
    contacts(north, at(3, 2), "resolved", 1)
    contacts(north, at(3, 2), "signposted", 2)
    contacts(north, at(3, 3), "request_raised", 1)
    fcr = first_contact_resolution(Contact.objects.all())
    assert (fcr.resolved, fcr.eligible) == (3, 4)
    assert fcr.rate == pytest.approx(0.75)


def test_every_other_outcome_counts_against_fcr(partnership):
    north = partnership.north
    contacts(north, at(3, 2), "resolved", 1)
    for outcome in ["request_raised", "referred", "callback_booked"]:
        contacts(north, at(3, 3), outcome, 1)
    fcr = first_contact_resolution(Contact.objects.all())
    assert (fcr.resolved, fcr.eligible) == (1, 4)
    assert fcr.rate == pytest.approx(0.25)


def test_no_eligible_contacts_gives_no_rate(partnership):
    contacts(partnership.north, at(3, 2), "abandoned", 4)
    fcr = first_contact_resolution(Contact.objects.all())
    assert (fcr.resolved, fcr.eligible, fcr.rate) == (0, 0, None)


def test_date_filters_take_contacts_started_from_start_up_to_but_not_including_end(partnership):
    north = partnership.north
    april, may = at(4, 1, 0), at(5, 1, 0)
    contacts(north, april - dt.timedelta(minutes=10), "resolved", 3)  # 31 March: before
    contacts(north, april, "resolved", 1)  # exactly the start: in
    contacts(north, at(4, 15), "resolved", 2)  # in
    contacts(north, at(4, 20), "request_raised", 3)  # in
    contacts(north, at(4, 30, 23), "abandoned", 1)  # in the window but abandoned
    contacts(north, may, "signposted", 5)  # exactly the end: out (signposted: resolved)
    qs = Contact.objects.all()

    april_fcr = first_contact_resolution(qs, start=april, end=may)
    assert (april_fcr.resolved, april_fcr.eligible) == (3, 6)
    since_april = first_contact_resolution(qs, start=april)
    assert (since_april.resolved, since_april.eligible) == (8, 11)
    before_may = first_contact_resolution(qs, end=may)
    assert (before_may.resolved, before_may.eligible) == (6, 9)


def test_fcr_over_what_a_user_may_see(partnership):
    p = partnership
    contacts(p.north, at(3, 2), "resolved", 2)
    contacts(p.county, at(3, 2), "request_raised", 2)
    contacts(p.south, at(3, 2), "resolved", 1)
    contacts(p.south, at(3, 3), "signposted", 3)
    hub = first_contact_resolution(visible_contacts(p.hub_adviser))  # north and, as hub, county
    assert (hub.resolved, hub.eligible) == (2, 4)
    south = first_contact_resolution(visible_contacts(p.south_caseworker))
    assert (south.resolved, south.eligible) == (4, 4)  # resolved 1 + signposted 3
