"""The directory at the desk: an adviser finds a service beside the customer during a contact
and signposts them to it; the contact ends "signposted to <service>", and the short list goes
to the customer by email when asked."""

from __future__ import annotations

import pytest

from firstcontact.contacts.models import Contact, Outcome
from firstcontact.customers.services import create_customer
from firstcontact.desk import session
from firstcontact.directory.models import Signpost
from firstcontact.notify.models import Notification
from firstcontact.partners.models import Role
from firstcontact.privacy.models import AuditEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DIRECTORY = "/desk/directory/"
SIGNPOST = "/desk/directory/signpost/"


@pytest.fixture
def customer(partnership):
    return create_customer(
        user=None,
        partner=partnership.north,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["harriet@example.org"],
    )


def start(client, partner, customer=None):
    client.post("/desk/contact/start/", {"channel": "phone", "partner": partner.pk})
    contact = Contact.objects.latest("pk")
    if customer is not None:
        client.post(f"/desk/customers/{customer.pk}/attach/")
        contact.refresh_from_db()
    return contact


def test_the_directory_searches_beside_the_contact(client, partnership, directory, customer):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.north, customer)
    page = client.get(DIRECTORY, {"postcode": "WX1 1AA"}).content.decode()
    assert "Phone contact</strong> for" in page and "Harriet" in page  # the contact bar
    assert page.index("Emergency food parcels") < page.index("Debt advice")
    assert "0.5 km away" in page
    assert 'value="harriet@example.org"' in page  # offered for the short list
    assert "Signpost and end the contact" in page
    assert "Staff only helpline" not in client.get(DIRECTORY, {"q": "staff"}).content.decode()


def test_without_a_contact_the_directory_only_searches(client, partnership, directory):
    client.force_login(partnership.hub_adviser)
    page = client.get(DIRECTORY, {"q": "food"}).content.decode()
    assert "Emergency food parcels" in page
    assert "Signpost and end the contact" not in page
    response = client.post(SIGNPOST, {"service": str(directory.food_bank.pk)})
    assert response.status_code == 302
    assert not Signpost.objects.exists()


def test_bad_searches_are_messages(client, partnership, directory):
    client.force_login(partnership.hub_adviser)
    for params in ({"postcode": "nonsense"}, {"postcode": "ZZ9 9ZZ"}, {"q": "a", "age": "x"}):
        response = client.get(DIRECTORY, params)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


