"""Importing a partner's existing customer records from a CSV extract (a legacy CRM, a housing
system): `firstcontact import_customers --partner SLUG FILE.csv`.

All or nothing: every row is read and checked first, and the errors listed with their row
numbers (the header is row 1, as a spreadsheet shows it); only a file without errors is
imported, in one transaction. Each row carries the source system's id: a row whose id the
partner already imported updates that record instead (each changed field kept in the record's
history, as a desk edit is), so importing the same extract again adds nobody. Every person
added is checked for records that may be the same person, queued for the data steward.
Columns are found by their headers (common names for each, any case and spacing) or named with
`--map "Forename=given_name"`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from firstcontact.customers.contact_points import (
    clean_email,
    clean_phone,
    clean_postcode,
    clean_uprn,
)
from firstcontact.customers.front_door import queue_for_steward
from firstcontact.customers.matching import normalise_name
from firstcontact.customers.models import (
    Channel,
    Customer,
    CustomerAddress,
    CustomerChange,
    CustomerEmail,
    CustomerKind,
    CustomerPhone,
    SourceRecord,
)
from firstcontact.customers.services import create_customer, keep_history, record_values
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import AuditEvent
from firstcontact.privacy.services import record_audit_event

MAX_ROWS = 200_000  # more: split the file (every row is checked in memory before any is kept)
MAX_ERRORS_KEPT = 1000

# Each field and the headers (normalised: lower case, words joined by "_") that name it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "source_id": (
        "source_id", "id", "customer_id", "customer_ref", "customer_reference", "reference",
        "ref", "person_id", "client_id", "tenant_id", "contact_id", "urn",
    ),
    "title": ("title", "salutation"),
    "given_name": ("given_name", "first_name", "firstname", "forename", "forenames"),
    "family_name": ("family_name", "last_name", "lastname", "surname"),
    "organisation_name": (
        "organisation_name", "organisation", "organization", "company", "business_name",
    ),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "phone": ("phone", "telephone", "tel", "phone_number", "home_phone", "landline"),
    "mobile": ("mobile", "mobile_phone", "mobile_number", "mobile_no"),
    "email": ("email", "email_address", "e_mail"),
    "line1": ("line1", "address_line_1", "address1", "address_1", "street", "address"),
    "line2": ("line2", "address_line_2", "address2", "address_2", "locality"),
    "town": ("town", "city", "post_town", "town_city"),
    "postcode": ("postcode", "post_code", "postal_code"),
    "uprn": ("uprn",),
    "preferred_channel": ("preferred_channel", "contact_preference", "channel"),
    "preferred_language": ("preferred_language", "language"),
    "accessibility_needs": ("accessibility_needs", "accessibility", "access_needs"),
}  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


class ImportProblem(Exception):
    """The file cannot be imported: `errors` says why (with row numbers where they apply).
    Nothing was imported."""

    def __init__(self, errors: list[str], *, total_errors: int | None = None) -> None:
        super().__init__("; ".join(errors[:3]))
        self.errors = errors
        self.total_errors = total_errors if total_errors is not None else len(errors)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (row number, customer ids) of people who may already be on record: queued for the
    # data steward's review (linkage, source "import").
    possible_duplicates: list[tuple[int, list[int]]] = field(default_factory=list)

    @property
    def already(self) -> int:
        """Rows of people imported before (updated or not)."""
        return self.updated + self.unchanged


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def parse_map(specs: Iterable[str]) -> dict[str, str]:
    """`--map` values ("Header=field", comma-separated or repeated) → {header: field}."""
    mapping: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            header, sep, target = part.rpartition("=")
            if not sep or not header.strip() or not target.strip():
                raise ImportProblem([f"--map {part.strip()!r}: write it as HEADER=field."])
            if target.strip() not in COLUMNS:
                raise ImportProblem(
                    [
                        f"--map {part.strip()!r}: {target.strip()!r} is not a field; the fields "
                        f"are {', '.join(COLUMNS)}."
                    ]
                )
            mapping[header.strip()] = target.strip()
    return mapping


def map_columns(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """field → the column holding it. ImportProblem for a --map header not in the file, a
    field named twice, and missing required columns."""
    by_key = {}
    for i, header in enumerate(headers):
        by_key.setdefault(_key(header), i)
    columns: dict[str, int] = {}
    problems = []
    for header, target in mapping.items():
        if _key(header) not in by_key:
            problems.append(f"--map names the column {header!r}, which the file does not have.")
        elif target in columns:
            problems.append(f"--map names two columns for {target}.")
        else:
            columns[target] = by_key[_key(header)]
    mapped = set(columns.values())
    for target, aliases in COLUMNS.items():
        if target in columns:
            continue
        for alias in aliases:
            i = by_key.get(alias)
            if i is not None and i not in mapped:
                columns[target] = i
                mapped.add(i)
                break
    if "source_id" not in columns:
        problems.append(
            "No column for the source system's id (source_id): name one with --map "
            '"Customer No=source_id".'
        )
    if "family_name" not in columns and "organisation_name" not in columns:
        problems.append(
            "No column for a last name (family_name) or an organisation's name "
            '(organisation_name): name one with --map "Surname=family_name".'
        )
    if problems:
        shown = ", ".join(repr(h) for h in headers) or "none"
        raise ImportProblem([*problems, f"The file's columns: {shown}."])
    return columns


def _date(value: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date (write it as 27/03/1958 or 1958-03-27).")


def _channel(value: str) -> str:
    wanted = _key(value)
    for choice in Channel:
        if wanted in {choice.value, _key(choice.label)}:
            return choice.value
    raise ValueError(f"{value!r} is not a channel ({', '.join(c.label for c in Channel)}).")


def clean_row(values: dict[str, str], *, today: dt.date) -> tuple[dict, list[str]]:
    """create_customer's arguments from one row, and what is wrong with it."""
    errors: list[str] = []
    get = lambda name: (values.get(name) or "").strip()  # noqa: E731
    family, organisation = get("family_name"), get("organisation_name")
    kind = CustomerKind.ORGANISATION if organisation and not family else CustomerKind.PERSON
    data: dict = {
        "kind": kind,
        "title": get("title")[:20],
        "given_name": get("given_name"),
        "family_name": family,
        "organisation_name": organisation,
        "accessibility_needs": get("accessibility_needs"),
        "preferred_language": get("preferred_language").lower() or "en",
    }
    if not get("source_id"):
        errors.append("no source id")
    elif len(get("source_id")) > 100:
        errors.append("source id longer than 100 characters")
    if not family and not organisation:
        errors.append("no last name or organisation name")
    for name, limit in (("given_name", 100), ("family_name", 100), ("organisation_name", 200)):
        if len(data[name]) > limit:
            errors.append(f"{name} longer than {limit} characters")
    if get("date_of_birth"):
        try:
            born = _date(get("date_of_birth"))
        except ValueError as exc:
            errors.append(f"date_of_birth: {exc}")
        else:
            if born > today or born.year < today.year - 130:
                errors.append(f"date_of_birth: {get('date_of_birth')!r} is not a possible one.")
            data["date_of_birth"] = born
    phones = []
    for name in ("phone", "mobile"):
        if get(name):
            try:
                phones.append(clean_phone(get(name)))
            except ValueError as exc:
                errors.append(f"{name}: {exc}")
    data["phones"] = phones
    emails = []
    if get("email"):
        try:
            emails.append(clean_email(get("email")))
        except ValueError as exc:
            errors.append(f"email: {exc}")
    data["emails"] = emails
    address = {k: get(k) for k in ("line1", "line2", "town", "postcode", "uprn")}
    data["addresses"] = [address] if any(address.values()) else []
    if data["addresses"]:
        if not address["line1"]:
            errors.append("an address without its first line (line1)")
        try:
            address["postcode"] = clean_postcode(address["postcode"])
        except ValueError as exc:
            errors.append(f"postcode: {exc}")
        if address["uprn"]:
            try:
                address["uprn"] = clean_uprn(address["uprn"])
            except ValueError as exc:
                errors.append(f"uprn: {exc}")
    if not (phones or emails or data["addresses"]) and not any(
        e.startswith(("phone", "mobile", "email")) for e in errors
    ):
        errors.append("no phone number, email address or address")
    if get("preferred_channel"):
        try:
            data["preferred_channel"] = _channel(get("preferred_channel"))
        except ValueError as exc:
            errors.append(f"preferred_channel: {exc}")
    return data, errors


