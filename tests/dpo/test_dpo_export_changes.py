"""The subject access export holds the history of changes to the person's records (the old
values are theirs too) and each consent's words, data and channel."""

from __future__ import annotations

from django.urls import reverse

from firstcontact.customers.services import record_consent, update_customer
from tests.dpo.conftest import kind, read_zip, signed_in


def test_the_export_holds_the_records_changes_and_consent_details(
    client, partnership, dpos, person, sar
):
    update_customer(
        user=partnership.highways_officer,
        customer=person.county,
        version=person.county.version,
        data={"emails": ["h.ambleside@example.org"]},
    )
    record_consent(
        user=partnership.highways_officer,
        customer=person.county,
        purpose="sms_updates",
        channel="phone",
    )
    client = signed_in(client, dpos.county)
    files = read_zip(client.post(reverse("dpo:sar_export", args=[sar.pk])))
    [change] = kind(files, "record_changes")
    assert change["old_value"] == "harriet.ambleside@example.org"
    assert change["new_value"] == "h.ambleside@example.org"
    assert change["changed_by"] == "highways-officer"
    texts = [c for c in kind(files, "consents") if c["channel"] == "Phone"]
    assert texts and texts[0]["wording"].startswith("Do you agree that Wessex County Council")
