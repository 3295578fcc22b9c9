"""Booking callbacks, the callbacks-due lists per adviser and team, and recording them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from firstcontact.contacts.models import Callback
from firstcontact.contacts.selectors import callbacks_due
from firstcontact.contacts.services import book_callback
from firstcontact.partners.models import Role, Team
from tests.conftest import make_user


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def test_booking_a_callback_from_the_single_view(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    client.post("/desk/contact/start/", {"channel": "phone", "partner": partnership.county.pk})
    day = tomorrow()
    response = client.post(
        f"/desk/customers/{resident.pk}/callback/",
        {
            "phone": "+441134960456",
            "day_day": day.day,
            "day_month": day.month,
            "day_year": day.year,
            "start": "10:00",
            "end": "12:00",
            "reason": "Wants to know when the hole will be filled",
            "who": "me",
        },
    )
    assert response.status_code == 302
    callback = Callback.objects.get()
    assert callback.partner == partnership.county
    assert callback.customer == resident
    assert callback.assigned_to == partnership.hub_adviser
    assert timezone.localtime(callback.window_start).time() == dt.time(10, 0)
    assert callback.contact is not None
    page = client.get("/desk/contact/end/").content.decode()
    assert 'value="callback_booked" checked' in page


def test_callback_form_errors(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = client.post(
        f"/desk/customers/{resident.pk}/callback/",
        {
            "phone": "",
            "other_phone": "",
            "day_day": yesterday.day,
            "day_month": yesterday.month,
            "day_year": yesterday.year,
            "start": "12:00",
            "end": "10:00",
            "reason": "x",
            "who": "me",
        },
    ).content.decode()
    assert "Enter the number to call." in page
    page = client.post(
        f"/desk/customers/{resident.pk}/callback/",
        {
            "phone": "+441134960456",
            "day_day": yesterday.day,
            "day_month": yesterday.month,
            "day_year": yesterday.year,
            "start": "10:00",
            "end": "12:00",
            "reason": "x",
            "who": "me",
        },
    ).content.decode()
    assert "The callback window must be in the future." in page
    assert not Callback.objects.exists()


@pytest.fixture
def contact_centre(partnership):
    team = Team.objects.create(partner=partnership.north, name="Contact centre")
    alice = make_user("alice", partnership.north, Role.ADVISER, team)
    bob = make_user("bob", partnership.north, Role.ADVISER, team)
    return team, alice, bob


def _book(user, partner, start, **kwargs):
    return book_callback(
        user=user,
        partner=partner,
        phone="0113 496 0456",
        reason="Ring back",
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
        **kwargs,
    )


def test_callbacks_due_per_adviser_and_team(client, partnership, contact_centre, resident):
    team, alice, bob = contact_centre
    now = timezone.now()
    soon = now + dt.timedelta(minutes=1)
    later = timezone.make_aware(dt.datetime.combine(tomorrow(), dt.time(10)))
    mine = _book(alice, partnership.county, soon, assigned_to=alice, customer=resident)
    teams = _book(bob, partnership.county, soon, team=team)
    _book(bob, partnership.north, soon, assigned_to=bob)
    tomorrow_one = _book(alice, partnership.north, later, assigned_to=alice)
    overdue = _book(
        alice,
        partnership.north,
        now - dt.timedelta(hours=2) + dt.timedelta(minutes=1),
        assigned_to=alice,
        now=now - dt.timedelta(hours=2),
    )
    assert set(callbacks_due(alice, scope="mine", now=now)) == {mine, overdue}
    assert set(callbacks_due(alice, scope="team", now=now)) == {teams}
    client.force_login(alice)
    page = client.get("/desk/callbacks/").content.decode()
    due = page.split('id="due-heading"')[1].split('id="later-heading"')[0]
    assert f"/desk/callbacks/{mine.pk}/" in due and f"/desk/callbacks/{overdue.pk}/" in due
    assert "Missed" in due
    assert f"/desk/callbacks/{tomorrow_one.pk}/" in page.split('id="later-heading"')[1]
    page = client.get("/desk/callbacks/?scope=team").content.decode()
    assert f"/desk/callbacks/{teams.pk}/" in page
    # The police see none of them.
    client.force_login(partnership.police_officer)
    page = client.get("/desk/callbacks/?scope=all").content.decode()
    assert "/desk/callbacks/" + str(mine.pk) not in page
    assert client.get(f"/desk/callbacks/{mine.pk}/").status_code == 404


def test_recording_and_cancelling_callbacks(client, partnership, contact_centre):
    team, alice, bob = contact_centre
    start = timezone.now() + dt.timedelta(minutes=5)
    one = _book(alice, partnership.north, start, assigned_to=alice)
    two = _book(alice, partnership.north, start, assigned_to=alice)
    client.force_login(bob)
    page = client.post(f"/desk/callbacks/{one.pk}/", {"action": "done"}).content.decode()
    assert "There is a problem" in page
    client.post(
        f"/desk/callbacks/{one.pk}/", {"action": "done", "result": "spoke", "notes": "All sorted"}
    )
    one.refresh_from_db()
    assert (one.status, one.result, one.completed_by) == ("done", "spoke", bob)
    client.post(f"/desk/callbacks/{two.pk}/", {"action": "cancel"})
    two.refresh_from_db()
    assert two.status == "cancelled" and two.completed_at is not None
    assert not callbacks_due(alice, scope="mine").exists()


def test_book_callback_rules(partnership):
    start = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        book_callback(
            user=partnership.hub_adviser,
            partner=partnership.county,
            phone="12",
            reason="",
            window_start=start,
            window_end=start - dt.timedelta(minutes=1),
        )
    assert set(error.value.message_dict) == {"phone", "reason", "window_end"}
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _book(partnership.hub_adviser, partnership.police, start)
