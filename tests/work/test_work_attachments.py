"""Photos and files on the staff request page: the resident's photos as thumbnails served by a
staff-only, access-checked, never-cached view (not the public Open311 copy); staff attach
letters and photos from site, checked by their content, photos stripped of their metadata."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firstcontact.privacy.models import AuditEvent
from firstcontact.servicerequests.attachments import check_file
from firstcontact.servicerequests.models import Referral, RequestAttachment, RequestPhoto
from tests.desk.conftest import raise_pothole
from tests.images import CAMERA, metadata_of, phone_jpeg, plain

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def with_photo(partnership, resident):
    request = raise_pothole(partnership, customer=resident)
    photo = RequestPhoto(request=request, content_type="image/png", size=10)
    photo.file.save("p.png", ContentFile(plain("PNG")), save=True)
    return request, photo


def attach(client, request, data: bytes, name: str, description: str = ""):
    request.refresh_from_db()
    return client.post(
        reverse("desk:work_action", args=[request.reference, "attach"]),
        {
            "attach-version": str(request.version),
            "attach-file": SimpleUploadedFile(name, data),
            "attach-description": description,
        },
    )


def test_the_request_page_shows_the_residents_photos_through_the_staff_view(
    client, partnership, with_photo
):
    request, photo = with_photo
    client.force_login(partnership.highways_officer)
    page = client.get(reverse("desk:work_request", args=[request.reference])).content.decode()
    staff_url = reverse("desk:work_photo", args=[photo.pk])
    assert f'src="{staff_url}"' in page
    assert "/open311/" not in page
    response = client.get(staff_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(object_type="request_photo", object_id=str(photo.pk)).exists()


def test_a_photo_is_404_to_anyone_who_may_not_read_the_request(client, partnership, with_photo):
    _request, photo = with_photo
    url = reverse("desk:work_photo", args=[photo.pk])
    client.force_login(partnership.south_caseworker)
    assert client.get(url).status_code == 404
    client.force_login(partnership.police_officer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    # The hub's adviser reads the county's requests, and so their photos.
    client.force_login(partnership.hub_adviser)
    assert client.get(url).status_code == 200


def test_an_open_referral_shows_the_photo_and_a_declined_one_stops(client, partnership, with_photo):
    request, photo = with_photo
    referral = Referral.objects.create(
        request=request,
        from_partner=partnership.county,
        to_partner=partnership.police,
        reason="Joint visit",
    )
    client.force_login(partnership.police_officer)
    url = reverse("desk:work_photo", args=[photo.pk])
    assert client.get(url).status_code == 200
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.DECLINED)
    assert client.get(url).status_code == 404


def test_an_officer_attaches_a_letter_and_a_site_photo_without_its_gps(
    client, partnership, resident
):
    request = raise_pothole(partnership, customer=resident)
    client.force_login(partnership.highways_officer)
    response = attach(client, request, PDF, "../../Letter from Mrs A.pdf", "Letter")
    assert response.status_code == 302, response.content
    response = attach(client, request, phone_jpeg(), "IMG_0001.JPG", "After the repair")
    assert response.status_code == 302, response.content
    letter, photo = RequestAttachment.objects.filter(request=request).order_by("pk")
    assert (letter.name, letter.content_type) == ("Letter from Mrs A.pdf", "application/pdf")
    assert letter.uploaded_by == partnership.highways_officer
    assert photo.content_type == "image/jpeg"
    stored = photo.file.read()
    assert metadata_of(stored)["gps"] == {} and CAMERA.encode() not in stored
    page = client.get(reverse("desk:work_request", args=[request.reference])).content.decode()
    assert "Letter from Mrs A.pdf" in page and "After the repair" in page
    assert "File attached: Letter from Mrs A.pdf" in page  # on the internal timeline
    download = client.get(reverse("desk:work_attachment", args=[letter.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    inline = client.get(reverse("desk:work_attachment", args=[photo.pk]))
    assert inline["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not a letter", "letter.pdf", "must be a PDF, a Word"),
        (b"<html><script>alert(1)</script>", "photo.jpg", "must be a PDF, a Word"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "photo.jpg", "could not be read as a photo"),
        (b"", "empty.pdf", "The file is empty"),
    ],
)
def test_a_file_that_is_not_what_we_take_is_refused_clearly(
    client, partnership, data, name, message
):
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    response = attach(client, request, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RequestAttachment.objects.exists()


def test_files_are_recognised_by_content_not_name():
    assert check_file(SimpleUploadedFile("x.pdf", docx())).content_type.endswith(
        "wordprocessingml.document"
    )
    checked = check_file(SimpleUploadedFile("scan.docx", PDF))
    assert (checked.content_type, checked.name) == ("application/pdf", "scan.pdf")
    assert check_file(SimpleUploadedFile("p.gif", plain("PNG"))).content_type == "image/png"


def test_a_large_document_is_refused(settings):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(Exception, match="larger than 20 MB"):
        check_file(big)


def test_only_officers_of_the_responsible_partner_attach(client, partnership):
    request = raise_pothole(partnership)
    client.force_login(partnership.hub_adviser)  # reads it, does not work it
    response = attach(client, request, PDF, "letter.pdf")
    assert response.status_code == 403
    page = client.get(reverse("desk:work_request", args=[request.reference])).content.decode()
    assert "Attach a file" not in page
    client.force_login(partnership.south_caseworker)
    assert attach(client, request, PDF, "letter.pdf").status_code == 404
    assert not RequestAttachment.objects.exists()


def test_a_stale_version_does_not_attach(client, partnership):
    request = raise_pothole(partnership)
    client.force_login(partnership.highways_officer)
    response = client.post(
        reverse("desk:work_action", args=[request.reference, "attach"]),
        {
            "attach-version": str(request.version - 1 or 99),
            "attach-file": SimpleUploadedFile("letter.pdf", PDF),
        },
    )
    assert response.status_code == 200
    assert "Someone else updated this request" in response.content.decode()
    assert not RequestAttachment.objects.exists()
