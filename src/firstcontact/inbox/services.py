"""Messages in: store the raw message first, then (in the task worker) read it, thread it into a
conversation, match the sender to a customer, and acknowledge it once. Staff actions on a
conversation: claim, reply, note, link a customer, raise a request, resolve.

Never lost: `store_raw` commits the bytes before anything else happens; `process_raw` is
idempotent (a raw message is processed once, under a row lock, and a message whose Message-ID
is already in a conversation of the mailbox is recorded as a duplicate, not added again)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import socket
from email.utils import make_msgid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from firstcontact import cache as shared_cache
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
    existing = RawMessage.objects.filter(mailbox=mailbox, digest=digest).first()
    if existing is not None:
        return existing, False
    try:
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
        # Stored meanwhile by another process (two pollers, or a gateway's retry).
        return RawMessage.objects.get(mailbox=mailbox, digest=digest), False
    transaction.on_commit(lambda: enqueue_processing(row.pk))
    return row, True


def _quick_message_id(raw: bytes) -> str:
    """The Message-ID from the headers, without parsing the whole message."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"(?im)^message-id:\s*(<[^<>\s]+>)", head)
    return match.group(1).decode("ascii", "replace") if match else ""


def enqueue_processing(raw_id: int) -> None:
    from firstcontact.inbox.tasks import process_message

    try:
        process_message.enqueue(raw_id)
    except Exception:  # the raw message is kept; `process_inbox` picks it up later
        logger.exception("Inbox: message %s could not be queued", raw_id)


def store_sms(mailbox: Mailbox, *, source: str, sender: str, body: str, **extra) -> RawMessage:
    """A received text message, stored as JSON. `extra["id"]`, a provider's id for the
    message, makes a retried callback one message."""
    payload = {"from": sender, "body": body, **{k: v for k, v in extra.items() if v}}
    raw = json.dumps(payload, sort_keys=True, default=str).encode()
    digest = f"{source}:{extra['id']}"[:64] if extra.get("id") else ""
    row, _created = store_raw(mailbox, raw, source=source, digest=digest)
    return row


# --- processing ---------------------------------------------------------------------------


def process_raw(raw_id: int, *, ignore_rate_limit: bool = False) -> str:
    """Turn a stored message into a conversation entry. Safe to run twice, or after a worker
    died half-way (everything below is one transaction)."""
    try:
        with transaction.atomic():
            raw = (
                RawMessage.objects.select_for_update(of=("self",))
                .select_related("mailbox", "mailbox__first_response_policy")
                .filter(pk=raw_id)
                .first()
            )
            if raw is None:
                return "missing"
            if raw.state not in {RawState.PENDING, RawState.FAILED} and not (
                ignore_rate_limit and raw.state == RawState.RATE_LIMITED
            ):
                return raw.state
            state = _process(raw, ignore_rate_limit=ignore_rate_limit)
            raw.state = state
            raw.processed_at = timezone.now()
            raw.error = ""
            raw.attempts += 1
            raw.save(update_fields=["state", "processed_at", "error", "attempts"])
            return state
    except Exception as exc:
        logger.exception("Inbox: message %s could not be processed", raw_id)
        RawMessage.objects.filter(pk=raw_id).update(
            state=RawState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return RawState.FAILED


def _process(raw: RawMessage, *, ignore_rate_limit: bool) -> str:
    mailbox = raw.mailbox
    data = bytes(raw.raw)
    if raw.source in {Source.NOTIFY, Source.SMS}:
        parsed = _parse_sms(data)
        channel = Channel.SMS
    else:
        parsed = parse(data)
        channel = Channel.EMAIL
    if parsed.message_id and raw.message_id != parsed.message_id:
        raw.message_id = parsed.message_id[:998]
        raw.save(update_fields=["message_id"])
    if (
        parsed.message_id
        and Message.objects.filter(
            conversation__mailbox=mailbox, message_id=parsed.message_id
        ).exists()
    ):
        return RawState.DUPLICATE
    sender = _sender(parsed, channel)
    conversation = _thread(mailbox, parsed, channel, sender)
    if conversation is None and parsed.automatic:
        # An out-of-office or a bounce about nothing we know: kept, never answered.
        return RawState.AUTOMATIC
    if conversation is None and not ignore_rate_limit and _over_limit(mailbox, sender):
        return RawState.RATE_LIMITED
    received = _received_at(parsed, raw)
    new = conversation is None
    if new:
        conversation = _new_conversation(mailbox, parsed, channel, sender, received)
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
    if not parsed.automatic:
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=received)
    if new and not parsed.automatic:
        _acknowledge(conversation)
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


