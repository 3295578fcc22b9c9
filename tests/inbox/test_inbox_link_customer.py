"""Unmatched senders: staff find the customer with the desk's (audited) search, among those
both they and the mailbox's partner may read, or add the sender as a new customer of the
mailbox's partner; either way the conversation (and its contact) is linked."""

from __future__ import annotations

import pytest
from django.core import mail

from firstcontact.customers.models import Customer
from firstcontact.customers.services import create_customer
from firstcontact.inbox.models import Conversation
from firstcontact.partners.models import Role
from firstcontact.privacy.models import AuditEvent
from tests.conftest import make_user
from tests.inbox.conftest import make_email


@pytest.fixture
def conversation(post_email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_email(
            make_email(
                sender="Sam Sender <sam.new@example.org>",
                subject="Street light out",
                message_id="<sam-1@example.org>",
            )
        )
    mail.outbox.clear()
    return Conversation.objects.get()


@pytest.fixture
def sms_conversation(client, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/inbound/{mailbox.pk}/sms/",
            data={"from": "07700 900123", "body": "Bin not emptied"},
            headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
        )
    return Conversation.objects.get()


def test_an_unmatched_sender_offers_find_and_add(client, partnership, conversation):
    client.force_login(partnership.highways_officer)
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Not matched" in page
    assert f"/messages/{conversation.pk}/customer/" in page
    assert f"/messages/{conversation.pk}/customer/new/" in page


def test_find_by_name_and_link_is_audited(client, partnership, conversation):
    county = create_customer(
        user=None, partner=partnership.county, given_name="Samantha", family_name="Sender",
        emails=["sam.old@example.org"],
    )  # fmt: skip
    police = create_customer(
        user=None, partner=partnership.police, given_name="Samuel", family_name="Sender",
        emails=["samuel@example.org"],
    )  # fmt: skip
    client.force_login(partnership.highways_officer)
    first = client.get(f"/messages/{conversation.pk}/customer/")
    assert first.status_code == 200
    assert 'value="sam.new@example.org"' in first.content.decode()  # the sender, to start with
    page = client.get(f"/messages/{conversation.pk}/customer/", {"q": "Sender"}).content.decode()
    assert "Samantha Sender" in page
    assert "Samuel Sender" not in page  # the police's customer is not the county's to read
    search = AuditEvent.objects.filter(
        action=AuditEvent.Action.SEARCH, user=partnership.highways_officer
    )
    assert search.filter(detail__contains=conversation.formatted_reference).exists()

    client.post(f"/messages/{conversation.pk}/link/", {"customer": police.pk})
    conversation.refresh_from_db()
    assert conversation.customer is None
    client.post(f"/messages/{conversation.pk}/link/", {"customer": county.pk})
    conversation.refresh_from_db()
    assert conversation.customer == county
    assert conversation.contact.customer == county
    assert AuditEvent.objects.filter(
        object_type="conversation", object_id=conversation.reference, customer_id=county.pk
    ).exists()


def test_a_hub_advisers_own_customer_is_not_linked_to_the_clients_conversation(
    client, partnership, conversation
):
    hubs = create_customer(
        user=None, partner=partnership.north, given_name="Hannah", family_name="Sender",
        emails=["hannah@example.org"],
    )  # fmt: skip
    client.force_login(partnership.hub_adviser)
    page = client.get(f"/messages/{conversation.pk}/customer/", {"q": "Sender"}).content.decode()
    assert "Hannah Sender" not in page
    response = client.post(f"/messages/{conversation.pk}/link/", {"customer": hubs.pk}, follow=True)
    assert "cannot see that customer" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.customer is None


def test_an_empty_search_is_a_clear_error(client, partnership, conversation):
    client.force_login(partnership.highways_officer)
    response = client.get(f"/messages/{conversation.pk}/customer/", {"q": "  "})
    assert response.status_code == 400
    assert "Enter a name, email address, phone number or postcode" in response.content.decode()


def test_add_the_email_sender_as_a_new_customer_of_the_mailboxs_partner(
    client, partnership, conversation
):
    client.force_login(partnership.hub_adviser)  # acting for the county through the hub
    form = client.get(f"/messages/{conversation.pk}/customer/new/").content.decode()
    assert 'value="Sam"' in form and 'value="Sender"' in form  # from the sender's name
    response = client.post(
        f"/messages/{conversation.pk}/customer/new/", {"given_name": "Sam", "family_name": "Sender"}
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    customer = conversation.customer
    assert customer.partner == partnership.county
    assert customer.display_name == "Sam Sender"
    assert [e.address for e in customer.emails.all()] == ["sam.new@example.org"]
    assert conversation.contact.customer == customer
    assert not customer.consents.exists()  # a message is not a consent
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="customer", customer_id=customer.pk
    ).exists()
    # Once linked, a second add is refused with a message, not a second customer.
    again = client.post(
        f"/messages/{conversation.pk}/customer/new/", {"given_name": "Sam", "family_name": "Sender"}
    )
    assert again.status_code == 400
    assert "already linked" in again.content.decode()
    assert Customer.objects.count() == 1


def test_add_a_text_sender_keeps_their_number(client, partnership, sms_conversation):
    client.force_login(partnership.highways_officer)
    missing = client.post(f"/messages/{sms_conversation.pk}/customer/new/", {"family_name": ""})
    assert missing.status_code == 400
    assert "Enter the customer&#x27;s last name" in missing.content.decode()
    client.post(f"/messages/{sms_conversation.pk}/customer/new/", {"family_name": "Texter"})
    sms_conversation.refresh_from_db()
    assert [p.number for p in sms_conversation.customer.phones.all()] == ["+447700900123"]


def test_those_who_do_not_answer_the_partners_messages_cannot_add_or_search(
    client, partnership, conversation
):
    client.force_login(make_user("county-dpo", partnership.county, Role.DATA_PROTECTION_OFFICER))
    # The county's DPO reads its conversations but does not answer them.
    assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    search = client.get(f"/messages/{conversation.pk}/customer/", {"q": "x"})
    assert search.status_code == 403
    response = client.post(f"/messages/{conversation.pk}/customer/new/", {"family_name": "X"})
    assert response.status_code == 403
    assert not Customer.objects.exists()
