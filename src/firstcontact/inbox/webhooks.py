"""Inbound webhooks: raw MIME from a mail gateway, GOV.UK Notify's received-text callback, and
a generic SMS gateway's post. Each is authenticated by the mailbox's secret as a bearer token
(compared in constant time); an unknown mailbox and a wrong secret get the same answer. Every
answer is JSON; a failure to store is a 503 (the sender retries), never a 500."""

from __future__ import annotations

import hmac
import json
import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from firstcontact.inbox import checks
from firstcontact.inbox.models import Mailbox, Source
from firstcontact.inbox.services import record_delivery_receipt, store_raw, store_sms

logger = logging.getLogger("firstcontact.inbox")

SMS_BODY_MAX = 10_000


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _authorised(request: HttpRequest, pk: int) -> Mailbox | None:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    token = token or request.headers.get("X-Inbound-Secret", "").strip()
    mailbox = Mailbox.objects.filter(pk=pk, active=True).select_related("partner").first()
    # Compare even when there is no mailbox, so the answer takes as long either way.
    expected = mailbox.webhook_secret if mailbox is not None else "x" * 43
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        return None
    return mailbox


def _guarded(view):
    def wrapper(request: HttpRequest, pk: int) -> JsonResponse:
        if request.method != "POST":
            response = _error(405, "Send messages with POST.")
            response["Allow"] = "POST"
            return response
        mailbox = _authorised(request, pk)
        if mailbox is None:
            return _error(
                401, "Unknown mailbox or wrong secret: send 'Authorization: Bearer <secret>'."
            )
        try:
            return view(request, mailbox)
        except Exception:  # noqa: BLE001 - the sender should retry, not see a crash
            logger.exception("Inbox: webhook for mailbox %s failed", pk)
            return _error(503, "The message could not be stored just now: try again later.")

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _stored(row, created: bool) -> JsonResponse:
    return JsonResponse(
        {"stored": True, "id": row.pk, "duplicate": not created}, status=202 if created else 200
    )


@_guarded
def email_webhook(request: HttpRequest, mailbox: Mailbox) -> JsonResponse:
    """The body is the RFC 822 message itself (Content-Type message/rfc822)."""
    limit = checks.setting("MAX_MESSAGE_BYTES")
    length = request.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        return _error(413, f"Messages are limited to {limit // (1024 * 1024)} MB.")
    # Read from the stream (request.body refuses anything over DATA_UPLOAD_MAX_MEMORY_SIZE,
    # 2.5 MB, and messages with attachments are larger); up to the inbox's own limit.
    raw = request.read(limit + 1)
    if not raw.strip():
        return _error(400, "The body is empty: post the raw message (message/rfc822).")
    if len(raw) > limit:
        return _error(413, f"Messages are limited to {limit // (1024 * 1024)} MB.")
    if b":" not in raw[:4096]:
        return _error(400, "That is not an email message: it has no headers.")
    row, created = store_raw(mailbox, raw, source=Source.WEBHOOK)
    return _stored(row, created)


def _json_body(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@_guarded
def notify_webhook(request: HttpRequest, mailbox: Mailbox) -> JsonResponse:
    """GOV.UK Notify's received-text-message callback: JSON with id, source_number,
    destination_number, message and date_received."""
    data = _json_body(request)
    if data is None:
        return _error(400, "Send the callback as a JSON object.")
    missing = [k for k in ("id", "source_number", "message") if not str(data.get(k) or "")]
    if missing:
        return _error(400, f"Missing: {', '.join(missing)}.")
    body = str(data["message"])
    if len(body) > SMS_BODY_MAX:
        return _error(413, "The message is too long.")
    row = store_sms(
        mailbox,
        source=Source.NOTIFY,
        sender=str(data["source_number"])[:40],
        body=body,
        id=str(data["id"])[:60],
        to=str(data.get("destination_number") or "")[:40],
        received_at=str(data.get("date_received") or "")[:40],
    )
    return JsonResponse({"stored": True, "id": row.pk}, status=202)


@_guarded
def sms_webhook(request: HttpRequest, mailbox: Mailbox) -> JsonResponse:
    """Other SMS gateways: JSON or a form with `from` and `body` (or Twilio's From and Body),
    and optionally `id`, the gateway's id for the message (a retry is then one message)."""
    if request.content_type == "application/json":
        data = _json_body(request)
        if data is None:
            return _error(400, "Send a JSON object with 'from' and 'body'.")
    else:
        data = request.POST.dict()
    sender = str(data.get("from") or data.get("From") or "").strip()
    body = str(data.get("body") or data.get("Body") or data.get("text") or "")
    message_id = str(data.get("id") or data.get("MessageSid") or "")
    if not sender or not body.strip():
        return _error(400, "Give the sender's number as 'from' and the message as 'body'.")
    if len(body) > SMS_BODY_MAX:
        return _error(413, "The message is too long.")
    row = store_sms(mailbox, source=Source.SMS, sender=sender[:40], body=body, id=message_id[:60])
    return JsonResponse({"stored": True, "id": row.pk}, status=202)


@_guarded
def notify_status_webhook(request: HttpRequest, mailbox: Mailbox) -> JsonResponse:
    """GOV.UK Notify's delivery receipt callback: JSON with id (Notify's), reference (ours,
    "inbox-<message>"), status ("delivered", "permanent-failure", "temporary-failure",
    "technical-failure") and notification_type. A receipt for something not sent from
    this mailbox is answered 200 and changes nothing (Notify would retry anything else)."""
    data = _json_body(request)
    if data is None:
        return _error(400, "Send the callback as a JSON object.")
    if not str(data.get("status") or "") or not (data.get("id") or data.get("reference")):
        return _error(400, "Missing: id or reference, and status.")
    message = record_delivery_receipt(
        mailbox,
        notify_id=str(data.get("id") or "")[:100],
        reference=str(data.get("reference") or "")[:100],
        status=str(data["status"])[:40],
    )
    if message is None:
        return JsonResponse({"updated": False})
    return JsonResponse({"updated": True, "delivery": message.delivery})
