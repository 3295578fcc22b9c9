"""Polling IMAP mailboxes (imap-tools): each unseen message is stored raw, committed, and only
then marked seen, so a crash between the two fetches it again (and storing it again finds the
row already there) instead of losing it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted

from firstcontact.inbox.models import Mailbox, Source
from firstcontact.inbox.services import store_raw

logger = logging.getLogger("firstcontact.inbox")

BATCH = 200


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    error: str = ""


def _connect(mailbox: Mailbox, timeout: float):
    cls = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}[
        mailbox.imap_security
    ]
    return cls(mailbox.imap_host, mailbox.imap_port, timeout=timeout)


def _fetch_raw(client, uid: str) -> bytes | None:
    """The message's bytes exactly as the server holds them (BODY.PEEK leaves it unseen)."""
    typ, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def poll(mailbox: Mailbox, *, timeout: float = 30.0, limit: int = BATCH) -> PollResult:
    result = PollResult()
    try:
        with _connect(mailbox, timeout).login(
            mailbox.imap_username, mailbox.imap_password, initial_folder=mailbox.imap_folder
        ) as client:
            uids = client.uids(AND(seen=False))[:limit]
            for uid in uids:
                raw = _fetch_raw(client, uid)
                if raw is None:
                    continue
                result.fetched += 1
                with transaction.atomic():
                    _row, created = store_raw(mailbox, raw, source=Source.IMAP)
                # Stored and committed: now it may be marked seen.
                client.flag(uid, "\\Seen", True)
                result.stored += int(created)
    except Exception as exc:  # noqa: BLE001 - recorded on the mailbox for the admin
        logger.warning("Inbox: polling %s failed: %s", mailbox, exc)
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=result.error
    )
    return result


def poll_all(*, timeout: float = 30.0) -> dict[str, PollResult]:
    results = {}
    for mailbox in Mailbox.objects.filter(active=True).exclude(imap_host="").order_by("pk"):
        if mailbox.polls_imap:
            results[str(mailbox)] = poll(mailbox, timeout=timeout)
    return results
