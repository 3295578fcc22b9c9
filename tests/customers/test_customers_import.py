"""`firstcontact import_customers`: a partner's extract, all or nothing, errors by row number,
idempotent by the source system's id."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from firstcontact.customers.importing import MAX_ROWS, ImportProblem, import_customers
from firstcontact.customers.models import Customer, SourceRecord
from firstcontact.customers.services import create_customer
from firstcontact.privacy.models import AuditEvent

LEGACY = (
    "Cust No,Forename,Surname,DOB,Tel,E-mail,Address 1,Town,Post Code,UPRN,Contact Preference\n"
    "H-001,Harriet,Ambleside,27/03/1958,0113 496 0456,harriet@example.org,4 Mill Lane,"
    "Northby,wx2 1aa,100023,Email\n"
    "H-002,Tom,Quay,1990-01-31,07700 900 982,,9 Quay Street,Southby,WX3 2BB,,phone\n"
)


def _file(tmp_path, text: str, name: str = "legacy.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_customers", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_legacy_extract_once(partnership, tmp_path):
    path = _file(tmp_path, LEGACY)
    out, _ = _run(path, "--partner", "north", "--map", "Cust No=source_id")
    assert "2 rows for North Wessex District Council: 2 added, 0 updated, 0 unchanged" in out
    harriet = Customer.objects.get(family_name="Ambleside")
    assert harriet.partner == partnership.north
    assert harriet.date_of_birth.isoformat() == "1958-03-27"
    assert harriet.preferred_channel == "email"
    assert list(harriet.phones.values_list("number", flat=True)) == ["+441134960456"]
    address = harriet.addresses.get()
    assert (address.postcode, address.uprn) == ("WX2 1AA", "100023")
    assert SourceRecord.objects.get(customer=harriet).source_id == "H-001"
    assert AuditEvent.objects.filter(object_type="customer_import").count() == 1
    # Again: nobody twice.
    out, _ = _run(path, "--partner", "north", "--map", "Cust No=source_id")
    assert "0 added, 0 updated, 2 unchanged" in out
    assert Customer.objects.count() == 2


def test_bad_rows_are_listed_by_row_number_and_nothing_is_imported(partnership, tmp_path):
    text = LEGACY + (
        "H-003,Ann,,01/01/1970,0113 496 0999,,,,,,\n"  # no surname
        "H-004,Bob,Jones,31/02/1980,12,bob@,1 High St,,NOTAPC,abc,Pigeon\n"
        "H-001,Harriet,Again,,,,1 High St,,WX1 1AA,,\n"  # a source id twice
    )
    with pytest.raises(CommandError, match="Nothing imported") as caught:
        _run(_file(tmp_path, text), "--partner", "north", "--map", "Cust No=source_id")
    assert "problems to put right first" in str(caught.value)
    with pytest.raises(ImportProblem) as problem:
        import_customers(
            _file(tmp_path, text), partner=partnership.north, mapping={"Cust No": "source_id"}
        )
    errors = "\n".join(problem.value.errors)
    assert "Row 4: no last name or organisation name." in errors
    for part in ("date_of_birth", "phone:", "email:", "postcode:", "uprn:", "preferred_channel"):
        assert f"Row 5: {part}" in errors, part
    assert "Row 6: source id 'H-001' is on row 2 too." in errors
    assert not Customer.objects.exists()
    assert not SourceRecord.objects.exists()


def test_missing_columns_bad_encoding_and_too_many_rows_get_clear_messages(partnership, tmp_path):
    with pytest.raises(ImportProblem) as caught:
        import_customers(
            _file(tmp_path, "Name,Phone\nA,0113 496 0456\n"), partner=partnership.north
        )
    assert "No column for the source system's id" in caught.value.errors[0]
    assert "The file's columns: 'Name', 'Phone'." in caught.value.errors
    latin = _file(tmp_path, "id,surname,email\n1,Ségolène,s@example.org\n", encoding="cp1252")
    with pytest.raises(ImportProblem, match="is not utf-8-sig text.*--encoding"):
        import_customers(latin, partner=partnership.north)
    report = import_customers(latin, partner=partnership.north, encoding="cp1252")
    assert report.created == 1 and Customer.objects.get().family_name == "Ségolène"
    many = "id,surname,email\n" + "".join(f"{i},Smith,s{i}@example.org\n" for i in range(12))
    with pytest.raises(ImportProblem, match="more than 10 rows: split it"):
        import_customers(_file(tmp_path, many, "many.csv"), partner=partnership.north, max_rows=10)
    assert MAX_ROWS < 1_000_000  # a million rows is refused with that message
    with pytest.raises(ImportProblem, match="empty"):
        import_customers(_file(tmp_path, "", "empty.csv"), partner=partnership.north)
    with pytest.raises(CommandError, match="No partner 'nowhere'"):
        _run(latin, "--partner", "nowhere")


def test_possible_duplicates_are_reported_not_merged(partnership, tmp_path):
    known = create_customer(
        user=None,
        partner=partnership.county,
        given_name="Harriet",
        family_name="Ambleside",
        emails=["harriet@example.org"],
    )
    out, _ = _run(_file(tmp_path, LEGACY), "--partner", "north", "--map", "Cust No=source_id")
    assert "1 may already be on record" in out
    assert f"row 2: customer {known.pk}" in out
    assert Customer.objects.filter(family_name="Ambleside").count() == 2
