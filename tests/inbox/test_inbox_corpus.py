"""A corpus of awkward messages, generated here with the email package (nothing large is
committed), posted to the webhook: every one is answered without a 500, stored, and ends in
a conversation or (an automatic message) kept with its state; none is lost."""

from __future__ import annotations

import base64
import quopri
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from firstcontact.inbox.models import Conversation, RawMessage, RawState
from firstcontact.inbox.models import Message as InboxMessage
from tests.inbox.conftest import make_email


def _mime(ctype: str, charset: str, body: bytes, subject_header: str, cte: str = "8bit") -> bytes:
    head = (
        f"From: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>\r\nTo: contact@wessex.example\r\n"
        f"Subject: {subject_header}\r\nMessage-ID: {make_msgid()}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {ctype}; charset={charset}\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return head.encode("ascii") + body


def corpus() -> dict[str, bytes]:
    items: dict[str, bytes] = {}
    items["plain"] = make_email()
    items["alternative"] = make_email(html="<p>Hello <b>there</b></p>")
    mixed = EmailMessage()
    mixed["From"], mixed["To"], mixed["Subject"] = "a@example.org", "c@example.org", "Mixed"
    mixed["Message-ID"] = make_msgid()
    mixed.set_content("See attached")
    mixed.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="a.pdf")
    items["mixed"] = mixed.as_bytes()
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "inner@example.org", "Forwarded original"
    inner.set_content("The original message")
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "fwd@example.org", "c@example.org", "Fwd"
    outer["Message-ID"] = make_msgid()
    outer.set_content("Forwarding this")
    outer.add_attachment(inner)
    items["nested_rfc822"] = outer.as_bytes()
    items["quoted_printable"] = _mime(
        "text/plain",
        "utf-8",
        quopri.encodestring(("Caf\u00e9 cr\u00e8me \u2013 " * 20).encode()),
        "QP",
        cte="quoted-printable",
    )
    b64 = _mime(
        "text/plain",
        "utf-8",
        base64.encodebytes("Base64 body \u00a3100".encode()),
        "Base64",
        cte="base64",
    )
    items["base64"] = b64
    items["iso_8859_1"] = _mime(
        "text/plain",
        "iso-8859-1",
        "R\u00e9sum\u00e9 na\u00efve".encode("iso-8859-1"),
        "=?iso-8859-1?q?R=E9sum=E9?=",
    )
    items["windows_1252"] = _mime(
        "text/plain",
        "windows-1252",
        "\u201cSmart quotes\u201d \u20ac5".encode("cp1252"),
        "=?windows-1252?q?=93Quoted=94?=",
    )
    items["shift_jis"] = _mime(
        "text/plain",
        "shift_jis",
        "\u3053\u3093\u306b\u3061\u306f".encode("shift_jis"),
        "=?shift_jis?b?" + base64.b64encode("\u4ef6\u540d".encode("shift_jis")).decode() + "?=",
    )
    items["wrong_charset"] = _mime("text/plain", "no-such-charset", b"caf\xe9", "Odd charset")
    items["missing_message_id"] = make_email(message_id=None, subject="No id")
    dup = make_email(subject="Two ids").replace(
        b"Message-ID:", b"Message-ID: <dup-a@example.org>\r\nMessage-ID:", 1
    )
    items["duplicate_message_id"] = dup
    items["big_attachment"] = make_email(
        subject="Big", attachments=[("big.pdf", "application/pdf", b"%PDF" + b"0" * 20_000_000)]
    )
    items["zero_byte"] = make_email(
        subject="Empty file", attachments=[("empty.txt", "text/plain", b"")]
    )
    items["scripts_and_remote_images"] = make_email(
        subject="HTML",
        html='<script>alert(1)</script><img src="http://x.example/t.gif"><p>Hi</p>',
    )
    items["out_of_office"] = make_email(
        subject="Out of office", headers={"Auto-Submitted": "auto-replied"}
    )
    items["bounce"] = (
        b"From: MAILER-DAEMON@example.org\r\nTo: contact@wessex.example\r\n"
        b"Subject: Undelivered Mail\r\nMessage-ID: <bounce-1@example.org>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; example.org\r\n\r\nFinal-Recipient: rfc822; x@y\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n--B--\r\n"
    )
    items["garbage_headers"] = b"From: \xff\xfe\r\nSubject: =?bad?q?x?=\r\n\r\n\x00\x01body"
    return items


EXPECTED_TEXT = {
    "quoted_printable": "Caf\u00e9 cr\u00e8me \u2013",
    "iso_8859_1": "R\u00e9sum\u00e9 na\u00efve",
    "windows_1252": "\u201cSmart quotes\u201d \u20ac5",
    "shift_jis": "\u3053\u3093\u306b\u3061\u306f",
    "base64": "Base64 body \u00a3100",
}


@pytest.mark.django_db
def test_every_awkward_message_is_kept_and_none_makes_a_500(
    post_email, django_capture_on_commit_callbacks
):
    messages = corpus()
    with django_capture_on_commit_callbacks(execute=True):
        for name, raw in messages.items():
            response = post_email(raw)
            assert response.status_code == 202, (name, response.content)
    rows = list(RawMessage.objects.all())
    assert len(rows) == len(messages)
    states = {row.state for row in rows}
    assert states <= {RawState.PROCESSED, RawState.AUTOMATIC}, [
        (r.state, r.error) for r in rows if r.state not in {"processed", "automatic"}
    ]
    assert RawMessage.objects.filter(state=RawState.AUTOMATIC).count() == 2
    assert InboxMessage.objects.count() == len(messages) - 2
    texts = list(InboxMessage.objects.values_list("text", flat=True))
    for name, expected in EXPECTED_TEXT.items():
        assert any(expected in t for t in texts), name
    subjects = set(Conversation.objects.values_list("subject", flat=True))
    assert "R\u00e9sum\u00e9" in subjects and "\u4ef6\u540d" in subjects
    html = InboxMessage.objects.get(subject="HTML").html
    assert "<script" not in html and "x.example" not in html
    big = InboxMessage.objects.get(subject="Big").attachments.get()
    assert big.state == "stored" and big.size > 20_000_000
    forwarded = InboxMessage.objects.get(subject="Fwd").attachments.get()
    assert forwarded.content_type == "message/rfc822"
    assert InboxMessage.objects.get(subject="Empty file").attachments.get().size == 0