def _read(path: Path, encoding: str, max_rows: int) -> tuple[list[str], list[list[str]]]:
    try:
        handle = path.open(encoding=encoding, newline="")
    except LookupError:
        raise ImportProblem([f"{encoding!r} is not an encoding Python knows."]) from None
    except OSError as exc:
        raise ImportProblem([f"Cannot read {path}: {exc.strerror or exc}."]) from None
    rows: list[list[str]] = []
    with handle:
        reader = csv.reader(handle)
        try:
            headers = next(reader, None)
            if headers is None:
                raise ImportProblem([f"{path.name} is empty: it needs a header row."])
            for row in reader:
                if len(rows) >= max_rows:
                    raise ImportProblem(
                        [
                            f"{path.name} has more than {max_rows:,} rows: split it into files "
                            f"of up to {max_rows:,} and import each."
                        ]
                    )
                rows.append(row)
        except UnicodeDecodeError:
            raise ImportProblem(
                [
                    f"{path.name} is not {encoding} text (at row {len(rows) + 2}): save it as "
                    "'CSV UTF-8', or name its encoding with --encoding (e.g. cp1252)."
                ]
            ) from None
        except csv.Error as exc:
            raise ImportProblem([f"Row {len(rows) + 2}: not readable as CSV ({exc})."]) from None
    return headers, rows


