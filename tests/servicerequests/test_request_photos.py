"""Photos are re-encoded before they are stored: no EXIF (GPS position, camera, owner), XMP
or comments; the orientation applied so they still display the right way up; anything that is
not a readable JPEG, PNG, GIF or WebP refused with a clear message."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from tests.images import CAMERA, OWNER, metadata_of, phone_jpeg, plain, size_of, with_gps

from firstcontact.servicerequests.photos import (
    attach_photos,
    check_photos,
    clean_photo,
    reencode_photo,
)
from firstcontact.servicerequests.services import clean_location, raise_request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_phone_jpeg_loses_its_gps_and_camera_but_still_displays():
    original = phone_jpeg()
    before = metadata_of(original)
    assert before["gps"] and before["exif"][0x010F] == CAMERA and before["info"]["comment"]
    photo, content_type = clean_photo(SimpleUploadedFile("IMG_0001.jpg", original))
    data = photo.read()
    after = metadata_of(data)
    assert content_type == "image/jpeg"
    assert after == {"exif": {}, "gps": {}, "info": {}}
    for secret in (CAMERA.encode(), OWNER.encode(), b"Ada's phone"):
        assert secret not in data
    # Stored 60x40 with "turn it" in the EXIF: now 40x60 pixels, the right way up.
    assert size_of(data) == (40, 60)
    assert Image.open(io.BytesIO(data)).getpixel((20, 30)) == pytest.approx((200, 30, 30), abs=4)


@pytest.mark.parametrize("fmt,content_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_lose_their_exif(fmt, content_type):
    original = with_gps(fmt)
    assert metadata_of(original)["gps"]
    photo, got = clean_photo(SimpleUploadedFile(f"a.{fmt.lower()}", original))
    data = photo.read()
    assert got == content_type and metadata_of(data)["gps"] == {}
    assert b"Exif" not in data and OWNER.encode() not in data
    assert size_of(data) == (10, 10)


def test_a_gif_becomes_a_png_of_its_first_frame():
    photo, content_type = clean_photo(SimpleUploadedFile("a.gif", plain("GIF")))
    assert content_type == "image/png" and size_of(photo.read()) == (8, 6)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"<script>alert(1)</script>", "must be a JPEG, PNG, GIF or WebP photo"),
        (phone_jpeg()[:200], "could not be read as a photo: it may be damaged"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "could not be read as a photo: it may be damaged"),
        (b"GIF89a" + b"\x00" * 20, "could not be read as a photo: it may be damaged"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("holiday.jpg", content), field="photo1")
    assert error.value.message_dict == {"photo1": [f"“holiday.jpg” {message}."]}


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # A tiny file that claims 20,000 x 20,000 pixels (400 megapixels).
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ValidationError) as error:
        clean_photo(SimpleUploadedFile("bomb.png", bomb.getvalue()))
    assert "could not be read as a photo" in error.value.messages[0]


def test_too_many_or_too_large():
    with pytest.raises(ValidationError, match="at most 5"):
        check_photos([SimpleUploadedFile("a.png", plain("PNG"))] * 6)
    big = SimpleUploadedFile("big.jpg", phone_jpeg())
    big.size = 11 * 1024 * 1024
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        clean_photo(big)


def test_attached_photos_are_stored_without_metadata(partnership, settings):
    request = raise_request(
        user=None,
        service=partnership.pothole,
        channel="web",
        location=clean_location(postcode="WX1 2AB"),
        attributes={"depth": "deep"},
    )
    # Whatever the caller passes (here a raw file with its EXIF), it is re-encoded first.
    [photo] = attach_photos(request, [(io.BytesIO(phone_jpeg()), "image/jpeg")])
    stored = (settings.MEDIA_ROOT / photo.file.name).read_bytes()
    assert metadata_of(stored)["gps"] == {} and size_of(stored) == (40, 60)
    assert photo.size == len(stored) and photo.content_type == "image/jpeg"
    with pytest.raises(ValidationError):
        attach_photos(request, [(io.BytesIO(b"\xff\xd8\xff broken"), "image/jpeg")])


def test_reencoding_twice_keeps_the_picture():
    once, _ = reencode_photo(io.BytesIO(phone_jpeg()))
    twice, _ = reencode_photo(once)
    assert size_of(twice.read()) == (40, 60)


def test_a_cmyk_jpeg_is_kept_as_an_rgb_photo():
    original = io.BytesIO()
    Image.new("CMYK", (12, 8), (0, 255, 255, 0)).save(original, "JPEG")
    photo, content_type = clean_photo(SimpleUploadedFile("print.jpg", original.getvalue()))
    image = Image.open(photo)
    assert content_type == "image/jpeg" and image.mode == "RGB" and image.size == (12, 8)
