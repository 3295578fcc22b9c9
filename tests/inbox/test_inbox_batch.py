"""The worker's batches: one waiting task for a burst of messages, each message of a batch
processed on its own (one failing loses nothing of the others), and what a batch shares
(Message-IDs, senders' conversations, customer matches) giving the same answers as one
message at a time."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from firstcontact.customers.services import create_customer
from firstcontact.inbox import services
from firstcontact.inbox.models import Conversation, Message, RawMessage, RawState, Source
from firstcontact.notify.models import Notification
from tests.inbox.conftest import make_email

pytestmark = pytest.mark.django_db(transaction=False)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DATABASE_TASKS)
def test_a_burst_of_messages_queues_one_task_for_the_worker(
    post_email, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert post_email(make_email(subject=f"Bins {n}")).status_code == 202
    waiting = DBTaskResult.objects.ready()
    assert [t.task_path for t in waiting] == ["firstcontact.inbox.tasks.process_pending"]
    assert RawMessage.objects.filter(state=RawState.PENDING).count() == 5
    # The worker runs it: all five in one go, and one task acknowledges the five residents.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.process_pending() == {RawState.PROCESSED: 5}
    assert Conversation.objects.count() == 5
    acks = DBTaskResult.objects.ready().filter(
        task_path="firstcontact.inbox.tasks.send_acknowledgements"
    )
    assert len(acks) == 1
    assert sorted(acks[0].task_result.args[0]) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )
    assert Notification.objects.count() == 5


def test_one_message_failing_leaves_the_rest_of_its_batch_processed(
    mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    real = services._store_attachment

    def crash_on_the_bad_one(message, attachment):
        if attachment.filename == "bad.txt":
            raise RuntimeError("disk full")
        return real(message, attachment)

    monkeypatch.setattr(services, "_store_attachment", crash_on_the_bad_one)
    monkeypatch.setattr(services, "wake_worker", lambda: None)  # the test runs the worker
    for name in ["a.txt", "bad.txt", "c.txt"]:
        raw = make_email(subject=f"About {name}", attachments=[(name, "text/plain", b"hi")])
        services.store_raw(mailbox, raw, source=Source.WEBHOOK)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.process_batch() == {RawState.PROCESSED: 2, RawState.FAILED: 1}
    failed = RawMessage.objects.get(state=RawState.FAILED)
    assert "disk full" in failed.error and failed.attempts == 1
    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "About a.txt",
        "About c.txt",
    ]
    assert len(mail.outbox) == 2  # the failed one is not acknowledged...
    monkeypatch.setattr(services, "_store_attachment", real)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.process_raw(failed.pk) == RawState.PROCESSED  # ...until it is in
    assert Conversation.objects.count() == 3 and len(mail.outbox) == 3


def test_a_batch_threads_and_deduplicates_among_its_own_messages(mailbox, monkeypatch):
    monkeypatch.setattr(services, "wake_worker", lambda: None)
    first = make_email(message_id="<one@example.org>", subject="Fly-tipping")
    again = b"Received: from another relay\r\n" + first  # other bytes, the same Message-ID
    reply = make_email(message_id="<two@example.org>", in_reply_to="<one@example.org>")
    for raw in [first, again, reply]:
        services.store_raw(mailbox, raw, source=Source.WEBHOOK)
    assert services.process_batch() == {RawState.PROCESSED: 2, RawState.DUPLICATE: 1}
    conversation = Conversation.objects.get()
    assert list(conversation.messages.values_list("message_id", flat=True)) == [
        "<one@example.org>",
        "<two@example.org>",
    ]
    assert Message.objects.count() == 2


@override_settings(INBOX={"SENDER_LIMIT": 2, "SENDER_WINDOW_SECONDS": 3600})
def test_a_batch_counts_the_conversations_it_opens_against_the_senders_limit(mailbox, monkeypatch):
    monkeypatch.setattr(services, "wake_worker", lambda: None)
    for n in range(4):
        services.store_raw(mailbox, make_email(subject=f"Spam {n}"), source=Source.WEBHOOK)
    services.store_raw(
        mailbox, make_email(sender="other@example.org", subject="Hello"), source=Source.WEBHOOK
    )
    assert services.process_batch() == {RawState.PROCESSED: 3, RawState.RATE_LIMITED: 2}
    assert Conversation.objects.filter(sender="resident@example.org").count() == 2
    assert Conversation.objects.filter(sender="other@example.org").count() == 1


def test_a_batch_matches_senders_to_customers_as_one_message_would(
    mailbox, partnership, monkeypatch
):
    monkeypatch.setattr(services, "wake_worker", lambda: None)
    ada = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Ada",
        family_name="Lovelace",
        emails=["Ada@Example.org"],
    )
    for address in ["ADA@example.org", "twin@example.org"]:
        services.store_raw(mailbox, make_email(sender=address), source=Source.WEBHOOK)
    # Two customers with one address: neither is guessed.
    for given in ["Tom", "Tim"]:
        create_customer(
            user=None,
            partner=partnership.county,
            given_name=given,
            family_name="Twin",
            emails=["twin@example.org"],
        )
    services.process_batch()
    assert Conversation.objects.get(sender="ada@example.org").customer == ada
    assert Conversation.objects.get(sender="twin@example.org").customer is None