def _over_limit(mailbox: Mailbox, sender: str) -> bool:
    window = checks.setting("SENDER_WINDOW_SECONDS")
    bucket = int(timezone.now().timestamp()) // window
    key = f"inbox:sender:{mailbox.pk}:{hashlib.sha256(sender.encode()).hexdigest()[:32]}:{bucket}"
    return shared_cache.hit(key, window) > checks.setting("SENDER_LIMIT")


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


def readable_customers(partner_id: int):
    """Customers a partner may read (docs/access.md): its own, and another partner's shared
    with it by an agreement covering identity, with the customer's consent naming it."""
    providers = [
        provider
        for provider, categories in DataSharingAgreement.objects.in_force()
        .filter(recipient_id=partner_id)
        .values_list("provider_id", "categories")
        if DataCategory.IDENTITY in (categories or [])
    ]
    consent = Consent.objects.current().filter(
        customer=OuterRef("pk"),
        purpose=ConsentPurpose.SHARE_WITH_PARTNERS,
        recipient_id=partner_id,
    )
    return Customer.objects.filter(
        Q(partner_id=partner_id) | Q(partner_id__in=providers) & Exists(consent)
    )


def match_customers(partner_id: int, channel: str, sender: str):
    scope = readable_customers(partner_id)
    if channel == Channel.SMS:
        return scope.filter(phones__number=sender).distinct()
    return scope.filter(emails__address__lower=sender.lower()).distinct()


def _new_conversation(
    mailbox: Mailbox, parsed: ParsedMessage, channel: str, sender: str, received: dt.datetime
) -> Conversation:
    service_request = None
    refs = references_in(parsed.subject if channel == Channel.EMAIL else parsed.text)
    if refs:
        service_request = ServiceRequest.objects.filter(
            reference__in=refs, responsible_partner=mailbox.partner
        ).first()
    customer = service_request.customer if service_request and service_request.customer else None
    if customer is None:
        matches = list(match_customers(mailbox.partner_id, channel, sender)[:2])
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


ACKNOWLEDGEMENT = (
    "Thank you for your message. We have received it and will reply as soon as we can."
)


def _acknowledge(conversation: Conversation) -> None:
    """The automatic acknowledgement, once per conversation, with its reference."""
    from firstcontact.notify.services import queue_notification

    mailbox = conversation.mailbox
    if not mailbox.acknowledge or conversation.sender == "unknown":
        return
    updated = Conversation.objects.filter(pk=conversation.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
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
    queue_notification(
        channel=conversation.channel,
        recipient=conversation.sender,
        subject=f"We have received your message [{ref}]",
        body=body,
    )


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
        if current.channel == Channel.SMS:
            from firstcontact.notify.services import queue_notification

            queue_notification(channel="sms", recipient=current.sender, subject="", body=text)
            Message.objects.filter(pk=message.pk).update(delivery=DeliveryState.SENT)
        else:
            from firstcontact.inbox.tasks import send_reply

            transaction.on_commit(lambda: send_reply.enqueue(message.pk))
    return message


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
    photos go with it (re-encoded), other attachments are listed on it; the conversation is
    resolved as "request raised"."""
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
        others = [a.filename for a in attachments if not a.content_type.startswith("image/")]
        text = (description or "").strip()
        if others:
            text += f"\n\nAttachments with message {current.formatted_reference}: " + ", ".join(
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
