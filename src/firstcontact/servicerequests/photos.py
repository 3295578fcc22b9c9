"""Photos residents send with reports: accepted by what the bytes are, not what the name says,
and re-encoded before they are stored, so what is kept (and, for public requests, published)
is the picture alone: no EXIF (a phone photo's GPS position, its camera and owner), XMP, IPTC
or comments. The photo's orientation is applied to the pixels first, so it still displays
the right way up. A file that is not a photo we can read is refused with a clear message."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from firstcontact.servicerequests.models import RequestPhoto, ServiceRequest

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5
# Larger pictures are refused: decoding one costs memory in proportion (a "decompression
# bomb" is a small file that decodes to billions of pixels). 50 megapixels is above any phone.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 88

_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


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


class UnreadablePhoto(ValueError):
    """The file is not a JPEG, PNG, GIF or WebP picture that can be decoded."""


def reencode_photo(file: File | io.IOBase, name: str = "photo") -> tuple[ContentFile, str]:
    """The photo re-encoded without its metadata, and its content type: JPEG and WebP stay
    so (their colour profile kept, so colours look right), PNG stays PNG, and a GIF becomes
    a PNG of its first frame. UnreadablePhoto for anything else, a damaged file included."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if image.format not in _FORMATS:
                raise UnreadablePhoto(f"not a photo format we take: {image.format}")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UnreadablePhoto("too many pixels")
            image.load()
            source_format = image.format
            icc_profile = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
    except UnreadablePhoto:
        raise
    except Exception as exc:  # Pillow raises many kinds for a damaged or hostile file
        raise UnreadablePhoto(str(exc)) from exc
    finally:
        file.seek(0)

    transparency = image.info.get("transparency")
    image.info = {}  # EXIF, XMP, comments and the like: none of it is written out
    out = io.BytesIO()
    try:
        if source_format == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
                icc_profile = None  # a CMYK profile does not describe the converted pixels
            extra = {"icc_profile": icc_profile} if icc_profile else {}
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **extra)
            content_type = "image/jpeg"
        elif source_format == "WEBP":
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                icc_profile = None
            extra = {"icc_profile": icc_profile} if icc_profile else {}
            image.save(out, "WEBP", quality=JPEG_QUALITY, **extra)
            content_type = "image/webp"
        else:  # PNG, or a GIF's first frame
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                image = image.convert("RGBA")
            extra = {"transparency": transparency} if transparency is not None else {}
            image.save(out, "PNG", optimize=False, **extra)
            content_type = "image/png"
    except (OSError, ValueError, TypeError) as exc:
        raise UnreadablePhoto(str(exc)) from exc
    return ContentFile(out.getvalue(), name=name), content_type


def clean_photo(upload: UploadedFile, *, field: str = "photo") -> tuple[ContentFile, str]:
    """The photo re-encoded without metadata and its content type, or ValidationError naming
    the field: over 10 MB, not a JPEG, PNG, GIF or WebP by its content, or unreadable."""
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({field: f"“{upload.name}” is larger than 10 MB."})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if sniff_image_type(head) is None:
        raise ValidationError({field: f"“{upload.name}” must be a JPEG, PNG, GIF or WebP photo."})
    try:
        return reencode_photo(upload, name=upload.name or "photo")
    except UnreadablePhoto:
        raise ValidationError(
            {field: f"“{upload.name}” could not be read as a photo: it may be damaged."}
        ) from None


def check_photo(upload: UploadedFile, *, field: str = "photo") -> str:
    """The photo's content type once re-encoded, or ValidationError naming the field."""
    return clean_photo(upload, field=field)[1]


def check_photos(uploads: Iterable[UploadedFile], *, field: str = "photos") -> list[tuple]:
    """(re-encoded photo, content type) for each upload, or ValidationError."""
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({field: f"Send at most {MAX_PHOTOS} photos."})
    return [clean_photo(upload, field=field) for upload in uploads]


def attach_photos(request: ServiceRequest, checked: Iterable[tuple]) -> list[RequestPhoto]:
    """Store photos (file, content type) against the request, each re-encoded first whatever
    was done to it before: nothing is stored with its metadata."""
    photos = []
    for file, _content_type in checked:
        try:
            clean, content_type = reencode_photo(file)
        except UnreadablePhoto:
            raise ValidationError(
                {"photos": "A photo could not be read: it may be damaged. Remove it and try again."}
            ) from None
        photo = RequestPhoto(request=request, content_type=content_type, size=clean.size)
        photo.file.save(f"photo.{RequestPhoto.EXTENSIONS[content_type]}", clean, save=False)
        photo.save()
        photos.append(photo)
    return photos
