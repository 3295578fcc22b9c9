"""Starting and ending contacts: who handled a contact for whom, and how it ended."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from firstcontact.contacts.models import Contact
from firstcontact.contacts.services import end_contact, start_contact

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


def test_hub_adviser_taking_a_call_for_the_county_is_recorded_as_the_hub(partnership):
    p = partnership
    contact = start_contact(user=p.hub_adviser, channel="phone", partner=p.county, started_at=START)
    contact.refresh_from_db()
    assert contact.partner == p.county
    assert contact.handled_by == p.north
    assert contact.adviser == p.hub_adviser
    assert contact.started_at == START
    assert contact.is_open


@pytest.mark.parametrize(
    ("who", "partner"),
    [("hub_adviser", "north"), ("highways_officer", "county"), ("south_caseworker", "south")],
)
def test_staff_taking_their_own_partners_contact_have_no_handler(partnership, who, partner):
    contact = start_contact(
        user=getattr(partnership, who),
        channel="face_to_face",
        partner=getattr(partnership, partner),
    )
    assert contact.handled_by is None


def test_resident_self_service_contact(partnership):
    contact = start_contact(user=None, channel="web", partner=partnership.south)
    assert (contact.adviser, contact.handled_by) == (None, None)


@pytest.mark.parametrize(
    ("who", "partner"),
    [("south_caseworker", "county"), ("police_officer", "north"), ("hub_adviser", "south")],
)
def test_staff_cannot_take_contacts_for_partners_they_do_not_act_for(partnership, who, partner):
    with pytest.raises(PermissionDenied):
        start_contact(
            user=getattr(partnership, who), channel="phone", partner=getattr(partnership, partner)
        )
    assert not Contact.objects.exists()


def test_bad_channel_and_direction_are_both_named(partnership):
    with pytest.raises(ValidationError) as excinfo:
        start_contact(
            user=partnership.hub_adviser,
            channel="telegram",
            direction="sideways",
            partner=partnership.north,
        )
    assert set(excinfo.value.message_dict) == {"channel", "direction"}
    assert not Contact.objects.exists()


def test_end_contact_records_outcome_reasons_and_notes(partnership):
    p = partnership
    contact = start_contact(user=p.hub_adviser, channel="phone", partner=p.county, started_at=START)
    end_contact(
        contact=contact,
        outcome="request_raised",
        reasons=[p.pothole, p.asb],
        notes="Pothole reported; ASB passed on",
        ended_at=START + dt.timedelta(minutes=7),
    )
    contact.refresh_from_db()
    assert contact.outcome == "request_raised"
    assert contact.ended_at == START + dt.timedelta(minutes=7)
    assert set(contact.reasons.all()) == {p.pothole, p.asb}
    assert contact.notes == "Pothole reported; ASB passed on"
    assert not contact.is_open


def test_contact_can_end_the_moment_it_starts(partnership):
    contact = start_contact(user=None, channel="kiosk", partner=partnership.north, started_at=START)
    end_contact(contact=contact, outcome="abandoned", ended_at=START)
    contact.refresh_from_db()
    assert contact.ended_at == START


def test_contact_cannot_end_twice(partnership):
    contact = start_contact(user=None, channel="web", partner=partnership.north, started_at=START)
    end_contact(contact=contact, outcome="resolved", ended_at=START + dt.timedelta(minutes=3))
    with pytest.raises(ValidationError) as excinfo:
        end_contact(contact=contact, outcome="signposted", ended_at=START + dt.timedelta(hours=1))
    assert "already ended" in excinfo.value.message_dict["outcome"][0]
    contact.refresh_from_db()
    assert contact.outcome == "resolved"
    assert contact.ended_at == START + dt.timedelta(minutes=3)


@pytest.mark.parametrize(
    ("outcome", "ended_at", "field"),
    [
        ("", START + dt.timedelta(minutes=1), "outcome"),
        ("sorted_it", START + dt.timedelta(minutes=1), "outcome"),
        ("resolved", START - dt.timedelta(seconds=1), "ended_at"),
    ],
)
def test_bad_ending_is_refused_and_the_contact_stays_open(partnership, outcome, ended_at, field):
    contact = start_contact(user=None, channel="phone", partner=partnership.north, started_at=START)
    with pytest.raises(ValidationError) as excinfo:
        end_contact(contact=contact, outcome=outcome, ended_at=ended_at)
    assert list(excinfo.value.message_dict) == [field]
    contact.refresh_from_db()
    assert contact.is_open
    assert contact.outcome == ""
