"""`firstcontact import_customers` again: a changed row updates its record (by the source
system's id), each change kept in the record's history; new people are queued for the data
steward when they may already be on record."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

from firstcontact.customers.merging import merge_customers
from firstcontact.customers.models import Customer, CustomerChange, SourceRecord
from firstcontact.customers.services import create_customer
from firstcontact.linkage.models import CandidatePair
from firstcontact.privacy.models import AuditEvent

HEADER = "Cust No,Forename,Surname,DOB,Tel,E-mail,Address 1,Town,Post Code,UPRN\n"
FIRST = HEADER + (
    "H-001,Harriet,Ambleside,27/03/1958,0113 496 0456,harriet@example.org,4 Mill Lane,"
    "Northby,WX2 1AA,100023\n"
    "H-002,Tom,Quay,1990-01-31,07700 900 982,,9 Quay Street,Southby,WX3 2BB,\n"
)
# Harriet moved and changed her email; Tom is as he was; Ann is new.
SECOND = HEADER + (
    "H-001,Harriet,Ambleside,27/03/1958,0113 496 0456,harriet.a@example.org,1 New Road,"
    "Northby,WX2 2BB,\n"
    "H-002,Tom,Quay,1990-01-31,07700 900 982,,9 Quay Street,Southby,WX3 2BB,\n"
    "H-003,Ann,Other,01/01/1970,,ann@example.org,,,,\n"
)


def _run(tmp_path, text: str, name: str = "extract.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_customers",
        str(path),
        "--no-progress",
        "--partner",
        "north",
        "--map",
        "Cust No=source_id",
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_a_changed_extract_updates_records_and_keeps_their_history(partnership, tmp_path):
    _run(tmp_path, FIRST, "january.csv")
    harriet = Customer.objects.get(family_name="Ambleside")
    out = _run(tmp_path, SECOND, "february.csv")
    assert "3 rows for North Wessex District Council: 1 added, 1 updated, 1 unchanged" in out
    harriet.refresh_from_db()
    assert harriet.version == 2
    assert list(harriet.emails.values_list("address", flat=True)) == ["harriet.a@example.org"]
    current = harriet.addresses.get(is_current=True)
    assert (current.line1, current.postcode, current.uprn) == ("1 New Road", "WX2 2BB", "")
    assert harriet.addresses.filter(is_current=False, line1="4 Mill Lane").exists()
    changes = {c.field: c for c in CustomerChange.objects.filter(customer=harriet)}
    assert set(changes) == {"emails", "address"}
    assert changes["emails"].old_value == "harriet@example.org"
    assert changes["emails"].new_value == "harriet.a@example.org"
    assert changes["address"].changed_by_name == "import_customers (february.csv)"
    assert "4 Mill Lane" in changes["address"].old_value
    assert AuditEvent.objects.filter(
        customer_id=harriet.pk, action=AuditEvent.Action.UPDATE, detail__contains="february.csv"
    ).exists()
    tom = Customer.objects.get(family_name="Quay")
    assert tom.version == 1 and not tom.changes.exists()
    # Once more: nothing left to change.
    assert "0 added, 0 updated, 3 unchanged" in _run(tmp_path, SECOND, "february.csv")
    assert Customer.objects.count() == 3


def test_an_empty_cell_leaves_the_value_and_a_verified_email_stays(partnership, tmp_path):
    _run(tmp_path, FIRST)
    harriet = Customer.objects.get(family_name="Ambleside")
    harriet.emails.update(verified_at=timezone.now())
    # The new extract has no date of birth and another email for her.
    text = HEADER + (
        "H-001,Harriet,Ambleside,,0113 496 0456,h2@example.org,4 Mill Lane,Northby,WX2 1AA,100023\n"
    )
    assert "1 updated" in _run(tmp_path, text)
    harriet.refresh_from_db()
    assert harriet.date_of_birth.isoformat() == "1958-03-27"
    # The address she proved with a one-time code is kept beside the extract's.
    assert set(harriet.emails.values_list("address", flat=True)) == {
        "harriet@example.org",
        "h2@example.org",
    }


def test_new_people_who_may_be_on_record_are_queued_for_the_steward(partnership, tmp_path):
    known = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["harriet@example.org"],
    )
    out = _run(tmp_path, FIRST)
    assert "1 may already be on record" in out
    assert "queued for the data steward" in out
    new = Customer.objects.get(family_name="Ambleside", partner=partnership.north)
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {known.pk, new.pk}
    assert (pair.source, pair.status, pair.cross_partner) == ("import", "pending", True)
    # Nothing merged: two records, and an update on re-import queues nobody again.
    assert Customer.objects.filter(family_name="Ambleside").count() == 2
    _run(tmp_path, SECOND)
    assert CandidatePair.objects.count() == 1


def test_a_record_merged_since_the_last_import_updates_its_survivor(partnership, tmp_path):
    _run(tmp_path, FIRST, "january.csv")
    imported = Customer.objects.get(family_name="Ambleside")
    survivor = create_customer(
        user=None,
        partner=imported.partner,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["h.ambleside@example.org"],
    )
    # The survivor came from another system, so the imported record's source id stays on the
    # tombstone: the next import must still reach the survivor.
    SourceRecord.objects.create(partner=imported.partner, source_id="CRM-9", customer=survivor)
    merge_customers(survivor, imported, by=None)
    _run(tmp_path, SECOND, "february.csv")
    survivor.refresh_from_db()
    imported.refresh_from_db()
    assert survivor.addresses.get(is_current=True).line1 == "1 New Road"
    assert not imported.addresses.exists()
    assert Customer.objects.filter(family_name="Ambleside", merged_into__isnull=True).count() == 1
