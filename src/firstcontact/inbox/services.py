"""Messages in: store the raw message first, then (in the task worker) read it, thread it into a
conversation, match the sender to a customer, and acknowledge it once. Staff actions on a
conversation: claim, reply, note, link a customer, raise a request, resolve.

Never lost: `store_raw` commits the bytes before anything else happens; `process_raw` is
idempotent (a raw message is processed once, under a row lock, and a message whose Message-ID
is already in a conversation of the mailbox is recorded as a duplicate, not added again)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import re
import socket
import time
from email.utils import make_msgid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from firstcontact.catalogue import sla
from firstcontact.catalogue.models import Service
from firstcontact.contacts.models import Outcome
from firstcontact.contacts.services import end_contact, start_contact
from firstcontact.customers.contact_points import clean_email, clean_phone
from firstcontact.customers.models import Consent, ConsentPurpose, Customer
from firstcontact.inbox import checks
from firstcontact.inbox.models import (
    Attachment,
    AttachmentState,
    Channel,
    Conversation,
    ConversationStatus,
    DeliveryState,
    Direction,
    Mailbox,
    Message,
    RawMessage,
    RawState,
    Source,
)
from firstcontact.inbox.parsing import ParsedMessage, parse
from firstcontact.partners.selectors import STAFF_ROLES, acts_in_role
from firstcontact.privacy.models import AuditEvent, DataCategory, DataSharingAgreement
from firstcontact.privacy.services import record_audit_event
from firstcontact.servicerequests.models import ServiceRequest
from firstcontact.servicerequests.references import (
    ReferenceError,
    new_reference,
    parse_reference,
)

logger = logging.getLogger("firstcontact.inbox")

TEXT_MAX = 100_000
# "ABCD-EFGH", "abcdefgh", "FC ABCD EFGH" in a subject or a text message.
_REFERENCE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?:FC[\s-]?)?([A-Za-z2-9]{4}[\s-]?[A-Za-z2-9]{4})(?![A-Za-z0-9])"
)


def _clean_text(value: str, limit: int = TEXT_MAX) -> str:
    """Text PostgreSQL can store: no NUL characters, and not unboundedly long."""
    return (value or "").replace("\x00", "")[:limit]


# --- storing ------------------------------------------------------------------------------


def store_raw(
    mailbox: Mailbox, raw: bytes, *, source: str, digest: str = "", message_id: str = ""
) -> tuple[RawMessage, bool]:
    """Keep the message exactly as it came, once, and have the worker process it after the
    commit. Returns (the row, whether it is new). The same bytes (or provider id) again give
    the row already stored."""
    digest = digest or hashlib.sha256(raw).hexdigest()
    try:
        # Inserted first and looked up only when it was there already (2% in practice): the
        # unique (mailbox, digest) constraint decides, so two pollers store it once.
        with transaction.atomic():
            row = RawMessage.objects.create(
                mailbox=mailbox,
                source=source,
                raw=raw,
                size=len(raw),
                digest=digest,
                message_id=_clean_text(message_id or _quick_message_id(raw), 998),
            )
    except IntegrityError:
        return RawMessage.objects.get(mailbox=mailbox, digest=digest), False
    transaction.on_commit(wake_worker)
    return row, True


def _quick_message_id(raw: bytes) -> str:
    """The Message-ID from the headers, without parsing the whole message."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"(?im)^message-id:\s*(<[^<>\s]+>)", head)
    return match.group(1).decode("ascii", "replace") if match else ""


def wake_worker() -> None:
    """Make sure a `process_pending` task will run after this commit. With the database task
    backend one waiting task is enough, as it takes every pending message when it starts: so
    a new task is queued only when none is waiting (one query instead of a task per message).
    Called after the raw message's commit, so a waiting task seen here has not yet looked
    for pending messages and will find this one."""
    from firstcontact.inbox.tasks import process_pending

    try:
        backend = process_pending.get_backend()
        if _database_backend(backend):
            from django_tasks_db.models import DBTaskResult

            waiting = DBTaskResult.objects.ready().filter(
                task_path=process_pending.module_path, backend_name=backend.alias
            )
            if waiting.exists():
                return
        process_pending.enqueue()
    except Exception:  # the raw message is kept; `process_inbox` (or the next wake) takes it
        logger.exception("Inbox: the worker could not be woken")


def _database_backend(backend) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
    except ImportError:  # pragma: no cover - the project depends on it
        return False
    return isinstance(backend, DatabaseBackend)


def store_sms(mailbox: Mailbox, *, source: str, sender: str, body: str, **extra) -> RawMessage:
    """A received text message, stored as JSON. `extra["id"]`, a provider's id for the
    message, makes a retried callback one message."""
    payload = {"from": sender, "body": body, **{k: v for k, v in extra.items() if v}}
    raw = json.dumps(payload, sort_keys=True, default=str).encode()
    digest = f"{source}:{extra['id']}"[:64] if extra.get("id") else ""
    row, _created = store_raw(mailbox, raw, source=source, digest=digest)
    return row


