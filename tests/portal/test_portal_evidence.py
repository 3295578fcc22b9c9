"""Evidence on applications: where a service asks for it (a Blue Badge photo, proof of
address or of benefit), the resident site asks for each file on one page, checks it by its
content, strips a photo's metadata, shows it on check your answers and keeps it with the
request, where staff see it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firstcontact.catalogue.models import EvidenceKind, EvidenceRequirement
from firstcontact.servicerequests.models import RequestAttachment, ServiceRequest
from tests.images import CAMERA, metadata_of, phone_jpeg
from tests.portal.test_portal_apply import ADDRESS, BASE, CONTACT, answer_eligibility
from tests.portal.test_portal_report import assert_error

PDF = b"%PDF-1.4\n%proof of address\n%%EOF\n"


@pytest.fixture
def evidence(portal):
    EvidenceRequirement.objects.create(
        service=portal.blue_badge,
        code="photo",
        label="A photo of your face",
        kind=EvidenceKind.PHOTO,
        required=True,
        order=1,
    )
    EvidenceRequirement.objects.create(
        service=portal.blue_badge,
        code="proof-of-address",
        label="Proof of address",
        hint="A council tax bill or a bank statement.",
        required=True,
        order=2,
    )
    EvidenceRequirement.objects.create(
        service=portal.blue_badge,
        code="proof-of-benefit",
        label="Proof of benefit",
        required=False,
        order=3,
    )
    return portal


def walk_to_evidence(client):
    answer_eligibility(client)
    client.post(f"{BASE}/question-reason/", {"answer": "walking"})
    client.post(f"{BASE}/question-aids/", {"answer": ["stick"]})
    client.post(f"{BASE}/question-distance_m/", {"answer": "50"})
    client.post(
        f"{BASE}/question-diagnosed/",
        {"answer_day": "3", "answer_month": "4", "answer_year": "2019"},
    )
    client.post(f"{BASE}/question-vehicle/", {"answer": "AB12 CDE"})
    response = client.post(f"{BASE}/question-more/", {"answer": "None"})
    assert response["Location"] == f"{BASE}/evidence/"


def test_an_application_takes_its_evidence_and_staff_see_it(client, evidence, partnership):
    walk_to_evidence(client)
    page = client.get(f"{BASE}/evidence/").content.decode()
    assert "A photo of your face" in page and "Proof of benefit (optional)" in page
    assert 'enctype="multipart/form-data"' in page
    # Both required files are needed; a program renamed .pdf is refused by its content.
    response = client.post(
        f"{BASE}/evidence/",
        {"proof-of-address": SimpleUploadedFile("bill.pdf", b"MZ\x90\x00binary")},
    )
    assert_error(response, "Choose a file for “A photo of your face”", "id_photo")
    assert "must be a PDF, a Word" in response.content.decode()
    response = client.post(
        f"{BASE}/evidence/",
        {
            "photo": SimpleUploadedFile("me.jpg", phone_jpeg()),
            "proof-of-address": SimpleUploadedFile("council tax bill.pdf", PDF),
        },
    )
    assert response["Location"] == f"{BASE}/address/"
    client.post(f"{BASE}/address/", ADDRESS)
    client.post(f"{BASE}/contact/", CONTACT)
    check = client.get(f"{BASE}/check/").content.decode()
    assert "council tax bill.pdf" in check and "me.jpg" in check and "Not sent" in check
    assert client.post(f"{BASE}/check/").status_code == 302
    request = ServiceRequest.objects.get()
    files = {a.evidence_code: a for a in RequestAttachment.objects.filter(request=request)}
    assert set(files) == {"photo", "proof-of-address"}
    assert files["proof-of-address"].source == RequestAttachment.Source.RESIDENT
    assert files["proof-of-address"].description == "Proof of address"
    stored = files["photo"].file.read()
    assert metadata_of(stored)["gps"] == {} and CAMERA.encode() not in stored
    # The county's officer sees both on the request page and can open them.
    client.force_login(partnership.highways_officer)
    page = client.get(reverse("desk:work_request", args=[request.reference])).content.decode()
    assert "council tax bill.pdf" in page and "sent by the resident" in page
    opened = client.get(reverse("desk:work_attachment", args=[files["proof-of-address"].pk]))
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == PDF


def test_a_file_already_sent_need_not_be_sent_again(client, evidence):
    walk_to_evidence(client)
    client.post(
        f"{BASE}/evidence/",
        {
            "photo": SimpleUploadedFile("me.png", open_png()),
            "proof-of-address": SimpleUploadedFile("bill.pdf", PDF),
        },
    )
    page = client.get(f"{BASE}/evidence/").content.decode()
    assert "You have sent “me.png”" in page
    assert client.post(f"{BASE}/evidence/", {})["Location"] == f"{BASE}/address/"


def test_a_photo_requirement_takes_only_photos(client, evidence):
    walk_to_evidence(client)
    response = client.post(
        f"{BASE}/evidence/",
        {
            "photo": SimpleUploadedFile("me.pdf", PDF),
            "proof-of-address": SimpleUploadedFile("bill.pdf", PDF),
        },
    )
    assert response.status_code == 200
    assert "must be a JPEG, PNG, GIF or WebP photo" in response.content.decode()


def open_png() -> bytes:
    from tests.images import plain

    return plain("PNG")
