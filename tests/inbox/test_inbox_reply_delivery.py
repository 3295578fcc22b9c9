"""A reply's real state on the conversation: queued, then sent, delivered or failed for a text
(GOV.UK Notify's delivery receipt), and an email reply the mail server refuses tried again with
backoff, then shown as failed, never lost. Only the network edge is faked: Notify's client,
and a mail backend that fails as an unreachable SMTP server does."""

from __future__ import annotations

import datetime as dt
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.tasks import default_task_backend
from django.test import override_settings
from django.utils import timezone

from firstcontact.inbox import tasks
from firstcontact.inbox.models import Conversation, DeliveryState, Mailbox, Message
from firstcontact.inbox.services import process_pending
from tests.inbox.conftest import make_email

pytestmark = pytest.mark.django_db(transaction=False)

NOTIFY = {"API_KEY": "test-key", "EMAIL_TEMPLATE_ID": "", "SMS_TEMPLATE_ID": "sms-template"}
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
UNREACHABLE_SMTP = {"default": {"BACKEND": "tests.inbox.test_inbox_reply_delivery.UnreachableSMTP"}}


class UnreachableSMTP(BaseEmailBackend):
    """What Django's SMTP backend raises when the server is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FakeNotify:
    sent: list[dict] = []

    def send_sms_notification(self, **kwargs):
        FakeNotify.sent.append(kwargs)
        return {"id": f"notify-{len(FakeNotify.sent)}"}


@pytest.fixture
def fake_notify(monkeypatch):
    FakeNotify.sent = []
    monkeypatch.setattr("firstcontact.notify.delivery._notify_client", lambda: FakeNotify())
    return FakeNotify


def _text_conversation(client, mailbox, number="07911 123456") -> Conversation:
    client.post(
        f"/inbound/{mailbox.pk}/sms/",
        {"from": number, "body": "Is the tip open?"},
        headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
    )
    process_pending()  # as the worker would
    return Conversation.objects.get(sender="+44" + number.replace(" ", "")[1:])


def _receipt(client, mailbox, **data):
    return client.post(
        f"/inbound/{mailbox.pk}/notify/status/",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
    )


def _tag(client, conversation) -> str:
    page = client.get(f"/messages/{conversation.pk}/").content.decode()
    return page


@override_settings(NOTIFY=NOTIFY)
def test_a_text_reply_is_queued_then_sent_then_delivered_as_notify_says(
    client, partnership, mailbox, fake_notify, django_capture_on_commit_callbacks
):
    conversation = _text_conversation(client, mailbox)
    client.force_login(partnership.hub_adviser)
    client.post(f"/messages/{conversation.pk}/reply/", {"text": "Yes, until 4pm."})
    reply = Message.objects.get(direction="out")
    assert reply.delivery == DeliveryState.QUEUED  # the worker has not sent it yet
    assert "Queued" in _tag(client, conversation)

    assert tasks.send_reply.call(reply.pk) == DeliveryState.SENT
    [sent] = fake_notify.sent
    assert sent["phone_number"] == "+447911123456"
    assert sent["personalisation"] == {"body": "Yes, until 4pm."}
    assert sent["template_id"] == "sms-template"
    reply.refresh_from_db()
    assert (reply.delivery, reply.provider_reference) == ("sent", "notify-1")
    assert 'govuk-tag--blue">Sent<' in _tag(client, conversation)

    # Notify's delivery receipt (bearer: the mailbox's secret).
    response = _receipt(
        client, mailbox, id="notify-1", reference=f"inbox-{reply.pk}", status="delivered"
    )
    assert response.status_code == 200 and response.json()["delivery"] == "delivered"
    assert ">Delivered<" in _tag(client, conversation)
    assert tasks.send_reply.call(reply.pk) == "nothing to do"  # never sent twice
    assert len(fake_notify.sent) == 1


@override_settings(NOTIFY=NOTIFY)
def test_a_text_notify_could_not_deliver_is_shown_failed_with_the_reason(
    client, partnership, mailbox, fake_notify
):
    conversation = _text_conversation(client, mailbox)
    client.force_login(partnership.hub_adviser)
    client.post(f"/messages/{conversation.pk}/reply/", {"text": "We will call you."})
    reply = Message.objects.get(direction="out")
    tasks.send_reply.call(reply.pk)
    # Found by Notify's id alone too.
    _receipt(client, mailbox, id="notify-1", status="permanent-failure")
    reply.refresh_from_db()
    assert reply.delivery == DeliveryState.FAILED
    page = _tag(client, conversation)
    assert ">Failed<" in page and "the number may be wrong" in page
    assert "We will call you." in page  # the reply is kept


@override_settings(NOTIFY=NOTIFY)
def test_delivery_receipts_need_the_mailboxs_secret_and_touch_only_its_replies(
    client, partnership, mailbox, fake_notify
):
    conversation = _text_conversation(client, mailbox)
    client.force_login(partnership.hub_adviser)
    client.post(f"/messages/{conversation.pk}/reply/", {"text": "Yes."})
    reply = Message.objects.get(direction="out")
    tasks.send_reply.call(reply.pk)
    other = Mailbox.objects.create(partner=partnership.county, name="Council tax")
    answer = client.post(
        f"/inbound/{mailbox.pk}/notify/status/",
        {"id": "notify-1", "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": "Bearer wrong"},
    )
    assert answer.status_code == 401
    # Another mailbox's secret: not its reply, nothing changes (200, so Notify stops).
    answer = _receipt(client, other, id="notify-1", status="permanent-failure")
    assert answer.status_code == 200 and answer.json() == {"updated": False}
    assert _receipt(client, mailbox, id="notify-1").status_code == 400  # no status
    # Not JSON: a clear 400, never a 500.
    answer = client.post(
        f"/inbound/{mailbox.pk}/notify/status/",
        b"\xff{",
        content_type="application/json",
        headers={"Authorization": f"Bearer {mailbox.webhook_secret}"},
    )
    assert answer.status_code == 400
    reply.refresh_from_db()
    assert reply.delivery == DeliveryState.SENT


def test_a_text_reply_without_notify_configured_is_failed_not_lost(
    client, partnership, mailbox, fake_notify
):
    conversation = _text_conversation(client, mailbox)
    client.force_login(partnership.hub_adviser)
    client.post(f"/messages/{conversation.pk}/reply/", {"text": "Yes."})
    reply = Message.objects.get(direction="out")
    assert tasks.send_reply.call(reply.pk) == DeliveryState.FAILED
    assert fake_notify.sent == []
    assert "need GOV.UK Notify to be configured" in _tag(client, conversation)


@override_settings(MAILERS=UNREACHABLE_SMTP, TASKS=DUMMY_TASKS)
def test_an_email_reply_the_server_refuses_is_retried_with_backoff_then_failed(
    client, partnership, mailbox, post_email, django_capture_on_commit_callbacks
):
    post_email(make_email(sender="rita@example.org", message_id="<rita@example.org>"))
    process_pending()  # as the worker would
    conversation = Conversation.objects.get()
    client.force_login(partnership.highways_officer)
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/messages/{conversation.pk}/reply/", {"text": "Fixed on Friday."})
    reply = Message.objects.get(direction="out")
    [queued] = default_task_backend.results
    assert queued.task.func is tasks.send_reply.func and queued.args == [reply.pk]

    default_task_backend.clear()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reply.call(reply.pk) == DeliveryState.RETRYING
    reply.refresh_from_db()
    assert reply.attempts == 1 and "SMTPServerDisconnected" in reply.delivery_error
    # Tried again by the worker in a minute, then 4, 16, 64.
    [retry] = default_task_backend.results
    assert retry.task.run_after - before >= dt.timedelta(minutes=1)
    assert retry.task.run_after - before < dt.timedelta(minutes=2)
    page = _tag(client, conversation)
    assert "Not sent yet: trying again" in page and "Tried 1 time;" in page

    for _attempt in range(2, tasks.MAX_ATTEMPTS + 1):
        state = tasks.send_reply.call(reply.pk)
    assert state == DeliveryState.FAILED
    reply.refresh_from_db()
    assert reply.attempts == tasks.MAX_ATTEMPTS and reply.text == "Fixed on Friday."
    page = _tag(client, conversation)
    assert ">Failed<" in page and "Connection unexpectedly closed" in page
    assert tasks.send_reply.call(reply.pk) == "nothing to do"  # no sixth try


def test_process_inbox_sends_a_reply_whose_retry_is_due(client, partnership, mailbox, post_email):
    """A backend that cannot defer (the immediate one) leaves retries to the command."""
    post_email(make_email(sender="rita@example.org"))
    process_pending()
    conversation = Conversation.objects.get()
    client.force_login(partnership.highways_officer)
    with override_settings(MAILERS=UNREACHABLE_SMTP):
        client.post(f"/messages/{conversation.pk}/reply/", {"text": "Fixed on Friday."})
        reply = Message.objects.get(direction="out")
        tasks.send_reply.call(reply.pk)
    reply.refresh_from_db()
    assert reply.delivery == DeliveryState.RETRYING
    mail.outbox.clear()
    call_command("process_inbox", stdout=io.StringIO())
    assert mail.outbox == []  # not due yet
    Message.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    call_command("process_inbox", stdout=io.StringIO())
    [sent] = mail.outbox
    assert sent.body == "Fixed on Friday."
    reply.refresh_from_db()
    assert (reply.delivery, reply.attempts) == (DeliveryState.SENT, 2)