# --- processing ---------------------------------------------------------------------------


# A batch is one transaction (each message in its own savepoint): a worker killed half-way
# rolls the whole batch back to pending, and it is processed again, once.
BATCH_SIZE = 100
# SQLite has one writer at a time: a long batch would keep the webhook from storing.
SQLITE_BATCH_SIZE = 20
# A task hands over to a fresh one after this long, so replies and notifications queued
# meanwhile get their turn on a single worker.
TASK_SECONDS = 20.0


class _Batch:
    """What the messages of one batch share, looked up once for all of them instead of once
    per message: which partners share their customers with a mailbox's partner, the
    Message-IDs already in each mailbox, the customers each sender matches, and how many
    conversations each sender opened lately (kept up to date as the batch opens more).
    Anything not preloaded (process_raw's single message) is looked up when asked."""

    def __init__(self) -> None:
        self.providers: dict[int, list[int]] = {}
        self.checked: set[str] = set()
        self.known_ids: dict[int, set[str]] = {}
        self.matches: dict[tuple[int, str, str], list[Customer]] = {}
        self.opened: dict[tuple[int, str], int] = {}
        self.acknowledgements: list[int] = []

    def sharing_providers(self, partner_id: int) -> list[int]:
        if partner_id not in self.providers:
            self.providers[partner_id] = _identity_providers(partner_id)
        return self.providers[partner_id]

    def preload(self, items: list[tuple[RawMessage, ParsedMessage, str, str]]) -> None:
        mailbox_ids = {raw.mailbox_id for raw, *_rest in items}
        message_ids = {parsed.message_id for _raw, parsed, *_rest in items if parsed.message_id}
        for mailbox_id in mailbox_ids:
            self.known_ids.setdefault(mailbox_id, set())
        self.checked |= message_ids
        if message_ids:
            found = Message.objects.filter(
                conversation__mailbox_id__in=mailbox_ids, message_id__in=message_ids
            ).values_list("conversation__mailbox_id", "message_id")
            for mailbox_id, message_id in found:
                self.known_ids[mailbox_id].add(message_id)
        senders = {(raw.mailbox_id, sender) for raw, _p, _c, sender in items}
        since = timezone.now() - _sender_window()
        for key in senders:
            self.opened[key] = 0
        counts = (
            Conversation.objects.filter(
                mailbox_id__in=mailbox_ids,
                sender__in={sender for _m, sender in senders},
                created_at__gte=since,
            )
            .values_list("mailbox_id", "sender")
            .annotate(n=Count("pk"))
        )
        for mailbox_id, sender, n in counts:
            if (mailbox_id, sender) in self.opened:
                self.opened[mailbox_id, sender] = n
        by_partner: dict[tuple[int, str], set[str]] = {}
        for raw, _parsed, channel, sender in items:
            by_partner.setdefault((raw.mailbox.partner_id, channel), set()).add(sender)
        for (partner_id, channel), partner_senders in by_partner.items():
            self._preload_matches(partner_id, channel, partner_senders)

    def _preload_matches(self, partner_id: int, channel: str, senders: set[str]) -> None:
        scope = readable_customers(partner_id, providers=self.sharing_providers(partner_id))
        if channel == Channel.SMS:
            pairs = scope.filter(phones__number__in=senders).values_list("pk", "phones__number")
        else:
            lowered = {s.lower() for s in senders}
            pairs = (
                scope.annotate(_address=Lower("emails__address"))
                .filter(_address__in=lowered)
                .values_list("pk", "_address")
            )
        found: dict[str, set[int]] = {}
        for pk, address in pairs:
            found.setdefault(address, set()).add(pk)
        customers = Customer.objects.in_bulk({pk for pks in found.values() for pk in pks})
        for sender in senders:
            key = sender if channel == Channel.SMS else sender.lower()
            self.matches[partner_id, channel, sender] = [
                customers[pk] for pk in sorted(found.get(key, ())) if pk in customers
            ]

    def is_known(self, mailbox_id: int, message_id: str) -> bool:
        if mailbox_id in self.known_ids and message_id in self.checked:
            return message_id in self.known_ids[mailbox_id]
        return Message.objects.filter(
            conversation__mailbox_id=mailbox_id, message_id=message_id
        ).exists()

    def remember(self, mailbox_id: int, message_id: str) -> None:
        if message_id:
            self.checked.add(message_id)
            self.known_ids.setdefault(mailbox_id, set()).add(message_id)

    def over_limit(self, mailbox: Mailbox, sender: str) -> bool:
        if (mailbox.pk, sender) not in self.opened:
            self.opened[mailbox.pk, sender] = _opened_lately(mailbox, sender)
        return self.opened[mailbox.pk, sender] >= checks.setting("SENDER_LIMIT")

    def opened_one(self, mailbox: Mailbox, sender: str) -> None:
        key = (mailbox.pk, sender)
        self.opened[key] = self.opened.get(key, 0) + 1

    def matching_customers(self, partner_id: int, channel: str, sender: str) -> list[Customer]:
        key = (partner_id, channel, sender)
        if key not in self.matches:
            self.matches[key] = list(
                match_customers(
                    partner_id, channel, sender, providers=self.sharing_providers(partner_id)
                )[:2]
            )
        return self.matches[key]


