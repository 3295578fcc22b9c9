"""Photos residents send with reports: accepted by what the bytes are, not what the name says."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5


def sniff_image_type(head: bytes) -> str | None:
    """The image type from the first bytes of a file, or None if it is not a photo we take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(upload: UploadedFile, *, field: str = "photo") -> str:
    """The photo's content type, or ValidationError naming the field."""
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({field: f"“{upload.name}” is larger than 10 MB."})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_image_type(head)
    if content_type is None:
        raise ValidationError({field: f"“{upload.name}” must be a JPEG, PNG, GIF or WebP photo."})
    return content_type


def check_photos(uploads: Iterable[UploadedFile], *, field: str = "photos") -> list[tuple]:
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({field: f"Send at most {MAX_PHOTOS} photos."})
    return [(upload, check_photo(upload, field=field)) for upload in uploads]


def attach_photos(request: ServiceRequest, checked: Iterable[tuple]) -> list[RequestPhoto]:
    """Store photos already passed by check_photos against the request."""
    photos = []
    for upload, content_type in checked:
        photo = RequestPhoto(request=request, content_type=content_type, size=upload.size or 0)
        photo.file.save(f"photo.{RequestPhoto.EXTENSIONS[content_type]}", upload, save=False)
        photo.save()
        photos.append(photo)
    return photos
