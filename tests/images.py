"""Real photos for tests, made with Pillow: a JPEG as a phone takes it (EXIF with the camera,
the owner, a GPS position and a sideways orientation), and plain PNG, GIF and WebP."""

from __future__ import annotations

import io

from PIL import Image

# Where the photo was taken (Casterbridge), as a phone writes it: degrees, minutes, seconds.
GPS = {1: "N", 2: (50.0, 42.0, 54.0), 3: "W", 4: (2.0, 26.0, 24.0)}
CAMERA = "SecretPhone 12"
OWNER = "Ada Secretname"
# Orientation 6: the camera was turned; the picture is stored 60x40 and shown 40x60.
ROTATED = 6


def exif_bytes(*, orientation: int | None = ROTATED) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x013B] = OWNER  # Artist
    if orientation:
        exif[0x0112] = orientation
    exif[0x8825] = GPS  # GPSInfo
    return exif.tobytes()


def phone_jpeg(size: tuple[int, int] = (60, 40), orientation: int | None = ROTATED) -> bytes:
    """A JPEG with EXIF camera, owner and GPS metadata, stored sideways."""
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif_bytes(orientation=orientation), comment=b"Ada's phone")
    return out.getvalue()


def plain(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    """A small picture in `fmt` (PNG, GIF, WEBP, JPEG) with no metadata."""
    image = Image.new("RGB", size, (20, 120, 200))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def with_gps(fmt: str) -> bytes:
    """A PNG or WebP carrying EXIF with a GPS position (both formats can hold EXIF)."""
    image = Image.new("RGB", (10, 10), (20, 120, 200))
    out = io.BytesIO()
    image.save(out, fmt, exif=exif_bytes(orientation=None))
    return out.getvalue()


def metadata_of(data: bytes) -> dict:
    """What a reader finds in the file: its EXIF tags (GPS included) and other info."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {
        "exif": dict(exif),
        "gps": dict(exif.get_ifd(0x8825)),
        "info": {k: v for k, v in image.info.items() if k in ("exif", "xmp", "comment")},
    }


def size_of(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes the whole picture: a damaged file fails here
    return image.size


PNG = plain("PNG")
JPEG = plain("JPEG")