def _possible_duplicates(customer: Customer) -> list[int]:
    """Customers already on record with the same email or phone, or the same name and date
    of birth (any partner's: the steward's review decides)."""
    same = Q(pk__in=[])
    emails = [e.address for e in customer.emails.all()]
    phones = [p.number for p in customer.phones.all()]
    if emails:
        same |= Q(emails__address__in=emails)
    if phones:
        same |= Q(phones__number__in=phones)
    if customer.kind == CustomerKind.PERSON and customer.date_of_birth:
        same |= Q(
            search_family=normalise_name(customer.family_name),
            search_given=normalise_name(customer.given_name),
            date_of_birth=customer.date_of_birth,
        )
    return sorted(
        set(
            Customer.objects.filter(same, merged_into__isnull=True)
            .exclude(pk=customer.pk)
            .values_list("pk", flat=True)[:10]
        )
    )


# Where a row's values go on a record already imported: the file's columns → the fields
# they set (an empty cell leaves the record's value as it is).
_UPDATES = {
    "title": "title",
    "given_name": "given_name",
    "family_name": "family_name",
    "organisation_name": "organisation_name",
    "date_of_birth": "date_of_birth",
    "preferred_channel": "preferred_channel",
    "preferred_language": "preferred_language",
    "accessibility_needs": "accessibility_needs",
}


def update_from_row(customer: Customer, data: dict, *, source_file: str) -> list[CustomerChange]:
    """Bring an imported record up to date with its row in a new extract: each value the row
    gives replaces the record's (an empty cell leaves it); its phones and emails replace
    those not proven by the resident (verified ones stay); a different address becomes the
    current one (the old kept as a previous address). Each changed field is kept in the
    history, named as changed by the import, and audited."""
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    before = record_values(current)
    for key, attr in _UPDATES.items():
        value = data.get(key)
        if value not in (None, ""):
            setattr(current, attr, value)
    if data.get("phones"):
        numbers = list(dict.fromkeys(data["phones"]))
        current.phones.filter(verified_at__isnull=True).exclude(number__in=numbers).delete()
        kept = set(current.phones.values_list("number", flat=True))
        CustomerPhone.objects.bulk_create(
            CustomerPhone(customer=current, number=n) for n in numbers if n not in kept
        )
    if data.get("emails"):
        addresses = list(dict.fromkeys(data["emails"]))
        wanted = {a.lower() for a in addresses}
        stale = [
            e.pk
            for e in current.emails.filter(verified_at__isnull=True)
            if e.address.lower() not in wanted
        ]
        current.emails.filter(pk__in=stale).delete()
        kept = {a.lower() for a in current.emails.values_list("address", flat=True)}
        CustomerEmail.objects.bulk_create(
            CustomerEmail(customer=current, address=a) for a in addresses if a.lower() not in kept
        )
    if data.get("addresses"):
        new = {k: data["addresses"][0].get(k, "") for k in ("line1", "line2", "town", "postcode")}
        new["uprn"] = data["addresses"][0].get("uprn", "")
        old = current.addresses.filter(is_current=True).order_by("-pk").first()
        if old is None or any(getattr(old, k) != v for k, v in new.items()):
            current.addresses.filter(is_current=True).update(is_current=False)
            CustomerAddress.objects.create(customer=current, is_current=True, **new)
    who = f"import_customers ({source_file})"
    return keep_history(
        current, before, user=None, who=who, how=f"updated by {who}", username="import_customers"
    )


