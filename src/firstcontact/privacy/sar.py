"""The subject access export: everything held about a person by the partners a data
protection officer covers, as one ZIP streamed to the browser.

The ZIP holds `index.html` (a readable summary, plain HTML with its CSS inside), one JSON and
one CSV file per kind of record, and the files (photos) under `files/`.

Why streamed rather than built by a background task: the ZIP is written into the response as
it is made (zipfile writes to an unseekable stream with data descriptors), row by row from
database iterators, so a huge record neither holds the worker's memory nor keeps the client
waiting for a first byte, and no copy of the person's data is left on the server's disk for
someone to clean up or leak. A worker that kills long requests (gunicorn's sync workers after
`--timeout`) must not serve it: granian, or gunicorn with `--worker-class gthread`, stream
without a limit (README, "Data protection").

What is in it, for covered partners P and the person's records R (the record chosen, the
records linked to it by CustomerLink at any partner, and any the DPO ticked as the same
person, with theirs): the customer records in R held by P; their consents (with the wording)
and the history of changes to them; contacts, callbacks and service requests about R held by
P, with every update of those requests (public and internal), their photos and attached files,
referrals, tell-us-once bundles and messages sent; and the audit trail's rows about the records
in R held by P (who viewed them).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils import timezone

from firstcontact.contacts.models import Callback, Contact
from firstcontact.customers.models import Consent, Customer, CustomerChange
from firstcontact.lifeevents.models import Bundle
from firstcontact.notify.models import Notification
from firstcontact.partners.models import Partner
from firstcontact.privacy.models import AuditEvent, SubjectAccessRequest
from firstcontact.privacy.selectors import linked_customer_ids
from firstcontact.servicerequests.models import (
    Referral,
    RequestAttachment,
    RequestPhoto,
    RequestUpdate,
    ServiceRequest,
)

# How many rows of each kind index.html lists (all are in the kind's CSV and JSON files).
INDEX_ROWS = 500
# Bytes of text gathered before they are written to the ZIP and handed to the response.
FLUSH_BYTES = 64 * 1024
FILE_CHUNK = 256 * 1024


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _username(user) -> str:
    return user.get_username() if user is not None else ""


@dataclass
class Kind:
    """One kind of record: its file name, title, rows, and which columns the index shows."""

    name: str
    title: str
    queryset: QuerySet
    row: Callable[[object], dict]
    summary: list[str]
    count: int = 0
    files: list[tuple[str, object]] = field(default_factory=list)


class _Sink(io.RawIOBase):
    """An unseekable stream the ZIP is written into; the response takes what it holds."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class SubjectAccessExport:
    """Build with the DPO's covered partners and the chosen records; `counts()` before
    streaming (for the log), then iterate `stream()` into a StreamingHttpResponse."""

    def __init__(
        self,
        *,
        partner_ids: Iterable[int],
        customer_ids: Iterable[int],
        sar: SubjectAccessRequest | None = None,
        prepared_by: str = "",
    ) -> None:
        self.partner_ids = frozenset(partner_ids)
        self.person_ids = frozenset(linked_customer_ids(set(customer_ids)))
        self.sar = sar
        self.prepared_by = prepared_by
        self.prepared_at = timezone.now()
        self.kinds = self._kinds()
        self._counted = False

    # What is exported.

    def held_customers(self) -> QuerySet[Customer]:
        return Customer.objects.filter(pk__in=self.person_ids, partner_id__in=self.partner_ids)

    def requests(self) -> QuerySet[ServiceRequest]:
        return ServiceRequest.objects.filter(
            customer_id__in=self.person_ids, responsible_partner_id__in=self.partner_ids
        )

    def _kinds(self) -> list[Kind]:
        P, R = self.partner_ids, self.person_ids
        held = self.held_customers().values("pk")
        requests = self.requests().values("pk")

        def request_files(
            name: str, label: str, model: type, row: Callable[[object], dict], fields: list[str]
        ) -> Kind:
            # Photos and attached files: the requests' files, request by request.
            files = model.objects.filter(request_id__in=requests).select_related("request")
            return Kind(name, label, files.order_by("request_id", "pk"), row, fields)

        return [
            Kind(
                "customer_records",
                "Customer records",
                self.held_customers()
                .select_related("partner")
                .prefetch_related("phones", "emails", "addresses")
                .order_by("pk"),
                self._customer_row,
                ["record", "partner", "name", "date_of_birth", "phones", "emails", "addresses"],
            ),
            Kind(
                "consents",
                "Consents",
                Consent.objects.filter(customer_id__in=held)
                .select_related("customer__partner", "recipient", "recorded_by")
                .order_by("given_at", "pk"),
                self._consent_row,
                ["record", "purpose", "shared_with", "given_at", "withdrawn_at", "wording"],
            ),
            Kind(
                "record_changes",
                "Changes to the records",
                CustomerChange.objects.filter(customer_id__in=held).order_by("changed_at", "pk"),
                self._change_row,
                ["record", "changed_at", "field", "old_value", "new_value"],
            ),
            Kind(
                "contacts",
                "Contacts",
                Contact.objects.filter(customer_id__in=R, partner_id__in=P)
                .select_related("partner", "handled_by", "adviser")
                .prefetch_related("reasons")
                .order_by("started_at", "pk"),
                self._contact_row,
                ["started_at", "channel", "partner", "reasons", "outcome", "notes"],
            ),
            Kind(
                "callbacks",
                "Callbacks",
                Callback.objects.filter(customer_id__in=R, partner_id__in=P)
                .select_related("partner")
                .order_by("window_start", "pk"),
                self._callback_row,
                ["window_start", "partner", "phone", "reason", "status", "result"],
            ),
            Kind(
                "service_requests",
                "Service requests",
                self.requests()
                .select_related("service", "responsible_partner", "team", "complaint")
                .order_by("created_at", "pk"),
                self._request_row,
                ["reference", "service", "partner", "status", "created_at", "description"],
            ),
            Kind(
                "request_updates",
                "Request updates (public and internal)",
                RequestUpdate.objects.filter(request_id__in=requests)
                .select_related("request", "author")
                .order_by("request__created_at", "request_id", "created_at", "pk"),
                self._update_row,
                ["request", "created_at", "kind", "visibility", "text"],
            ),
            Kind(
                "referrals",
                "Referrals",
                Referral.objects.filter(request__customer_id__in=R)
                .filter(
                    Q(request__responsible_partner_id__in=P)
                    | Q(from_partner_id__in=P)
                    | Q(to_partner_id__in=P)
                )
                .select_related("request", "from_partner", "to_partner", "consent")
                .order_by("created_at", "pk"),
                self._referral_row,
                ["request", "created_at", "from_partner", "to_partner", "reason", "state"],
            ),
            request_files(
                "photos",
                "Photos and attachments",
                RequestPhoto,
                self._photo_row,
                ["request", "uploaded_at", "content_type", "size", "file"],
            ),
            request_files(
                "attachments",
                "Files kept with requests (letters, evidence)",
                RequestAttachment,
                self._attachment_row,
                ["request", "uploaded_at", "name", "description", "file"],
            ),
            Kind(
                "tell_us_once",
                "Tell us once",
                Bundle.objects.filter(items__request_id__in=requests)
                .distinct()
                .select_related("life_event")
                .order_by("created_at", "pk"),
                self._bundle_row,
                ["reference", "life_event", "created_at", "requests", "consent_wording"],
            ),
            Kind(
                "notifications",
                "Messages sent",
                Notification.objects.filter(service_request_id__in=requests)
                .select_related("service_request")
                .order_by("created_at", "pk"),
                self._notification_row,
                ["created_at", "channel", "recipient", "subject", "status"],
            ),
            Kind(
                "record_access",
                "Who viewed or changed the records (audit trail)",
                AuditEvent.objects.filter(customer_id__in=held).order_by("at", "pk"),
                self._audit_row,
                ["at", "username", "action", "object_type", "object_id"],
            ),
        ]

    def counts(self) -> dict[str, int]:
        if not self._counted:
            for kind in self.kinds:
                kind.count = kind.queryset.count()
            self._counted = True
        return {kind.name: kind.count for kind in self.kinds}

    # Rows.

    def _customer_row(self, c: Customer) -> dict:
        return {
            "record": c.pk,
            "partner": c.partner.name,
            "kind": c.get_kind_display(),
            "name": c.display_name,
            "title": c.title,
            "given_name": c.given_name,
            "family_name": c.family_name,
            "organisation_name": c.organisation_name,
            "date_of_birth": _when(c.date_of_birth),
            "phones": [f"{p.number} ({p.label})" if p.label else p.number for p in c.phones.all()],
            "emails": [e.address for e in c.emails.all()],
            "addresses": [
                str(a)
                + (f" (UPRN {a.uprn})" if a.uprn else "")
                + ("" if a.is_current else " (past)")
                for a in c.addresses.all()
            ],
            "preferred_channel": c.get_preferred_channel_display(),
            "preferred_language": c.preferred_language,
            "accessibility_needs": c.accessibility_needs,
            "vulnerability": c.vulnerability,
            "created_at": _when(c.created_at),
            "updated_at": _when(c.updated_at),
        }

    def _consent_row(self, c: Consent) -> dict:
        return {
            "record": c.customer_id,
            "partner": c.customer.partner.name,
            "purpose": c.get_purpose_display(),
            "shared_with": c.recipient.name if c.recipient else "",
            "given_at": _when(c.given_at),
            "withdrawn_at": _when(c.withdrawn_at),
            "wording": c.wording or c.how,
            "data": c.get_data_category_display(),
            "channel": c.get_channel_display(),
            "recorded_by": _username(c.recorded_by),
        }

    def _change_row(self, c: CustomerChange) -> dict:
        return {
            "record": c.customer_id,
            "changed_at": _when(c.changed_at),
            "changed_by": c.changed_by_name,
            "field": c.label,
            "old_value": c.old_value,
            "new_value": c.new_value,
        }

    def _contact_row(self, c: Contact) -> dict:
        return {
            "contact": c.pk,
            "record": c.customer_id,
            "partner": c.partner.name,
            "handled_by": c.handled_by.name if c.handled_by else "",
            "adviser": _username(c.adviser),
            "channel": c.get_channel_display(),
            "direction": c.get_direction_display(),
            "started_at": _when(c.started_at),
            "ended_at": _when(c.ended_at),
            "reasons": [s.name for s in c.reasons.all()],
            "outcome": c.get_outcome_display(),
            "notes": c.notes,
        }

    def _callback_row(self, c: Callback) -> dict:
        return {
            "callback": c.pk,
            "record": c.customer_id,
            "partner": c.partner.name,
            "phone": c.phone,
            "reason": c.reason,
            "window_start": _when(c.window_start),
            "window_end": _when(c.window_end),
            "status": c.get_status_display(),
            "result": c.get_result_display(),
            "result_notes": c.result_notes,
        }

    def _request_row(self, r: ServiceRequest) -> dict:
        row = {
            "reference": r.formatted_reference,
            "record": r.customer_id,
            "service": r.service.name,
            "partner": r.responsible_partner.name,
            "team": r.team.name if r.team else "",
            "channel": r.get_channel_display(),
            "status": r.get_status_display(),
            "outcome": r.get_outcome_display(),
            "description": r.description,
            "answers": r.attributes,
            "address": r.address,
            "postcode": r.postcode,
            "uprn": r.uprn,
            "latitude": r.latitude,
            "longitude": r.longitude,
            "created_at": _when(r.created_at),
            "closed_at": _when(r.closed_at),
        }
        complaint = getattr(r, "complaint", None)
        if complaint is not None:
            row.update(
                complaint_stage=complaint.get_stage_display(),
                stage1_response=complaint.stage1_response,
                escalation_reason=complaint.escalation_reason,
                stage2_response=complaint.stage2_response,
            )
        return row

    def _update_row(self, u: RequestUpdate) -> dict:
        return {
            "request": u.request.formatted_reference,
            "created_at": _when(u.created_at),
            "kind": u.get_kind_display(),
            "status": u.get_status_display(),
            "visibility": "public" if u.public else "internal",
            "author": u.author_name or _username(u.author),
            "text": u.text,
        }

    def _referral_row(self, r: Referral) -> dict:
        return {
            "request": r.request.formatted_reference,
            "created_at": _when(r.created_at),
            "from_partner": r.from_partner.name,
            "to_partner": r.to_partner.name,
            "reason": r.reason,
            "state": r.get_state_display(),
            "outcome": r.outcome,
            "consent_wording": r.consent.how if r.consent else "",
        }

    def _photo_row(self, p: RequestPhoto) -> dict:
        path = f"files/{p.request.reference}/photo-{p.pk}.{p.extension}"
        return {
            "request": p.request.formatted_reference,
            "uploaded_at": _when(p.uploaded_at),
            "content_type": p.content_type,
            "size": p.size,
            "file": path,
        }

    def _attachment_row(self, a: RequestAttachment) -> dict:
        path = f"files/{a.request.reference}/file-{a.pk}.{a.extension}"
        return {
            "request": a.request.formatted_reference,
            "uploaded_at": _when(a.uploaded_at),
            "name": a.name,
            "description": a.description,
            "sent_by": a.get_source_display(),
            "content_type": a.content_type,
            "size": a.size,
            "file": path,
        }

    def _bundle_row(self, b: Bundle) -> dict:
        references = (
            b.items.filter(request_id__in=self.requests().values("pk"))
            .select_related("request")
            .order_by("order", "pk")
        )
        return {
            "reference": b.formatted_reference,
            "life_event": b.life_event.name,
            "channel": b.channel,
            "created_at": _when(b.created_at),
            "requests": [item.request.formatted_reference for item in references],
            "consent_wording": b.consent_wording,
            "consent_given_at": _when(b.consent_given_at),
        }

    def _notification_row(self, n: Notification) -> dict:
        return {
            "request": n.service_request.formatted_reference if n.service_request else "",
            "created_at": _when(n.created_at),
            "sent_at": _when(n.sent_at),
            "channel": n.get_channel_display(),
            "recipient": n.recipient,
            "subject": n.subject,
            "body": n.body,
            "status": n.get_status_display(),
        }

    def _audit_row(self, e: AuditEvent) -> dict:
        return {
            "at": _when(e.at),
            "username": e.username,
            "action": e.get_action_display(),
            "object_type": e.object_type,
            "object_id": e.object_id,
            "record": e.customer_id,
            "detail": e.detail,
        }

    # The ZIP.

    def stream(self) -> Iterator[bytes]:
        """The ZIP's bytes, a piece at a time."""
        self.counts()
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for _ in self._write(archive):
                data = sink.take()
                if data:
                    yield data
        yield sink.take()

    def _write(self, archive: zipfile.ZipFile) -> Iterator[None]:
        yield from self._write_index(archive)
        for kind in self.kinds:
            yield from self._write_text(archive, f"{kind.name}.json", self._json(kind))
            yield from self._write_text(archive, f"{kind.name}.csv", self._csv(kind))
        yield from self._write_files(archive)

    def _write_text(
        self, archive: zipfile.ZipFile, name: str, pieces: Iterable[str]
    ) -> Iterator[None]:
        with archive.open(name, "w") as entry:
            buffer: list[str] = []
            size = 0
            for piece in pieces:
                buffer.append(piece)
                size += len(piece)
                if size >= FLUSH_BYTES:
                    entry.write("".join(buffer).encode())
                    buffer, size = [], 0
                    yield
            entry.write("".join(buffer).encode())
        yield

    def _rows(self, kind: Kind) -> Iterator[dict]:
        queryset = kind.queryset
        # Prefetching needs chunks (a plain iterator() would ignore it).
        yield from (kind.row(obj) for obj in queryset.iterator(chunk_size=500))

    def _json(self, kind: Kind) -> Iterator[str]:
        yield "[\n"
        first = True
        for row in self._rows(kind):
            yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
            first = False
        yield "\n]\n"

    def _csv(self, kind: Kind) -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        header: list[str] | None = None
        for row in self._rows(kind):
            if header is None:
                header = list(row)
                writer.writerow(header)
            writer.writerow([csv_cell(row.get(key)) for key in header])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if header is None:
            yield "(none)\n"

    def _write_files(self, archive: zipfile.ZipFile) -> Iterator[None]:
        names = [k.name for k in self.kinds]
        photos = self.kinds[names.index("photos")].queryset.iterator(chunk_size=200)
        attachments = self.kinds[names.index("attachments")].queryset.iterator(chunk_size=200)
        rows = chain(
            ((p, self._photo_row(p)["file"]) for p in photos),
            ((a, self._attachment_row(a)["file"]) for a in attachments),
        )
        for photo, path in rows:
            try:
                source = default_storage.open(photo.file.name, "rb")
            except (OSError, ValueError):
                with archive.open(path + ".missing.txt", "w") as entry:
                    entry.write(b"This file is recorded but is no longer in storage.\n")
                yield
                continue
            with source, archive.open(path, "w", force_zip64=photo.size > 2**30) as entry:
                while chunk := source.read(FILE_CHUNK):
                    entry.write(chunk)
                    yield
            yield

    def _write_index(self, archive: zipfile.ZipFile) -> Iterator[None]:
        yield from self._write_text(archive, "index.html", self._index())

    def _index(self) -> Iterator[str]:
        esc = html.escape
        partners = list(Partner.objects.filter(pk__in=self.partner_ids).order_by("name"))
        names = [c.display_name for c in self.held_customers().order_by("pk").only(*_NAME_FIELDS)]
        subject = names[0] if names else "the person"
        yield (
            "<!DOCTYPE html>\n<html lang='en-GB'>\n<head>\n<meta charset='utf-8'>\n"
            f"<title>Information held about {esc(subject)}</title>\n<style>{_CSS}</style>\n"
            "</head>\n<body>\n"
            f"<h1>Information held about {esc(subject)}</h1>\n"
        )
        facts = [("Prepared", timezone.localtime(self.prepared_at).strftime("%d %B %Y %H:%M"))]
        if self.prepared_by:
            facts.append(("Prepared by", self.prepared_by))
        if self.sar is not None:
            facts += [
                ("Subject access request", f"number {self.sar.pk}"),
                ("Received", self.sar.received_on.strftime("%d %B %Y")),
                ("Due", self.sar.due_on.strftime("%d %B %Y")),
                ("Requested by", self.sar.requester),
            ]
        facts.append(("Held by", ", ".join(p.name for p in partners)))
        yield (
            "<dl>\n"
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc(str(v))}</dd>\n" for k, v in facts)
            + "</dl>\n"
        )
        yield (
            "<p>This summary lists what each partner holds; the folder also holds every "
            "record in full as a CSV file (for a spreadsheet) and a JSON file (for a "
            "computer), and the photos under <code>files/</code>.</p>\n"
            "<h2>Contents</h2>\n<table>\n<thead><tr><th>What</th><th>How many</th>"
            "<th>Files</th></tr></thead>\n<tbody>\n"
        )
        for kind in self.kinds:
            yield (
                f"<tr><td><a href='#{kind.name}'>{esc(kind.title)}</a></td>"
                f"<td class='n'>{kind.count}</td>"
                f"<td><a href='{kind.name}.csv'>{kind.name}.csv</a>, "
                f"<a href='{kind.name}.json'>{kind.name}.json</a></td></tr>\n"
            )
        yield "</tbody>\n</table>\n"
        for kind in self.kinds:
            yield f"<h2 id='{kind.name}'>{esc(kind.title)}</h2>\n"
            if not kind.count:
                yield "<p>None.</p>\n"
                continue
            yield (
                "<table>\n<thead><tr>"
                + "".join(
                    f"<th>{esc(col.replace('_', ' ').capitalize())}</th>" for col in kind.summary
                )
                + "</tr></thead>\n<tbody>\n"
            )
            shown = 0
            for row in self._rows(kind):
                if shown >= INDEX_ROWS:
                    break
                shown += 1
                cells = []
                for col in kind.summary:
                    value = _text(row.get(col))
                    if kind.name in {"photos", "attachments"} and col == "file":
                        value = f"<a href='{esc(value)}'>{esc(value)}</a>"
                    else:
                        value = esc(value)
                    cells.append(f"<td>{value}</td>")
                yield "<tr>" + "".join(cells) + "</tr>\n"
            yield "</tbody>\n</table>\n"
            if kind.count > shown:
                yield (
                    f"<p>The first {shown} of {kind.count}: every one is in "
                    f"<a href='{kind.name}.csv'>{kind.name}.csv</a>.</p>\n"
                )
        yield "</body>\n</html>\n"


_NAME_FIELDS = ("kind", "title", "given_name", "family_name", "organisation_name")

_CSS = """
body { font-family: Arial, sans-serif; color: #0b0c0c; margin: 2em auto; max-width: 60em;
  padding: 0 1em; line-height: 1.4; }
h1 { font-size: 2em; } h2 { margin-top: 2em; border-bottom: 2px solid #0b0c0c; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; font-size: 0.9em; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #b1b4b6;
  padding: 0.4em 0.6em 0.4em 0; white-space: pre-wrap; }
td.n { text-align: right; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.5em; }
dt { font-weight: bold; } dd { margin: 0; }
a { color: #1d70b8; }
"""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_cell(value: object) -> str:
    """A cell's text, with spreadsheet formulas defused (a name starting = + - @)."""
    if isinstance(value, int | float):
        return str(value)
    text = _text(value)
    if text[:1] in {"=", "+", "-", "@"}:
        return "'" + text
    return text