def test_signposting_ends_the_contact_signposted_and_emails_the_list(
    client, partnership, directory, customer
):
    client.force_login(partnership.hub_adviser)
    contact = start(client, partnership.north, customer)
    response = client.post(
        f"{SIGNPOST}?postcode=WX1+1AA",
        {
            "service": [str(directory.food_bank.pk), str(directory.debt_advice.pk)],
            "send": "1",
            "email": "harriet@example.org",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    contact.refresh_from_db()
    assert contact.outcome == Outcome.SIGNPOSTED and not contact.is_open
    assert "Signposted to Emergency food parcels; Debt advice" in contact.notes
    assert [s.service_name for s in contact.signposts.all()] == [
        "Emergency food parcels",
        "Debt advice",
    ]
    sent = Notification.objects.get()
    assert sent.recipient == "harriet@example.org"
    assert "Emergency food parcels" in sent.body and "01632 960000" in sent.body
    assert "Debt advice" in sent.body
    assert AuditEvent.objects.filter(
        customer_id=customer.pk, detail="signposting list sent by email"
    ).exists()
    assert session.CONTACT_KEY not in client.session
    page = client.get("/desk/").content.decode()
    assert "signposted to Emergency food parcels; Debt advice" in page


@pytest.fixture
def texting_customer(partnership):
    return create_customer(
        user=None,
        partner=partnership.north,
        given_name="Tomasz",
        family_name="Kowalski",
        phones=["01632 960999", "07700 900982"],
    )


def test_the_list_goes_by_text_to_the_customers_mobile(
    client, partnership, directory, texting_customer
):
    client.force_login(partnership.hub_adviser)
    contact = start(client, partnership.north, texting_customer)
    page = client.get(DIRECTORY, {"postcode": "WX1 1AA"}).content.decode()
    assert 'value="07700 900982"' in page  # the mobile, not the landline, is offered
    assert "Send the customer the list by text message" in page
    response = client.post(
        SIGNPOST,
        {
            "service": [str(directory.food_bank.pk), str(directory.debt_advice.pk)],
            "send_sms": "1",
            "phone": "07700 900982",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/desk/"
    contact.refresh_from_db()
    assert contact.outcome == Outcome.SIGNPOSTED
    text = Notification.objects.get()
    assert (text.channel, text.recipient) == ("sms", "+447700900982")
    assert text.body.splitlines()[0] == "Services we talked about:"
    assert "1. Emergency food parcels, 01632 960000" in text.body
    assert "2. Debt advice" in text.body
    assert contact.signposts.first().notification == text
    assert AuditEvent.objects.filter(
        customer_id=texting_customer.pk, detail="signposting list sent by text message"
    ).exists()
    page = client.get("/desk/").content.decode()
    assert "The list was texted to 07700 900982." in page


def test_the_list_goes_by_email_and_text_together(client, partnership, directory, customer):
    client.force_login(partnership.hub_adviser)
    start(client, partnership.north, customer)
    client.post(
        SIGNPOST,
        {
            "service": str(directory.food_bank.pk),
            "send": "1",
            "email": "harriet@example.org",
            "send_sms": "1",
            "phone": "07700 900982",
        },
    )
    assert sorted(Notification.objects.values_list("channel", "recipient")) == [
        ("email", "harriet@example.org"),
        ("sms", "+447700900982"),
    ]


def test_a_long_list_by_text_names_how_many_did_not_fit(directory):
    from firstcontact.directory import finder
    from firstcontact.directory.signposting import SMS_MAX_CHARS, sms_short_list

    directory.food_bank.name = "Emergency food parcels " + "and more words " * 10
    directory.food_bank.save()
    food = finder.full_services_by_id([directory.food_bank.pk])[0]
    text = sms_short_list([food] * 10)
    assert len(text) <= SMS_MAX_CHARS
    shown = [line for line in text.splitlines() if line[:1].isdigit()]
    assert 1 < len(shown) < 10
    assert text.splitlines()[-1] == f"and {10 - len(shown)} more: ask us for details."


def test_signposting_without_email_sends_nothing(client, partnership, directory):
    client.force_login(partnership.hub_adviser)
    contact = start(client, partnership.north)
    client.post(SIGNPOST, {"service": str(directory.food_bank.pk)})
    contact.refresh_from_db()
    assert contact.outcome == Outcome.SIGNPOSTED
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"service": "not-a-uuid"},
        {"service": "00000000-0000-0000-0000-000000000000"},
        {"service": "PRIVATE"},
        {"service": "FOOD", "send": "1", "email": "not an email"},
        {"service": "FOOD", "send": "1", "email": ""},
        {"service": "FOOD", "send_sms": "1", "phone": "not a phone"},
        {"service": "FOOD", "send_sms": "1", "phone": "123"},
        {"service": "FOOD", "send_sms": "1", "phone": ""},
    ],
)
def test_bad_signposts_are_messages_and_leave_the_contact_open(
    client, partnership, directory, data
):
    data = {
        k: {"PRIVATE": str(directory.secret_entry.pk), "FOOD": str(directory.food_bank.pk)}.get(
            v, v
        )
        for k, v in data.items()
    }
    client.force_login(partnership.hub_adviser)
    contact = start(client, partnership.north)
    response = client.post(SIGNPOST, data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.is_open
    assert not Signpost.objects.exists() and not Notification.objects.exists()


def test_after_a_request_was_raised_signposting_leaves_the_contact_open(
    client, partnership, directory
):
    client.force_login(partnership.hub_adviser)
    contact = start(client, partnership.north)
    s = client.session
    s[session.RAISED_KEY] = True
    s.save()
    client.post(SIGNPOST, {"service": str(directory.food_bank.pk)})
    contact.refresh_from_db()
    assert contact.is_open and contact.signposts.count() == 1


def test_roles_that_take_no_contacts_cannot_signpost(client, partnership, directory):
    dpo = make_user("a-dpo", partnership.north, Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    assert client.get(DIRECTORY, {"q": "food"}).status_code == 200
    assert client.post(SIGNPOST, {"service": str(directory.food_bank.pk)}).status_code == 403
