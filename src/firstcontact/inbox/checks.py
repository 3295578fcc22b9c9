"""What attachments are kept: by size, by type (declared and sniffed) and, when switched on, by a
virus scanner (settings.INBOX["VIRUS_SCANNER"]: the dotted path of a function taking the bytes
and the file name and returning None when clean or a reason when not)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULTS = {
    "MAX_ATTACHMENT_BYTES": 25 * 1024 * 1024,
    "MAX_MESSAGE_BYTES": 60 * 1024 * 1024,
    "VIRUS_SCANNER": "",
    # Per sender and mailbox: messages in a window before the rest are held.
    "SENDER_LIMIT": 20,
    "SENDER_WINDOW_SECONDS": 3600,
}

ALLOWED_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/rtf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "text/plain",
    "text/csv",
    "text/calendar",
    "message/rfc822",
    "message/delivery-status",
    "text/rfc822-headers",
}
REFUSED_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "js", "jse", "vbs", "vbe", "msi", "ps1", "jar", "hta",
    "lnk", "dll", "reg", "iso", "html", "htm", "svg",
}  # fmt: skip
# What a file of each type starts with, so a renamed program is not let in as a photo.
MAGIC = {
    "application/pdf": [b"%PDF"],
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/gif": [b"GIF87a", b"GIF89a"],
}
EXECUTABLE_MAGIC = [b"MZ", b"\x7fELF", b"#!"]


def setting(name: str):
    return (getattr(settings, "INBOX", None) or {}).get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""
    infected: bool = False


def check_attachment(filename: str, content_type: str, content: bytes) -> Verdict:
    limit = setting("MAX_ATTACHMENT_BYTES")
    if len(content) > limit:
        return Verdict(False, f"Larger than {limit // (1024 * 1024)} MB")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in REFUSED_EXTENSIONS:
        return Verdict(False, f"Files ending .{ext} are not accepted")
    if content_type not in ALLOWED_TYPES:
        return Verdict(False, f"Files of type {content_type} are not accepted")
    if any(content.startswith(m) for m in EXECUTABLE_MAGIC):
        return Verdict(False, "A program, not a document")
    magic = MAGIC.get(content_type)
    if magic and content and not any(content.startswith(m) for m in magic):
        return Verdict(False, f"Not the {content_type} it says it is")
    scanner_path = setting("VIRUS_SCANNER")
    if scanner_path and content:
        scanner = import_string(scanner_path)
        found = scanner(content, filename)
        if found:
            return Verdict(False, f"Virus scan: {found}"[:300], infected=True)
    return Verdict(True)


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def eicar_scanner(content: bytes, filename: str) -> str | None:
    """A stand-in scanner that finds only the EICAR test file (for tests and trials). A real
    deployment points VIRUS_SCANNER at a function calling clamd or a scanning service."""
    return "EICAR test file" if EICAR in content else None