_RAW_RELATED = (
    "mailbox",
    "mailbox__partner",
    "mailbox__team",
    "mailbox__first_response_policy",
)


def process_raw(raw_id: int, *, ignore_rate_limit: bool = False) -> str:
    """Turn a stored message into a conversation entry. Safe to run twice, or after a worker
    died half-way (everything below is one transaction)."""
    batch = _Batch()
    try:
        with transaction.atomic():
            raw = (
                RawMessage.objects.select_for_update(of=("self",))
                .select_related(*_RAW_RELATED)
                .filter(pk=raw_id)
                .first()
            )
            if raw is None:
                return "missing"
            if raw.state not in {RawState.PENDING, RawState.FAILED} and not (
                ignore_rate_limit and raw.state == RawState.RATE_LIMITED
            ):
                return raw.state
            parsed, channel, sender = _read(raw)
            state = _process(raw, parsed, channel, sender, batch, ignore_rate_limit)
            raw.state = state
            raw.processed_at = timezone.now()
            raw.error = ""
            raw.attempts += 1
            raw.save(update_fields=["state", "processed_at", "error", "attempts", "message_id"])
            _send_acknowledgements_after_commit(batch.acknowledgements)
            return state
    except Exception as exc:
        logger.exception("Inbox: message %s could not be processed", raw_id)
        RawMessage.objects.filter(pk=raw_id).update(
            state=RawState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return RawState.FAILED


def _read(raw: RawMessage) -> tuple[ParsedMessage, str, str]:
    """The message parsed, its channel and its sender (an address or an E.164 number)."""
    data = bytes(raw.raw)
    if raw.source in {Source.NOTIFY, Source.SMS}:
        parsed, channel = _parse_sms(data), Channel.SMS
    else:
        parsed, channel = parse(data), Channel.EMAIL
    if parsed.message_id and raw.message_id != parsed.message_id:
        raw.message_id = parsed.message_id[:998]
    return parsed, channel, _sender(parsed, channel)


def _failed(raw: RawMessage, exc: Exception) -> None:
    logger.exception("Inbox: message %s could not be processed", raw.pk)
    RawMessage.objects.filter(pk=raw.pk).update(
        state=RawState.FAILED,
        attempts=raw.attempts + 1,
        error=f"{type(exc).__name__}: {exc}"[:2000],
    )


def process_batch(limit: int | None = None) -> dict[str, int]:
    """Process up to `limit` pending messages, oldest first, in one transaction: the rows are
    claimed with SELECT ... FOR UPDATE SKIP LOCKED (two workers take different ones), all are
    parsed, what they need is looked up at once (_Batch), then each is processed in its own
    savepoint, so one that fails is marked failed without the others losing their work; the
    states are written at the end, a few UPDATEs for the whole batch. Returns the count per
    resulting state (empty when nothing was pending)."""
    if limit is None:
        limit = SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else BATCH_SIZE
    batch = _Batch()
    with transaction.atomic():
        rows = list(
            RawMessage.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(*_RAW_RELATED)
            .filter(state=RawState.PENDING)
            .order_by("received_at", "pk")[:limit]
        )
        if not rows:
            return {}
        states: dict[str, int] = {}
        stored_ids = {raw.pk: raw.message_id for raw in rows}
        items = []
        for raw in rows:
            try:
                items.append((raw, *_read(raw)))
            except Exception as exc:  # noqa: BLE001 - parse() should not raise; kept anyway
                _failed(raw, exc)
                states[RawState.FAILED] = states.get(RawState.FAILED, 0) + 1
        batch.preload(items)
        done: dict[str, list[RawMessage]] = {}
        for raw, parsed, channel, sender in items:
            try:
                with transaction.atomic():
                    state = _process(raw, parsed, channel, sender, batch, False)
            except Exception as exc:  # noqa: BLE001 - kept as failed, to be tried again
                _failed(raw, exc)
                state = RawState.FAILED
            else:
                done.setdefault(state, []).append(raw)
                if state == RawState.PROCESSED:
                    batch.remember(raw.mailbox_id, raw.message_id)
            states[state] = states.get(state, 0) + 1
        now = timezone.now()
        for state, raws in done.items():
            RawMessage.objects.filter(pk__in=[raw.pk for raw in raws]).update(
                state=state, processed_at=now, error="", attempts=F("attempts") + 1
            )
        for raw in rows:
            if raw.message_id != stored_ids[raw.pk]:  # the parser found it where a regex did not
                RawMessage.objects.filter(pk=raw.pk).update(message_id=raw.message_id)
        _send_acknowledgements_after_commit(batch.acknowledgements)
    return states


def process_pending(*, seconds: float = TASK_SECONDS) -> dict[str, int]:
    """Batches until nothing is pending or `seconds` have passed (then a fresh task is
    queued for the rest)."""
    began = time.monotonic()
    totals: dict[str, int] = {}
    while True:
        states = process_batch()
        for state, n in states.items():
            totals[state] = totals.get(state, 0) + n
        if not states:
            return totals
        if time.monotonic() - began > seconds:
            wake_worker()  # this task is running, not waiting: a fresh one takes the rest
            return totals


def _process(
    raw: RawMessage,
    parsed: ParsedMessage,
    channel: str,
    sender: str,
    batch: _Batch,
    ignore_rate_limit: bool,
) -> str:
    mailbox = raw.mailbox
    if parsed.message_id and batch.is_known(mailbox.pk, parsed.message_id):
        return RawState.DUPLICATE
    conversation = _thread(mailbox, parsed, channel, sender)
    if conversation is None and parsed.automatic:
        # An out-of-office or a bounce about nothing we know: kept, never answered.
        return RawState.AUTOMATIC
    if conversation is None and not ignore_rate_limit and batch.over_limit(mailbox, sender):
        return RawState.RATE_LIMITED
    received = _received_at(parsed, raw)
    new = conversation is None
    if new:
        conversation = _new_conversation(
            mailbox, parsed, channel, sender, received, batch=batch, acknowledge=True
        )
        batch.opened_one(mailbox, sender)
    message = Message.objects.create(
        conversation=conversation,
        raw=raw,
        direction=Direction.IN,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to[:998],
        references=" ".join(parsed.references)[:10000],
        from_address=_clean_text(parsed.from_address, 254),
        from_name=_clean_text(parsed.from_name, 200),
        to=_clean_text(parsed.to, 2000),
        subject=_clean_text(parsed.subject, 300),
        text=_clean_text(parsed.text),
        html=_clean_text(parsed.html, 500_000),
        automatic=parsed.automatic,
        created_at=received,
    )
    for attachment in parsed.attachments:
        _store_attachment(message, attachment)
    if not new and not parsed.automatic:
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=received)
    if new:
        _acknowledge(conversation, batch)
    return RawState.PROCESSED


