"""Mailboxes for the partnership of tests/conftest.py, and messages made with the email
package (nothing large is committed: the corpus is generated)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.utils import timezone

from firstcontact.inbox.models import Mailbox


def make_email(
    *,
    sender: str = "resident@example.org",
    to: str = "contact@wessex.example",
    subject: str = "Bins not collected",
    text: str = "My bin was not collected on Tuesday.",
    html: str | None = None,
    message_id: str | None = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    if message_id is not None:
        msg["Message-ID"] = message_id or make_msgid(domain="example.org")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, content in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


@pytest.fixture
def mailbox(partnership):
    return Mailbox.objects.create(
        partner=partnership.county,
        team=partnership.highways,
        name="Highways contact",
        address="highways@wessex.example",
        sms_number="+447700900500",
        first_response_policy=partnership.five_days,
    )


@pytest.fixture
def post_email(client, mailbox):
    def post(raw: bytes, *, box=None, secret=None):
        box = box or mailbox
        return client.post(
            f"/inbound/{box.pk}/email/",
            data=raw,
            content_type="message/rfc822",
            headers={"Authorization": f"Bearer {secret or box.webhook_secret}"},
        )

    return post


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Per-sender counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
