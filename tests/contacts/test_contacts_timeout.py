"""Contacts left "in progress" when an adviser's session ends are closed as timed out: by the
command after CONTACT_TIMEOUT_MINUTES, and at the adviser's next sign-in. FCR leaves them out
and counts them apart; the desk shows the count."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.selectors import first_contact_resolution
from firstcontact.contacts.services import close_timed_out_contacts, start_contact


def open_contact(partnership, user=None, minutes_ago: int = 0) -> Contact:
    return start_contact(
        user=user or partnership.hub_adviser,
        channel="phone",
        partner=partnership.north,
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_the_command_closes_contacts_open_past_the_timeout(partnership, settings):
    settings.FIRSTCONTACT = {**settings.FIRSTCONTACT, "CONTACT_TIMEOUT_MINUTES": 60}
    old = open_contact(partnership, minutes_ago=90)
    recent = open_contact(partnership, minutes_ago=20)
    out = StringIO()
    call_command("close_timed_out_contacts", stdout=out)
    assert "1 contact(s) left in progress over 60 minutes closed as timed out" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.outcome == Outcome.TIMED_OUT and not old.is_open
    # It ends at the timeout, not when the command ran: it is not 90 minutes of handling.
    assert old.ended_at == old.started_at + dt.timedelta(minutes=60)
    assert "left in progress" in old.notes
    assert recent.is_open
    # Running it again changes nothing.
    call_command("close_timed_out_contacts", stdout=StringIO())
    assert Contact.objects.filter(outcome=Outcome.TIMED_OUT).count() == 1


def test_contacts_with_no_adviser_are_not_the_desks(partnership):
    # An email conversation's contact (no adviser) stays open however old.
    contact = start_contact(
        user=None,
        channel="email",
        partner=partnership.north,
        started_at=timezone.now() - dt.timedelta(days=3),
    )
    assert close_timed_out_contacts() == 0
    contact.refresh_from_db()
    assert contact.is_open


def test_signing_in_again_closes_what_the_last_session_left_open(partnership):
    browser = Client()
    browser.force_login(partnership.hub_adviser)
    browser.post("/desk/contact/start/", {"channel": "phone", "partner": partnership.north.pk})
    contact = Contact.objects.get()
    assert contact.is_open
    # Someone else's sign-in leaves it alone.
    Client().force_login(partnership.south_caseworker)
    contact.refresh_from_db()
    assert contact.is_open
    # The adviser's session ends (idle sign-out, closed browser); they sign in again.
    again = Client()
    again.force_login(partnership.hub_adviser)
    contact.refresh_from_db()
    assert contact.outcome == Outcome.TIMED_OUT
    page = again.get("/desk/").content.decode()
    assert "There is no contact in progress" not in page
    assert "1 left in progress and timed out, not counted" in page


def test_fcr_leaves_timed_out_contacts_out_and_counts_them_apart(partnership):
    resolved = open_contact(partnership, minutes_ago=10)
    resolved.outcome, resolved.ended_at = Outcome.RESOLVED, timezone.now()
    resolved.save()
    raised = open_contact(partnership, minutes_ago=10)
    raised.outcome, raised.ended_at = Outcome.REQUEST_RAISED, timezone.now()
    raised.save()
    open_contact(partnership, minutes_ago=600)
    close_timed_out_contacts()
    fcr = first_contact_resolution(Contact.objects.all())
    assert (fcr.resolved, fcr.eligible, fcr.timed_out) == (1, 2, 1)
    assert fcr.rate == 0.5