def _parse_sms(data: bytes) -> ParsedMessage:
    try:
        payload = json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    body = str(payload.get("body") or "")
    return ParsedMessage(
        message_id=f"<sms-{payload['id']}>" if payload.get("id") else "",
        from_address=str(payload.get("from") or "")[:254],
        subject="",
        text=body,
        date=str(payload.get("received_at") or ""),
    )


def _sender(parsed: ParsedMessage, channel: str) -> str:
    value = parsed.from_address.strip()
    if channel == Channel.SMS:
        # Notify sends "447700900123": international, without the plus.
        for candidate in (value, "+" + value if value.isdigit() else ""):
            try:
                return clean_phone(candidate)
            except ValueError:
                continue
        return _clean_text(value, 40) or "unknown"
    try:
        return clean_email(value).lower()
    except ValueError:
        return _clean_text(value, 254) or "unknown"


def _received_at(parsed: ParsedMessage, raw: RawMessage) -> dt.datetime:
    """When it was received by us: the raw message's arrival (a sender's Date can lie)."""
    return raw.received_at


def _sender_window() -> dt.timedelta:
    return dt.timedelta(seconds=checks.setting("SENDER_WINDOW_SECONDS"))


def _opened_lately(mailbox: Mailbox, sender: str) -> int:
    """Conversations the sender opened with this mailbox in the last SENDER_WINDOW_SECONDS
    (held messages open none): at SENDER_LIMIT, more are held."""
    return Conversation.objects.filter(
        mailbox=mailbox, sender=sender, created_at__gte=timezone.now() - _sender_window()
    ).count()


def references_in(text: str) -> list[str]:
    """Valid references (service requests or conversations) written in `text`."""
    found = []
    for match in _REFERENCE_TOKEN.finditer(text or ""):
        try:
            found.append(parse_reference(match.group(1)))
        except ReferenceError:
            continue
    return found


