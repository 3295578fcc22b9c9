"""Contacts at the desk: start one, answer from the knowledge base, end it; FCR on the page."""

import datetime as dt

import pytest
from django.utils import timezone

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.desk import session


def start(client, partner, channel="phone"):
    return client.post("/desk/contact/start/", {"channel": channel, "partner": partner.pk})


def test_starting_a_contact_shows_it_with_its_server_start_time(client, partnership):
    client.force_login(partnership.hub_adviser)
    response = start(client, partnership.county)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.partner == partnership.county
    assert contact.handled_by == partnership.north
    assert contact.is_open
    page = client.get("/desk/").content.decode()
    assert "Phone contact</strong> for Wessex County Council" in page
    assert f'data-started="{int(contact.started_at.timestamp())}"' in page
    assert client.session[session.CONTACT_KEY] == contact.pk


def test_a_contact_cannot_be_started_for_a_partner_the_adviser_does_not_act_for(
    client, partnership
):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.police)
    assert not Contact.objects.exists()


def test_answering_from_the_knowledge_base_ends_the_contact_resolved(client, partnership):
    partnership.missed_bin.adviser_script = "Bins are collected **fortnightly**."
    partnership.missed_bin.save()
    client.force_login(partnership.hub_adviser)
    start(client, partnership.north)
    page = client.get("/desk/knowledge/missed-bin/").content.decode()
    assert "<strong>fortnightly</strong>" in page
    response = client.post("/desk/knowledge/missed-bin/")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.outcome == Outcome.RESOLVED
    assert list(contact.reasons.all()) == [partnership.missed_bin]
    assert session.CONTACT_KEY not in client.session


def test_end_contact_form_records_the_outcome_and_reasons(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.county)
    client.get("/desk/knowledge/pothole/")  # looked at: offered as a reason
    page = client.get("/desk/contact/end/").content.decode()
    assert "Pothole" in page
    response = client.post(
        "/desk/contact/end/",
        {"outcome": "signposted", "reasons": [partnership.pothole.pk], "notes": "Told them"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.outcome == "signposted"
    assert contact.notes == "Told them"


def test_end_contact_needs_an_outcome(client, partnership):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.north)
    page = client.post("/desk/contact/end/", {"outcome": ""}).content.decode()
    assert "There is a problem" in page
    assert Contact.objects.get().is_open


def test_attaching_a_customer_to_the_contact(client, partnership, resident):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.county)
    client.post(f"/desk/customers/{resident.pk}/attach/")
    assert Contact.objects.get().customer == resident


def test_attaching_another_partners_customer_is_404(client, partnership, resident):
    client.force_login(partnership.south_caseworker)
    start(client, partnership.south)
    assert client.post(f"/desk/customers/{resident.pk}/attach/").status_code == 404
    assert Contact.objects.get().customer is None


@pytest.fixture
def known_contacts(partnership):
    """Today: the hub adviser resolved 3 of 4 answered contacts (one abandoned call does not
    count); a colleague at the hub resolved 1 of 2; the police resolved 1 of 1 (not shown)."""
    from firstcontact.partners.models import Role
    from tests.conftest import make_user

    colleague = make_user("hub-colleague", partnership.north, Role.ADVISER)
    now = timezone.now()
    earlier = max(
        now - dt.timedelta(minutes=30), timezone.localtime(now).replace(hour=0, minute=0, second=1)
    )

    def contact(user, partner, outcome, started=earlier):
        c = start_contact(user=user, channel="phone", partner=partner, started_at=started)
        end_contact(contact=c, outcome=outcome, ended_at=max(started, now))
        return c

    for outcome in ["resolved", "resolved", "resolved", "request_raised", "abandoned"]:
        contact(partnership.hub_adviser, partnership.county, outcome)
    contact(colleague, partnership.north, "resolved")
    contact(colleague, partnership.north, "callback_booked")
    contact(partnership.police_officer, partnership.police, "resolved")
    # Yesterday's contacts are not today's figure.
    contact(
        partnership.hub_adviser,
        partnership.county,
        "request_raised",
        started=now - dt.timedelta(days=1, hours=1),
    )
    return colleague


def test_fcr_today_on_the_desk_is_counted_from_outcomes(client, partnership, known_contacts):
    client.force_login(partnership.hub_adviser)
    page = client.get("/desk/").content.decode()
    mine = page.split('id="fcr-mine">')[1].split("</dd>")[0]
    assert "75%" in mine and "(3 of 4)" in mine
    # The hub's figure: contacts handled by the hub (for itself or its clients): 4 of 6.
    partner = page.split('id="fcr-partner">')[1].split("</dd>")[0]
    assert "67%" in partner and "(4 of 6)" in partner


def test_fcr_with_no_contacts_shows_a_dash(client, partnership):
    client.force_login(partnership.police_officer)
    page = client.get("/desk/").content.decode()
    assert "–" in page.split('id="fcr-mine">')[1].split("</dd>")[0]
