"""The subject access export: one ZIP of what the partners a DPO covers hold about a person."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from firstcontact.privacy.models import AuditEvent, SubjectAccessExport
from tests.dpo.conftest import kind, read_zip, signed_in


def export(client, sar, **data):
    return client.post(reverse("dpo:sar_export", args=[sar.pk]), data)


def texts(files, name: str, key: str) -> set[str]:
    return {str(row[key]) for row in kind(files, name)}


def test_the_county_dpo_exports_only_the_countys_records(client, dpos, person, sar):
    files = read_zip(export(signed_in(client, dpos.county), sar))
    assert {row["record"] for row in kind(files, "customer_records")} == {person.county.pk}
    assert texts(files, "service_requests", "reference") == {person.pothole.formatted_reference}
    notes = texts(files, "request_updates", "text")
    assert "County internal: caller sounded distressed" in notes
    assert "County public: repair booked" in notes
    assert not any("South" in note for note in notes)
    assert texts(files, "consents", "wording") == {
        "County wording: yes, share my details with South Wessex"
    }
    viewers = texts(files, "record_access", "username")
    assert "highways-officer" in viewers and "south-caseworker" not in viewers
    # The photo itself, and the index's summary of it all.
    photo_path = f"files/{person.pothole.reference}/photo-{person.photo.pk}.png"
    assert files[photo_path] == b"\x89PNG-ish"
    index = files["index.html"].decode()
    assert "Information held about Harriet Ambleside" in index
    assert "Wessex County Council" in index and "South Wessex" not in index.split("<h2")[0]
    assert "Bin missed again" not in index


def test_the_partnership_dpo_exports_both_partners_records(client, dpos, person, sar):
    files = read_zip(export(signed_in(client, dpos.partnership), sar))
    assert {row["record"] for row in kind(files, "customer_records")} == {
        person.county.pk,
        person.south.pk,
    }
    assert texts(files, "service_requests", "reference") == {
        person.pothole.formatted_reference,
        person.bin_request.formatted_reference,
    }
    updates = kind(files, "request_updates")
    assert {
        (u["request"], u["visibility"], u["text"])
        for u in updates
        if u["text"].startswith(("County", "South"))
    } == {
        (
            person.pothole.formatted_reference,
            "internal",
            "County internal: caller sounded distressed",
        ),
        (person.pothole.formatted_reference, "public", "County public: repair booked"),
        (
            person.bin_request.formatted_reference,
            "internal",
            "South internal: third missed bin this month",
        ),
    }
    assert texts(files, "consents", "wording") == {
        "County wording: yes, share my details with South Wessex",
        "South wording: email me about my bins",
    }
    views = {(r["username"], r["record"]) for r in kind(files, "record_access")}
    assert ("highways-officer", person.county.pk) in views
    assert ("south-caseworker", person.south.pk) in views
    # Each kind also as CSV, with the same rows.
    rows = list(csv.DictReader(io.StringIO(files["service_requests.csv"].decode())))
    assert {r["description"] for r in rows} == {"Deep pothole outside number 4", "Bin missed again"}
    for name in ("contacts", "callbacks", "referrals", "tell_us_once", "notifications", "photos"):
        assert f"{name}.json" in files and f"{name}.csv" in files


def test_the_export_is_audited_and_attached_to_the_request(client, dpos, person, sar):
    read_zip(export(signed_in(client, dpos.county), sar))
    saved = SubjectAccessExport.objects.get(request=sar)
    assert saved.username == "county-dpo"
    assert saved.customer_ids == [person.county.pk]
    assert saved.counts["service_requests"] == 1
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT,
        object_type="subject_access_request",
        object_id=str(sar.pk),
        username="county-dpo",
        customer_id=person.county.pk,
    ).exists()
    page = client.get(reverse("dpo:sar", args=[sar.pk])).content.decode()
    assert "Exports made" in page and "county-dpo" in page


def test_a_record_ticked_as_the_same_person_is_included(client, dpos, person, sar):
    client = signed_in(client, dpos.county)
    page = client.get(reverse("dpo:sar", args=[sar.pk])).content.decode()
    assert f'value="{person.unlinked.pk}"' in page and "same email" in page
    files = read_zip(export(client, sar, also=[str(person.unlinked.pk)]))
    assert {row["record"] for row in kind(files, "customer_records")} == {
        person.county.pk,
        person.unlinked.pk,
    }


def test_a_record_that_is_not_offered_cannot_be_ticked_in(client, dpos, person, sar):
    response = export(signed_in(client, dpos.county), sar, also=[str(person.south.pk)])
    assert response.status_code == 200
    assert "Select only records listed here" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_the_export_streams(client, dpos, person, sar):
    response = export(signed_in(client, dpos.partnership), sar)
    assert response.streaming
    assert 'filename="subject-access-' in response["Content-Disposition"]
    chunks = list(response.streaming_content)
    assert chunks[0].startswith(b"PK")