def _thread(
    mailbox: Mailbox, parsed: ParsedMessage, channel: str, sender: str
) -> Conversation | None:
    """The open conversation of this mailbox the message belongs to, if any: by the ids it
    replies to, then by a reference in its subject (a conversation's or a request's), then,
    for a text message, the sender's open conversation."""
    open_here = Conversation.objects.open().filter(mailbox=mailbox)
    ids = [i for i in [parsed.in_reply_to, *parsed.references] if i]
    if ids:
        found = open_here.filter(messages__message_id__in=ids).order_by("-last_message_at").first()
        if found is not None:
            return found
    refs = references_in(parsed.subject if channel == Channel.EMAIL else parsed.text)
    if refs:
        found = open_here.filter(
            Q(reference__in=refs) | Q(service_request__reference__in=refs)
        ).first()
        if found is not None:
            return found
    if channel == Channel.SMS:
        return open_here.filter(sender=sender).order_by("-last_message_at").first()
    return None


def _identity_providers(partner_id: int) -> list[int]:
    """Partners whose agreements in force share customers' identity with `partner_id`."""
    return [
        provider
        for provider, categories in DataSharingAgreement.objects.in_force()
        .filter(recipient_id=partner_id)
        .values_list("provider_id", "categories")
        if DataCategory.IDENTITY in (categories or [])
    ]


def readable_customers(partner_id: int, *, providers: list[int] | None = None):
    """Customers a partner may read (docs/access.md): its own, and another partner's shared
    with it by an agreement covering identity, with the customer's consent naming it."""
    if providers is None:
        providers = _identity_providers(partner_id)
    consent = Consent.objects.current().filter(
        customer=OuterRef("pk"),
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient_id=partner_id,
    )
    return Customer.objects.filter(
        Q(partner_id=partner_id) | Q(partner_id__in=providers) & Exists(consent)
    )


def match_customers(partner_id: int, channel: str, sender: str, *, providers=None):
    scope = readable_customers(partner_id, providers=providers)
    if channel == Channel.SMS:
        return scope.filter(phones__number=sender).distinct()
    return scope.filter(emails__address__lower=sender.lower()).distinct()


def _new_conversation(
    mailbox: Mailbox,
    parsed: ParsedMessage,
    channel: str,
    sender: str,
    received: dt.datetime,
    *,
    batch: _Batch | None = None,
    acknowledge: bool = False,
) -> Conversation:
    service_request = None
    refs = references_in(parsed.subject if channel == Channel.EMAIL else parsed.text)
    if refs:
        service_request = ServiceRequest.objects.filter(
            reference__in=refs, responsible_partner=mailbox.partner
        ).first()
    customer = service_request.customer if service_request and service_request.customer else None
    if customer is None:
        batch = batch or _Batch()
        matches = batch.matching_customers(mailbox.partner_id, channel, sender)
        customer = matches[0] if len(matches) == 1 else None
    contact = start_contact(
        user=None, channel=channel, partner=mailbox.partner, customer=customer, started_at=received
    )
    due = (
        sla.due_at(mailbox.first_response_policy, received)
        if mailbox.first_response_policy
        else None
    )
    subject = parsed.subject or (parsed.text[:80] if channel == Channel.SMS else "")
    # Marked acknowledged as it is made (no second UPDATE): _acknowledge then sends it.
    acknowledged_at = timezone.now() if acknowledge and _acknowledges(mailbox, sender) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Conversation.objects.create(
                    mailbox=mailbox,
                    partner=mailbox.partner,
                    team=mailbox.team,
                    channel=channel,
                    reference=new_reference(),
                    subject=_clean_text(subject, 300) or "(no subject)",
                    sender=sender,
                    sender_name=_clean_text(parsed.from_name, 200),
                    customer=customer,
                    service_request=service_request,
                    contact=contact,
                    created_at=received,
                    last_message_at=received,
                    first_response_due_at=due,
                    acknowledged_at=acknowledged_at,
                )
        except IntegrityError:
            continue
    raise RuntimeError("No free conversation reference")


def _store_attachment(message: Message, parsed) -> Attachment:
    verdict = checks.check_attachment(parsed.filename, parsed.content_type, parsed.content)
    attachment = Attachment(
        message=message,
        filename=_clean_text(parsed.filename, 255),
        content_type=parsed.content_type[:100],
        size=len(parsed.content),
        inline=parsed.inline,
        content_id=_clean_text(parsed.content_id, 255),
        state=AttachmentState.STORED
        if verdict.ok
        else (AttachmentState.INFECTED if verdict.infected else AttachmentState.REFUSED),
        reason=verdict.reason,
    )
    if verdict.ok:
        attachment.file.save("attachment", ContentFile(parsed.content), save=False)
    attachment.save()
    return attachment


def _read_file(attachment: Attachment) -> bytes | None:
    try:
        with attachment.file.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError):
        return None


ACKNOWLEDGEMENT = (
    "Thank you for your message. We have received it and will reply as soon as we can."
)


def _acknowledges(mailbox: Mailbox, sender: str) -> bool:
    return mailbox.acknowledge and sender != "unknown"


