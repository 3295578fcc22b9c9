"""A photo uploaded on the resident site is re-encoded when it is received: neither the
upload kept until the report is sent nor the stored photo has its GPS position."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage

from firstcontact.catalogue.models import Service
from firstcontact.servicerequests.models import ServiceRequest
from tests.images import CAMERA, metadata_of, phone_jpeg, size_of
from tests.portal.test_portal_report import BASE, walk_to_check


def test_an_uploaded_phone_photo_loses_its_gps(client, portal, settings):
    walk_to_check(client)
    upload = io.BytesIO(phone_jpeg())
    upload.name = "IMG_0001.jpg"
    response = client.post(f"{BASE}/details/", {"description": "Deep", "photos": [upload]})
    assert response.status_code == 302
    # The upload waiting for the report to be sent is already clean.
    waiting = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(waiting) == 1 and metadata_of(waiting[0].read_bytes())["gps"] == {}
    assert CAMERA.encode() not in waiting[0].read_bytes()
    client.post(f"{BASE}/check/")
    photo = ServiceRequest.objects.get().photos.get()
    with default_storage.open(photo.file.name) as stored:
        data = stored.read()
    assert metadata_of(data) == {"exif": {}, "gps": {}, "info": {}}
    assert size_of(data) == (40, 60) and photo.content_type == "image/jpeg"


def test_a_residents_own_report_of_a_public_fault_has_a_public_description(client, portal):
    Service.objects.filter(code="pothole").update(requests_public=True)
    walk_to_check(client)
    client.post(f"{BASE}/check/")
    assert ServiceRequest.objects.get().description_public