def import_customers(
    path: Path | str,
    *,
    partner: Partner,
    mapping: dict[str, str] | None = None,
    encoding: str = "utf-8-sig",
    max_rows: int = MAX_ROWS,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the file's customers for `partner`, all or none (ImportProblem with the rows'
    errors). `total(n)` is told the number of rows once read; `progress(1)` after each row
    checked and each row imported."""
    path = Path(path)
    headers, rows = _read(path, encoding, max_rows)
    columns = map_columns(headers, mapping or {})
    if total is not None:
        total(len(rows) * 2)
    today = dt.date.today()
    errors: list[str] = []
    error_count = 0
    cleaned: list[tuple[int, str, dict]] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        if progress is not None:
            progress(1)
        if not any(cell.strip() for cell in row):
            continue
        values = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
        data, row_errors = clean_row(values, today=today)
        source_id = (values.get("source_id") or "").strip()
        if source_id and source_id in seen:
            row_errors.append(f"source id {source_id!r} is on row {seen[source_id]} too")
        seen.setdefault(source_id, n)
        if "\x00" in "".join(row):
            row_errors.append("unusual characters (NUL)")
        if row_errors:
            error_count += len(row_errors)
            if len(errors) < MAX_ERRORS_KEPT:
                errors.extend(f"Row {n}: {e}." for e in row_errors)
            continue
        cleaned.append((n, source_id, data))
    if error_count:
        raise ImportProblem(errors[:MAX_ERRORS_KEPT], total_errors=error_count)
    report = ImportReport(rows=len(cleaned))
    known = dict(
        SourceRecord.objects.filter(partner=partner, source_id__in=seen).values_list(
            "source_id", "customer_id"
        )
    )
    with transaction.atomic():
        for n, source_id, data in cleaned:
            if progress is not None:
                progress(1)
            if source_id in known:
                customer = Customer.objects.get(pk=known[source_id])
                # Merged since the last import: the details go to the surviving record.
                while customer.merged_into_id:
                    customer = customer.merged_into
                if update_from_row(customer, data, source_file=path.name):
                    report.updated += 1
                else:
                    report.unchanged += 1
                continue
            try:
                customer = create_customer(user=None, partner=partner, **data)
            except ValidationError as exc:
                # The service's own checks (the postcode, the UPRN): still nothing kept.
                messages = [
                    f"Row {n}: {field.replace('addresses[0].', '')}: {' '.join(msgs)}"
                    for field, msgs in exc.message_dict.items()
                ]
                raise ImportProblem(messages) from None
            SourceRecord.objects.create(
                partner=partner, source_id=source_id, customer=customer, source_file=path.name
            )
            report.created += 1
            duplicates = _possible_duplicates(customer)
            if duplicates:
                report.possible_duplicates.append((n, duplicates))
                # The steward decides whether they are the same person: never merged here.
                queue_for_steward(
                    customer, Customer.objects.filter(pk__in=duplicates), source="import"
                )
        record_audit_event(
            user=None,
            action=AuditEvent.Action.CREATE,
            object_type="customer_import",
            object_id=partner.slug,
            username="import_customers",
            detail=(
                f"{path.name}: {report.rows} rows, {report.created} added, {report.updated} "
                f"updated, {report.unchanged} unchanged, {len(report.possible_duplicates)} "
                "possible duplicates queued for review"
            ),
        )
    return report
