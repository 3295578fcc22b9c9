"""A file kept with a request still shows on the staff request page when the login that
attached it is gone (uploaded_by is emptied when a user is deleted)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from firstcontact.servicerequests.models import RequestAttachment
from tests.desk.conftest import raise_pothole


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_file_whose_uploader_is_gone_is_listed_as_attached_by_staff(
    client, partnership, resident
):
    request = raise_pothole(partnership, customer=resident)
    kept = RequestAttachment(
        request=request, name="letter.pdf", content_type="application/pdf", size=20
    )
    kept.file.save("letter.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    client.force_login(partnership.highways_officer)
    response = client.get(f"/work/requests/{request.reference}/")
    assert response.status_code == 200
    assert "letter.pdf" in response.content.decode()
    assert "attached by staff" in response.content.decode()
