"""Reading an RFC 822 message with the standard library's `email` package: headers decoded
(encoded words in any charset), plain and HTML bodies in whatever charset they declare (or
guessed when the declaration is wrong), attachments and inline images, nested messages kept
whole as .eml attachments. Nothing here raises on a malformed message: whatever cannot be read
is read as well as it can.

Speed: the structure is read with the compat32 policy, whose headers are plain strings (the
default policy parses a header into an object on every read, and the parts' Content-Type
is read a dozen times per message); only the headers shown to people (From, To, Subject)
are decoded, by the default policy's header parser, so they read exactly as they would
have with it. Message-IDs and the auto-reply markers are ASCII and read as they are."""

from __future__ import annotations

import contextlib
import email
import email.header
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message

import nh3

# Tags an email's HTML may keep for staff: no images (remote ones track the reader; inline
# ones are listed as attachments), no forms, no styles (the staff pages' CSP forbids them).
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}
_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: str = ""
    subject: str = ""
    date: str = ""
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    automatic: bool = False
    automatic_reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def sanitise_html(html: str) -> str:
    """HTML safe to show staff: no scripts, styles, event handlers, images or odd links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h\d>", "\n", html)
    text = nh3.clean(text, tags=set())
    text = (
        text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
    )
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


# Headers people read, decoded (encoded words, 8-bit bytes); the rest are read as they are.
_DECODED = {"from", "sender", "to", "subject"}


def _raw_header(msg: Message, name: str) -> str | None:
    """The first of duplicates, as it arrived (unfolded later), or None."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return value
    return None


def _header(msg: Message, name: str) -> str:
    """A header's value, decoded when people read it; the first of duplicates; '' if it is
    missing or cannot be read at all."""
    value = _raw_header(msg, name)
    if value is None:
        return ""
    if name.lower() in _DECODED:
        with contextlib.suppress(Exception):  # a header the policy cannot parse: as it came
            value = email.policy.default.header_fetch_parse(name, value)
    try:
        text = str(value)
    except Exception:  # noqa: BLE001
        return ""
    # Undecodable 8-bit bytes arrive as surrogates: not storable text.
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())


def _message_ids(value: str) -> list[str]:
    return _MSGID.findall(value or "")


def _decode_part(part: Message) -> str:
    """A text part's content as text, in the charset it claims; when that is unknown or
    wrong, UTF-8, then Windows-1252 (which reads ISO-8859-1 too)."""
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        payload = b""
    if isinstance(payload, str):
        return payload
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # noqa: BLE001
        charset = "utf-8"
    for candidate in (charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


def _filename(part: Message, n: int) -> str:
    try:
        name = part.get_filename()
        if name and "=?" in name:  # an encoded word (not the standard, but common)
            name = str(email.header.make_header(email.header.decode_header(name)))
    except Exception:  # noqa: BLE001
        name = None
    if not name:
        ext = {"message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html"}.get(
            part.get_content_type(), ""
        )
        subtype = part.get_content_subtype()
        name = f"attachment-{n}{ext or ('.' + subtype if subtype.isalnum() else '')}"
    # No paths, no control characters.
    name = re.sub(r"[\x00-\x1f/\\]", "_", str(name)).strip() or f"attachment-{n}"
    return name[:255]


def automatic_reason(msg: Message) -> str:
    """Why the message is an automatic one (auto-reply, bounce, list), or ''."""
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if _header(msg, name):
            return f"{name} header"
    precedence = _header(msg, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    if msg.get_content_type() == "multipart/report":
        return "Delivery status notification"
    if _header(msg, "Return-Path").strip() == "<>":
        return "Empty return path (a bounce)"
    sender = _header(msg, "From").lower()
    if re.search(r"mailer-daemon@|postmaster@", sender):
        return "From the mail system"
    return ""


def parse(raw: bytes) -> ParsedMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    parsed = ParsedMessage()
    message_ids = _message_ids(_header(msg, "Message-ID"))
    parsed.message_id = message_ids[0][:998] if message_ids else ""
    in_reply_to = _message_ids(_header(msg, "In-Reply-To"))
    parsed.in_reply_to = in_reply_to[0] if in_reply_to else ""
    parsed.references = _message_ids(_header(msg, "References"))[-50:]
    from_header = _header(msg, "From")
    name, address = email.utils.parseaddr(from_header)
    if not address:
        name, address = email.utils.parseaddr(_header(msg, "Sender"))
    parsed.from_name = name[:200]
    parsed.from_address = address.strip()[:254]
    parsed.to = _header(msg, "To")[:2000]
    parsed.subject = _header(msg, "Subject")[:300]
    parsed.date = _header(msg, "Date")
    parsed.automatic_reason = automatic_reason(msg)
    parsed.automatic = bool(parsed.automatic_reason)

    texts: list[str] = []
    htmls: list[str] = []
    n = 0
    for part in _leaves(msg):
        n += 1
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        content_id = _header(part, "Content-ID").strip("<> ")
        if ctype == "message/rfc822" or (disposition == "attachment"):
            parsed.attachments.append(_attachment(part, n, ctype))
            continue
        if ctype == "text/plain" and disposition != "attachment":
            texts.append(_decode_part(part))
        elif ctype == "text/html" and disposition != "attachment":
            htmls.append(_decode_part(part))
        elif ctype.startswith("text/") and not disposition:
            texts.append(_decode_part(part))
        else:
            attachment = _attachment(part, n, ctype)
            attachment.inline = disposition == "inline" or bool(content_id)
            attachment.content_id = content_id[:255]
            parsed.attachments.append(attachment)
    parsed.html = sanitise_html("\n".join(htmls)) if htmls else ""
    parsed.text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not parsed.text and parsed.html:
        parsed.text = html_to_text(parsed.html)
    return parsed


def _attachment(part: Message, n: int, ctype: str) -> ParsedAttachment:
    if ctype == "message/rfc822":
        # The nested message, whole, as the bytes it was sent as.
        inner = part.get_payload()
        if isinstance(inner, list) and inner:
            inner = inner[0]
        try:
            content = inner.as_bytes() if isinstance(inner, Message) else bytes(str(inner), "utf-8")
        except Exception:  # noqa: BLE001
            content = part.get_payload(decode=True) or b""
    else:
        try:
            content = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001
            content = b""
    return ParsedAttachment(filename=_filename(part, n), content_type=ctype, content=content)


def _leaves(msg: Message):
    """The parts that are not containers; a nested message/rfc822 counts as one leaf."""
    if msg.get_content_type() == "message/rfc822" and msg is not None:
        yield msg
        return
    if msg.is_multipart():
        if msg.get_content_type() == "multipart/report":
            # A bounce: its human-readable part is the body, the rest (the status, the
            # returned message) are kept as attachments.
            parts = msg.get_payload()
            if isinstance(parts, list):
                for i, sub in enumerate(parts):
                    if i == 0:
                        yield from _leaves(sub)
                    else:
                        yield sub
            return
        payload = msg.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if sub.get_content_type() == "message/rfc822":
                    yield sub
                else:
                    yield from _leaves(sub)
        return
    yield msg


def format_address(name: str, address: str) -> str:
    return email.utils.formataddr((name, address)) if name else address