def _acknowledge(conversation: Conversation, batch: _Batch | None = None) -> None:
    """The automatic acknowledgement, once per conversation, with its reference. A
    conversation made by this batch was marked acknowledged as it was made; any other is
    marked here by a conditional UPDATE, so only one process sends it."""
    from firstcontact.notify.models import Notification

    mailbox = conversation.mailbox
    if not _acknowledges(mailbox, conversation.sender):
        return
    if conversation.acknowledged_at is None:
        updated = Conversation.objects.filter(
            pk=conversation.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now())
        if not updated:
            return
    ref = conversation.formatted_reference
    words = mailbox.acknowledgement_text.strip() or ACKNOWLEDGEMENT
    if conversation.channel == Channel.SMS:
        body = f"{mailbox.partner.name}: {words} Your reference is {ref}."
    else:
        body = (
            f"{words}\n\nYour reference is {ref}. Please keep it in the subject if you write "
            f"again.\n\n{mailbox.partner.name}"
        )
    notification = Notification.objects.create(
        channel=conversation.channel,
        recipient=conversation.sender,
        subject=f"We have received your message [{ref}]",
        body=body,
    )
    if batch is not None:
        batch.acknowledgements.append(notification.pk)
    else:
        _send_acknowledgements_after_commit([notification.pk])


def _send_acknowledgements_after_commit(ids: list[int]) -> None:
    """One task sends the batch's acknowledgements (`ids`) after the commit (notify's own
    sending and retries, one notification at a time), instead of a task per acknowledgement."""
    ids = list(ids)
    if not ids:
        return
    from firstcontact.inbox.tasks import send_acknowledgements

    transaction.on_commit(lambda: send_acknowledgements.enqueue(ids))


# --- staff actions ------------------------------------------------------------------------


def _may_act(user: AbstractBaseUser, conversation: Conversation) -> None:
    if conversation.partner_id not in acts_in_role(user, STAFF_ROLES):
        raise PermissionDenied(
            "Only advisers and officers who work for the mailbox's partner answer its messages."
        )


def _lock(user: AbstractBaseUser, conversation: Conversation) -> Conversation:
    current = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _may_act(user, current)
    return current


def claim(*, user: AbstractBaseUser, conversation: Conversation) -> Conversation:
    with transaction.atomic():
        current = _lock(user, conversation)
        if not current.is_open:
            raise ValidationError({"claim": "This conversation is resolved."})
        current.assignee = user
        current.status = ConversationStatus.CLAIMED
        current.save(update_fields=["assignee", "status"])
        if current.contact_id and current.contact.adviser_id is None:
            current.contact.adviser = user
            current.contact.save(update_fields=["adviser"])
    return current


def _latest_inbound(conversation: Conversation) -> Message | None:
    return (
        conversation.messages.filter(direction=Direction.IN)
        .exclude(message_id="")
        .order_by("-created_at", "-pk")
        .first()
    )


def reply(*, user: AbstractBaseUser, conversation: Conversation, text: str) -> Message:
    """Answer the sender: email with the thread's headers, or a text message."""
    text = _clean_text((text or "").strip(), 10_000)
    if not text:
        raise ValidationError({"text": "Enter your reply."})
    if conversation.channel == Channel.SMS and len(text) > 918:
        raise ValidationError({"text": "Keep a text message to 918 characters (6 texts)."})
    with transaction.atomic():
        current = _lock(user, conversation)
        if not current.is_open:
            raise ValidationError({"text": "This conversation is resolved."})
        now = timezone.now()
        previous = _latest_inbound(current)
        references = []
        if previous is not None:
            references = [*previous.references.split(), previous.message_id][-20:]
        ref = current.formatted_reference
        subject = current.subject if current.channel == Channel.EMAIL else ""
        if subject and ref not in subject:
            subject = f"{subject} [{ref}]"
        if subject and not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        domain = (current.mailbox.address.rpartition("@")[2] or socket.getfqdn()).strip()
        message = Message.objects.create(
            conversation=current,
            direction=Direction.OUT,
            message_id=make_msgid(domain=domain) if current.channel == Channel.EMAIL else "",
            in_reply_to=previous.message_id if previous else "",
            references=" ".join(references),
            from_address=current.mailbox.address,
            from_name=current.partner.name,
            to=current.sender,
            subject=subject[:300],
            text=text,
            author=user,
            created_at=now,
            delivery=DeliveryState.QUEUED,
        )
        fields = ["last_message_at"]
        current.last_message_at = now
        if current.first_responded_at is None:
            current.first_responded_at = now
            fields.append("first_responded_at")
        if current.status == ConversationStatus.UNASSIGNED:
            current.status = ConversationStatus.CLAIMED
            current.assignee = user
            fields += ["status", "assignee"]
        current.save(update_fields=fields)
        # Queued until the worker has sent it (email by SMTP, text by GOV.UK Notify); then
        # sent, retrying or failed, and a text delivered or failed by Notify's receipt.
        transaction.on_commit(lambda: queue_reply(message.pk))
    return message


