"""Files kept with a request (a letter, a resident's evidence) go as its photos go: by the
photos rule a year after a closed request's upload, and with the request's personal data when
it is anonymised or erased."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from firstcontact.privacy.models import AuditEvent
from firstcontact.retention.services import anonymise_request, apply_retention
from firstcontact.servicerequests.models import RequestAttachment
from tests.retention.conftest import ago, closed_pothole, resident


def kept_file(request, *, when):
    attachment = RequestAttachment(
        request=request,
        name="letter.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_at=when,
    )
    attachment.file.save("letter.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def test_the_photos_rule_deletes_old_files_of_closed_requests(
    partnership, django_capture_on_commit_callbacks
):
    person = resident(partnership)
    old = closed_pothole(partnership, person, when=ago(days=400))
    recent = closed_pothole(partnership, person, when=ago(days=30))
    old_file = kept_file(old, when=ago(days=400))
    recent_file = kept_file(recent, when=ago(days=30))
    name = old_file.file.name
    with django_capture_on_commit_callbacks(execute=True):
        results = list(apply_retention(kind="photos"))
    assert sum(result.done for _plan, result in results if result) == 2  # a photo and a file
    assert not RequestAttachment.objects.filter(pk=old_file.pk).exists()
    assert not default_storage.exists(name)
    assert RequestAttachment.objects.filter(pk=recent_file.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="request_attachment", object_id=str(old_file.pk)
    ).exists()


def test_anonymising_a_request_deletes_its_files(partnership, django_capture_on_commit_callbacks):
    request = closed_pothole(partnership, resident(partnership), when=ago(days=10))
    attachment = kept_file(request, when=ago(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_request(request, reason="Erasure request 1")
    assert not RequestAttachment.objects.filter(pk=attachment.pk).exists()
    assert not default_storage.exists(attachment.file.name)
