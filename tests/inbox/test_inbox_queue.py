"""The messages queue: who sees which conversations, and answering them (claim, reply by
email with the thread's headers or by text, note, link, raise a request, resolve), each
conversation counted as a contact with its channel and outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from firstcontact.contacts.models import Contact
from firstcontact.customers.services import create_customer
from firstcontact.inbox.models import Conversation, Mailbox
from firstcontact.partners.models import Role
from firstcontact.servicerequests.models import RequestPhoto
from tests.conftest import make_user
from tests.inbox.conftest import make_email


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def conversation(post_email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_email(
            make_email(
                sender="Rita Resident <rita@example.org>",
                subject="Pothole on Mill Lane",
                text="There is a deep pothole outside number 4.",
                message_id="<rita-1@example.org>",
                attachments=[
                    ("pothole.png", "image/png", PNG),
                    ("letter.pdf", "application/pdf", b"%PDF-1.4 tiny"),
                ],
            )
        )
    mail.outbox.clear()
    return Conversation.objects.get()


def test_the_queue_shows_a_partners_conversations_to_those_who_act_for_it(
    client, partnership, conversation
):
    # The county's officer, and the hub's adviser acting for the county, see it.
    for user in [partnership.highways_officer, partnership.hub_adviser]:
        client.force_login(user)
        page = client.get("/messages/")
        assert page.status_code == 200
        assert conversation.formatted_reference in page.content.decode()
        assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    # The police and another district do not, and the conversation is a 404 to them.
    for user in [partnership.police_officer, partnership.south_caseworker]:
        client.force_login(user)
        page = client.get("/messages/")
        assert conversation.formatted_reference not in page.content.decode()
        assert client.get(f"/messages/{conversation.pk}/").status_code == 404
        assert client.post(f"/messages/{conversation.pk}/claim/").status_code == 404
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_a_member_who_reads_but_does_not_answer_gets_403(client, partnership, conversation):
    dpo = make_user("county-dpo", partnership.county, Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    response = client.post(f"/messages/{conversation.pk}/reply/", {"text": "Hello"})
    assert response.status_code == 403
    assert conversation.messages.count() == 1


def test_filters_by_team_channel_and_overdue(client, partnership, conversation):
    client.force_login(partnership.highways_officer)
    assert (
        conversation.formatted_reference
        in client.get(f"/messages/?team={partnership.highways.pk}&channel=email").content.decode()
    )
    assert (
        conversation.formatted_reference
        not in client.get("/messages/?channel=sms").content.decode()
    )
    assert (
        conversation.formatted_reference
        not in client.get("/messages/?due=overdue").content.decode()
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = client.get("/messages/?due=overdue").content.decode()
    assert conversation.formatted_reference in page and "Overdue" in page


def test_claim_reply_by_email_threads_and_resolve_counts_the_contact(
    client, partnership, conversation, django_capture_on_commit_callbacks
):
    officer = partnership.highways_officer
    client.force_login(officer)
    assert client.post(f"/messages/{conversation.pk}/claim/").status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee == officer and conversation.status == "claimed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/messages/{conversation.pk}/reply/", {"text": "We will fill it this week."}
        )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["rita@example.org"]
    assert sent.from_email == "highways@wessex.example"
    assert sent.extra_headers["In-Reply-To"] == "<rita-1@example.org>"
    assert "<rita-1@example.org>" in sent.extra_headers["References"]
    assert conversation.formatted_reference in sent.subject
    conversation.refresh_from_db()
    assert conversation.first_responded_at is not None
    # An internal note is not sent.
    client.post(f"/messages/{conversation.pk}/note/", {"note": "Asked highways to look"})
    assert len(mail.outbox) == 1
    assert conversation.messages.filter(direction="note").count() == 1
    # An empty reply is a clear error, not a crash.
    response = client.post(f"/messages/{conversation.pk}/reply/", {"text": "  "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    response = client.post(f"/messages/{conversation.pk}/resolve/", {"outcome": "resolved"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    contact = Contact.objects.get(pk=conversation.contact_id)
    assert contact.channel == "email" and contact.outcome == "resolved"
    assert contact.ended_at is not None and contact.adviser == officer


def test_a_text_message_is_answered_by_text(client, partnership, mailbox):
    client.post(
        f"/inbound/{mailbox.pk}/sms/",
        {"from": "07911 123456", "body": "Is the tip open?"},
        headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
    )
    from firstcontact.inbox.models import RawMessage
    from firstcontact.inbox.services import process_raw

    for row in RawMessage.objects.filter(state="pending"):
        process_raw(row.pk)
    conversation = Conversation.objects.get()
    client.force_login(partnership.hub_adviser)
    response = client.post(f"/messages/{conversation.pk}/reply/", {"text": "Yes, until 4pm."})
    assert response.status_code == 302
    # Sent to the sender's number by the worker through GOV.UK Notify (see
    # test_inbox_reply_delivery.py), not by email.
    reply = conversation.messages.get(direction="out")
    assert (reply.to, reply.text, reply.delivery) == ("+447911123456", "Yes, until 4pm.", "queued")
    assert mail.outbox == []


def test_link_the_sender_to_a_customer(client, partnership, conversation):
    customer = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Rita",
        family_name="Resident",
        emails=["rita@example.org"],
    )
    client.force_login(partnership.highways_officer)
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Rita Resident" in page and "Link the conversation" in page
    client.post(f"/messages/{conversation.pk}/link/", {"customer": customer.pk})
    conversation.refresh_from_db()
    assert conversation.customer == customer
    assert conversation.contact.customer == customer
    # Another partner's customer cannot be linked.
    other = create_customer(
        user=None, partner=partnership.police, given_name="Pete", family_name="Police",
        emails=["pete@example.org"],
    )  # fmt: skip
    client.post(f"/messages/{conversation.pk}/link/", {"customer": other.pk})
    conversation.refresh_from_db()
    assert conversation.customer == customer


def test_raise_a_request_from_the_message_takes_its_photos(client, partnership, conversation):
    client.force_login(partnership.highways_officer)
    form = client.get(f"/messages/{conversation.pk}/raise/")
    assert "deep pothole" in form.content.decode()
    response = client.post(
        f"/messages/{conversation.pk}/raise/",
        {"service": partnership.pothole.pk, "description": "Deep pothole outside number 4"},
    )
    # The pothole service asks for its depth: a clear error first.
    assert response.status_code == 400
    partnership.pothole.attributes.update(required=False)
    response = client.post(
        f"/messages/{conversation.pk}/raise/",
        {"service": partnership.pothole.pk, "description": "Deep pothole outside number 4"},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    sr = conversation.service_request
    assert sr is not None and sr.channel == "email"
    # The photo as the request's photo, the PDF as its file (test_inbox_raise_files.py).
    assert RequestPhoto.objects.filter(request=sr).count() == 1
    assert [a.name for a in sr.attachments.all()] == ["letter.pdf"]
    assert conversation.status == "resolved"
    assert conversation.contact.outcome == "request_raised"


def test_the_acknowledgement_text_and_policy_are_per_mailbox(partnership):
    box = Mailbox.objects.create(partner=partnership.south, name="Council tax")
    assert box.webhook_secret and len(box.webhook_secret) >= 40
    assert box.first_response_policy is None
