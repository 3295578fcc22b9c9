"""Files kept with a request: letters and photos from site that staff attach, and the
evidence residents send with applications (a photo for a Blue Badge, proof of address).

A file is taken for what its bytes are, never for its name or the type the browser claims:
PDF, Word, Excel and PowerPoint (the Office Open XML formats, and the older .doc and .xls),
OpenDocument text and spreadsheets, and photos. Photos are re-encoded without their metadata
(servicerequests/photos.py: no GPS position or camera owner is kept); documents are kept as
sent, up to MAX_FILE_BYTES, and only ever served to staff as a download (desk/work_views.py).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from firstcontact.servicerequests.models import (
    RequestAttachment,
    RequestUpdate,
    ServiceRequest,
    UpdateKind,
)
from firstcontact.servicerequests.permissions import Action
from firstcontact.servicerequests.photos import (
    MAX_PHOTO_BYTES,
    UnreadablePhoto,
    reencode_photo,
    sniff_image_type,
)
from firstcontact.validation import unstorable_fields

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 5
DESCRIPTION_MAX = 200
ACCEPT_DOCUMENTS = ".pdf,.doc,.docx,.xls,.xlsx,.pptx,.odt,.ods,.jpg,.jpeg,.png,.gif,.webp"
ACCEPT_PHOTOS = ".jpg,.jpeg,.png,.gif,.webp"
TYPES_IN_WORDS = "a PDF, a Word, Excel or OpenDocument file, or a JPEG, PNG, GIF or WebP photo"

_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF = {
    b"application/vnd.oasis.opendocument.text": "application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet": (
        "application/vnd.oasis.opendocument.spreadsheet"
    ),
}
# A zip's central directory is read to tell Word from Excel; one with very many entries is
# not an office document anyone attaches, and reading it costs memory.
MAX_ZIP_ENTRIES = 5_000


@dataclass(frozen=True)
class CheckedFile:
    """A file accepted by its content: what to store, its type and a safe name."""

    content: File
    content_type: str
    name: str
    size: int


def safe_name(name: str, content_type: str) -> str:
    """The file's name as shown to staff: its last path part, printable, at most 100
    characters, with the extension its content has (a PDF called photo.jpg is photo.pdf)."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] not in {"C", "Z"} or c == " ")
    stem = re.sub(r"\s+", " ", name.rsplit(".", 1)[0] if "." in name else name).strip(" .")
    extension = RequestAttachment.EXTENSIONS.get(content_type, "bin")
    return f"{(stem or 'file')[:90]}.{extension}"


def _zip_type(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if len(names) > MAX_ZIP_ENTRIES:
                return None
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype in _ODF:
                    return _ODF[mimetype]
            if "[Content_Types].xml" in names:
                for prefix, content_type in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def sniff_document_type(upload: UploadedFile) -> str | None:
    """The document type from the file's content, or None if it is not one we take."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE compound file: .doc or .xls (their names are inside; the extension tells).
        name = (upload.name or "").lower()
        return "application/vnd.ms-excel" if name.endswith(".xls") else "application/msword"
    return None


def check_file(
    upload: UploadedFile, *, field: str = "file", photos_only: bool = False
) -> CheckedFile:
    """The upload accepted by its content (photos re-encoded without metadata), or
    ValidationError naming the field with what to do."""
    name = upload.name or "file"
    shown = safe_name(name, "")[:-4] or "The file"
    if not upload.size:
        raise ValidationError({field: f"“{shown}” is empty."})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff_image_type(head) is not None:
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError({field: f"“{shown}” is larger than 10 MB."})
        try:
            content, content_type = reencode_photo(upload, name=name)
        except UnreadablePhoto:
            raise ValidationError(
                {field: f"“{shown}” could not be read as a photo: it may be damaged."}
            ) from None
        return CheckedFile(content, content_type, safe_name(name, content_type), content.size)
    if photos_only:
        raise ValidationError({field: f"“{shown}” must be a JPEG, PNG, GIF or WebP photo."})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({field: f"“{shown}” is larger than 20 MB."})
    content_type = sniff_document_type(upload)
    if content_type is None:
        raise ValidationError({field: f"“{shown}” must be {TYPES_IN_WORDS}."})
    upload.seek(0)
    return CheckedFile(upload, content_type, safe_name(name, content_type), upload.size)


def _store(
    request: ServiceRequest,
    checked: CheckedFile,
    *,
    source: str,
    description: str = "",
    evidence_code: str = "",
    user: AbstractBaseUser | None = None,
    at=None,
) -> RequestAttachment:
    attachment = RequestAttachment(
        request=request,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        description=description[:DESCRIPTION_MAX],
        source=source,
        evidence_code=evidence_code,
        uploaded_at=at or timezone.now(),
        uploaded_by=user,
    )
    content = checked.content
    content.seek(0)
    attachment.file.save(f"file.{attachment.extension}", ContentFile(content.read()), save=False)
    # The file is written before the row: if the row cannot be saved, remove it again.
    name, storage = attachment.file.name, attachment.file.storage
    try:
        attachment.save()
    except Exception:
        storage.delete(name)
        raise
    return attachment


def attach_file(
    *,
    user: AbstractBaseUser,
    request: ServiceRequest,
    checked: CheckedFile,
    description: str = "",
    expected_version: int | None = None,
) -> RequestAttachment:
    """Staff attach a file (a letter, a photo from site) to a request: caseworkers, team
    leaders and managers of the responsible partner (docs/access.md). An internal timeline
    entry says who attached what; the resident is not sent it."""
    from firstcontact.servicerequests.services import _lock_for_change, _save

    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            {"description": f"Keep the description to {DESCRIPTION_MAX} characters."}
        )
    if errors := unstorable_fields({"description": description}):
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = _lock_for_change(user, request, expected_version, Action.ATTACH)
        attachment = _store(
            current,
            checked,
            source=RequestAttachment.Source.STAFF,
            description=description,
            user=user,
            at=now,
        )
        _save(current, now, [])
        RequestUpdate.objects.create(
            request=current,
            created_at=now,
            author=user,
            kind=UpdateKind.NOTE,
            status=current.status,
            public=False,
            text=f"File attached: {attachment.name}" + (f" ({description})" if description else ""),
        )
    return attachment


def attach_evidence(
    request: ServiceRequest, files: list[tuple[str, str, str, File]]
) -> list[RequestAttachment]:
    """Keep the evidence a resident sent with an application: (requirement code, what it
    is, the name it was sent as, the file the resident site kept meanwhile). Each is checked
    again by its content before it is kept, so nothing unchecked or with its metadata is
    stored."""
    kept = []
    for code, label, name, file in files:
        upload = _as_upload(file, name)
        checked = check_file(upload, field="evidence")
        kept.append(
            _store(
                request,
                checked,
                source=RequestAttachment.Source.RESIDENT,
                description=label,
                evidence_code=code,
            )
        )
    return kept


def _as_upload(file: File, name: str) -> UploadedFile:
    file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    return UploadedFile(io.BytesIO(data), name=name or "file", size=len(data))