def queue_reply(message_id: int) -> None:
    from firstcontact.inbox.tasks import send_reply

    try:
        send_reply.enqueue(message_id)
    except Exception:  # kept as queued: `firstcontact process_inbox` sends it
        logger.exception("Inbox: reply %s could not be queued", message_id)


# Notify's delivery receipt statuses: https://docs.notifications.service.gov.uk (callbacks).
NOTIFY_FAILURES = {
    "permanent-failure": "The phone network could not deliver it: the number may be wrong.",
    "temporary-failure": "The phone was off or out of reach until Notify gave up.",
    "technical-failure": "GOV.UK Notify could not send it (a technical failure).",
}


def record_delivery_receipt(mailbox: Mailbox, *, notify_id: str, reference: str, status: str):
    """GOV.UK Notify's delivery receipt for a reply from this mailbox: delivered, or failed
    with the reason in words. Returns the message, or None when it is not one of ours."""
    status = (status or "").strip().lower()
    if status != "delivered" and status not in NOTIFY_FAILURES:
        return None  # "sending", "pending", "created": nothing new to show
    replies = Message.objects.filter(conversation__mailbox=mailbox, direction=Direction.OUT)
    match = re.fullmatch(r"inbox-(\d{1,18})", reference or "")
    with transaction.atomic():
        found = None
        if notify_id:
            found = (
                replies.select_for_update(of=("self",)).filter(provider_reference=notify_id).first()
            )
        if found is None and match:
            found = replies.select_for_update(of=("self",)).filter(pk=match.group(1)).first()
        if found is None:
            return None
        if status == "delivered":
            found.delivery, found.delivery_error = DeliveryState.DELIVERED, ""
        else:
            found.delivery, found.delivery_error = DeliveryState.FAILED, NOTIFY_FAILURES[status]
        if notify_id and not found.provider_reference:
            found.provider_reference = notify_id[:100]
        found.delivery_updated_at = timezone.now()
        fields = ["delivery", "delivery_error", "delivery_updated_at", "provider_reference"]
        found.save(update_fields=fields)
    return found


