"""Messages in by the webhooks: stored, threaded, matched, acknowledged once, never lost."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import override_settings

from firstcontact.contacts.models import Contact
from firstcontact.customers.services import create_customer
from firstcontact.inbox import services
from firstcontact.inbox.models import (
    AttachmentState,
    Conversation,
    Message,
    RawMessage,
    RawState,
)
from firstcontact.notify.models import Notification
from firstcontact.servicerequests.services import raise_request
from tests.inbox.conftest import make_email

pytestmark = pytest.mark.django_db(transaction=False)


def acknowledgements() -> list:
    return [m for m in mail.outbox if m.subject.startswith("We have received your message")]


def test_a_message_becomes_a_conversation_acknowledged_once_with_its_reference(
    post_email, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_email(make_email(message_id="<first@example.org>"))
    assert response.status_code == 202
    assert response.json()["stored"] is True
    conversation = Conversation.objects.get()
    assert conversation.partner == mailbox.partner
    assert conversation.team == mailbox.team
    assert conversation.sender == "resident@example.org"
    assert conversation.status == "unassigned"
    assert conversation.first_response_due_at is not None
    assert conversation.contact.channel == "email"
    acks = acknowledgements()
    assert len(acks) == 1
    assert conversation.formatted_reference in acks[0].subject
    assert acks[0].to == ["resident@example.org"]

    # The resident replies to the acknowledgement: same conversation, no second one.
    with django_capture_on_commit_callbacks(execute=True):
        post_email(
            make_email(
                subject=f"Re: We have received your message [{conversation.formatted_reference}]",
                text="Still not collected.",
            )
        )
    assert Conversation.objects.count() == 1
    assert conversation.messages.count() == 2
    assert len(acknowledgements()) == 1


def test_threading_by_in_reply_to_and_by_reference_in_any_case(
    post_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(message_id="<a@example.org>"))
        post_email(make_email(subject="More", in_reply_to="<a@example.org>"))
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    compact = conversation.reference.lower()
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(sender="other@example.org", subject=f"about {compact} please"))
    assert Conversation.objects.count() == 1
    assert conversation.messages.count() == 3
    # A new subject with no reference starts a new conversation.
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(subject="Something else entirely"))
    assert Conversation.objects.count() == 2


def test_a_request_reference_in_the_subject_links_the_request(
    post_email, partnership, django_capture_on_commit_callbacks
):
    sr = raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        description="Pothole",
        attributes={"depth": "deep"},
    )
    ref = sr.formatted_reference.replace("-", "").lower()
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(subject=f"Update on {ref}"))
    conversation = Conversation.objects.get()
    assert conversation.service_request == sr
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(subject=f"Again: {sr.formatted_reference}"))
    assert Conversation.objects.count() == 1


def test_the_same_message_twice_is_one_entry(post_email, django_capture_on_commit_callbacks):
    raw = make_email(message_id="<twice@example.org>")
    with django_capture_on_commit_callbacks(execute=True):
        first = post_email(raw)
        second = post_email(raw)
        # The same Message-ID with other bytes (another gateway's Received lines).
        third = post_email(b"Received: from relay\r\n" + raw)
    assert first.status_code == 202
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert third.status_code == 202
    assert Message.objects.count() == 1
    assert RawMessage.objects.filter(state=RawState.DUPLICATE).count() == 1
    assert len(acknowledgements()) == 1


def test_a_worker_dying_half_way_loses_nothing_and_makes_one_entry(
    post_email, monkeypatch, django_capture_on_commit_callbacks
):
    real = services._store_attachment

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services, "_store_attachment", crash)
    raw = make_email(attachments=[("note.txt", "text/plain", b"hello")])
    with django_capture_on_commit_callbacks(execute=True):
        post_email(raw)
    row = RawMessage.objects.get()
    assert row.state == RawState.FAILED
    assert bytes(row.raw) == raw
    assert Message.objects.count() == 0 and Conversation.objects.count() == 0
    monkeypatch.setattr(services, "_store_attachment", real)
    assert services.process_raw(row.pk) == RawState.PROCESSED
    assert services.process_raw(row.pk) == RawState.PROCESSED  # again: nothing more
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
    ],
)
def test_auto_replies_are_never_answered(post_email, headers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(subject="Out of office", headers=headers))
    assert RawMessage.objects.get().state == RawState.AUTOMATIC
    assert Conversation.objects.count() == 0
    assert acknowledgements() == []


def test_a_bounce_of_a_reply_joins_its_conversation_unanswered(
    post_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(message_id="<orig@example.org>"))
    mail.outbox.clear()
    bounce = make_email(
        sender="MAILER-DAEMON@example.org",
        subject="Undelivered Mail Returned to Sender",
        in_reply_to="<orig@example.org>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_email(bounce)
    message = Message.objects.order_by("-pk").first()
    assert message.automatic
    assert Conversation.objects.count() == 1
    assert mail.outbox == []


@override_settings(INBOX={"SENDER_LIMIT": 2, "SENDER_WINDOW_SECONDS": 3600})
def test_a_sender_over_the_limit_is_held_not_lost(post_email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            post_email(make_email(subject=f"Spam {n}"))
    assert Conversation.objects.count() == 2
    held = RawMessage.objects.get(state=RawState.RATE_LIMITED)
    assert len(acknowledgements()) == 2
    assert services.process_raw(held.pk, ignore_rate_limit=True) == RawState.PROCESSED
    assert Conversation.objects.count() == 3


def test_the_sender_is_matched_to_a_customer_the_partner_may_read(
    post_email, partnership, django_capture_on_commit_callbacks
):
    own = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Ada",
        family_name="Lovelace",
        emails=["ada@example.org"],
    )
    create_customer(
        user=None,
        partner=partnership.police,
        given_name="Bob",
        family_name="Police",
        emails=["bob@example.org"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_email(make_email(sender="Ada <ADA@Example.org>", subject="Hello"))
        post_email(make_email(sender="bob@example.org", subject="Hello"))
    assert Conversation.objects.get(sender="ada@example.org").customer == own
    assert Conversation.objects.get(sender="bob@example.org").customer is None
    assert Contact.objects.get(customer=own).channel == "email"


def test_html_is_sanitised_and_attachments_checked(post_email, django_capture_on_commit_callbacks):
    html = (
        '<p onclick="steal()">Hi <script>alert(1)</script><img src="https://tracker.example/x.gif">'
        '<a href="javascript:alert(1)">x</a><a href="https://ok.example/">ok</a></p>'
    )
    raw = make_email(
        html=html,
        attachments=[
            ("photo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
            ("run.exe", "application/octet-stream", b"MZ\x90\x00"),
            ("empty.txt", "text/plain", b""),
            ("fake.pdf", "application/pdf", b"MZ not a pdf"),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_email(raw)
    message = Message.objects.get()
    assert "<script" not in message.html and "onclick" not in message.html
    assert "tracker.example" not in message.html and "javascript:" not in message.html
    assert 'href="https://ok.example/"' in message.html
    states = {a.filename: a.state for a in message.attachments.all()}
    assert states == {
        "photo.png": AttachmentState.STORED,
        "run.exe": AttachmentState.REFUSED,
        "empty.txt": AttachmentState.STORED,
        "fake.pdf": AttachmentState.REFUSED,
    }


@override_settings(INBOX={"VIRUS_SCANNER": "firstcontact.inbox.checks.eicar_scanner"})
def test_the_virus_scan_hook_refuses_what_it_finds(post_email, django_capture_on_commit_callbacks):
    from firstcontact.inbox.checks import EICAR

    raw = make_email(attachments=[("eicar.txt", "text/plain", EICAR)])
    with django_capture_on_commit_callbacks(execute=True):
        post_email(raw)
    attachment = Message.objects.get().attachments.get()
    assert attachment.state == AttachmentState.INFECTED
    assert not attachment.file


def test_notify_received_text_callback(client, mailbox, django_capture_on_commit_callbacks):
    payload = {
        "id": "b1a2c3",
        "source_number": "447911123456",
        "destination_number": "07700900500",
        "message": "Streetlight out on Mill Lane",
        "date_received": "2026-01-05 10:00:00.000000",
    }
    url = f"/inbound/{mailbox.pk}/notify/"
    auth = {"Authorization": f"Bearer {mailbox.webhook_secret}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, payload, content_type="application/json", headers=auth)
        again = client.post(url, payload, content_type="application/json", headers=auth)
    assert response.status_code == 202 and again.status_code == 202
    conversation = Conversation.objects.get()
    assert conversation.channel == "sms"
    assert conversation.sender == "+447911123456"
    assert conversation.messages.count() == 1
    # The acknowledgement is a text message (through Notify, through the notify app).
    ack = Notification.objects.get(channel="sms")
    assert conversation.formatted_reference in ack.body
    # A second text from the same number joins the open conversation.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {**payload, "id": "second", "message": "Still out"},
            content_type="application/json",
            headers=auth,
        )
    assert conversation.messages.count() == 2
    wrong = client.post(
        url, payload, content_type="application/json", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401 and "error" in wrong.json()


def test_generic_sms_webhook_takes_a_form(client, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/inbound/{mailbox.pk}/sms/",
            {"From": "07911 123457", "Body": "Hello"},
            headers={"X-Inbound-Secret": mailbox.webhook_secret},
        )
    assert response.status_code == 202
    assert Conversation.objects.get().sender == "+447911123457"


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status"),
    [
        ("email", b"", "message/rfc822", 400),
        ("email", b"just words no headers" * 3, "message/rfc822", 400),
        ("notify", b"{not json", "application/json", 400),
        ("notify", b"[1, 2]", "application/json", 400),
        ("notify", json.dumps({"id": "x"}).encode(), "application/json", 400),
        ("sms", b"{}", "application/json", 400),
    ],
)
def test_webhooks_answer_bad_input_clearly(client, mailbox, path, body, content_type, status):
    response = client.post(
        f"/inbound/{mailbox.pk}/{path}/",
        data=body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
    )
    assert response.status_code == status
    assert response.json()["error"]


def test_webhooks_refuse_unknown_mailboxes_wrong_secrets_and_gets(client, mailbox):
    raw = make_email()
    for url, headers in [
        (f"/inbound/{mailbox.pk}/email/", {}),
        (f"/inbound/{mailbox.pk}/email/", {"Authorization": "Bearer wrong"}),
        ("/inbound/999999/email/", {"Authorization": f"Bearer {mailbox.webhook_secret}"}),
    ]:
        response = client.post(url, data=raw, content_type="message/rfc822", headers=headers)
        assert response.status_code == 401
    assert client.get(f"/inbound/{mailbox.pk}/email/").status_code == 405
    assert RawMessage.objects.count() == 0
