"""IMAP polling against a real Dovecot started here: unseen messages are stored, processed
and marked seen only after storing; a second poll finds nothing new; a crash before marking
seen fetches the message again but makes one conversation entry."""

from __future__ import annotations

import imaplib

import pytest
from django.core.management import call_command

from firstcontact.inbox import imap as imap_module
from firstcontact.inbox.models import Conversation, Mailbox, Message, RawMessage
from tests.inbox import dovecot
from tests.inbox.conftest import make_email


@pytest.fixture(scope="module")
def server():
    try:
        running = dovecot.start()
    except dovecot.Unavailable as exc:
        pytest.skip(f"No IMAP server for the polling tests: {exc}")
    yield running
    running.stop()


@pytest.fixture
def imap_box(server, partnership):
    # A clean INBOX for each test.
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.username, server.password)
    client.select("INBOX")
    _typ, data = client.search(None, "ALL")
    for num in data[0].split():
        client.store(num, "+FLAGS", "\\Deleted")
    client.expunge()
    client.logout()
    return Mailbox.objects.create(
        partner=partnership.county,
        team=partnership.highways,
        name="Contact (IMAP)",
        address="contact@wessex.example",
        imap_host="127.0.0.1",
        imap_port=server.port,
        imap_security="none",
        imap_username=server.username,
        imap_password=server.password,
    )


def deliver(server, raw: bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.username, server.password)
    client.append("INBOX", None, None, raw)
    client.logout()


def unseen(server) -> int:
    client = imaplib.IMAP4("127.0.0.1", server.port)
    client.login(server.username, server.password)
    client.select("INBOX", readonly=True)
    _typ, data = client.search(None, "UNSEEN")
    client.logout()
    return len(data[0].split())


def test_polling_stores_processes_and_marks_seen(
    server, imap_box, django_capture_on_commit_callbacks
):
    deliver(server, make_email(subject="First", message_id="<imap-1@example.org>"))
    deliver(server, make_email(subject="Second", message_id="<imap-2@example.org>"))
    assert unseen(server) == 2
    with django_capture_on_commit_callbacks(execute=True):
        result = imap_module.poll(imap_box)
    assert result.error == "" and result.fetched == 2 and result.stored == 2
    assert unseen(server) == 0
    assert Conversation.objects.filter(mailbox=imap_box).count() == 2
    assert set(RawMessage.objects.values_list("source", flat=True)) == {"imap"}
    # Nothing new the second time.
    assert imap_module.poll(imap_box).fetched == 0


def test_a_crash_before_marking_seen_fetches_again_but_stores_once(
    server, imap_box, monkeypatch, django_capture_on_commit_callbacks
):
    deliver(server, make_email(subject="Crash", message_id="<imap-crash@example.org>"))

    class Crash(Exception):
        pass

    real_flag = imap_module.MailBoxUnencrypted.flag

    def crash(self, *args, **kwargs):
        raise Crash("killed before marking seen")

    monkeypatch.setattr(imap_module.MailBoxUnencrypted, "flag", crash)
    with django_capture_on_commit_callbacks(execute=True):
        first = imap_module.poll(imap_box)
    assert "killed" in first.error
    assert RawMessage.objects.count() == 1  # stored before the crash
    assert unseen(server) == 1  # and still unseen on the server
    monkeypatch.setattr(imap_module.MailBoxUnencrypted, "flag", real_flag)
    with django_capture_on_commit_callbacks(execute=True):
        second = imap_module.poll(imap_box)
    assert second.fetched == 1 and second.stored == 0
    assert unseen(server) == 0
    assert RawMessage.objects.count() == 1
    assert Message.objects.count() == 1


def test_the_command_reports_a_wrong_password(server, imap_box, capsys):
    Mailbox.objects.filter(pk=imap_box.pk).update(imap_password="wrong")
    with pytest.raises(SystemExit):
        call_command("poll_mailboxes", timeout=5)
    imap_box.refresh_from_db()
    assert imap_box.last_error and imap_box.last_polled_at