def replies_due() -> list[int]:
    """Replies the worker has not sent: queued for over five minutes (their task was lost) or
    due to be tried again (a backend that cannot defer)."""
    now = timezone.now()
    return list(
        Message.objects.filter(direction=Direction.OUT)
        .filter(
            Q(delivery=DeliveryState.QUEUED, created_at__lte=now - dt.timedelta(minutes=5))
            | Q(delivery=DeliveryState.RETRYING, next_attempt_at__lte=now)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def add_note(*, user: AbstractBaseUser, conversation: Conversation, text: str) -> Message:
    text = _clean_text((text or "").strip(), 10_000)
    if not text:
        raise ValidationError({"note": "Enter the note."})
    with transaction.atomic():
        current = _lock(user, conversation)
        return Message.objects.create(
            conversation=current, direction=Direction.NOTE, text=text, author=user
        )


def link_customer(
    *, user: AbstractBaseUser, conversation: Conversation, customer: Customer
) -> Conversation:
    from firstcontact.customers.selectors import visible_customers

    with transaction.atomic():
        current = _lock(user, conversation)
        if not visible_customers(user).filter(pk=customer.pk).exists():
            raise PermissionDenied("You cannot see that customer.")
        # The conversation is the mailbox partner's: its customer is one that partner may read
        # (a hub adviser's own customers are not the client's).
        if not readable_customers(current.partner_id).filter(pk=customer.pk).exists():
            raise PermissionDenied(f"{current.partner.name} cannot see that customer.")
        current.customer = customer
        current.save(update_fields=["customer"])
        if current.contact_id and current.contact.is_open:
            current.contact.customer = customer
            current.contact.save(update_fields=["customer"])
        record_audit_event(
            user=user,
            action=AuditEvent.Action.UPDATE,
            object_type="conversation",
            object_id=current.reference,
            customer_id=customer.pk,
            detail="linked to the conversation",
        )
    return current


def create_customer_for(
    *,
    user: AbstractBaseUser,
    conversation: Conversation,
    given_name: str,
    family_name: str,
) -> Customer:
    """A new customer held by the mailbox's partner, with the sender's address (or number) as
    their contact point, linked to the conversation. No consents are recorded: a message is
    not a customer agreeing to updates or to sharing (record those from the customer's page)."""
    from firstcontact.customers.services import create_customer

    sender = {"phones": [conversation.sender]}
    if conversation.channel == Channel.EMAIL:
        sender = {"emails": [conversation.sender]}
    with transaction.atomic():
        # Locked, so two advisers pressing "Add" at once do not make two customers.
        current = _lock(user, conversation)
        if current.customer_id is not None:
            raise ValidationError(
                {"family_name": "This conversation is already linked to a customer."}
            )
        customer = create_customer(
            user=user,
            partner=conversation.partner,
            given_name=given_name,
            family_name=family_name,
            preferred_channel=conversation.channel,
            **sender,
        )
        link_customer(user=user, conversation=conversation, customer=customer)
    return customer


RESOLVE_OUTCOMES = [
    (Outcome.RESOLVED, "Answered: resolved at first contact"),
    (Outcome.SIGNPOSTED, "Signposted elsewhere"),
    (Outcome.REFERRED, "Referred to a partner"),
    (Outcome.REQUEST_RAISED, "A service request was raised"),
]


def resolve(
    *, user: AbstractBaseUser, conversation: Conversation, outcome: str, note: str = ""
) -> Conversation:
    if outcome not in {value for value, _label in RESOLVE_OUTCOMES}:
        raise ValidationError({"outcome": "Choose how the conversation ended."})
    with transaction.atomic():
        current = _lock(user, conversation)
        if not current.is_open:
            raise ValidationError({"outcome": "This conversation is already resolved."})
        now = timezone.now()
        current.status = ConversationStatus.RESOLVED
        current.resolved_at = now
        if current.assignee_id is None:
            current.assignee = user
        current.save(update_fields=["status", "resolved_at", "assignee"])
        _end_contact(current, outcome, note, user, now)
    return current


def _end_contact(current: Conversation, outcome: str, note: str, user, now) -> None:
    contact = current.contact
    if contact is None or not contact.is_open:
        return
    if contact.adviser_id is None:
        contact.adviser = user
        contact.save(update_fields=["adviser"])
    end_contact(
        contact=contact,
        outcome=outcome,
        reasons=[current.service_request.service] if current.service_request else (),
        notes=note,
        ended_at=max(now, contact.started_at),
    )


def raise_request_from(
    *,
    user: AbstractBaseUser,
    conversation: Conversation,
    service: Service,
    description: str,
    location=None,
    attributes=None,
) -> ServiceRequest:
    """Raise a service request from the conversation: its words, its customer, its contact;
    photos go with it (re-encoded), documents as the request's files (PDF, Word, Excel,
    OpenDocument: checked by their content and size as any file kept with a request), and
    anything else a request cannot keep is named on it; the conversation is resolved as
    "request raised"."""
    from firstcontact.servicerequests.attachments import attach_evidence, check_file
    from firstcontact.servicerequests.models import RequestPhoto
    from firstcontact.servicerequests.photos import UnreadablePhoto, reencode_photo
    from firstcontact.servicerequests.services import raise_request

    with transaction.atomic():
        current = _lock(user, conversation)
        if not current.is_open:
            raise ValidationError({"service": "This conversation is resolved."})
        attachments = list(
            Attachment.objects.filter(
                message__conversation=current, state=AttachmentState.STORED
            ).order_by("pk")
        )
        ref = current.formatted_reference
        documents: list[tuple[str, bytes]] = []
        others: list[str] = []
        for attachment in attachments:
            if attachment.content_type.startswith("image/"):
                continue
            content = _read_file(attachment)
            try:
                if content is None:
                    raise ValidationError("unreadable")
                check_file(
                    UploadedFile(io.BytesIO(content), attachment.filename, size=len(content))
                )
            except ValidationError:
                others.append(attachment.filename)
            else:
                documents.append((attachment.filename, content))
        text = (description or "").strip()
        if others:
            text += f"\n\nAttachments with message {ref} (kept on the message): " + ", ".join(
                others
            )
        request = raise_request(
            user=user,
            service=service,
            channel=current.channel,
            location=location,
            description=text,
            attributes=attributes or {},
            customer=current.customer,
            contact=current.contact,
        )
        for attachment in attachments:
            if not attachment.content_type.startswith("image/") or not attachment.file:
                continue
            try:
                with attachment.file.open("rb") as fh:
                    clean, content_type = reencode_photo(fh, name="photo")
            except (UnreadablePhoto, OSError):
                continue
            photo = RequestPhoto(request=request, content_type=content_type, size=clean.size)
            photo.file.save("photo", clean, save=True)
        # Sent by the resident: kept as theirs, checked again by content as they are stored.
        attach_evidence(
            request,
            [("", f"Sent with message {ref}", name, ContentFile(data)) for name, data in documents],
        )
        current.service_request = request
        current.save(update_fields=["service_request"])
        now = timezone.now()
        current.status = ConversationStatus.RESOLVED
        current.resolved_at = now
        if current.assignee_id is None:
            current.assignee = user
        current.save(update_fields=["status", "resolved_at", "assignee"])
        _end_contact(current, Outcome.REQUEST_RAISED, "", user, now)
    return request
