"""Raising a request from a message: its documents go onto the request as files (checked by
their content and size as any file kept with a request), shown and downloadable on the staff
request page; what a request cannot keep is named on it and stays on the message."""

from __future__ import annotations

import io
import zipfile

import pytest

from firstcontact.inbox.models import Conversation
from firstcontact.inbox.services import process_pending
from firstcontact.servicerequests.attachments import MAX_FILE_BYTES
from tests.inbox.conftest import make_email

pytestmark = pytest.mark.django_db(transaction=False)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def conversation(post_email, partnership):
    partnership.pothole.attributes.update(required=False)
    post_email(
        make_email(
            sender="rita@example.org",
            subject="Pothole and my claim",
            attachments=[
                ("claim form.pdf", "application/pdf", PDF),
                ("receipt.docx", DOCX, _docx()),
                ("notes.txt", "text/plain", b"Took the photo at 9am"),
                # Allowed in by the inbox (25 MB) but over a request's 20 MB for a file.
                ("survey.pdf", "application/pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES),
                # A PDF by name and type that is not one: refused by both.
                ("fake.pdf", "application/octet-stream", b"MZ\x90\x00program"),
            ],
        )
    )
    process_pending()  # as the worker would
    return Conversation.objects.get()


def test_documents_go_onto_the_request_as_files_staff_can_open(client, partnership, conversation):
    client.force_login(partnership.highways_officer)
    response = client.post(
        f"/messages/{conversation.pk}/raise/",
        {"service": partnership.pothole.pk, "description": "Pothole; claim attached"},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    request = conversation.service_request
    files = {a.name: a for a in request.attachments.all()}
    assert sorted(files) == ["claim form.pdf", "receipt.docx"]
    assert files["claim form.pdf"].content_type == "application/pdf"
    assert files["receipt.docx"].content_type == DOCX
    assert files["claim form.pdf"].source == "resident"
    assert (
        files["claim form.pdf"].description
        == f"Sent with message {conversation.formatted_reference}"
    )
    # What a request cannot keep is named on it; the refused one was never kept at all.
    assert "notes.txt" in request.description and "survey.pdf" in request.description
    assert "fake.pdf" not in request.description
    # The staff request page lists them, and the file downloads as it was sent.
    page = client.get(f"/work/requests/{request.reference}/").content.decode()
    assert "claim form.pdf" in page and "receipt.docx" in page and "sent by the resident" in page
    download = client.get(f"/work/attachments/{files['claim form.pdf'].pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
