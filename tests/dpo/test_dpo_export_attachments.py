"""The subject access export includes the files kept with the person's requests (letters,
the evidence they sent), each file in the ZIP beside its photos."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from firstcontact.servicerequests.models import RequestAttachment
from tests.dpo.conftest import kind, read_zip, signed_in


def test_the_export_holds_the_files_kept_with_the_persons_requests(client, dpos, person, sar):
    attachment = RequestAttachment(
        request=person.pothole,
        name="Proof of address.pdf",
        content_type="application/pdf",
        size=9,
        description="Proof of address",
        source=RequestAttachment.Source.RESIDENT,
    )
    attachment.file.save("proof.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    response = signed_in(client, dpos.county).post(reverse("dpo:sar_export", args=[sar.pk]), {})
    files = read_zip(response)
    rows = kind(files, "attachments")
    assert [row["name"] for row in rows] == ["Proof of address.pdf"]
    assert rows[0]["sent_by"] == "Resident"
    path = f"files/{person.pothole.reference}/file-{attachment.pk}.pdf"
    assert rows[0]["file"] == path
    assert files[path] == b"%PDF-1.4\n"
    assert f"href='{path}'" in files["index.html"].decode()
